import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { accessibleRanges, cpuTicks, Daemon, daemonSpec, mountsUnder, rssKiB, statTicks } from '../../src/bench/daemons.js';
import { benchPaths } from '../../src/bench/environment.js';
import { requirePrivileges } from '../helpers/env.js';
import { isMounted, tempDir } from '../helpers/daemon.js';

const BINS = { cli: benchPaths().cli, lxcfs: '/usr/bin/lxcfs' };

t.test('both daemons get the same flags, their own mountpoint and pidfile', async (t) => {
  t.same(daemonSpec('lxcfs-node', '/tmp/b', ['-l'], BINS),
    { name: 'lxcfs-node', command: BINS.cli, args: ['-l', '-p', '/tmp/b/lxcfs-node.pid', '/tmp/b/lxcfs-node'], mountpoint: '/tmp/b/lxcfs-node' },
    'dist/bin.js run as itself, with the V8 flags of its shebang');
  t.same(daemonSpec('lxcfs', '/tmp/b', ['-l'], BINS),
    { name: 'lxcfs', command: '/usr/bin/lxcfs', args: ['-f', '-l', '-p', '/tmp/b/lxcfs.pid', '/tmp/b/lxcfs'], mountpoint: '/tmp/b/lxcfs' });
});

t.test('utime + stime, whatever the command name', async (t) => {
  const rest = 'S 1 2 3 4 5 6 7 8 9 10 250 31 12 13 20 0 3';
  t.equal(statTicks(`123 (node) ${rest}`), 281);
  t.equal(statTicks(`123 (a b) (c) ${rest}`), 281);
  const before = cpuTicks([process.pid]);
  for (const end = Date.now() + 100; Date.now() < end;) { /* burn 10 ticks */ }
  t.ok(cpuTicks([process.pid]) > before, 'CPU time grows');
  t.throws(() => cpuTicks([2 ** 22 + 1]), { code: 'ENOENT' }, 'a vanished daemon is an error, not zero');
});

t.test('resident memory: every physical page once, over the whole tree', async (t) => {
  t.same(accessibleRanges([
    '00400000-00452000 r-xp 00000000 08:02 173521 /usr/bin/node',
    '7f0000000000-7f0100000000 ---p 00000000 00:00 0',
    '7ffd1000-7ffd3000 rw-p 00000000 00:00 0 [stack]',
    '7ffe0000-7ffe1000 rw-s 00000000 00:01 5 /dev/zero (deleted)',
  ].join('\n')), [[0x400000n, 0x452000n], [0x7ffd1000n, 0x7ffd3000n], [0x7ffe0000n, 0x7ffe1000n]], 'PROT_NONE reservations left out');
  const own = rssKiB([process.pid]);
  const vmRss = Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))![1]);
  t.ok(own > 10_000 && own <= vmRss * 1.1, `our own pages (${own} KiB) ≈ VmRSS (${vmRss} KiB)`);
  // Two sleeping processes: their pages do not change while they are measured.
  const sleepers = [0, 1].map(() => spawn('sleep', ['30'], { stdio: 'ignore' }));
  t.teardown(() => { for (const s of sleepers) s.kill('SIGKILL'); });
  await new Promise((r) => setTimeout(r, 200));
  const [a, b] = sleepers.map((s) => s.pid!) as [number, number];
  const one = rssKiB([a]);
  t.equal(rssKiB([a, a]), one, 'a pid listed twice counts once');
  const both = rssKiB([a, b]);
  t.ok(both < one + rssKiB([b]), `two processes share the executable's and libc's pages: ${both} < ${one} + ${rssKiB([b])}`);
  t.ok(both > one, 'each has pages of its own (stack, heap)');
});

t.test('mounts under a directory, deepest first, escapes undone', async (t) => {
  const info = [
    '36 25 0:32 / /tmp/b/lxcfs rw - fuse.lxcfs lxcfs rw',
    '37 25 0:33 / /tmp/b/lxcfs-node rw - fuse.lxcfs-node lxcfs-node rw',
    '38 37 0:34 / /tmp/b/with\\040space/x rw - tmpfs tmpfs rw',
    '39 25 0:35 / /tmp/bb rw - tmpfs tmpfs rw',
  ].join('\n');
  t.same(mountsUnder(info, '/tmp/b'), ['/tmp/b/with space/x', '/tmp/b/lxcfs-node', '/tmp/b/lxcfs']);
  t.same(mountsUnder(info, '/tmp/c'), []);
});

t.test('a daemon that dies at start-up fails ready() with its stderr', async (t) => {
  const d = new Daemon({ name: 'lxcfs', command: 'sh', args: ['-c', 'echo no fuse here >&2; exit 3'], mountpoint: join(t.testdir(), 'm') });
  await t.rejects(d.ready(), /lxcfs exited during start-up: no fuse here/);
  t.equal(d.running(), false);
  await d.stop();
});

t.test('stop() kills what ignores SIGTERM', async (t) => {
  const d = new Daemon({ name: 'lxcfs', command: process.execPath,
    args: ['-e', 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1000)'], mountpoint: join(t.testdir(), 'm') });
  await new Promise((r) => setTimeout(r, 300));
  t.equal(d.running(), true);
  const started = Date.now();
  await d.stop();
  t.equal(d.running(), false);
  t.ok(Date.now() - started >= 4900, 'after 5 s of SIGTERM');
});

t.test('lxcfs-node for real: serves, pins every thread, stops unmounted', async (t) => {
  if (!requirePrivileges(t)) return;
  const dir = tempDir(t);
  const d = new Daemon(daemonSpec('lxcfs-node', dir, [], BINS));
  t.teardown(() => d.stop());
  await d.ready();
  t.ok(isMounted(d.spec.mountpoint));
  d.pin('0');
  for (const tid of readdirSync(`/proc/${d.pids()[0]}/task`)) {
    t.match(readFileSync(`/proc/${d.pids()[0]}/task/${tid}/status`, 'utf8'), /^Cpus_allowed_list:\t0$/m, `thread ${tid}`);
  }
  t.ok(rssKiB(d.pids()) > 10_000);
  await d.stop();
  t.equal(d.running(), false);
  t.notOk(isMounted(d.spec.mountpoint), 'SIGTERM unmounts');
});
