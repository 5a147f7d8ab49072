import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { loadavgLine } from '../../src/files/proc-loadavg.js';
import {
  EXP_1, EXP_15, EXP_5, FIXED_1, LOAD_FREQ_MS, type LoadavgSamplerOptions, LoadavgSampler, PROCS_DEPTH,
  type ProcsSource, type Schedule, calcLoad, threadState,
} from '../../src/services/loadavg.js';

const FORMAT = /^\d+\.\d\d \d+\.\d\d \d+\.\d\d \d+\/\d+ \d+\n$/;

/** A /proc/<pid>/task/<tid>/stat line with the given state; comm may hold blanks and ')'. */
const statLine = (tid: number, state: string, comm = 'worker'): string =>
  `${tid} (${comm}) ${state} 1 ${tid} ${tid} 0 -1 4194560 101 0 0 0 12 3 0 0 20 0 1 0 24 5881856 230 18446744073709551615\n`;

/** What t.testdir() takes (tap's FixtureDirContent, without importing a transitive package). */
type FixtureDirContent = NonNullable<Parameters<Test['testdir']>[0]>;

type Threads = Record<number, string>; // tid → state
type ProcTree = Record<number, Threads>; // pid → its threads

/** A procRoot fixture: <pid>/task/<tid>/stat for every thread. */
function procRoot(t: Test, tree: ProcTree): string {
  const dir: Record<string, FixtureDirContent> = {};
  for (const [pid, threads] of Object.entries(tree)) {
    const task: Record<string, FixtureDirContent> = {};
    for (const [tid, state] of Object.entries(threads)) task[tid] = { stat: statLine(Number(tid), state) };
    dir[pid] = { task, stat: statLine(Number(pid), 'S') };
  }
  return t.testdir(dir);
}

/** cgroup path → pids, or an Error to throw (the cgroup is gone); records every call. */
class FakeCgroups implements ProcsSource {
  readonly calls: Array<[string, number]> = [];
  constructor(readonly tree: Record<string, number[] | Error>) {}
  procs(path: string, depth: number): number[] {
    this.calls.push([path, depth]);
    const v = this.tree[path];
    if (v === undefined) throw Object.assign(new Error(`ENOENT ${path}`), { code: 'ENOENT' });
    if (v instanceof Error) throw v;
    return v;
  }
}

class Clock {
  ms = 1_000_000;
  readonly now = (): number => this.ms;
  advance(ms = LOAD_FREQ_MS): void {
    this.ms += ms;
  }
}

function sampler(opts: Partial<LoadavgSamplerOptions> & Pick<LoadavgSamplerOptions, 'cgroups' | 'procRoot'>, clock = new Clock()) {
  return { clock, s: new LoadavgSampler({ now: clock.now, ...opts }) };
}

const line = (s: LoadavgSampler, path: string, init = 1): string => loadavgLine(s.read(path, init));

// The spec's worked example (§10.2): container init 10597 with three sleeping threads and one
// busy thread 10600 → `0.08 0.02 0.01 1/4 10600` after one sample.
const EXAMPLE: ProcTree = { 10597: { 10597: 'S', 10598: 'S', 10599: 'S', 10600: 'R' } };

t.test('calcLoad: the kernel\'s fixed-point EWMA', async (t) => {
  t.equal(FIXED_1, 2048);
  t.same([EXP_1, EXP_5, EXP_15], [1884, 2014, 2037]);
  t.equal(calcLoad(0, EXP_1, FIXED_1), 164, 'one busy thread, 1 sample, 1 min');
  t.equal(calcLoad(0, EXP_5, FIXED_1), 34, '5 min');
  t.equal(calcLoad(0, EXP_15, FIXED_1), 11, '15 min');
  t.equal(calcLoad(164, EXP_1, FIXED_1), 315, '2 samples, 1 min');
  t.equal(calcLoad(2048, EXP_1, 2048), 2048, 'steady state is exact');
  t.equal(calcLoad(0, EXP_1, 0), 0);
  t.equal(calcLoad(164, EXP_1, 0), 150, 'falling: rounds down');
  t.equal(calcLoad(1, EXP_15, 0), 0, 'decays to zero, never below');
});

