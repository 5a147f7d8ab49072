import t from 'tap';
import {
  type CpuacctSample, type CpuTicks, CpuView, DEFAULT_MAX_RECORDS, DEFAULT_TTL_MS, spreadEvenly,
} from '../../src/services/cpu-view.js';

const ticks = (user: bigint, system: bigint, idle: bigint): CpuTicks => ({ user, system, idle });
const asRows = (lines: readonly CpuTicks[]): bigint[][] => lines.map((l) => [l.user, l.system, l.idle]);

/** A clock the test moves by hand. */
function clock(start = 0): { now: () => number; advance: (ms: number) => void } {
  let at = start;
  return { now: () => at, advance: (ms) => { at += ms; } };
}

/** Host CPUs 0..n-1 all in the cpuset, no quota. */
function sample(rows: ReadonlyArray<readonly [bigint, bigint, bigint]>, over: Partial<CpuacctSample> = {}): CpuacctSample {
  return {
    ids: rows.map((_, i) => i),
    ticks: rows.map(([u, s, i]) => ticks(u, s, i)),
    visible: rows.length,
    hostCpus: rows.length,
    quota: null,
    ...over,
  };
}

t.test('defaults', async (t) => {
  t.equal(DEFAULT_TTL_MS, 600_000);
  t.equal(DEFAULT_MAX_RECORDS, 1024);
  const view = new CpuView();
  t.equal(view.size, 0);
  view.cpuacctView('/a', sample([[1n, 1n, 1n]]));
  t.equal(view.size, 1);
});

t.test('cpu view: the first read of a container shows zeros', async (t) => {
  const view = new CpuView({ now: clock().now });
  const lines = view.cpuacctView('/c', sample([[500n, 20n, 9000n], [300n, 10n, 9100n]]));
  t.same(asRows(lines), [[0n, 0n, 0n], [0n, 0n, 0n]]);
});

t.test('cpu view: growth since the first read, per CPU', async (t) => {
  const view = new CpuView({ now: clock().now });
  view.cpuacctView('/c', sample([[500n, 20n, 9000n], [300n, 10n, 9100n]]));
  const second = view.cpuacctView('/c', sample([[560n, 25n, 9040n], [300n, 12n, 9200n]]));
  t.same(asRows(second), [[60n, 5n, 40n], [0n, 2n, 100n]]);
  const third = view.cpuacctView('/c', sample([[600n, 25n, 9100n], [310n, 12n, 9290n]]));
  t.same(asRows(third), [[100n, 5n, 100n], [10n, 2n, 190n]]);
});

t.test('cpu view: a counter going back counts as no progress (never negative)', async (t) => {
  const view = new CpuView({ now: clock().now });
  view.cpuacctView('/c', sample([[500n, 20n, 9000n], [300n, 10n, 9100n]]));
  view.cpuacctView('/c', sample([[510n, 20n, 9010n], [310n, 10n, 9110n]]));
  // cpu1's idle goes back (another cgroup's time moved): that field does not move
  const lines = view.cpuacctView('/c', sample([[520n, 20n, 9020n], [320n, 10n, 9000n]]));
  t.same(asRows(lines), [[20n, 0n, 20n], [20n, 0n, 10n]]);
});

t.test('cpu view: the first CPU\'s user ticks going back = a re-created cgroup: zeros again', async (t) => {
  const view = new CpuView({ now: clock().now });
  view.cpuacctView('/c', sample([[500n, 20n, 9000n]]));
  t.same(asRows(view.cpuacctView('/c', sample([[600n, 30n, 9100n]]))), [[100n, 10n, 100n]]);
  t.same(asRows(view.cpuacctView('/c', sample([[5n, 1n, 9200n]]))), [[0n, 0n, 0n]], 'reset');
  t.same(asRows(view.cpuacctView('/c', sample([[15n, 2n, 9300n]]))), [[10n, 1n, 100n]], 'grows from the new baseline');
});

