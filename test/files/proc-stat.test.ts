import { readFileSync } from 'node:fs';
import t from 'tap';
import { prng } from '../helpers/prng.js';
import type { Controller, CpuLimits, CpuTime, CpuUsage } from '../../src/cgroup/types.js';
import { LxcfsError } from '../../src/errors.js';
import { hostFileReader } from '../../src/files/host-files.js';
import { procStat, type StatInput, statLines } from '../../src/files/proc-stat.js';
import type { GatherContext, HostPath } from '../../src/files/types.js';
import { sysCpuOnline } from '../../src/files/sys-cpu-online.js';
import { visibleCpus } from '../../src/files/visible-cpus.js';
import { parseHostStat } from '../../src/host/stat.js';
import { parseCpuList } from '../../src/parse/cpu-list.js';
import { CpuView } from '../../src/services/cpu-view.js';
import { fakeContext, hostFiles } from '../helpers/fake-context.js';

const TICK = 10_000_000n; // ns per USER_HZ tick
const fixtureDir = (name: string): string => new URL(`../fixtures/host-stat-${name}`, import.meta.url).pathname;
const fixtureFile = (name: string, file: HostPath): string =>
  readFileSync(`${fixtureDir(name)}/${file.root}/${file.path}`, 'utf8');
const STAT: HostPath = { root: 'proc', path: 'stat' };
const ONLINE: HostPath = { root: 'sys', path: 'devices/system/cpu/online' };

const limits = (cpus: readonly number[] | null, quota: number | null = null): CpuLimits => ({ cpus, quota });
const time = (userTicks: bigint, systemTicks: bigint, extraNs = 0n): CpuTime =>
  ({ user: userTicks * TICK + extraNs, system: systemTicks * TICK + extraNs });
const v1Usage = (perCpu: CpuTime[]): CpuUsage => ({
  perCpu,
  total: perCpu.reduce((a, c) => ({ user: a.user + c.user, system: a.system + c.system }), { user: 0n, system: 0n }),
});
const v2Usage = (userTicks: bigint, systemTicks: bigint): CpuUsage =>
  ({ perCpu: null, total: { user: userTicks * TICK + 1234n, system: systemTicks * TICK + 5678n } });
const NO_CPUACCT = 'no cpuacct' as const;

interface Caller {
  readonly host: (file: HostPath) => string;
  readonly limits: CpuLimits;
  readonly usage: CpuUsage | typeof NO_CPUACCT | (() => CpuUsage);
  readonly cfs?: boolean;
  readonly view?: CpuView;
  readonly init?: number;
  readonly paths?: Partial<Record<Controller, string>>;
}

type Context = GatherContext & { readonly keys: string[] };

function context(c: Caller): Context {
  const keys: string[] = [];
  const view = c.view ?? new CpuView({ now: () => 0 });
  return {
    pid: 4242,
    options: { swap: true, cfs: c.cfs ?? false, loadavg: false },
    keys,
    hostFile: c.host,
    containerKey: () => { throw new Error('not used by stat'); },
    memory: () => { throw new Error('not used by stat'); },
    io: () => { throw new Error('not used by stat'); },
    cpuLimits: () => c.limits,
    cpuUsage: () => {
      if (c.usage === NO_CPUACCT) throw new LxcfsError('LXCFS_NO_CGROUP', 'cpuacct');
      return typeof c.usage === 'function' ? c.usage() : c.usage;
    },
    initPid: () => c.init ?? 4242,
    cgroupPath: (controller) => {
      const path = c.paths?.[controller] ?? `/${controller}/ctr`;
      keys.push(`${controller}:${path}`);
      return path;
    },
    services: { cpuView: view, loadavg: null },
  };
}

const onFixture = (name: string): ((file: HostPath) => string) =>
  hostFileReader({ procRoot: `${fixtureDir(name)}/proc`, sysRoot: `${fixtureDir(name)}/sys`, cgroupRoot: '/nonexistent' });

/** Host files from a map 'root/path' → text, falling back to `base`. */
function withFiles(map: Record<string, string>, base?: (file: HostPath) => string): (file: HostPath) => string {
  return (file) => {
    const text = map[`${file.root}/${file.path}`];
    if (text !== undefined) return text;
    if (base !== undefined) return base(file);
    throw new LxcfsError('LXCFS_HOST_UNREADABLE', file.path);
  };
}

const read = (c: Caller | Context): string => {
  const ctx = 'keys' in c ? c : context(c);
  return procStat.render(procStat.gather(ctx));
};

interface Parsed {
  readonly total: bigint[];
  readonly labels: string[];
  readonly lines: bigint[][];
  readonly other: string[];
}
function parse(text: string): Parsed {
  const rows = text.trimEnd().split('\n');
  const [first, ...rest] = rows;
  if (!first!.startsWith('cpu  ')) throw new Error(`no aggregate line: ${first}`);
  const nums = (line: string): bigint[] => line.split(' ').filter((x) => x !== '').slice(1).map(BigInt);
  const cpuRows = rest.filter((l) => /^cpu\d+ /.test(l));
  return {
    total: nums(first!),
    labels: cpuRows.map((l) => l.split(' ')[0]!),
    lines: cpuRows.map(nums),
    other: rest.filter((l) => !/^cpu\d+ /.test(l)),
  };
}

