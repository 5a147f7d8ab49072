import t from 'tap';
import { join } from 'node:path';
import { cpusV1, parseUsageAll, parseUsagePercpu, quotaV1, usageV1 } from '../../src/cgroup/v1-cpu.js';

const fixtures = new URL('../fixtures/', import.meta.url).pathname;
const CPUSET = join(fixtures, 'cgroup-v1/cpuset');
const CPU = join(fixtures, 'cgroup-v1/cpu,cpuacct');
const DOCKER = '/docker/3f9c2a7d1b8e4c6f0a5d9e2b7c1f8a4d6e3b0c9f2a5d8e1b4c7f0a3d6e9b2c5f';
const UID = '0f1e2d3c_4b5a_4978_8695_a4b3c2d1e0f9';
const CID = '6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d';
/** containerd on v1: the cpuset and cpu paths of the same container differ (lxcfs PR #591) */
const K8S_CPUSET = `/kubepods-burstable-pod${UID}.slice/cri-containerd-${CID}.scope`;
const K8S_CPU = `/system.slice/containerd.service/kubepods-burstable-pod${UID}.slice:cri-containerd:${CID}`;

interface Level { cpus?: string; quota?: string; period?: string }
interface Dir { [name: string]: string | Dir }

function cpuFiles(l: Level): Dir {
  return {
    'cgroup.procs': '',
    'cpuset.cpus': l.cpus ?? '',
    'cpu.cfs_quota_us': l.quota ?? '-1\n',
    'cpu.cfs_period_us': l.period ?? '100000\n',
  };
}

/** One directory serving as both hierarchies: root → parent → child. */
function tree(t: { testdir(d: Dir): string }, root: Level, parent: Level, child: Level): string {
  return t.testdir({ ...cpuFiles({ cpus: '0-7\n', ...root }), parent: { ...cpuFiles(parent), child: cpuFiles(child) } });
}

t.test('fixture: docker container, sparse cpuset 0,2-3 on an 8-CPU host, quota 0.5', async (t) => {
  t.same(cpusV1(CPUSET, DOCKER), [0, 2, 3]);
  t.equal(quotaV1(CPU, DOCKER), 0.5);
  t.same(cpusV1(CPUSET, '/'), [0, 1, 2, 3, 4, 5, 6, 7]);
  t.equal(quotaV1(CPU, '/'), null, 'the root: -1');
});

t.test('fixture: Kubernetes container with cpu and cpuset at different paths', async (t) => {
  t.same(cpusV1(CPUSET, K8S_CPUSET), [0, 1, 4, 5, 6, 7], 'the shared pool beside an exclusive 2-3');
  t.equal(quotaV1(CPU, K8S_CPU), 1.5, 'quota from the cpu path');
  t.throws(() => quotaV1(CPU, K8S_CPUSET), { code: 'LXCFS_CGROUP_UNREADABLE' },
    'the cpuset path does not exist in the cpu hierarchy (what lxcfs 5.0 read, Q8)');
});

t.test('cpuset: empty cpuset.cpus walks to the nearest ancestor that has one', async (t) => {
  t.same(cpusV1(tree(t, {}, { cpus: '2-5\n' }, { cpus: '' }), '/parent/child'), [2, 3, 4, 5]);
  t.same(cpusV1(tree(t, {}, { cpus: '\n' }, { cpus: '\n' }), '/parent/child'), [0, 1, 2, 3, 4, 5, 6, 7], 'up to the root');
  t.same(cpusV1(tree(t, {}, {}, { cpus: '1\n' }), '/parent/child'), [1]);
});

t.test('cpuset: 256-CPU host "0-255"', async (t) => {
  const ids = cpusV1(tree(t, { cpus: '0-255\n' }, {}, {}), '/parent/child');
  t.equal(ids.length, 256);
  t.equal(ids[255], 255);
});

t.test('cpuset: unreadable → UNREADABLE, malformed → PARSE', async (t) => {
  const r = tree(t, {}, {}, {});
  t.throws(() => cpusV1(r, '/parent/gone'), { code: 'LXCFS_CGROUP_UNREADABLE' });
  t.throws(() => cpusV1(tree(t, {}, {}, { cpus: '0-3,x\n' }), '/parent/child'), { code: 'LXCFS_PARSE' });
  t.throws(() => cpusV1(r, '../x'), { code: 'LXCFS_CGROUP_OUTSIDE_NS' });
});

t.test('quota: 0.5, 1.5, on the parent only, min over ancestors, the root ignored', async (t) => {
  t.equal(quotaV1(tree(t, {}, {}, { quota: '50000\n' }), '/parent/child'), 0.5);
  t.equal(quotaV1(tree(t, {}, {}, { quota: '150000\n' }), '/parent/child'), 1.5);
  t.equal(quotaV1(tree(t, {}, { quota: '150000\n' }, {}), '/parent/child'), 1.5, 'parent only: walked (lxcfs 5.0 did not)');
  t.equal(quotaV1(tree(t, {}, { quota: '100000\n' }, { quota: '300000\n' }), '/parent/child'), 1);
  t.equal(quotaV1(tree(t, {}, { quota: '20000\n', period: '10000\n' }, { quota: '50000\n', period: '50000\n' }), '/parent/child'), 1,
    'different periods compare as ratios');
  t.equal(quotaV1(tree(t, { quota: '50000\n' }, {}, {}), '/parent/child'), null, 'a quota on the root is the host\'s');
  t.equal(quotaV1(tree(t, { quota: '50000\n' }, {}, {}), '/'), 0.5, 'unless the cgroup is the root');
  t.equal(quotaV1(tree(t, {}, {}, {}), '/parent/child'), null);
});

