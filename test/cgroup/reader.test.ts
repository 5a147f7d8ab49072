import t from 'tap';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { detectLayout } from '../../src/cgroup/layout.js';
import { cgroupReaderFor, type PathOf } from '../../src/cgroup/reader.js';
import type { Controller } from '../../src/cgroup/types.js';
import { LxcfsError } from '../../src/errors.js';
import { TestCgroups } from '../helpers/cgroups.js';

const fixtures = new URL('../fixtures/', import.meta.url).pathname;
const DOCKER = '/docker/3f9c2a7d1b8e4c6f0a5d9e2b7c1f8a4d6e3b0c9f2a5d8e1b4c7f0a3d6e9b2c5f';
const UID = '0f1e2d3c_4b5a_4978_8695_a4b3c2d1e0f9';
const CID = '6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d';
const K8S_CPUSET = `/kubepods-burstable-pod${UID}.slice/cri-containerd-${CID}.scope`;
const K8S_CPU = `/system.slice/containerd.service/kubepods-burstable-pod${UID}.slice:cri-containerd:${CID}`;
const POD = '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod7c1e4f2a_93b8_4d5e_a6f1_2b9c8d7e6f50.slice';
const CTR_A = `${POD}/cri-containerd-9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d.scope`;

/** A PathOf from a table that records which controllers the reader asked for. */
function pathsOf(table: Partial<Record<Controller, string>>): PathOf & { asked: Controller[] } {
  const asked: Controller[] = [];
  const pathOf = (c: Controller): string => {
    asked.push(c);
    const path = table[c];
    if (path === undefined) throw new LxcfsError('LXCFS_NO_CGROUP', c);
    return path;
  };
  return Object.assign(pathOf, { asked });
}

const everywhere = (path: string): PathOf => () => path;

t.test('v1 fixture: memory, cpu, cpuacct, cpuset and blkio all from v1 hierarchies', async (t) => {
  const reader = cgroupReaderFor(detectLayout(join(fixtures, 'cgroup-v1')));
  t.equal(reader.memory(everywhere(DOCKER)).limit, 268435456n);
  t.same(reader.cpuLimits(everywhere(DOCKER), true), { cpus: [0, 2, 3], quota: 0.5 }, 'sparse cpuset, quota 0.5');
  const usage = reader.cpuUsage(everywhere(DOCKER));
  t.equal(usage.perCpu?.length, 8);
  t.same(reader.io(everywhere(DOCKER)).map((d) => `${d.major}:${d.minor}`), ['8:0']);
  t.same(reader.procs(DOCKER, 3), [2301], 'cgroup.procs of the cpu hierarchy');
});

t.test('v1 fixture: Kubernetes container whose cpu and cpuset paths differ (Q8 fixed)', async (t) => {
  const reader = cgroupReaderFor(detectLayout(join(fixtures, 'cgroup-v1')));
  const pathOf = pathsOf({ cpuset: K8S_CPUSET, cpu: K8S_CPU, cpuacct: K8S_CPU });
  t.same(reader.cpuLimits(pathOf, true), { cpus: [0, 1, 4, 5, 6, 7], quota: 1.5 });
  t.same(pathOf.asked, ['cpuset', 'cpu'], 'the quota is read at the cpu path');
  const cpusetOnly = pathsOf({ cpuset: K8S_CPUSET, cpu: K8S_CPU, cpuacct: K8S_CPU });
  t.same(reader.cpuLimits(cpusetOnly, false), { cpus: [0, 1, 4, 5, 6, 7], quota: null }, 'without --enable-cfs: no quota');
  t.same(cpusetOnly.asked, ['cpuset'], 'and the cpu hierarchy is not read at all');
  const usage = reader.cpuUsage(pathOf);
  t.same(pathOf.asked.at(-1), 'cpuacct');
  t.same(usage.perCpu?.[2], { user: 0n, system: 0n });
  t.same(reader.procs(K8S_CPU, 0), [3150, 3187]);
});

t.test('hybrid fixture (this machine): every read from v1; unified holds only hugetlb', async (t) => {
  const reader = cgroupReaderFor(detectLayout(join(fixtures, 'cgroup-hybrid')));
  const m = reader.memory(everywhere('/process_api/c0149c198bf02f4cb30366c9544e9a2f'));
  t.equal(m.limit, null);
  t.same(m.swap, { max: null, usage: 49152n });
  t.same(reader.cpuLimits(everywhere('/'), true), { cpus: [0, 1], quota: null });
  t.same(reader.cpuUsage(everywhere('/')).total, { user: 1126344551798n + 1203445632899n, system: 248805768266n + 282841253231n });
  t.same(reader.io(everywhere('/')), [], 'blk-mq throttle files with "Total 0" only');
  t.same(reader.procs('/', 0), [1]);
  const pathOf = pathsOf({ blkio: '/' });
  reader.io(pathOf);
  t.same(pathOf.asked, ['blkio'], 'never io on this layout');
});