/** Host /proc/stat with every cpuN line's user and idle moved on (a later moment). */
function later(text: string, userTicks: bigint, idleTicks: bigint): string {
  return text.split('\n').map((line) => {
    const m = /^(cpu\d*) +(.*)$/.exec(line);
    if (m === null) return line;
    const f = m[2]!.split(' ').map(BigInt);
    if (m[1] === 'cpu') return line; // the summary line is never shown
    f[0] = f[0]! + userTicks;
    f[3] = f[3]! + idleTicks;
    return `${m[1]} ${f.join(' ')}`;
  }).join('\n');
}

t.test('the VirtualFile entry', async (t) => {
  t.equal(procStat.path, 'proc/stat');
  t.same(procStat.host, { root: 'proc', path: 'stat' });
  t.equal(procStat.size, 0);
  t.type(procStat.summary, 'string');
  t.notMatch(procStat.summary, /\n/);
  t.ok(Object.isFrozen(procStat));
});

// ---------------------------------------------------------------------------------------
// The spec's observed examples (§7.2a, §14)

const SPEC_HOST = [
  'cpu  1000 0 400 93000 20 0 5 0 0 0',
  'cpu0 600 0 250 46200 10 0 5 0 0 0',
  'cpu1 400 0 150 46700 10 0 0 0 0 0',
  'intr 123 0 1 2',
  'ctxt 4669274',
  'btime 1795310723',
  'processes 15260',
  'procs_running 2',
  'procs_blocked 0',
  'softirq 99 1 2 3 4 5 6 7 8 9 10',
  '',
].join('\n');
const SPEC_OTHER = SPEC_HOST.split('\n').slice(3).join('\n');

t.test('spec §7.2a: cpuset "1", no cfs → a cpu1 line and an aggregate equal to it', async (t) => {
  // host cpu1 busy 560; the cgroup ran 164 user + 71 system ticks there → idle 46700 + 560 − 235
  const perCpu = [time(0n, 0n), time(164n, 71n, TICK - 1n)]; // a tick minus 1 ns is truncated away
  const text = read({ host: withFiles({ 'proc/stat': SPEC_HOST, 'sys/devices/system/cpu/online': '0-1\n' }),
    limits: limits([1]), usage: v1Usage(perCpu) });
  t.equal(text, `cpu  164 0 71 47025 0 0 0 0 0 0\ncpu1 164 0 71 47025 0 0 0 0 0 0\n${SPEC_OTHER}`);
  // the observed numbers themselves: host cpu1 with idle 46640 instead
  const observed = read({
    host: withFiles({ 'proc/stat': SPEC_HOST.replace('cpu1 400 0 150 46700', 'cpu1 400 0 150 46650'), 'sys/devices/system/cpu/online': '0-1\n' }),
    limits: limits([1]), usage: v1Usage(perCpu),
  });
  t.match(observed, /^cpu {2}164 0 71 46975 0 0 0 0 0 0\ncpu1 164 0 71 46975 0 0 0 0 0 0\nintr /);
});

t.test('spec §14: two CPUs, the aggregate is the per-field sum', async (t) => {
  // cgroup cpu0 411/6, cpu1 165/73 ticks; host lines chosen so that idle = 70467 and 70707
  const host = ['cpu  0 0 0 0 0 0 0 0 0 0', 'cpu0 1000 0 100 69784 0 0 0 0 0 0', 'cpu1 500 0 100 70345 0 0 0 0 0 0', 'ctxt 1', ''].join('\n');
  const text = read({ host: withFiles({ 'proc/stat': host, 'sys/devices/system/cpu/online': '0-1\n' }),
    limits: limits([0, 1]), usage: v1Usage([time(411n, 6n), time(165n, 73n)]) });
  t.equal(text, 'cpu  576 0 79 141174 0 0 0 0 0 0\ncpu0 411 0 6 70467 0 0 0 0 0 0\ncpu1 165 0 73 70707 0 0 0 0 0 0\nctxt 1\n');
});