t.test('threadState: the letter after the last ")"', async (t) => {
  t.equal(threadState(statLine(5, 'R')), 'R');
  t.equal(threadState(statLine(5, 'D', 'a) S (b')), 'D', 'comm with ") S ("');
  t.equal(threadState(statLine(5, 'S', 'x) R')), 'S');
  t.equal(threadState('5 (x)'), null, 'cut after comm');
  t.equal(threadState('5 (x) '), null);
  t.equal(threadState('garbage'), null);
});

t.test('first read registers the cgroup: 0.00 0.00 0.00 0/1 <initpid> (lxcfs Q11), no I/O', async (t) => {
  const cgroups = new FakeCgroups({ '/spec-a': [10597] });
  const { s } = sampler({ cgroups, procRoot: '/nonexistent' });
  t.equal(line(s, '/spec-a', 15217), '0.00 0.00 0.00 0/1 15217\n');
  t.same(cgroups.calls, [], 'read() does not sample');
  t.equal(line(s, '/spec-a', 99), '0.00 0.00 0.00 0/1 15217\n', 'the registering init stays until a sample');
  t.same(s.paths(), ['/spec-a']);
  t.equal(s.stats.cgroups, 1);
});

t.test('the spec\'s worked example: one busy thread', async (t) => {
  const cgroups = new FakeCgroups({ '/spec-a': [10597] });
  const { s, clock } = sampler({ cgroups, procRoot: procRoot(t, EXAMPLE) });
  s.read('/spec-a', 10597);
  clock.advance();
  s.tick();
  t.same(cgroups.calls, [['/spec-a', PROCS_DEPTH]], 'cgroup.procs 3 levels down');
  t.same(s.read('/spec-a', 10597).loads, [164, 34, 11]);
  t.equal(line(s, '/spec-a'), '0.08 0.02 0.01 1/4 10600\n');
  clock.advance();
  s.tick();
  t.equal(s.read('/spec-a', 10597).loads[0], 315);
  t.match(line(s, '/spec-a'), /^0\.15 /);
  t.equal(s.stats.lastTickReads, 1 + 1 + 4, 'cgroup.procs, one task dir, four stat files');
});

t.test('running = threads in R or D, total = every thread, last_pid = largest tid', async (t) => {
  const root = procRoot(t, {
    300: { 300: 'S', 301: 'R', 302: 'D', 303: 'I' },
    200: { 200: 'Z', 299: 'R' },
    400: { 400: 'T', 401: 't', 402: 'X' },
  });
  const cgroups = new FakeCgroups({ '/k': [300, 200, 400, 999] }); // 999 exited meanwhile
  const { s } = sampler({ cgroups, procRoot: root });
  s.read('/k', 300);
  s.tick();
  const f = s.read('/k', 300);
  t.equal(f.running, 3);
  t.equal(f.total, 9);
  t.equal(f.lastPid, 402);
  t.same(f.loads, [492, 102, 33]);
  t.equal(line(s, '/k'), '0.24 0.05 0.02 3/9 402\n');
});

t.test('a thread whose stat vanished or is cut is not counted', async (t) => {
  const root = procRoot(t, { 10: { 10: 'R', 11: 'R', 12: 'R' } });
  rmSync(join(root, '10/task/11'), { recursive: true });
  writeFileSync(join(root, '10/task/12/stat'), '12 (cut');
  writeFileSync(join(root, '10/task/not-a-tid'), '');
  const { s } = sampler({ cgroups: new FakeCgroups({ '/a': [10] }), procRoot: root });
  s.read('/a', 10);
  s.tick();
  t.equal(line(s, '/a'), '0.08 0.02 0.01 1/1 10\n');
});

t.test('a sample delayed by the budget covers every period it missed', async (t) => {
  const { s, clock } = sampler({ cgroups: new FakeCgroups({ '/a': [10597] }), procRoot: procRoot(t, EXAMPLE) });
  s.read('/a', 1);
  clock.advance(3 * LOAD_FREQ_MS);
  s.tick();
  let expected = 0;
  for (let i = 0; i < 3; i++) expected = calcLoad(expected, EXP_1, FIXED_1);
  t.equal(s.read('/a', 1).loads[0], expected, 'three periods');
  clock.advance(1000);
  s.tick();
  t.equal(s.read('/a', 1).loads[0], calcLoad(expected, EXP_1, FIXED_1), 'an early tick still counts one period');
});