t.test('v2 fixture: Kubernetes node', async (t) => {
  const reader = cgroupReaderFor(detectLayout(join(fixtures, 'cgroup-v2')));
  t.equal(reader.memory(everywhere('/system.slice/docker-5b4a39281706f5e4d3c2b1a0998877665544332211ffeeddccbbaa0099887766.scope')).limit, 134217728n);
  t.same(reader.cpuLimits(everywhere(CTR_A), true), { cpus: [0, 2, 3], quota: 0.5 }, 'effective cpuset; the pod\'s cpu.max');
  const pathOf = pathsOf({ cpu: CTR_A, io: CTR_A });
  t.same(reader.cpuUsage(pathOf), { perCpu: null, total: { user: 7123456789000n, system: 3111111101000n } });
  t.same(reader.io(pathOf).map((d) => `${d.major}:${d.minor}`), ['8:0', '259:0']);
  t.same(pathOf.asked, ['cpu', 'io'], 'v2 names: cpu for cpu.stat, io for io.stat');
  t.same(reader.procs('/kubepods.slice', 3), [4127, 4188, 5310]);
  t.same(reader.procs('/', 3), [1, 2871], 'depth 3 from the root stops above the containers');
});

t.test('hybrid mix: each controller goes to its own hierarchy and version', async (t) => {
  const root = t.testdir({
    memory: {
      'cgroup.procs': '', 'memory.limit_in_bytes': '9223372036854771712\n',
      c: { 'cgroup.procs': '', 'memory.usage_in_bytes': '4096\n', 'memory.limit_in_bytes': '8192\n', 'memory.stat': '' },
    },
    'cpu,cpuacct': {
      'cgroup.procs': '', 'cpu.cfs_quota_us': '-1\n', 'cpu.cfs_period_us': '100000\n',
      q: { 'cgroup.procs': '9\n', 'cpu.cfs_quota_us': '25000\n', 'cpu.cfs_period_us': '100000\n', 'cpuacct.usage_all': 'cpu user system\n0 10 20\n' },
    },
    unified: {
      'cgroup.controllers': 'cpuset io\n', 'cgroup.procs': '', 'cpuset.cpus.effective': '0-3\n',
      u: { 'cgroup.procs': '', 'cpuset.cpus': '2\n', 'io.stat': '8:0 rbytes=512 rios=1\n' },
    },
  });
  const layout = detectLayout(root);
  t.equal(layout.kind, 'hybrid');
  const reader = cgroupReaderFor(layout);
  const pathOf = pathsOf({ memory: '/c', cpu: '/q', cpuacct: '/q', cpuset: '/u', io: '/u' });
  t.equal(reader.memory(pathOf).limit, 8192n, 'v1 memory');
  t.same(reader.cpuLimits(pathOf, true), { cpus: [2], quota: 0.25 }, 'v2 cpuset, v1 quota');
  t.same(reader.cpuUsage(pathOf).total, { user: 10n, system: 20n }, 'v1 cpuacct');
  t.same(reader.io(pathOf).map((d) => d.readBytes), [512n], 'v2 io');
  t.same(reader.procs('/q', 3), [9], 'the v1 cpu hierarchy');
});

t.test('pure v2 whose root does not enable cpu: cpu.stat still read (a core file), no quota', async (t) => {
  const root = t.testdir({
    'cgroup.controllers': 'memory pids\n', 'cgroup.procs': '1\n',
    c: { 'cgroup.procs': '5\n', 'cpu.stat': 'usage_usec 30\nuser_usec 20\nsystem_usec 10\n', 'cpu.max': '50000 100000\n' },
  });
  const reader = cgroupReaderFor(detectLayout(root));
  const pathOf = pathsOf({ memory: '/c' });
  t.same(reader.cpuUsage(pathOf).total, { user: 20000n, system: 10000n });
  t.same(pathOf.asked, ['memory'], 'the 0:: path through a controller that has a hierarchy');
  t.same(reader.cpuLimits(pathOf, true), { cpus: null, quota: null }, 'no cpuset or cpu hierarchy: no limits');
  t.same(reader.procs('/', 1), [1, 5], 'the unified root');
  t.throws(() => reader.io(pathOf), { code: 'LXCFS_NO_CGROUP' });
});