t.test('spec §14: cfs, quota 0.5, fresh cgroup → zeros and one cpu0 line on the first read', async (t) => {
  const view = new CpuView({ now: () => 0 });
  const host = withFiles({ 'proc/stat': SPEC_HOST, 'sys/devices/system/cpu/online': '0-1\n' });
  const first = read({ host, limits: limits([0, 1], 0.5), usage: v1Usage([time(3n, 1n), time(2n, 0n)]), cfs: true, view });
  t.equal(first, `cpu  0 0 0 0 0 0 0 0 0 0\ncpu0 0 0 0 0 0 0 0 0 0 0\n${SPEC_OTHER}`);
  // two busy loops: 1.62 s on cpu0, 1.01 s on cpu1 over ~5 s → cpu1's time folded into cpu0,
  // the 0.5-CPU correction removes the idle (observed: cpu  261 0 0 0 … / cpu0 261 0 0 0 …)
  const busy = SPEC_HOST
    .replace('cpu0 600 0 250 46200', 'cpu0 762 0 250 46538')
    .replace('cpu1 400 0 150 46700', 'cpu1 501 0 150 47099');
  const second = read({ host: withFiles({ 'proc/stat': busy, 'sys/devices/system/cpu/online': '0-1\n' }),
    limits: limits([0, 1], 0.5), usage: v1Usage([time(165n, 1n), time(103n, 0n)]), cfs: true, view });
  t.match(second, /^cpu {2}263 0 0 0 0 0 0 0 0 0\ncpu0 263 0 0 0 0 0 0 0 0 0\nintr /);
});

// ---------------------------------------------------------------------------------------
// Mode selection and keys

t.test('mode selection: accounting, filter, cpu view, v2', async (t) => {
  const host = onFixture('8cpu');
  const perCpu = Array.from({ length: 8 }, (_, i) => time(BigInt(1000 * (i + 1)), 10n));
  const modeOf = (c: Caller): string => procStat.gather(context(c)).cpus.mode;
  t.equal(modeOf({ host, limits: limits(null), usage: v1Usage(perCpu) }), 'accounting');
  t.equal(modeOf({ host, limits: limits(null), usage: NO_CPUACCT }), 'filter');
  t.equal(modeOf({ host, limits: limits(null), usage: NO_CPUACCT, cfs: true }), 'filter');
  t.equal(modeOf({ host, limits: limits(null), usage: v1Usage(perCpu), cfs: true }), 'view');
  t.equal(modeOf({ host, limits: limits(null), usage: v2Usage(5n, 5n) }), 'view');
  t.equal(modeOf({ host, limits: limits(null), usage: v2Usage(5n, 5n), cfs: true }), 'view');
});

t.test('state keys: v1 cpu view by the cpuacct cgroup, v2 by the cpu cgroup; stateless modes ask none', async (t) => {
  const host = onFixture('8cpu');
  const perCpu = Array.from({ length: 8 }, () => time(1n, 1n));
  const v1 = context({ host, limits: limits(null, 2), usage: v1Usage(perCpu), cfs: true, paths: { cpuacct: '/lxc/a' } });
  read(v1);
  t.same(v1.keys, ['cpuacct:/lxc/a']);
  const v2 = context({ host, limits: limits(null), usage: v2Usage(1n, 1n), paths: { cpu: '/k8s/b' } });
  read(v2);
  t.same(v2.keys, ['cpu:/k8s/b']);
  const acct = context({ host, limits: limits(null), usage: v1Usage(perCpu) });
  read(acct);
  t.same(acct.keys, []);
});

t.test('gather errors: what is not "no cpuacct" propagates (the host file is served)', async (t) => {
  const host = onFixture('8cpu');
  const gone = () => { throw new LxcfsError('LXCFS_CGROUP_UNREADABLE', 'cpuacct.usage_all'); };
  t.throws(() => read({ host, limits: limits(null), usage: gone }), { code: 'LXCFS_CGROUP_UNREADABLE' });
  const ctx = context({ host, limits: limits(null), usage: NO_CPUACCT });
  const noLimits = { ...ctx, cpuLimits: () => { throw new LxcfsError('LXCFS_CALLER_GONE'); } };
  t.throws(() => procStat.gather(noLimits), { code: 'LXCFS_CALLER_GONE' });
  const badOnline = withFiles({ 'sys/devices/system/cpu/online': 'zero\n' }, host);
  t.throws(() => read({ host: badOnline, limits: limits(null), usage: NO_CPUACCT }), { code: 'LXCFS_PARSE' });
  const noOnline = withFiles({ 'sys/devices/system/cpu/online': '\n' }, host);
  t.throws(() => read({ host: noOnline, limits: limits(null), usage: NO_CPUACCT }), { code: 'LXCFS_PARSE' });
  const badStat = withFiles({ 'proc/stat': 'cpu0 1 2\n' }, host);
  t.throws(() => read({ host: badStat, limits: limits(null), usage: NO_CPUACCT }), { code: 'LXCFS_PARSE' });
  // an empty (or all-offline) cpuset: whatever visibleCpus decides, the same count as cpuinfo
  t.equal(parse(read({ host, limits: limits([]), usage: NO_CPUACCT })).lines.length, visibleCpus([0, 1, 2, 3, 4, 5, 6, 7], limits([]), false).ids.length);
});

// ---------------------------------------------------------------------------------------
// Snapshots per mode on the fixture hosts

