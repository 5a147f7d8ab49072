import { spawnSync } from 'node:child_process';
import { mkdirSync, opendirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { loadavgLine } from '../../src/files/proc-loadavg.js';
import {
  type Defer, type DirListing, EXP_1, EXP_15, EXP_5, FIXED_1, LOAD_FREQ_MS, type LoadavgSamplerOptions, LoadavgSampler, PROCS_DEPTH,
  type ProcFiles, type ProcsSource, type Schedule, calcLoad, threadState,
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

/** The real files, counting every read (task directories opened, stat files) and open listings. */
class CountingFiles implements ProcFiles {
  reads = 0;
  open = 0;
  openDir(path: string): DirListing {
    this.reads++;
    const dir = opendirSync(path);
    this.open++;
    return {
      next: () => dir.readSync()?.name ?? null,
      close: () => {
        dir.closeSync();
        this.open--;
      },
    };
  }
  read(path: string): string {
    this.reads++;
    return readFileSync(path, 'latin1');
  }
}

/**
 * A Defer whose slices the test runs by hand. `marks` holds a read count taken at the end of
 * every slice that deferred another, so consecutive marks delimit the reads of one slice.
 */
class Slices {
  readonly pending: Array<{ fn: () => void; cancelled: boolean }> = [];
  readonly marks: number[] = [];
  constructor(readonly reads: () => number = () => 0) {}
  readonly defer: Defer = (fn) => {
    const job = { fn, cancelled: false };
    this.pending.push(job);
    this.marks.push(this.reads());
    return () => {
      job.cancelled = true;
    };
  };
  /** Runs pending slices (later ones they defer too) until none is left; returns how many ran. */
  drain(): number {
    let ran = 0;
    for (let job = this.pending.shift(); job !== undefined; job = this.pending.shift()) {
      if (job.cancelled) continue;
      job.fn();
      ran++;
    }
    return ran;
  }
}

/** Reads of each slice of a pass that began at `from` reads and ended at `to`. */
const perSlice = (marks: number[], from: number, to: number): number[] =>
  [from, ...marks, to].slice(1).map((end, i) => end - [from, ...marks][i]!);

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
  await s.tick();
  t.same(cgroups.calls, [['/spec-a', PROCS_DEPTH]], 'cgroup.procs 3 levels down');
  t.same(s.read('/spec-a', 10597).loads, [164, 34, 11]);
  t.equal(line(s, '/spec-a'), '0.08 0.02 0.01 1/4 10600\n');
  clock.advance();
  await s.tick();
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
  await s.tick();
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
  await s.tick();
  t.equal(line(s, '/a'), '0.08 0.02 0.01 1/1 10\n');
});

t.test('a sample delayed by the budget covers every period it missed', async (t) => {
  const { s, clock } = sampler({ cgroups: new FakeCgroups({ '/a': [10597] }), procRoot: procRoot(t, EXAMPLE) });
  s.read('/a', 1);
  clock.advance(3 * LOAD_FREQ_MS);
  await s.tick();
  let expected = 0;
  for (let i = 0; i < 3; i++) expected = calcLoad(expected, EXP_1, FIXED_1);
  t.equal(s.read('/a', 1).loads[0], expected, 'three periods');
  clock.advance(1000);
  await s.tick();
  t.equal(s.read('/a', 1).loads[0], calcLoad(expected, EXP_1, FIXED_1), 'an early tick still counts one period');
});