t.test('cpu view: what hidden CPUs ran moves onto visible ones, out of their idle (spec §7.3, §14)', async (t) => {
  // 2 host CPUs, cpuset 0-1, quota 0.5 → 1 visible CPU; two busy loops for ~5 s:
  // cgroup ran 1.62 s on cpu0 and 1.01 s on cpu1.
  const view = new CpuView({ now: clock().now });
  const at = (u0: bigint, i0: bigint, u1: bigint, i1: bigint): CpuacctSample =>
    sample([[u0, 0n, i0], [u1, 0n, i1]], { visible: 1, quota: 0.5 });
  t.same(asRows(view.cpuacctView('/q', at(1000n, 5000n, 1000n, 5000n))), [[0n, 0n, 0n]], 'first read: zeros');
  const lines = view.cpuacctView('/q', at(1162n, 5338n, 1101n, 5399n));
  // threshold = 1000 / 2 * 1 = 500; cpu0 ran 162 < 500: +101 user from cpu1, taken from its idle (338 → 237);
  // then the 0.5-CPU correction takes 500 × (1 − 0.5/1) = 250 out of idle (floored at 0).
  t.same(asRows(lines), [[263n, 0n, 0n]]);
});

t.test('cpu view: user surplus first, then system, each out of the receiving CPU\'s idle', async (t) => {
  const view = new CpuView({ now: clock().now });
  const s = (r: Array<[bigint, bigint, bigint]>) => sample(r, { visible: 2, hostCpus: 4 });
  view.cpuacctView('/s', s([[0n, 0n, 0n], [0n, 0n, 0n], [0n, 0n, 0n], [0n, 0n, 0n]]));
  // diffs: cpu0 u10 s0 i90, cpu1 u95 s0 i5, cpu2 (hidden) u20 s30 i0, cpu3 (hidden) idle 100.
  // total 350 → threshold 350/4*2 = 174. cpu0: +20 user (all the user surplus), then +30 system,
  // both out of its idle (90 → 40). cpu1: nothing left to receive.
  const lines = view.cpuacctView('/s', s([[10n, 0n, 90n], [95n, 0n, 5n], [20n, 30n, 0n], [0n, 0n, 100n]]));
  t.same(asRows(lines), [[30n, 30n, 40n], [95n, 0n, 5n]]);
});

t.test('cpu view: a CPU receives up to the threshold and its idle; leftover surplus is dropped', async (t) => {
  const s = (r: Array<[bigint, bigint, bigint]>) => sample(r, { visible: 1 });
  // threshold = 400/2*1 = 200; cpu0 ran 150: room 50 < idle 100 → +50; 50 of cpu1's 100 dropped
  const capped = new CpuView({ now: clock().now });
  capped.cpuacctView('/s', s([[0n, 0n, 0n], [0n, 0n, 0n]]));
  t.same(asRows(capped.cpuacctView('/s', s([[150n, 0n, 100n], [100n, 0n, 50n]]))), [[200n, 0n, 50n]]);
  // idle 20 < room 50: +20
  const idleBound = new CpuView({ now: clock().now });
  idleBound.cpuacctView('/s', s([[0n, 0n, 0n], [0n, 0n, 0n]]));
  t.same(asRows(idleBound.cpuacctView('/s', s([[150n, 0n, 20n], [100n, 0n, 130n]]))), [[170n, 0n, 0n]]);
  // a CPU already at the threshold receives nothing
  const full = new CpuView({ now: clock().now });
  full.cpuacctView('/s', s([[0n, 0n, 0n], [0n, 0n, 0n]]));
  t.same(asRows(full.cpuacctView('/s', s([[200n, 0n, 0n], [100n, 0n, 100n]]))), [[200n, 0n, 0n]]);
});

