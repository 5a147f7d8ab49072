// pid-values over the fixture node: the expected MemTotal comes from the daemon's own
// resolver, cgroup reader and meminfo figures; the view from the injected reader.
import { rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { detectLayout } from '../../src/cgroup/layout.js';
import type { ReadResult } from '../../src/doctor/child.js';
import { checkPidValues, gatherPidValues } from '../../src/doctor/pid-values.js';
import { buildFixture, HOST_KB, HOST_MEMINFO, LIMIT_KB, meminfoWith, PID } from './fixture.js';

function gather(t: Test, view: ReadResult, edit?: (procRoot: string, cgroupRoot: string) => void) {
  const fx = buildFixture(t);
  edit?.(fx.options.procRoot, fx.options.cgroupRoot);
  const asked: string[] = [];
  return gatherPidValues({
    procRoot: fx.options.procRoot, pid: PID, layout: detectLayout(fx.options.cgroupRoot), timeoutMs: 321,
    readAsPid: async (pid, path, ms) => { asked.push(`${pid} ${path} ${ms}`); return view; },
  }).then((state) => ({ state, asked, fx }));
}

t.test('the limit seen: ok, read through the process\'s root', async (t) => {
  const { state, asked, fx } = await gather(t, { ok: true, text: meminfoWith(LIMIT_KB) });
  t.match(state, { kind: 'read', expected: { memTotalKb: BigInt(LIMIT_KB), hostKb: BigInt(HOST_KB), limit: BigInt(LIMIT_KB * 1024), cgroup: '/pod/ctr' } });
  t.same(asked, [`${PID} ${join(fx.options.procRoot, String(PID), 'root/proc/meminfo')} 321`]);
  t.same(checkPidValues(PID, state), { check: 'pid-values', status: 'ok', message: `process ${PID} sees MemTotal ${LIMIT_KB} kB (the limit of 256 MiB; memory cgroup /pod/ctr)` });
});

t.test('no limit: the host\'s MemTotal is expected', async (t) => {
  const { state } = await gather(t, { ok: true, text: HOST_MEMINFO }, (_, cg) => writeFileSync(join(cg, 'pod/ctr/memory.max'), 'max\n'));
  t.match(checkPidValues(PID, state), { status: 'ok', message: /MemTotal 16384000 kB \(no memory limit, so the host's/ });
});

t.test('wrong values fail, saying what was seen and what was expected', async (t) => {
  const host = await gather(t, { ok: true, text: HOST_MEMINFO });
  t.match(checkPidValues(PID, host.state), { status: 'fail', message: `process ${PID} sees MemTotal ${HOST_KB} kB (the host's), expected MemTotal ${LIMIT_KB} kB`, fix: /host_fallbacks/ });
  const other = await gather(t, { ok: true, text: meminfoWith(1000) });
  t.match(checkPidValues(PID, other.state), { status: 'fail', message: /sees MemTotal 1000 kB, expected/ });
  const garbage = await gather(t, { ok: true, text: 'hello\n' });
  t.match(checkPidValues(PID, garbage.state), { status: 'fail', message: /a \/proc\/meminfo without MemTotal/ });
});

t.test('a failed or hung read fails', async (t) => {
  const { state } = await gather(t, { ok: false, error: 'no answer within 0.3 s', timedOut: true });
  t.match(checkPidValues(PID, state), { status: 'fail', message: /cannot be read \(hung\): no answer/ });
});

t.test('a process in the doctor\'s own pid namespace is left out, unread', async (t) => {
  const { state, asked } = await gather(t, { ok: true, text: '' }, (proc) => {
    rmSync(join(proc, String(PID), 'ns/pid'));
    symlinkSync('pid:[4026531836]', join(proc, String(PID), 'ns/pid'));
  });
  t.same(state, { kind: 'own-namespace' });
  t.same(asked, []);
  t.equal(checkPidValues(PID, state), null);
});

t.test('an unreadable cgroup fails: the daemon cannot read it either', async (t) => {
  const { state, asked } = await gather(t, { ok: true, text: '' }, (_, cg) => rmSync(join(cg, 'pod'), { recursive: true }));
  t.match(state, { kind: 'unknown', error: /pod\/ctr/ });
  t.same(asked, []);
  t.match(checkPidValues(PID, state), { status: 'fail', message: /memory limit of process 4242 cannot be read/ });
});