t.test('budget: with a tiny budget one cgroup per tick, the ones skipped go first next time', async (t) => {
  const root = procRoot(t, { 1: { 1: 'R' }, 2: { 2: 'R', 3: 'R' }, 4: { 4: 'S' } });
  const cgroups = new FakeCgroups({ '/a': [1], '/b': [2], '/c': [4] });
  const { s, clock } = sampler({ cgroups, procRoot: root, budget: 1 });
  for (const p of ['/a', '/b', '/c']) s.read(p, 1);
  const sampledIn = (): string[] => cgroups.calls.splice(0).map(([p]) => p);
  clock.advance();
  s.tick();
  t.same(sampledIn(), ['/a']);
  t.same(s.stats, { cgroups: 3, ticks: 1, lastTickReads: 3, lastTickSampled: 1, lastTickDeferred: 2, dropped: 0 });
  t.equal(line(s, '/b'), '0.00 0.00 0.00 0/1 1\n', 'not sampled yet: unchanged (and /b now read last)');
  clock.advance();
  s.tick();
  t.same(sampledIn(), ['/c'], 'never sampled, least recently read first');
  clock.advance();
  s.tick();
  t.same(sampledIn(), ['/b']);
  let expected = 0;
  for (let i = 0; i < 3; i++) expected = calcLoad(expected, EXP_1, 2 * FIXED_1);
  t.equal(s.read('/b', 1).loads[0], expected, '/b waited three periods and catches up on all of them');
  clock.advance();
  s.tick();
  t.same(sampledIn(), ['/a'], 'round robin');
  const big = sampler({ cgroups, procRoot: root, budget: 4 }).s;
  for (const p of ['/a', '/b', '/c']) big.read(p, 1);
  cgroups.calls.length = 0;
  big.tick();
  t.same(sampledIn(), ['/a', '/b'], 'a cgroup is started while budget remains and always finished');
  t.equal(big.stats.lastTickReads, 3 + 4);
});

t.test('a gone or empty cgroup is dropped; the next read starts again at 0/1', async (t) => {
  const root = procRoot(t, EXAMPLE);
  const cgroups = new FakeCgroups({ '/alive': [10597], '/empty': [], '/exited': [777], '/broken': new Error('EIO') });
  const { s } = sampler({ cgroups, procRoot: root });
  for (const p of ['/alive', '/gone', '/empty', '/exited', '/broken']) s.read(p, 5);
  s.tick();
  t.same(s.paths(), ['/alive']);
  t.equal(s.stats.dropped, 4);
  t.equal(line(s, '/gone', 6), '0.00 0.00 0.00 0/1 6\n');
});

t.test('a cgroup nobody read for 10 minutes is dropped', async (t) => {
  const cgroups = new FakeCgroups({ '/a': [10597], '/b': [10597] });
  const { s, clock } = sampler({ cgroups, procRoot: procRoot(t, EXAMPLE) });
  s.read('/a', 1);
  s.read('/b', 1);
  for (let i = 0; i < 119; i++) {
    clock.advance();
    if (i % 10 === 0) s.read('/b', 1);
    s.tick();
  }
  t.same(s.paths(), ['/a', '/b'], '9 min 55 s: kept');
  clock.advance(6000);
  s.tick();
  t.same(s.paths(), ['/b'], 'over 10 min unread: dropped, and not sampled');
  t.equal(cgroups.calls.at(-1)?.[0], '/b');
});

t.test('at most maxCgroups entries: the least recently read is evicted', async (t) => {
  const { s } = sampler({ cgroups: new FakeCgroups({}), procRoot: '/nonexistent', maxCgroups: 2 });
  s.read('/a', 1);
  s.read('/b', 2);
  s.read('/a', 1);
  s.read('/c', 3);
  t.same(s.paths(), ['/a', '/c']);
  t.equal(s.stats.dropped, 1);
  t.equal(line(s, '/b', 9), '0.00 0.00 0.00 0/1 9\n', '/b registers again, evicting /a');
  t.same(s.paths(), ['/c', '/b']);
});