// The same rotation whatever the slice size: slices only split a pass, never change it.
for (const sliceReads of [1, 2, 500]) {
  t.test(`budget (slices of ${sliceReads}): with a tiny budget one cgroup per tick, the ones skipped go first next time`, async (t) => {
    const root = procRoot(t, { 1: { 1: 'R' }, 2: { 2: 'R', 3: 'R' }, 4: { 4: 'S' } });
    const cgroups = new FakeCgroups({ '/a': [1], '/b': [2], '/c': [4] });
    const { s, clock } = sampler({ cgroups, procRoot: root, budget: 1, sliceReads });
    for (const p of ['/a', '/b', '/c']) s.read(p, 1);
    const sampledIn = (): string[] => cgroups.calls.splice(0).map(([p]) => p);
    clock.advance();
    await s.tick();
    t.same(sampledIn(), ['/a']);
    t.same(s.stats, {
      cgroups: 3, ticks: 1, lastTickReads: 3, lastTickSampled: 1, lastTickDeferred: 2,
      lastTickSlices: Math.ceil(3 / sliceReads), overlapped: 0, dropped: 0,
    });
    t.equal(line(s, '/b'), '0.00 0.00 0.00 0/1 1\n', 'not sampled yet: unchanged (and /b now read last)');
    clock.advance();
    await s.tick();
    t.same(sampledIn(), ['/c'], 'never sampled, least recently read first');
    clock.advance();
    await s.tick();
    t.same(sampledIn(), ['/b']);
    let expected = 0;
    for (let i = 0; i < 3; i++) expected = calcLoad(expected, EXP_1, 2 * FIXED_1);
    t.equal(s.read('/b', 1).loads[0], expected, '/b waited three periods and catches up on all of them');
    clock.advance();
    await s.tick();
    t.same(sampledIn(), ['/a'], 'round robin');
    const big = sampler({ cgroups, procRoot: root, budget: 4, sliceReads }).s;
    for (const p of ['/a', '/b', '/c']) big.read(p, 1);
    cgroups.calls.length = 0;
    await big.tick();
    t.same(sampledIn(), ['/a', '/b'], 'a cgroup is started while budget remains and always finished');
    t.equal(big.stats.lastTickReads, 3 + 4);
    t.equal(big.stats.lastTickSlices, Math.ceil(7 / sliceReads));
  });
}

// 8000 threads in four processes (and one that exited): every 10th thread R, every 25th (from
// the 2nd) D, so 280 running per process; the largest tid is 51999.
const BIG_PIDS = [20000, 30000, 999_999, 40000, 50000];
function bigTree(): ProcTree {
  const tree: ProcTree = {};
  for (const pid of BIG_PIDS.filter((p) => p !== 999_999)) {
    const threads: Threads = {};
    for (let i = 0; i < 2000; i++) threads[pid + i] = i % 10 === 0 ? 'R' : i % 25 === 1 ? 'D' : 'S';
    tree[pid] = threads;
  }
  return tree;
}

t.test('an 8000-thread cgroup is sampled over slices of at most sliceReads reads, exactly as unsliced', async (t) => {
  const tree = bigTree();
  // 8000 real directories with a stat file each take ≈10 s to create under /work on the build
  // machine; so each task/<tid> is a symlink to one directory per state, whose stat line has
  // that state (the sampler takes the tid from the directory name, never from the line).
  const root = t.testdir();
  for (const state of ['R', 'D', 'S']) {
    mkdirSync(join(root, 'states', state), { recursive: true });
    writeFileSync(join(root, 'states', state, 'stat'), statLine(1, state));
  }
  for (const [pid, threads] of Object.entries(tree)) {
    mkdirSync(join(root, pid, 'task'), { recursive: true });
    for (const [tid, state] of Object.entries(threads)) symlinkSync(`../../states/${state}`, join(root, pid, 'task', tid));
  }
  const states = Object.values(tree).flatMap((threads) => Object.values(threads));
  const running = states.filter((st) => st === 'R' || st === 'D').length;
  t.same([states.length, running], [8000, 1120], 'the fixture');
  const files = new CountingFiles();
  const cgroups = new FakeCgroups({ '/big': BIG_PIDS });
  const reads = (): number => files.reads + cgroups.calls.length;
  const slices = new Slices(reads);
  const clock = new Clock();
  const { s } = sampler({ cgroups, procRoot: root, files, defer: slices.defer, sliceReads: 500 }, clock);
  const whole = sampler({ cgroups: new FakeCgroups({ '/big': BIG_PIDS }), procRoot: root, sliceReads: 1_000_000 }, clock).s;
  s.read('/big', 20000);
  whole.read('/big', 20000);
  const total = 1 + BIG_PIDS.length + 8000; // cgroup.procs, five task directories, 8000 stat files

  for (const round of [1, 2]) {
    clock.advance();
    const from = reads();
    slices.marks.length = 0;
    const previous = s.read('/big', 20000);
    const pass = s.tick();
    t.equal(reads() - from, 500, `round ${round}: tick() runs the first slice`);
    t.equal(slices.pending.length, 1, 'and defers the rest');
    t.equal(files.open, 1, 'the 2000-thread task directory is listed across slices');
    const before = s.read('/big', 20000);
    t.equal(reads() - from, 500, 'read() during the pass does no I/O');
    t.equal(s.tick(), pass, 'the timer firing again joins the running pass');
    t.equal(cgroups.calls.length, round, 'no second pass: cgroup.procs read once per sample');
    slices.drain();
    await pass;
    t.equal(files.open, 0, 'every listing closed');
    t.equal(before, previous, 'mid-pass, read() returns the previous sample: no partial counts');
    if (round === 1) t.equal(loadavgLine(before), '0.00 0.00 0.00 0/1 20000\n', 'here the registration figures');
    const sizes = perSlice(slices.marks, from, reads());
    t.same(sizes, [...new Array<number>(16).fill(500), total - 16 * 500], '17 slices, none over 500 reads');
    t.ok(sizes.every((n) => n <= 500));
    t.match(s.stats, { lastTickReads: total, lastTickSlices: 17, lastTickSampled: 1, overlapped: round });
    await whole.tick();
    t.equal(whole.stats.lastTickSlices, 1);
    t.same(s.read('/big', 20000), whole.read('/big', 20000), `round ${round}: the same figures as one unsliced walk`);
  }
  const f = s.read('/big', 20000);
  const active = running * FIXED_1;
  t.same(f, { loads: [EXP_1, EXP_5, EXP_15].map((e) => calcLoad(calcLoad(0, e, active), e, active)), running, total: 8000, lastPid: 51999 });
});