const LOCAL_PER_CPU = [time(4110n, 60n, 123n), time(1650n, 730n, 999n)];
const EIGHT_PER_CPU = Array.from({ length: 8 }, (_, i) => time(BigInt(5000 + 1111 * i), BigInt(700 + 37 * i), BigInt(i)));
const BIG_PER_CPU = Array.from({ length: 256 }, (_, i) => time(BigInt(100 + ((i * 7919) % 4000)), BigInt((i * 31) % 500)));

t.test('accounting mode (v1, no cfs)', async (t) => {
  const local = read({ host: onFixture('local'), limits: limits(null), usage: v1Usage(LOCAL_PER_CPU) });
  t.matchSnapshot(local, 'local host, all CPUs');
  const sparse = read({ host: onFixture('8cpu'), limits: limits([0, 2, 3]), usage: v1Usage(EIGHT_PER_CPU) });
  t.matchSnapshot(sparse, '8 CPUs, cpuset 0,2-3: physical labels');
  t.same(parse(sparse).labels, ['cpu0', 'cpu2', 'cpu3']);
  const big = read({ host: onFixture('256cpu'), limits: limits(null), usage: v1Usage(BIG_PER_CPU) });
  t.matchSnapshot(big, '256 CPUs');
  t.equal(parse(big).lines.length, 256);
  // cfs without cpuacct's per-CPU accounting never reaches here; cfs quota ignored without --enable-cfs
  const quotaNoCfs = read({ host: onFixture('8cpu'), limits: limits(null, 1.5), usage: v1Usage(EIGHT_PER_CPU) });
  t.equal(parse(quotaNoCfs).lines.length, 8);
});

t.test('accounting mode details: usage above the host\'s busy time, per-CPU array shorter than the host', async (t) => {
  const host = withFiles({ 'proc/stat': 'cpu  0 0 0 0 0 0 0 0 0 0\ncpu0 10 0 10 500 0 0 0 0 0 0\ncpu1 10 0 0 100 0 0 0 0 0 0\n', 'sys/devices/system/cpu/online': '0-1\n' });
  // cgroup 30 ticks on cpu0 where the host saw 20 busy: idle is the host's, no underflow
  const text = read({ host, limits: limits(null), usage: v1Usage([time(25n, 5n)]) });
  t.equal(text, 'cpu  25 0 5 610 0 0 0 0 0 0\ncpu0 25 0 5 500 0 0 0 0 0 0\ncpu1 0 0 0 110 0 0 0 0 0 0\n');
});

t.test('filter mode (v1 without cpuacct)', async (t) => {
  const host = onFixture('8cpu');
  const physical = read({ host, limits: limits([1, 5, 6]), usage: NO_CPUACCT });
  t.matchSnapshot(physical, '8 CPUs, cpuset 1,5-6, no cfs: host lines, physical labels');
  const hostStat = parseHostStat(fixtureFile('8cpu', STAT));
  const p = parse(physical);
  t.same(p.labels, ['cpu1', 'cpu5', 'cpu6']);
  t.same(p.lines, [1, 5, 6].map((id) => hostStat.byId.get(id)));
  const renumbered = read({ host, limits: limits([1, 5, 6], 1.5), usage: NO_CPUACCT, cfs: true });
  t.matchSnapshot(renumbered, '8 CPUs, cpuset 1,5-6, cfs quota 1.5: two lines, renumbered');
  t.same(parse(renumbered).labels, ['cpu0', 'cpu1']);
  t.same(parse(renumbered).lines, [1, 5].map((id) => hostStat.byId.get(id)));
  t.matchSnapshot(read({ host: onFixture('local'), limits: limits([1]), usage: NO_CPUACCT }), 'local host, cpuset 1');
  const big = read({ host: onFixture('256cpu'), limits: limits(parseCpuList('128-255')), usage: NO_CPUACCT, cfs: true });
  t.matchSnapshot(big, '256 CPUs, cpuset 128-255, cfs without quota: renumbered');
  t.equal(parse(big).labels[127], 'cpu127');
});

t.test('cpu view mode (v1 + cfs): stateful, renumbered', async (t) => {
  for (const [name, cpus, quota, perCpu] of [
    ['local', null, 0.5, LOCAL_PER_CPU],
    ['8cpu', [0, 1, 2, 3, 4, 5, 6, 7], 2.5, EIGHT_PER_CPU],
    ['256cpu', null, 16, BIG_PER_CPU],
  ] as const) {
    const view = new CpuView({ now: () => 0 });
    const base = fixtureFile(name, STAT);
    const host = (text: string) => withFiles({ 'proc/stat': text }, onFixture(name));
    const first = read({ host: host(base), limits: limits(cpus, quota), usage: v1Usage([...perCpu]), cfs: true, view });
    t.match(first, /^cpu {2}0 0 0 0 0 0 0 0 0 0\ncpu0 0 0 0 0 0 0 0 0 0 0\n/, `${name}: first read all zeros`);
    // 10 s later: every host CPU 300 ticks busier and 700 idler; the cgroup ran 50 user + 5 system
    // ticks on each (within its quota: 55 × CPUs < quota × 1000)
    const grown = perCpu.map((c) => ({ user: c.user + 50n * TICK, system: c.system + 5n * TICK }));
    const second = read({ host: host(later(base, 300n, 700n)), limits: limits(cpus, quota), usage: v1Usage(grown), cfs: true, view });
    t.matchSnapshot(second, `${name}: cpu view, quota ${quota}, second read`);
    t.equal(parse(second).lines.length, Math.ceil(quota), 'lines = the quota rounded up');
    t.same(parse(second).labels, Array.from({ length: Math.ceil(quota) }, (_, i) => `cpu${i}`));
  }
});