t.test('start/stop: a 5 s timer through the injected scheduler', async (t) => {
  const scheduled: Array<{ fn: () => void; ms: number; cancelled: boolean }> = [];
  const schedule: Schedule = (fn, ms) => {
    const job = { fn, ms, cancelled: false };
    scheduled.push(job);
    return () => {
      job.cancelled = true;
    };
  };
  const errors: unknown[] = [];
  let fail = false;
  const clock = new Clock();
  const s = new LoadavgSampler({
    cgroups: new FakeCgroups({ '/a': [10597] }), procRoot: procRoot(t, EXAMPLE), schedule,
    now: () => {
      if (fail) throw new Error('clock broke');
      return clock.now();
    },
    onError: (err) => errors.push(err),
  });
  t.equal(s.running, false);
  s.start();
  s.start();
  t.equal(scheduled.length, 1, 'idempotent');
  t.equal(scheduled[0]!.ms, 5000);
  t.equal(s.running, true);
  s.read('/a', 1);
  scheduled[0]!.fn();
  t.equal(line(s, '/a'), '0.08 0.02 0.01 1/4 10600\n');
  fail = true;
  t.doesNotThrow(() => scheduled[0]!.fn(), 'a failing tick never escapes the timer');
  t.equal(errors.length, 1);
  fail = false;
  s.stop();
  s.stop();
  t.equal(scheduled[0]!.cancelled, true);
  t.equal(s.running, false);
  t.equal(line(s, '/a'), '0.08 0.02 0.01 1/4 10600\n', 'stop keeps the state');
});

t.test('the default scheduler: an unref()ed interval, cancelled by stop()', async (t) => {
  const s = new LoadavgSampler({ cgroups: new FakeCgroups({}), procRoot: '/nonexistent' });
  s.start();
  t.equal(s.running, true);
  s.stop();
  t.equal(s.running, false);
});

t.test('options are validated', async (t) => {
  const base = { cgroups: new FakeCgroups({}), procRoot: '/p' };
  for (const bad of [{ budget: 0 }, { maxCgroups: -1 }, { idleMs: 1.5 }, { budget: Number.NaN }]) {
    t.throws(() => new LoadavgSampler({ ...base, ...bad }), { code: 'LXCFS_USAGE' }, JSON.stringify(bad));
  }
});

t.test('property: loads never negative, the line always well formed, steady load converges exactly', async (t) => {
  let seed = 42;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const threads: Threads = {};
  for (let tid = 1000; tid < 1064; tid++) threads[tid] = 'S';
  const root = procRoot(t, { 1000: threads });
  const { s, clock } = sampler({ cgroups: new FakeCgroups({ '/p': [1000] }), procRoot: root });
  s.read('/p', 1000);
  const setRunning = (n: number): void => {
    for (let i = 0; i < 64; i++) writeFileSync(join(root, `1000/task/${1000 + i}/stat`), statLine(1000 + i, i < n ? 'R' : 'S'));
  };
  for (let round = 0; round < 300; round++) {
    if (round % 7 === 0) setRunning(rnd(65));
    clock.advance(rnd(3) === 0 ? rnd(4 * LOAD_FREQ_MS) : LOAD_FREQ_MS);
    s.tick();
    const f = s.read('/p', 1000);
    for (const load of f.loads) if (!(load >= 0 && Number.isSafeInteger(load))) t.fail(`round ${round}: load ${load}`);
    const text = loadavgLine(f);
    if (!FORMAT.test(text)) t.fail(`round ${round}: ${JSON.stringify(text)}`);
  }
  setRunning(3);
  for (let i = 0; i < 3000; i++) {
    clock.advance();
    s.tick();
    s.read('/p', 1000); // read, or it is dropped after 10 minutes
  }
  t.equal(line(s, '/p'), '3.00 3.00 3.00 3/64 1063\n');
  setRunning(0);
  for (let i = 0; i < 3000; i++) {
    clock.advance();
    s.tick();
    s.read('/p', 1000); // read, or it is dropped after 10 minutes
  }
  t.equal(line(s, '/p'), '0.00 0.00 0.00 0/64 1063\n', 'and back to exactly zero');
});