t.test('quota: no CFS bandwidth files (kernel without CONFIG_CFS_BANDWIDTH) → null', async (t) => {
  const r = t.testdir({ 'cgroup.procs': '', parent: { 'cgroup.procs': '', child: { 'cgroup.procs': '' } } });
  t.equal(quotaV1(r, '/parent/child'), null);
  t.throws(() => quotaV1(r, '/parent/gone'), { code: 'LXCFS_CGROUP_UNREADABLE' });
});

t.test('quota: malformed → PARSE', async (t) => {
  t.throws(() => quotaV1(tree(t, {}, {}, { quota: 'max\n' }), '/parent/child'), { code: 'LXCFS_PARSE' });
  t.throws(() => quotaV1(tree(t, {}, {}, { quota: '50000\n', period: '\n' }), '/parent/child'), { code: 'LXCFS_PARSE' });
  t.throws(() => quotaV1(tree(t, {}, {}, { quota: '50000\n', period: '0\n' }), '/parent/child'), { code: 'LXCFS_PARSE' });
});

t.test('usage: fixture cpuacct.usage_all, per CPU and summed', async (t) => {
  const u = usageV1(CPU, DOCKER);
  t.equal(u.perCpu?.length, 8);
  t.same(u.perCpu?.[0], { user: 41873920113n, system: 9123477611n });
  t.same(u.perCpu?.[1], { user: 0n, system: 0n });
  t.same(u.total, { user: 41873920113n + 39210033871n + 40102938475n, system: 9123477611n + 8877120043n + 9001234567n });
  const k8s = usageV1(CPU, K8S_CPU);
  t.same(k8s.perCpu?.[2], { user: 0n, system: 0n }, 'no usage on the exclusive CPUs 2-3');
});

t.test('usage: fixture of this machine (hybrid): real usage_all shape', async (t) => {
  const u = usageV1(join(fixtures, 'cgroup-hybrid/cpuacct'), '/');
  t.same(u.perCpu, [
    { user: 1126344551798n, system: 248805768266n },
    { user: 1203445632899n, system: 282841253231n },
  ]);
});

t.test('usage: without usage_all, usage_percpu counts each total as user and as system (Q7)', async (t) => {
  const r = t.testdir({ 'cgroup.procs': '', 'cpuacct.usage_percpu': '1404679010702 1513881145872 \n' });
  const u = usageV1(r, '/');
  t.same(u.perCpu, [
    { user: 1404679010702n, system: 1404679010702n },
    { user: 1513881145872n, system: 1513881145872n },
  ]);
  t.same(u.total, { user: 2918560156574n, system: 2918560156574n });
  t.throws(() => usageV1(t.testdir({ 'cgroup.procs': '' }), '/'), { code: 'LXCFS_CGROUP_UNREADABLE' }, 'neither file');
});

t.test('usage: 256 CPUs', async (t) => {
  const lines = Array.from({ length: 256 }, (_, i) => `${i} ${1000000000 + i} ${500000000 + i}\n`);
  const perCpu = parseUsageAll(`cpu user system\n${lines.join('')}`, 'f');
  t.equal(perCpu.length, 256);
  t.same(perCpu[255], { user: 1000000255n, system: 500000255n });
});

t.test('parseUsageAll: ids index the array; gaps are 0', async (t) => {
  t.same(parseUsageAll('cpu user system\n0 5 6\n2 7 8\n', 'f'), [
    { user: 5n, system: 6n }, { user: 0n, system: 0n }, { user: 7n, system: 8n },
  ]);
  t.same(parseUsageAll('cpu user system\n', 'f'), []);
});

t.test('parseUsageAll / parseUsagePercpu: malformed or truncated → PARSE, never a crash or a short count', async (t) => {
  const bad = [
    '', 'cpu user system', 'cpu user system\n0 1126344551798 2488', 'cpu user\n0 1 2\n', 'cpu user system\n0 1\n',
    'cpu user system\n0 1 2 3\n', 'cpu user system\nx 1 2\n', 'cpu user system\n0 -1 2\n', 'cpu user system\n70000 1 2\n',
    'cpu user system\n0 1 2x\n',
  ];
  for (const text of bad) t.throws(() => parseUsageAll(text, 'f'), { code: 'LXCFS_PARSE' }, JSON.stringify(text));
  for (const text of ['1404679010702 15138', '1 x 2 \n', '1 -2 \n']) {
    t.throws(() => parseUsagePercpu(text, 'f'), { code: 'LXCFS_PARSE' }, JSON.stringify(text));
  }
  t.same(parseUsagePercpu('\n', 'f'), []);
});