t.test('v2: synthesised from cpu.stat totals and the container age', async (t) => {
  // 8-CPU fixture: the init (pid 4242) is 3600 s old → 360000 ticks
  const host = onFixture('8cpu');
  const text = read({ host, limits: limits([0, 2, 3]), usage: v2Usage(100000n, 20002n) });
  t.matchSnapshot(text, '8 CPUs, cpuset 0,2-3, 1000 s user + 200.02 s system over 1 h: physical labels');
  // 3 CPUs × 360000 ticks − 120002 busy = 959998 idle; remainders go to the lowest line
  t.equal(text.split('\n').slice(0, 4).join('\n'), [
    'cpu  100000 0 20002 959998 0 0 0 0 0 0',
    'cpu0 33334 0 6668 320000 0 0 0 0 0 0',
    'cpu2 33333 0 6667 319999 0 0 0 0 0 0',
    'cpu3 33333 0 6667 319999 0 0 0 0 0 0',
  ].join('\n'));
  const cfs = read({ host, limits: limits([0, 2, 3], 1.5), usage: v2Usage(100000n, 20002n), cfs: true });
  t.matchSnapshot(cfs, '8 CPUs, cpuset 0,2-3, cfs quota 1.5: two lines, renumbered');
  t.same(parse(cfs).labels, ['cpu0', 'cpu1']);
  t.same(parse(cfs).total.slice(0, 4), [100000n, 0n, 20002n, 2n * 360000n - 120002n]);
  const big = read({ host: onFixture('256cpu'), limits: limits(null), usage: v2Usage(1_000_000n, 300_000n) });
  t.matchSnapshot(big, '256 CPUs, init 250 s old');
  t.equal(parse(big).total[3], 256n * 25000n - 1_300_000n);
  const local = read({ host: onFixture('local'), limits: limits(null), usage: v2Usage(30n, 10n), init: 1 });
  t.matchSnapshot(local, 'local host, pid 1 as init');
});

t.test('v2: the init gone → idle 0 on a first read, then held; the read is still answered', async (t) => {
  const view = new CpuView({ now: () => 0 });
  const host = onFixture('8cpu');
  const gone = (file: HostPath): string => {
    if (file.path === '4242/stat') throw new LxcfsError('LXCFS_HOST_UNREADABLE', file.path);
    return host(file);
  };
  t.match(read({ host: gone, limits: limits([0]), usage: v2Usage(10n, 0n), view }), /^cpu {2}10 0 0 0 0/);
  t.match(read({ host, limits: limits([0]), usage: v2Usage(20n, 0n), view }), /^cpu {2}20 0 0 359980 0/);
  t.match(read({ host: gone, limits: limits([0]), usage: v2Usage(30n, 0n), view }), /^cpu {2}30 0 0 359980 0/, 'idle held');
  const initPidGone = { ...context({ host, limits: limits([0]), usage: v2Usage(1n, 0n) }), initPid: () => { throw new LxcfsError('LXCFS_CALLER_GONE'); } };
  t.match(procStat.render(procStat.gather(initPidGone)), /^cpu {2}1 0 0 0 0/);
  const bug = { ...context({ host, limits: limits([0]), usage: v2Usage(1n, 0n) }), initPid: () => { throw new TypeError('bug'); } };
  t.throws(() => procStat.gather(bug), TypeError, 'only LxcfsErrors are absorbed');
});