t.test('a pass that fits in one slice completes inside tick(): nothing is deferred', async (t) => {
  const slices = new Slices();
  const { s } = sampler({ cgroups: new FakeCgroups({ '/a': [10597] }), procRoot: procRoot(t, EXAMPLE), defer: slices.defer, sliceReads: 6 });
  s.read('/a', 1);
  const pass = s.tick();
  t.same(slices.pending, []);
  t.equal(line(s, '/a'), '0.08 0.02 0.01 1/4 10600\n');
  await pass;
  t.equal(s.stats.lastTickSlices, 1);
});

t.test('a sample spanning slices applies the periods elapsed until it completes, once', async (t) => {
  const slices = new Slices();
  const cgroups = new FakeCgroups({ '/a': [10597] });
  const { s, clock } = sampler({ cgroups, procRoot: procRoot(t, EXAMPLE), defer: slices.defer, sliceReads: 2 });
  s.read('/a', 1);
  clock.advance();
  const pass = s.tick(); // 6 reads: 3 slices
  clock.advance();
  t.equal(slices.pending.length, 1);
  slices.pending.shift()!.fn();
  clock.advance();
  t.equal(s.read('/a', 1).loads[0], 0, 'nothing applied mid-sample');
  slices.drain();
  await pass;
  let expected = 0;
  for (let i = 0; i < 3; i++) expected = calcLoad(expected, EXP_1, FIXED_1);
  t.equal(s.read('/a', 1).loads[0], expected, 'registered 15 s before the sample completed: three periods');
  clock.advance();
  const next = s.tick();
  slices.drain();
  await next;
  t.equal(s.read('/a', 1).loads[0], calcLoad(expected, EXP_1, FIXED_1), 'the next sample counts from that completion');
});

