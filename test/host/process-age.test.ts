import { readFileSync } from 'node:fs';
import t from 'tap';
import type { HostPath } from '../../src/files/types.js';
import { LxcfsError } from '../../src/errors.js';
import { parseUptimeTicks, processAge, USER_HZ } from '../../src/host/process-age.js';

const fixtureHost = (dir: string) => (file: HostPath): string =>
  readFileSync(new URL(`../fixtures/${dir}/${file.root}/${file.path}`, import.meta.url), 'latin1');

const files = (map: Record<string, string>) => (file: HostPath): string => {
  const text = map[`${file.root}/${file.path}`];
  if (text === undefined) throw new LxcfsError('LXCFS_HOST_UNREADABLE', file.path);
  return text;
};

const statLine = (start: number | string): string =>
  `77 (init x) S 1 77 77 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 ${start} 1000 10 18446744073709551615 0 0\n`;

t.test('USER_HZ', async (t) => {
  t.equal(USER_HZ, 100);
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