t.test('cpu view: fractional quota takes the unusable share out of the idlest CPU, permanently', async (t) => {
  const view = new CpuView({ now: clock().now });
  const s = (r: Array<[bigint, bigint, bigint]>) => sample(r, { quota: 1.5 });
  view.cpuacctView('/f', s([[0n, 0n, 0n], [0n, 0n, 0n]]));
  // visible diff total 40+60+20+80 = 200; delta = 200 × (1 − 1.5/2) = 50 off cpu1 (idle 80 > 60)
  const lines = view.cpuacctView('/f', s([[40n, 0n, 60n], [20n, 0n, 80n]]));
  t.same(asRows(lines), [[40n, 0n, 60n], [20n, 0n, 30n]]);
  // next interval: delta = 100 × 0.25 = 25 off cpu0 this time; cpu1 keeps its reduced idle
  const next = view.cpuacctView('/f', s([[40n, 0n, 140n], [40n, 0n, 80n]]));
  t.same(asRows(next), [[40n, 0n, 115n], [40n, 0n, 30n]]);
  // no quota, or a quota that is not below the visible count: no correction
  const plain = new CpuView({ now: clock().now });
  plain.cpuacctView('/f', sample([[0n, 0n, 0n], [0n, 0n, 0n]], { quota: 2 }));
  t.same(asRows(plain.cpuacctView('/f', sample([[40n, 0n, 60n], [20n, 0n, 80n]], { quota: 2 }))), [[40n, 0n, 60n], [20n, 0n, 80n]]);
});

t.test('cpu view: lines of CPUs hidden later are folded into the next shown line (lines keep their sum)', async (t) => {
  const view = new CpuView({ now: clock().now });
  const rows = (k: bigint): Array<[bigint, bigint, bigint]> => [[k, 0n, k], [2n * k, 0n, k], [3n * k, 0n, k]];
  view.cpuacctView('/h', sample(rows(0n)));
  const all = view.cpuacctView('/h', sample(rows(10n)));
  t.same(asRows(all), [[10n, 0n, 10n], [20n, 0n, 10n], [30n, 0n, 10n]]);
  // the quota now allows 2 CPUs: cpu2's past stays, summed into the last line
  const two = view.cpuacctView('/h', sample(rows(10n), { visible: 2 }));
  t.same(asRows(two), [[10n, 0n, 10n], [50n, 0n, 20n]]);
  // cpuset becomes "1-2": cpu0's past folds into the first shown line (cpu1's)
  const moved = view.cpuacctView('/h', { ...sample(rows(10n)), ids: [1, 2], ticks: rows(10n).slice(1).map(([u, s, i]) => ticks(u, s, i)), visible: 1 });
  t.same(asRows(moved), [[60n, 0n, 30n]]);
});

t.test('cpu view: a CPU never seen (no byId) starts from its current ticks (no jump)', async (t) => {
  const view = new CpuView({ now: clock().now });
  const only0 = (u: bigint): CpuacctSample => ({ ids: [0], ticks: [ticks(u, 0n, u)], visible: 1, hostCpus: 2, quota: null });
  view.cpuacctView('/j', only0(100n));
  t.same(asRows(view.cpuacctView('/j', only0(110n))), [[10n, 0n, 10n]]);
  const both = (u: bigint, u1: bigint): CpuacctSample =>
    ({ ids: [0, 1], ticks: [ticks(u, 0n, u), ticks(u1, 0n, 9000n + u1)], visible: 2, hostCpus: 2, quota: null });
  t.same(asRows(view.cpuacctView('/j', both(120n, 5000n))), [[20n, 0n, 20n], [0n, 0n, 0n]]);
  t.same(asRows(view.cpuacctView('/j', both(130n, 5007n))), [[30n, 0n, 30n], [7n, 0n, 7n]]);
});

t.test('cpu view: a CPU (re)joining the cpuset keeps the user/system the container ran there; only idle restarts', async (t) => {
  // cpuset 1 → 0-1 (the review's case): the cgroup's per-CPU usage of every CPU comes in byId.
  const view = new CpuView({ now: clock().now });
  const read = (ids: number[], cg: Array<[bigint, bigint]>, idle: bigint[]): bigint[][] => asRows(view.cpuacctView('/r', {
    ids,
    ticks: ids.map((id) => ticks(cg[id]![0], cg[id]![1], idle[id]!)),
    byId: cg.map(([user, system]) => ({ user, system })),
    visible: ids.length,
    hostCpus: 2,
    quota: null,
  }));
  t.same(read([1], [[100n, 10n], [300n, 30n]], [0n, 5000n]), [[0n, 0n, 0n]], 'first read: zeros');
  // cpu0 joins; since the last read the container ran 200 user + 20 system ticks there, 150 + 5 on cpu1
  t.same(read([0, 1], [[300n, 30n], [450n, 35n]], [7000n, 5100n]), [[200n, 20n, 0n], [150n, 5n, 100n]],
    'cpu0: its user/system counted, its idle re-baselined (diff 0)');
  t.same(read([0, 1], [[310n, 30n], [460n, 35n]], [7090n, 5190n]), [[210n, 20n, 90n], [160n, 5n, 190n]], 'idle grows from there');
  // cpu0 leaves; it keeps running there briefly (the cpuset changed after the read): not shown,
  // and its baseline moves on, so that it does not reappear when cpu0 rejoins
  t.same(read([1], [[330n, 30n], [470n, 35n]], [7100n, 5200n]), [[210n + 160n + 10n, 25n, 90n + 200n]], 'cpu0\'s past folded into the shown line');
  t.same(read([0, 1], [[345n, 31n], [480n, 35n]], [9000n, 5300n]), [[225n, 21n, 90n], [180n, 5n, 300n]],
    'rejoined: user/system since the previous read (15, 1), idle restarts');
});