t.test('v2, a reader in the daemon\'s own pid namespace (hostPID pod): idle grows with wall time', async (t) => {
  // The resolver answers the reader itself there (a fresh `cat`, host pid 4242 then 4343, whose
  // innermost NSpid is not 1); the container's age is then pid 1's — the host's uptime — as for
  // proc/uptime. With the cat's age (0.1 s) idle would sit at its floor: 2 × 10 − 60000 < 0.
  const view = new CpuView({ now: () => 0 });
  const at = (uptime: string, cat: number, start: number, userS: bigint) => fakeContext({
    pid: cat,
    initPid: () => cat,
    hostFile: hostFiles({
      'proc/uptime': `${uptime} 1.00\n`,
      'proc/stat': SPEC_HOST,
      'sys/devices/system/cpu/online': '0-1\n',
      'proc/1/stat': `1 (systemd) S 0 1 1 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 26 1 1 0\n`,
      'proc/1/status': 'Name:\tsystemd\nNSpid:\t1\n',
      [`proc/${cat}/stat`]: `${cat} (cat) R 900 ${cat} 900 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 ${start} 1 1 0\n`,
      [`proc/${cat}/status`]: `Name:\tcat\nNSpid:\t${cat}\n`,
    }),
    cpuLimits: () => limits(null),
    cpuUsage: () => ({ perCpu: null, total: { user: userS * 1_000_000_000n, system: 100n * 1_000_000_000n } }),
    cgroupPath: (controller) => `/${controller}/hostpid-pod`,
    services: { cpuView: view, loadavg: null },
  });
  const first = parse(procStat.render(procStat.gather(at('1000.00', 4242, 99990, 500n))));
  t.equal(first.total[3], 2n * (100000n - 26n) - 60000n, 'idle = 2 CPUs × host uptime − the pod\'s CPU time');
  // 10 s later, another cat; the pod ran 5 s more
  const second = parse(procStat.render(procStat.gather(at('1010.00', 4343, 100990, 505n))));
  t.equal(second.total[3]! - first.total[3]!, 2n * 1000n - 500n, 'idle grew by 2 × 10 s − 5 s busy');
  t.equal(second.total[0], 50500n);
});

t.test('values near 2^64 are clamped, never printed above u64 (accounting mode\'s idle arithmetic)', async (t) => {
  const big = 18446744073709551000n; // 2^64 − 616
  const host = hostFiles({
    'proc/stat': `cpu  0 0 0 0 0 0 0 0 0 0\ncpu0 ${big} 0 ${big} 100 0 0 0 0 0 0\ncpu1 ${big} 0 0 ${big} 0 0 0 0 0 0\nctxt 1\n`,
    'sys/devices/system/cpu/online': '0-1\n',
  });
  const text = read({ host, limits: limits(null), usage: v1Usage([time(1n, 1n), time(1n, 0n)]) });
  const max = 18446744073709551615n;
  // idle = host idle + host busy − cgroup busy: 100 + 2 × big − 2 on cpu0, big + big − 1 on cpu1
  t.equal(text, `cpu  2 0 1 ${max} 0 0 0 0 0 0\ncpu0 1 0 1 ${max} 0 0 0 0 0 0\ncpu1 1 0 0 ${max} 0 0 0 0 0 0\nctxt 1\n`);
  const filter = read({ host, limits: limits(null), usage: NO_CPUACCT });
  t.match(filter, new RegExp(`^cpu  ${max} 0 ${big} ${big + 100n} 0`), 'the aggregate of host lines is clamped too');
  for (const v of parse(filter).total) t.ok(v <= max);
});

t.test('v1 cpu view: a CPU joining the cpuset keeps the time the container ran there (lxcfs)', async (t) => {
  // cpuset 1, then 0-1; between the reads the container ran 2 s busy on cpu0 and 1 s on cpu1.
  const view = new CpuView({ now: () => 0 });
  const host = (u0: bigint, i0: bigint, u1: bigint, i1: bigint) => withFiles({
    'proc/stat': `cpu  0 0 0 0 0 0 0 0 0 0\ncpu0 ${u0} 0 0 ${i0} 0 0 0 0 0 0\ncpu1 ${u1} 0 0 ${i1} 0 0 0 0 0 0\n`,
    'sys/devices/system/cpu/online': '0-1\n',
  });
  const first = read({ host: host(1000n, 5000n, 1000n, 5000n), limits: limits([1]), usage: v1Usage([time(300n, 0n), time(400n, 0n)]), cfs: true, view });
  t.match(first, /^cpu {2}0 0 0 0 /);
  const second = read({ host: host(1200n, 5100n, 1100n, 5200n), limits: limits([0, 1]), usage: v1Usage([time(500n, 0n), time(500n, 0n)]), cfs: true, view });
  const p = parse(second);
  t.same(p.lines.map((l) => l[0]), [200n, 100n], 'user: cpu0\'s 2 s counted, not re-baselined away');
  t.equal(p.lines[0]![3], 0n, 'idle of the joining CPU restarts from this read');
  t.equal(p.lines[1]![3], 100n + 100n, 'cpu1: host idle 100 + other cgroups\' 100 (its host busy 100, the container 100)');
});

t.test('v2: never decreasing between reads of the same container', async (t) => {
  const view = new CpuView({ now: () => 0 });
  const host = onFixture('8cpu');
  const a = parse(read({ host, limits: limits(null), usage: v2Usage(2_000_000n, 0n), view })); // busy > 8 × age: idle 880000
  const b = parse(read({ host, limits: limits(null), usage: v2Usage(2_900_000n, 0n), view })); // new idle would be −20000
  for (let i = 0; i < 8; i++) for (let f = 0; f < 10; f++) t.ok(b.lines[i]![f]! >= a.lines[i]![f]!);
  t.equal(b.total[3], a.total[3], 'idle held');
});