t.test('stop() cancels the pending slices of a pass; the next pass starts afresh', async (t) => {
  const slices = new Slices();
  const files = new CountingFiles();
  const cgroups = new FakeCgroups({ '/a': [10597] });
  const { s } = sampler({ cgroups, procRoot: procRoot(t, EXAMPLE), files, defer: slices.defer, sliceReads: 2 });
  s.read('/a', 1);
  const pass = s.tick(); // cgroup.procs and opening the task directory
  t.equal(files.open, 1);
  const job = slices.pending[0]!;
  s.stop();
  t.equal(job.cancelled, true, 'the deferred slice is cancelled');
  t.equal(files.open, 0, 'the listing in progress is closed');
  await pass; // resolves: abandoned, not failed
  job.fn(); // even a slice whose cancel was ignored does nothing
  t.equal(slices.pending.length, 1, 'and defers nothing');
  t.equal(slices.drain(), 0);
  t.equal(line(s, '/a'), '0.00 0.00 0.00 0/1 1\n', 'the figures keep the last complete sample');
  t.match(s.stats, { ticks: 1, lastTickSlices: 0 });
  const again = s.tick();
  t.equal(cgroups.calls.length, 2, 'a new pass, not joined to the abandoned one');
  slices.drain();
  await again;
  t.equal(line(s, '/a'), '0.08 0.02 0.01 1/4 10600\n');
  t.match(s.stats, { ticks: 2, lastTickSlices: 3, lastTickReads: 6, overlapped: 0 });
});

t.test('a pass that throws in a later slice reaches onError and does not wedge the sampler', async (t) => {
  const scheduled: Array<() => void> = [];
  const slices = new Slices();
  const errors: unknown[] = [];
  const clock = new Clock();
  let fail = false;
  const s = new LoadavgSampler({
    cgroups: new FakeCgroups({ '/a': [10597] }), procRoot: procRoot(t, EXAMPLE), defer: slices.defer, sliceReads: 2,
    schedule: (fn) => {
      scheduled.push(fn);
      return () => {};
    },
    now: () => {
      if (fail) throw new Error('clock broke');
      return clock.now();
    },
    onError: (err) => errors.push(err),
  });
  s.read('/a', 1);
  s.start();
  scheduled[0]!();
  fail = true; // the sample completes, and reads the clock, in the third slice
  t.doesNotThrow(() => slices.drain());
  await new Promise(setImmediate);
  t.match(errors, [{ message: 'clock broke' }]);
  fail = false;
  clock.advance();
  scheduled[0]!();
  slices.drain();
  t.equal(s.stats.ticks, 2, 'the next timer tick started a new pass');
  t.equal(line(s, '/a'), '0.08 0.02 0.01 1/4 10600\n');
  s.stop();
});

t.test('an entry evicted while it is sampled is not brought back by its sample', async (t) => {
  const slices = new Slices();
  const { s } = sampler({ cgroups: new FakeCgroups({ '/a': [10597], '/b': [10597] }), procRoot: procRoot(t, EXAMPLE), defer: slices.defer, sliceReads: 2, maxCgroups: 1 });
  s.read('/a', 1);
  const pass = s.tick();
  s.read('/b', 2); // evicts /a mid-sample
  slices.drain();
  await pass;
  t.same(s.paths(), ['/b']);
  t.equal(line(s, '/b', 2), '0.00 0.00 0.00 0/1 2\n', '/b registered after the pass began: sampled next time');
  t.equal(s.stats.dropped, 1);
});

t.test('a gone or empty cgroup is dropped; the next read starts again at 0/1', async (t) => {
  const root = procRoot(t, EXAMPLE);
  const cgroups = new FakeCgroups({ '/alive': [10597], '/empty': [], '/exited': [777], '/broken': new Error('EIO') });
  const { s } = sampler({ cgroups, procRoot: root });
  for (const p of ['/alive', '/gone', '/empty', '/exited', '/broken']) s.read(p, 5);
  await s.tick();
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
    await s.tick();
  }
  t.same(s.paths(), ['/a', '/b'], '9 min 55 s: kept');
  clock.advance(6000);
  await s.tick();
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
  t.equal(line(s, '/a'), '0.08 0.02 0.01 1/4 10600\n', 'a pass within one slice completes inside the timer callback');
  fail = true;
  t.doesNotThrow(() => scheduled[0]!.fn(), 'a failing tick never escapes the timer');
  await new Promise(setImmediate);
  t.equal(errors.length, 1, 'it reaches onError');
  t.match(errors[0], { message: 'clock broke' });
  fail = false;
  s.stop();
  s.stop();
  t.equal(scheduled[0]!.cancelled, true);
  t.equal(s.running, false);
  t.equal(line(s, '/a'), '0.08 0.02 0.01 1/4 10600\n', 'stop keeps the state');
});

