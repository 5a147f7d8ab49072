// Children with deadlines: batches of reads, listings and their failures, on plain files,
// on a FIFO nobody writes to (a read that never answers, as a hung FUSE request) and on a
// command that cannot start.
import { execFileSync } from 'node:child_process';
import t from 'tap';
import { requirePrivileges } from '../helpers/env.js';
import { probeInChild, readInChild, readInPidNamespace, runBatch } from '../../src/doctor/child.js';

t.test('readInChild: whole files, or the error code, in order', async (t) => {
  const dir = t.testdir({ f: 'hello\nworld\n', g: '' });
  t.same(await readInChild([`${dir}/f`, `${dir}/missing`, dir, `${dir}/g`]), [
    { ok: true, text: 'hello\nworld\n' },
    { ok: false, error: 'ENOENT', timedOut: false },
    { ok: false, error: 'EISDIR', timedOut: false },
    { ok: true, text: '' },
  ]);
});

t.test('probeInChild: live, or the error (a dead mount: test/doctor/integration.test.ts)', async (t) => {
  const dir = t.testdir({ d: {}, f: '' });
  t.same(await probeInChild(`${dir}/d`), { state: 'live' });
  t.same(await probeInChild(`${dir}/f`), { state: 'error', detail: 'ENOTDIR' });
  t.same(await probeInChild(`${dir}/nothing`), { state: 'error', detail: 'ENOENT' });
});

t.test('a read that never answers times out after the deadline; the others still answer', async (t) => {
  const dir = t.testdir({ f: 'x' });
  execFileSync('mkfifo', [`${dir}/fifo`]);
  const started = Date.now();
  const results = await readInChild([`${dir}/fifo`, `${dir}/f`], 400);
  const took = Date.now() - started;
  t.same(results, [{ ok: false, error: 'no answer within 0.4 s', timedOut: true }, { ok: true, text: 'x' }]);
  t.ok(took >= 390 && took < 10_000, `gave up after ${took} ms`);
  t.match(await probeInChild(`${dir}/fifo`, 200), { state: 'error', detail: 'ENOTDIR' });
});

t.test('a command that cannot start, or fails before the script runs', async (t) => {
  t.match(await runBatch(['/nonexistent/cmd'], 'read', ['/x'], 1000), [{ ok: false, timedOut: false, error: /\/nonexistent\/cmd: spawn .*ENOENT/ }]);
  t.match(await runBatch(['sh', '-c', 'echo nope >&2; exit 3'], 'read', ['/x', '/y'], 1000),
    [{ ok: false, error: 'nope', timedOut: false }, { ok: false, error: 'nope', timedOut: false }]);
});

t.test('readInPidNamespace reads as a process of that pid namespace', async (t) => {
  // Our own pid: nsenter joins the namespace we are in, which needs root like the real use.
  if (!requirePrivileges(t)) return;
  const dir = t.testdir({ f: 'x' });
  t.same(await readInPidNamespace(process.pid, `${dir}/f`), { ok: true, text: 'x' });
  t.match(await readInPidNamespace(4_000_000, `${dir}/f`), { ok: false, error: /nsenter/ }, 'no such process');
});