t.test('cpu view: without byId a CPU that left and rejoins counts from its last baseline', async (t) => {
  const view = new CpuView({ now: clock().now });
  const at = (ids: number[], rows: Array<[bigint, bigint, bigint]>): CpuacctSample =>
    ({ ids, ticks: ids.map((id) => ticks(...rows[id]!)), visible: ids.length, hostCpus: 2, quota: null });
  view.cpuacctView('/b', at([0, 1], [[10n, 0n, 100n], [10n, 0n, 100n]]));
  view.cpuacctView('/b', at([0], [[20n, 0n, 110n], [10n, 0n, 100n]]));
  t.same(asRows(view.cpuacctView('/b', at([0, 1], [[30n, 0n, 120n], [25n, 0n, 900n]]))), [[20n, 0n, 20n], [15n, 0n, 0n]]);
});

t.test('cpu view: byId longer than the ids sizes the record (CPUs beyond the last id)', async (t) => {
  const view = new CpuView({ now: clock().now });
  const s = (u0: bigint, u3: bigint, ids: number[]): CpuacctSample => ({
    ids, ticks: ids.map((id) => ticks(id === 0 ? u0 : u3, 0n, 0n)),
    byId: [{ user: u0, system: 0n }, { user: 0n, system: 0n }, { user: 0n, system: 0n }, { user: u3, system: 0n }],
    visible: ids.length, hostCpus: 4, quota: null,
  });
  view.cpuacctView('/l', s(10n, 50n, [0]));
  t.same(asRows(view.cpuacctView('/l', s(20n, 80n, [0, 3]))), [[10n, 0n, 0n], [30n, 0n, 0n]], 'cpu3 counted from its first read');
});

t.test('cpu view: host CPUs hot-plugged beyond the record grow it, history kept', async (t) => {
  const view = new CpuView({ now: clock().now });
  view.cpuacctView('/g', sample([[0n, 0n, 0n]]));
  view.cpuacctView('/g', sample([[5n, 0n, 5n]]));
  const grown = view.cpuacctView('/g', { ids: [0, 40], ticks: [ticks(6n, 0n, 6n), ticks(1n, 1n, 1n)], visible: 2, hostCpus: 41, quota: null });
  t.same(asRows(grown), [[6n, 0n, 6n], [0n, 0n, 0n]]);
});

t.test('cpu view: records are per key, shared by every reader of the key', async (t) => {
  const view = new CpuView({ now: clock().now });
  view.cpuacctView('/a', sample([[0n, 0n, 0n]]));
  view.cpuacctView('/b', sample([[100n, 0n, 0n]]));
  t.same(asRows(view.cpuacctView('/a', sample([[10n, 0n, 0n]]))), [[10n, 0n, 0n]]);
  t.same(asRows(view.cpuacctView('/b', sample([[130n, 0n, 0n]]))), [[30n, 0n, 0n]]);
  t.same(asRows(view.cpuacctView('/a', sample([[20n, 0n, 0n]]))), [[20n, 0n, 0n]], 'a second reader of /a continues');
  t.equal(view.size, 2);
});