const LOADAVG_MODULE = new URL('../../src/services/loadavg.ts', import.meta.url).href;

t.test('the default scheduler: an unref()ed interval, cancelled by stop()', async (t) => {
  const s = new LoadavgSampler({ cgroups: new FakeCgroups({}), procRoot: '/nonexistent' });
  s.start();
  t.equal(s.running, true);
  s.stop();
  t.equal(s.running, false);
});

t.test('a started sampler does not keep the process alive: a child that never calls stop() exits by itself', async (t) => {
  // The interval repeats every 5 s, so a ref()ed one would keep the child alive for ever; the
  // timeout is only there to fail instead of hanging (child start-up with the TypeScript loader
  // takes about a second).
  const body = `
    const { LoadavgSampler } = await import(${JSON.stringify(LOADAVG_MODULE)});
    const s = new LoadavgSampler({ cgroups: { procs: () => [1] }, procRoot: '/nonexistent' });
    s.start();
    s.read('/a', 1);
    console.log(JSON.stringify({ running: s.running }));`;
  // process.execArgv carries the test runner's TypeScript loader, so the child can import src/*.ts.
  const res = spawnSync(process.execPath, [...process.execArgv, '--input-type=module', '-e', body],
    { encoding: 'utf8', timeout: 10_000 });
  t.equal(res.error, undefined, 'not killed by the timeout');
  t.equal(res.signal, null);
  t.equal(res.status, 0, res.stderr);
  t.same(JSON.parse(res.stdout.trim()), { running: true }, 'the sampler was running when the script ended');
});

t.test('options are validated', async (t) => {
  const base = { cgroups: new FakeCgroups({}), procRoot: '/p' };
  for (const bad of [{ budget: 0 }, { maxCgroups: -1 }, { idleMs: 1.5 }, { budget: Number.NaN }, { sliceReads: 0 }, { sliceReads: 2.5 }]) {
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
  // A twin in slices of 7 reads (10 slices a pass) must show exactly the same figures.
  const sliced = sampler({ cgroups: new FakeCgroups({ '/p': [1000] }), procRoot: root, sliceReads: 7 }, clock).s;
  s.read('/p', 1000);
  sliced.read('/p', 1000);
  const setRunning = (n: number): void => {
    for (let i = 0; i < 64; i++) writeFileSync(join(root, `1000/task/${1000 + i}/stat`), statLine(1000 + i, i < n ? 'R' : 'S'));
  };
  for (let round = 0; round < 300; round++) {
    if (round % 7 === 0) setRunning(rnd(65));
    clock.advance(rnd(3) === 0 ? rnd(4 * LOAD_FREQ_MS) : LOAD_FREQ_MS);
    await s.tick();
    await sliced.tick();
    const f = s.read('/p', 1000);
    const g = sliced.read('/p', 1000);
    if (JSON.stringify(f) !== JSON.stringify(g)) t.fail(`round ${round}: sliced ${JSON.stringify(g)} ≠ ${JSON.stringify(f)}`);
    for (const load of f.loads) if (!(load >= 0 && Number.isSafeInteger(load))) t.fail(`round ${round}: load ${load}`);
    const text = loadavgLine(f);
    if (!FORMAT.test(text)) t.fail(`round ${round}: ${JSON.stringify(text)}`);
  }
  setRunning(3);
  for (let i = 0; i < 3000; i++) {
    clock.advance();
    await s.tick();
    s.read('/p', 1000); // read, or it is dropped after 10 minutes
  }
  t.equal(sliced.stats.lastTickSlices, 10, 'the twin sampled in slices');
  t.equal(line(s, '/p'), '3.00 3.00 3.00 3/64 1063\n');
  setRunning(0);
  for (let i = 0; i < 3000; i++) {
    clock.advance();
    await s.tick();
    s.read('/p', 1000); // read, or it is dropped after 10 minutes
  }
  t.equal(line(s, '/p'), '0.00 0.00 0.00 0/64 1063\n', 'and back to exactly zero');
});
