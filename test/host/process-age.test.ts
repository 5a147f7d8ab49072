import { readFileSync } from 'node:fs';
import t from 'tap';
import type { HostPath } from '../../src/files/types.js';
import { LxcfsError } from '../../src/errors.js';
import { containerAge, NS_PER_TICK, parseUptimeTicks, processAge, reaperOf, ticksOfNs, USER_HZ } from '../../src/host/process-age.js';

const fixtureHost = (dir: string) => (file: HostPath): string =>
  readFileSync(new URL(`../fixtures/${dir}/${file.root}/${file.path}`, import.meta.url), 'latin1');

const files = (map: Record<string, string>) => (file: HostPath): string => {
  const text = map[`${file.root}/${file.path}`];
  if (text === undefined) throw new LxcfsError('LXCFS_HOST_UNREADABLE', file.path);
  return text;
};

const statLine = (start: number | string): string =>
  `77 (init x) S 1 77 77 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 ${start} 1000 10 18446744073709551615 0 0\n`;

t.test('USER_HZ, NS_PER_TICK, ticksOfNs', async (t) => {
  t.equal(USER_HZ, 100);
  t.equal(NS_PER_TICK, 10_000_000n);
  t.equal(ticksOfNs(25_999_999n), 2n, 'truncated');
  t.equal(ticksOfNs(-5n), 0n);
  t.equal(ticksOfNs(0n), 0n);
});

t.test('parseUptimeTicks: hundredths of a second', async (t) => {
  t.equal(parseUptimeTicks('3980.74 4902.73\n'), 398074);
  t.equal(parseUptimeTicks('0.05 0.00\n'), 5);
  t.equal(parseUptimeTicks('12.30\n'), 1230);
  for (const bad of ['', '\n', '3980 4902.73\n', '3980.7 1.00\n', '3980.744 1.00\n', '.74 1.00\n', '-1.00 1.00\n', '3980.74', ' 3980.74 1\n', '39x0.74 1\n']) {
    t.equal(parseUptimeTicks(bad), null, JSON.stringify(bad));
  }
});

t.test('age of a process from fixture trees', async (t) => {
  t.same(processAge(fixtureHost('host-stat-8cpu'), 4242), { uptimeTicks: 18720000, startTicks: 18360000, ageTicks: 360000 });
  t.same(processAge(fixtureHost('host-stat-256cpu'), 4242), { uptimeTicks: 86400000, startTicks: 86375000, ageTicks: 25000 });
  const local = processAge(fixtureHost('host-stat-local'), 1);
  t.equal(local.startTicks, 26, 'this machine\'s pid 1 started 0.26 s after boot');
  t.equal(local.ageTicks, local.uptimeTicks - 26);
});

t.test('a start after the uptime sample (race) gives age 0, never negative', async (t) => {
  const age = processAge(files({ 'proc/77/stat': statLine(5000), 'proc/uptime': '49.99 1.00\n' }), 77);
  t.equal(age.ageTicks, 0);
});

t.test('gone process, unreadable or malformed inputs → LxcfsError', async (t) => {
  t.throws(() => processAge(files({ 'proc/uptime': '1.00 1.00\n' }), 77), { code: 'LXCFS_HOST_UNREADABLE' });
  t.throws(() => processAge(files({ 'proc/77/stat': statLine(1) }), 77), { code: 'LXCFS_HOST_UNREADABLE' });
  t.throws(() => processAge(files({ 'proc/77/stat': '77 (init', 'proc/uptime': '1.00 1.00\n' }), 77), { code: 'LXCFS_PARSE' });
  t.throws(() => processAge(files({ 'proc/77/stat': statLine(1), 'proc/uptime': 'soon\n' }), 77), { code: 'LXCFS_PARSE' });
});

t.test('containerAge: the init of the caller\'s pid namespace, pid 1 in the daemon\'s own', async (t) => {
  const host = files({
    'proc/uptime': '1000.00 1.00\n',
    'proc/1/stat': statLine(26),
    'proc/1/status': 'Name:\tsystemd\nNSpid:\t1\n',
    'proc/77/stat': statLine(90000),
    'proc/77/status': 'Name:\tinit\nNSpid:\t77\t1\n',
    'proc/88/stat': statLine(99990),
    'proc/88/status': 'Name:\tcat\nNSpid:\t88\n',
    'proc/99/stat': statLine(95000),
    'proc/99/status': 'Name:\tsh\n',
  });
  const ctx = (init: number) => ({ initPid: () => init, hostFile: host });
  t.same(containerAge(ctx(77)), { pid: 77, uptimeTicks: 100000, startTicks: 90000, ageTicks: 10000 }, 'a container init: its own age');
  t.same(containerAge(ctx(88)), { pid: 1, uptimeTicks: 100000, startTicks: 26, ageTicks: 99974 }, 'a reader in the daemon\'s namespace: pid 1 (the host\'s uptime), not its own 0.1 s');
  t.equal(reaperOf(ctx(1)), 1, 'pid 1 itself');
  t.equal(reaperOf(ctx(99)), 99, 'no NSpid (kernel < 4.1): the resolver\'s answer');
  t.throws(() => containerAge(ctx(55)), { code: 'LXCFS_HOST_UNREADABLE' }, 'a vanished init');
  t.throws(() => containerAge({ initPid: () => { throw new LxcfsError('LXCFS_CALLER_GONE'); }, hostFile: host }), { code: 'LXCFS_CALLER_GONE' });
});