t.test('cpu view: visible is clamped to [1, ids]; no ids → no lines, no record', async (t) => {
  const view = new CpuView({ now: clock().now });
  t.same(view.cpuacctView('/e', { ids: [], ticks: [], visible: 1, hostCpus: 1, quota: null }), []);
  t.equal(view.size, 0);
  t.equal(view.cpuacctView('/e', sample([[0n, 0n, 0n], [0n, 0n, 0n]], { visible: 0 })).length, 1);
  t.equal(view.cpuacctView('/e', sample([[0n, 0n, 0n], [0n, 0n, 0n]], { visible: 9 })).length, 2);
});

t.test('records not read for 10 minutes are dropped', async (t) => {
  const c = clock(1_000);
  const view = new CpuView({ now: c.now });
  view.cpuacctView('/old', sample([[0n, 0n, 0n]]));
  c.advance(5 * 60_000);
  view.cpuacctView('/recent', sample([[0n, 0n, 0n]]));
  c.advance(5 * 60_000 - 1);
  view.prune();
  t.equal(view.size, 2, 'just under 10 min: kept');
  c.advance(1);
  view.prune();
  t.equal(view.size, 1, '/old dropped at 10 min');
  // reading /old again starts over: zeros
  t.same(asRows(view.cpuacctView('/old', sample([[50n, 0n, 0n]]))), [[0n, 0n, 0n]]);
  view.cpuacctView('/recent', sample([[0n, 0n, 0n]]));
  // reads refresh: /recent read every 9 minutes never expires; pruning happens on reads too
  for (let i = 0; i < 3; i++) {
    c.advance(9 * 60_000);
    view.cpuacctView('/recent', sample([[BigInt(i + 1), 0n, 0n]]));
  }
  t.equal(view.size, 1, '/old expired again during the reads of /recent');
  t.same(asRows(view.cpuacctView('/recent', sample([[9n, 0n, 0n]]))), [[9n, 0n, 0n]], '/recent kept its history');
});

t.test('a custom ttl', async (t) => {
  const c = clock();
  const view = new CpuView({ now: c.now, ttlMs: 1000 });
  view.unifiedView('/x', { visible: 1, user: 1n, system: 1n, ageTicks: 10n });
  c.advance(1000);
  view.prune();
  t.equal(view.size, 0);
});

t.test('at most maxRecords, least recently read dropped first', async (t) => {
  const view = new CpuView({ now: clock().now, maxRecords: 3 });
  for (const key of ['/a', '/b', '/c']) view.cpuacctView(key, sample([[0n, 0n, 0n]]));
  view.cpuacctView('/a', sample([[1n, 0n, 0n]])); // /a is now the most recent
  view.cpuacctView('/d', sample([[0n, 0n, 0n]])); // evicts /b
  t.equal(view.size, 3);
  t.same(asRows(view.cpuacctView('/a', sample([[2n, 0n, 0n]]))), [[2n, 0n, 0n]], '/a kept');
  t.same(asRows(view.cpuacctView('/b', sample([[5n, 0n, 0n]]))), [[0n, 0n, 0n]], '/b was dropped: zeros');
  t.equal(view.size, 3);
  // many containers: memory stays bounded
  const many = new CpuView({ now: clock().now, maxRecords: 100 });
  for (let i = 0; i < 5000; i++) many.unifiedView(`/pod${i}`, { visible: 2, user: 1n, system: 1n, ageTicks: 1n });
  t.equal(many.size, 100);
  t.equal(new CpuView({ maxRecords: 0 }).size, 0, 'a bound below 1 is taken as 1');
});

t.test('spreadEvenly: remainder to the lowest lines, each line monotonic in the total', async (t) => {
  t.same(spreadEvenly(10n, 3), [4n, 3n, 3n]);
  t.same(spreadEvenly(2n, 4), [1n, 1n, 0n, 0n]);
  t.same(spreadEvenly(0n, 2), [0n, 0n]);
  t.same(spreadEvenly(7n, 1), [7n]);
  for (let n = 1; n <= 7; n++) {
    let prev = spreadEvenly(0n, n);
    for (let total = 1n; total < 40n; total++) {
      const next = spreadEvenly(total, n);
      t.equal(next.reduce((a, b) => a + b, 0n), total);
      t.ok(next.every((v, i) => v >= prev[i]!), `n=${n} total=${total}`);
      prev = next;
    }
  }
});