t.test('no hierarchies: NO_CGROUP, except cpuLimits which reports no limits', async (t) => {
  const reader = cgroupReaderFor(detectLayout(t.testdir({})));
  const pathOf = pathsOf({});
  t.throws(() => reader.memory(pathOf), { code: 'LXCFS_NO_CGROUP' });
  t.same(reader.cpuLimits(pathOf, true), { cpus: null, quota: null });
  t.throws(() => reader.cpuUsage(pathOf), { code: 'LXCFS_NO_CGROUP' });
  t.throws(() => reader.io(pathOf), { code: 'LXCFS_NO_CGROUP' });
  t.throws(() => reader.procs('/', 3), { code: 'LXCFS_NO_CGROUP' });
  t.same(pathOf.asked, [], 'pathOf is not consulted for controllers without a hierarchy');
  const v2NoMemory = cgroupReaderFor(detectLayout(t.testdir({ 'cgroup.controllers': 'cpu io\n' })));
  t.throws(() => v2NoMemory.memory(pathOf), { code: 'LXCFS_NO_CGROUP' });
});

t.test('a caller without a cgroup for the controller: pathOf\'s NO_CGROUP propagates', async (t) => {
  const reader = cgroupReaderFor(detectLayout(join(fixtures, 'cgroup-v1')));
  const pathOf = pathsOf({ cpuset: DOCKER });
  t.throws(() => reader.cpuLimits(pathOf, true), { code: 'LXCFS_NO_CGROUP' });
  t.throws(() => reader.memory(pathOf), { code: 'LXCFS_NO_CGROUP' });
});

t.test('the reader object is immutable', async (t) => {
  t.ok(Object.isFrozen(cgroupReaderFor(detectLayout(join(fixtures, 'cgroup-v2')))));
});

// Real-machine check on this project's reference machine (hybrid: cpuset, cpu and cpuacct
// are separate v1 hierarchies). Creates cgroups under each, runs a busy loop inside and
// always removes them (killing what is left inside) in teardown. Root only; fails, never
// skips, elsewhere, so that a wrong environment is noticed.
t.test('REAL cgroups: cpuset 1, quota 0.5 on the parent, busy loop, procs', async (t) => {
  if (process.getuid?.() !== 0) {
    t.fail('this test creates real v1 cpuset/cpu/cpuacct cgroups and must run as root (uid 0)');
    return;
  }
  const cgroups = new TestCgroups(t);
  cgroups.create('cpuset');
  cgroups.write('cpuset', '', 'cpuset.cpus', '1');
  cgroups.write('cpuset', '', 'cpuset.mems', '0'); // v1 refuses tasks until both are set
  cgroups.create('cpu', 'leaf');
  cgroups.write('cpu', '', 'cpu.cfs_quota_us', '50000');
  cgroups.create('cpuacct');
  // cpu and cpuset at different paths, as on Kubernetes: the quota sits on the cpu parent
  const pathOf = pathsOf({ cpuset: cgroups.path(), cpu: cgroups.path('leaf'), cpuacct: cgroups.path() });
  const reader = cgroupReaderFor(detectLayout('/sys/fs/cgroup'));
  t.same(reader.cpuLimits(pathOf, true), { cpus: [1], quota: 0.5 });
  t.same(reader.cpuUsage(pathOf).total, { user: 0n, system: 0n }, 'a new cgroup has used nothing');

  const join3 = (c: string, rel = ''): string => `${cgroups.dir(c, rel)}/cgroup.procs`;
  // the shell moves itself into the cgroups before exec, so the busy child starts inside
  const busy = spawn('sh', ['-c',
    `echo $$ > ${join3('cpuset')} && echo $$ > ${join3('cpu', 'leaf')} && echo $$ > ${join3('cpuacct')}`
    + ` && exec timeout 1 sh -c 'while :; do :; done'`], { stdio: 'ignore' });
  const exited = once(busy, 'exit');
  t.teardown(() => { busy.kill('SIGKILL'); });
  const pid = busy.pid as number;
  let listed: number[] = [];
  for (let i = 0; i < 50 && !listed.includes(pid); i++) {
    await sleep(20);
    listed = reader.procs(cgroups.path(), 3);
  }
  t.ok(listed.includes(pid), `procs of the cpu parent lists ${pid} from the leaf: ${listed.join(' ')}`);
  t.same(reader.procs(cgroups.path(), 0), [], 'depth 0: the parent itself holds no process');
  await sleep(300);
  const mid = reader.cpuUsage(pathOf);
  await exited;
  const end = reader.cpuUsage(pathOf);
  const spent = (u: typeof end): bigint => u.total.user + u.total.system;
  t.ok(spent(mid) > 0n, `usage grew while the loop ran: ${spent(mid)} ns`);
  t.ok(spent(end) > spent(mid), `and kept growing: ${spent(end)} ns`);
  t.ok(spent(end) >= 200_000_000n && spent(end) <= 800_000_000n, `about 0.5 s of CPU in 1 s under a 0.5 quota: ${spent(end)} ns`);
  t.same(end.perCpu?.[0], { user: 0n, system: 0n }, 'cpuset 1: nothing ran on CPU 0');
});