t.test('CPUs visible but missing from the host file (hot-unplug race) still get a line', async (t) => {
  const host = withFiles({ 'proc/stat': 'cpu  1 0 0 1 0 0 0 0 0 0\ncpu0 1 0 0 1 0 0 0 0 0 0\nctxt 1\n', 'sys/devices/system/cpu/online': '0-1\n' });
  t.equal(read({ host, limits: limits(null), usage: NO_CPUACCT }),
    'cpu  1 0 0 1 0 0 0 0 0 0\ncpu0 1 0 0 1 0 0 0 0 0 0\ncpu1 0 0 0 0 0 0 0 0 0 0\nctxt 1\n');
  t.equal(read({ host, limits: limits(null), usage: v1Usage([time(1n, 0n), time(2n, 1n)]) }),
    'cpu  3 0 1 1 0 0 0 0 0 0\ncpu0 1 0 0 1 0 0 0 0 0 0\ncpu1 2 0 1 0 0 0 0 0 0 0\nctxt 1\n');
});

t.test('statLines is pure and matches render', async (t) => {
  const input: StatInput = { host: parseHostStat(SPEC_HOST), cpus: { mode: 'filter', ids: [1], renumber: true } };
  t.same(statLines(input), { labels: [0], lines: [[400n, 0n, 150n, 46700n, 10n, 0n, 0n, 0n, 0n, 0n]] });
  t.equal(procStat.render(input), `cpu  400 0 150 46700 10 0 0 0 0 0\ncpu0 400 0 150 46700 10 0 0 0 0 0\n${SPEC_OTHER}`);
  const view: StatInput = { host: parseHostStat(SPEC_HOST), cpus: { mode: 'view', labels: [3, 7], lines: [{ user: 1n, system: 2n, idle: 3n }, { user: 4n, system: 5n, idle: 6n }] } };
  t.equal(procStat.render(view), `cpu  5 0 7 9 0 0 0 0 0 0\ncpu3 1 0 2 3 0 0 0 0 0 0\ncpu7 4 0 5 6 0 0 0 0 0 0\n${SPEC_OTHER}`);
});

// ---------------------------------------------------------------------------------------
// Properties over generated inputs

interface World {
  readonly online: number[];
  readonly host: bigint[][];      // per online CPU, 10 fields
  readonly cg: bigint[];          // per CPU id: cgroup user ticks (system = cg/4)
  readonly subNs: bigint[];       // sub-tick ns, constant per CPU
  uptime: bigint;
}

function hostText(w: World, other: string): string {
  const total = new Array<bigint>(10).fill(0n);
  for (const f of w.host) f.forEach((v, i) => { total[i] = total[i]! + v; });
  return [`cpu  ${total.join(' ')}`, ...w.host.map((f, k) => `cpu${w.online[k]} ${f.join(' ')}`), other].join('\n') + '\n';
}

/** One step of wall time: each CPU's host counters and the cgroup's share of its busy time grow. */
function step(w: World, r: () => number, ticks: bigint): void {
  w.uptime += ticks;
  w.host.forEach((f, k) => {
    const busy = BigInt(Math.floor(r() * Number(ticks)));
    const user = BigInt(Math.floor(r() * Number(busy)));
    f[0] = f[0]! + user;
    f[2] = f[2]! + (busy - user) / 2n;
    f[6] = f[6]! + (busy - user) - (busy - user) / 2n;
    f[3] = f[3]! + (ticks - busy);
    // the cgroup ran part of this CPU's busy time (user and system in a 4:1 ratio)
    const id = w.online[k]!;
    const share = (BigInt(Math.floor(r() * Number(busy))) * 4n) / 5n;
    w.cg[id] = w.cg[id]! + share;
  });
}