t.test('v2: totals spread over the visible CPUs, idle = CPUs × age − busy', async (t) => {
  const view = new CpuView({ now: clock().now });
  // 3 CPUs, container 100 s old (10000 ticks), used 250 user + 101 system ticks
  const lines = view.unifiedView('/k', { visible: 3, user: 250n, system: 101n, ageTicks: 10000n });
  t.same(asRows(lines), [[84n, 34n, 9883n], [83n, 34n, 9883n], [83n, 33n, 9883n]]);
  const idle = lines.reduce((a, l) => a + l.idle, 0n);
  t.equal(idle, 3n * 10000n - 351n);
});

t.test('v2: never decreasing per line and field; idle held while it would go back', async (t) => {
  const view = new CpuView({ now: clock().now });
  view.unifiedView('/k', { visible: 2, user: 100n, system: 0n, ageTicks: 1000n }); // idle 1900 → 950 each
  // usage that predates the init (cgroup history): busy grows faster than 2 × age
  const held = view.unifiedView('/k', { visible: 2, user: 400n, system: 0n, ageTicks: 1010n }); // idle 1620
  t.same(asRows(held), [[200n, 0n, 950n], [200n, 0n, 950n]]);
  const later = view.unifiedView('/k', { visible: 2, user: 401n, system: 0n, ageTicks: 1500n }); // idle 2599
  t.same(asRows(later), [[201n, 0n, 1300n], [200n, 0n, 1299n]]);
  // age unknown (init gone): idle holds its last value, user/system still move
  const unknown = view.unifiedView('/k', { visible: 2, user: 403n, system: 2n, ageTicks: null });
  t.same(asRows(unknown), [[202n, 1n, 1300n], [201n, 1n, 1299n]]);
  // a new record with unknown age shows idle 0, never negative
  t.same(asRows(view.unifiedView('/other', { visible: 1, user: 5n, system: 5n, ageTicks: null })), [[5n, 5n, 0n]]);
  t.same(asRows(view.unifiedView('/young', { visible: 1, user: 50n, system: 50n, ageTicks: 10n })), [[50n, 50n, 0n]], 'busy > age: idle 0');
});

t.test('v2: a new visible count or totals going back start a fresh record', async (t) => {
  const view = new CpuView({ now: clock().now });
  view.unifiedView('/k', { visible: 2, user: 1000n, system: 0n, ageTicks: 5000n });
  const three = view.unifiedView('/k', { visible: 3, user: 1000n, system: 0n, ageTicks: 5000n });
  t.same(asRows(three), [[334n, 0n, 4667n], [333n, 0n, 4667n], [333n, 0n, 4666n]], 'recomputed for 3 lines');
  const recreated = view.unifiedView('/k', { visible: 3, user: 10n, system: 0n, ageTicks: 100n });
  t.same(asRows(recreated), [[4n, 0n, 97n], [3n, 0n, 97n], [3n, 0n, 96n]], 'a re-created cgroup is not held at the old values');
  t.equal(view.size, 1);
});

t.test('v1 and v2 records of the same path are separate', async (t) => {
  const view = new CpuView({ now: clock().now });
  view.cpuacctView('/same', sample([[0n, 0n, 0n]]));
  view.unifiedView('/same', { visible: 1, user: 7n, system: 0n, ageTicks: 100n });
  t.equal(view.size, 2);
  t.same(asRows(view.cpuacctView('/same', sample([[3n, 0n, 0n]]))), [[3n, 0n, 0n]]);
});

t.test('saturating: inputs beyond 2^64 − 1 do not wrap', async (t) => {
  const view = new CpuView({ now: clock().now });
  const max = (1n << 64n) - 1n;
  view.cpuacctView('/big', sample([[0n, 0n, 0n]]));
  const lines = view.cpuacctView('/big', sample([[1n << 70n, 0n, 0n]]));
  t.equal(lines[0]!.user, max);
  const v2 = view.unifiedView('/big', { visible: 1, user: 1n << 70n, system: 0n, ageTicks: 0n });
  t.equal(v2[0]!.user, max);
});
