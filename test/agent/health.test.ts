// readinessCheck: the mount state first, then a read by a child process with a deadline;
// probes share a running read and reuse a fresh result. Runs against plain directories
// standing in for the mountpoint (the read path is the same `cat` of <mnt>/proc/meminfo;
// test/integration/http-endpoint.test.ts does it through a real mount).
import t, { type Test } from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readinessCheck } from '../../src/agent/health.js';

function mountpoint(t: Test, meminfo?: string): string {
  const dir = t.testdir();
  mkdirSync(join(dir, 'proc'));
  if (meminfo !== undefined) writeFileSync(join(dir, 'proc/meminfo'), meminfo);
  return dir;
}

t.test('not mounted: not ready, and nothing is read', async (t) => {
  const dir = mountpoint(t); // no meminfo: a read would fail differently
  const check = readinessCheck({ mountpoint: dir, isMounted: () => false });
  t.same(await check(), { ready: false, reason: `not mounted at ${dir}` });
});

t.test('mounted and the file reads as meminfo: ready', async (t) => {
  const check = readinessCheck({ mountpoint: mountpoint(t, 'MemTotal:  1024 kB\nMemFree: 1 kB\n'), isMounted: () => true });
  t.same(await check(), { ready: true, reason: 'ok' });
});

t.test('a failing read says why', async (t) => {
  const missing = readinessCheck({ mountpoint: mountpoint(t), isMounted: () => true });
  const r1 = await missing();
  t.equal(r1.ready, false);
  t.match(r1.reason, /reading .*proc\/meminfo failed: .*No such file/);
  const wrong = readinessCheck({ mountpoint: mountpoint(t, 'hello\n'), isMounted: () => true });
  t.match(await wrong(), { ready: false, reason: /does not start with MemTotal:/ });
});

t.test('a read that hangs is killed at the deadline', async (t) => {
  const dir = mountpoint(t);
  execFileSync('mkfifo', [join(dir, 'proc/meminfo')]); // no writer: cat blocks in open
  const check = readinessCheck({ mountpoint: dir, isMounted: () => true, timeoutMs: 200 });
  const started = Date.now();
  const result = await check();
  t.match(result, { ready: false, reason: /no answer within 200 ms/ });
  t.ok(Date.now() - started < 5000, 'the probe returned');
});

t.test('concurrent probes share one read; a fresh result is reused, an old one is not', async (t) => {
  const dir = mountpoint(t, 'MemTotal: 1 kB\n');
  let clock = 0;
  let asked = 0;
  const check = readinessCheck({ mountpoint: dir, isMounted: () => { asked++; return true; }, reuseMs: 1000, now: () => clock });
  const [a, b] = [check(), check()];
  t.equal(a, b, 'the same pending read');
  t.same(await a, { ready: true, reason: 'ok' });
  writeFileSync(join(dir, 'proc/meminfo'), 'broken\n');
  clock = 999;
  t.same(await check(), { ready: true, reason: 'ok' }, 'within reuseMs: the last result');
  clock = 1000;
  t.match(await check(), { ready: false }, 'then read again');
  t.equal(asked, 4, 'the mount state is asked on every probe');
});