t.test('properties over generated hosts, cgroups and successive reads', async (t) => {
  const MAX = 1n << 63n;
  let cases = 0;
  let reads = 0;
  for (let seed = 1; seed <= 320; seed++) {
    const r = prng(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
    const hostCpus = pick([1, 2, 3, 4, 8, 12, 16, 64]);
    // some host CPUs offline (absent from stat and online)
    const online = Array.from({ length: hostCpus }, (_, i) => i).filter((i) => i === 0 || r() > 0.1);
    const w: World = {
      online,
      host: online.map(() => {
        const f = Array.from({ length: 10 }, () => BigInt(Math.floor(r() * 1e6)));
        f[8] = 0n;
        f[9] = 0n;
        return f;
      }),
      cg: Array.from({ length: hostCpus }, () => 0n),
      subNs: Array.from({ length: hostCpus }, () => BigInt(Math.floor(r() * 1e7))),
      uptime: 0n,
    };
    // the cgroup's history fits in each CPU's busy time
    online.forEach((id, k) => { w.cg[id] = (w.host[k]![0]! + w.host[k]![2]!) / 2n; });
    w.uptime = BigInt(Math.floor(r() * 1e8)) + 100n;
    const start = BigInt(Math.floor(r() * Number(w.uptime)));
    const cpuset = r() < 0.3 ? null : Array.from({ length: hostCpus }, (_, i) => i).filter(() => r() < 0.6);
    if (cpuset !== null && cpuset.length === 0) cpuset.push(pick(online));
    const quota = r() < 0.4 ? null : Math.round(r() * (hostCpus + 2) * 100) / 100 + 0.01;
    const cfs = r() < 0.5;
    const kind = pick(['accounting', 'filter', 'v2'] as const);
    const other = `intr ${seed} 0 0\nctxt ${seed * 7}\nbtime 1795310723\nprocesses 9\nprocs_running 1\nprocs_blocked 0\nsoftirq 1 2 3`;
    const lim = limits(cpuset, quota);
    const view = new CpuView({ now: () => 0 });
    const expected = visibleCpus(online, lim, cfs).ids.length;
    let prev: Parsed | null = null;
    for (let n = 0; n < 4; n++) {
      const usage: CpuUsage | typeof NO_CPUACCT = kind === 'filter' ? NO_CPUACCT
        : kind === 'accounting'
          ? v1Usage(w.cg.map((u, id) => ({ user: ((u * 4n) / 5n) * TICK + w.subNs[id]!, system: (u - (u * 4n) / 5n) * TICK + w.subNs[id]! })))
          : v2Usage(w.cg.reduce((a, b) => a + (b * 4n) / 5n, 0n), w.cg.reduce((a, b) => a + b - (b * 4n) / 5n, 0n));
      const files = withFiles({
        'proc/stat': hostText(w, other),
        'sys/devices/system/cpu/online': `${online.join(',')}\n`,
        'proc/uptime': `${w.uptime / 100n}.${String(w.uptime % 100n).padStart(2, '0')} 0.00\n`,
        'proc/4242/stat': `4242 (init) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 ${start} 1 1 0\n`,
        'proc/4242/status': 'Name:\tinit\nNSpid:\t4242\t1\n',
      });
      const ctx = context({ host: files, limits: lim, usage, cfs, view });
      const p = parse(read(ctx));
      const label = `seed ${seed} read ${n} (${kind}${cfs ? ', cfs' : ''})`;
      if (p.lines.length !== expected) t.fail(`${label}: ${p.lines.length} cpu lines, visibleCpus says ${expected}`);
      const onlineCount = parseCpuList(sysCpuOnline.render(sysCpuOnline.gather(ctx)))!.length;
      if (p.lines.length !== onlineCount) t.fail(`${label}: ${p.lines.length} cpu lines, sys/devices/system/cpu/online has ${onlineCount}`);
      for (let f = 0; f < 10; f++) {
        const sum = p.lines.reduce((a, l) => a + l[f]!, 0n);
        if (sum !== p.total[f]) t.fail(`${label}: field ${f} sums to ${sum}, aggregate ${p.total[f]}`);
      }
      for (const v of [...p.total, ...p.lines.flat()]) if (v < 0n || v >= MAX) t.fail(`${label}: value ${v}`);
      if (p.other.join('\n') !== other) t.fail(`${label}: other lines not the host's`);
      if (new Set(p.labels).size !== p.labels.length) t.fail(`${label}: duplicate labels`);
      if (prev !== null) {
        const cpuviewIdle = kind === 'accounting' && cfs;
        for (let i = 0; i < p.lines.length; i++) {
          for (let f = 0; f < 10; f++) {
            if (cpuviewIdle && f === 3) continue;
            if (p.lines[i]![f]! < prev.lines[i]![f]!) t.fail(`${label}: ${p.labels[i]} field ${f} went down`);
          }
        }
        for (let f = 0; f < 10; f++) {
          if (cpuviewIdle && f === 3) continue;
          if (p.total[f]! < prev.total[f]!) t.fail(`${label}: aggregate field ${f} went down`);
        }
      } else if (kind === 'accounting' && cfs) {
        if (p.lines.flat().some((v) => v !== 0n)) t.fail(`${label}: cpu view's first read is not all zeros`);
      }
      prev = p;
      reads++;
      const elapsed = BigInt(100 + Math.floor(r() * 2000));
      step(w, r, elapsed);
      // v2 totals may grow faster than visible CPUs × elapsed (usage on CPUs hidden by the
      // quota cut, or a burst): the synthesised idle would go back, and must not.
      if (kind === 'v2' && r() < 0.5) w.cg[online[0]!] = w.cg[online[0]!]! + BigInt(Math.floor(r() * 3 * Number(elapsed) * expected));
    }
    cases++;
  }
  t.equal(cases, 320, 'generated cases');
  t.equal(reads, 1280, 'reads checked');
});
