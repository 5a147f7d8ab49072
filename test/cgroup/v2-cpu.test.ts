import t from 'tap';
import { join } from 'node:path';
import { cpusV2, parseCpuMax, quotaV2, usageV2 } from '../../src/cgroup/v2-cpu.js';

const fixtures = new URL('../fixtures/', import.meta.url).pathname;
const ROOT = join(fixtures, 'cgroup-v2');
const POD = '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod7c1e4f2a_93b8_4d5e_a6f1_2b9c8d7e6f50.slice';
const CTR_A = `${POD}/cri-containerd-9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d.scope`;
const CTR_B = `${POD}/cri-containerd-1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f809.scope`;
const DOCKER = '/system.slice/docker-5b4a39281706f5e4d3c2b1a0998877665544332211ffeeddccbbaa0099887766.scope';

interface Dir { [name: string]: string | Dir }

t.test('fixture: Kubernetes container — empty cpuset.cpus, cpuset.cpus.effective 0,2-3', async (t) => {
  t.same(cpusV2(ROOT, CTR_A), [0, 2, 3]);
  t.same(cpusV2(ROOT, '/kubepods.slice'), [0, 2, 3], 'its cpuset.cpus.effective (= its cpuset.cpus)');
  t.same(cpusV2(ROOT, '/'), [0, 1, 2, 3, 4, 5, 6, 7], 'the root has only cpuset.cpus.effective');
});

t.test('fixture: cpu.max — the pod\'s 0.5 bounds both containers; the root has none', async (t) => {
  t.equal(quotaV2(ROOT, CTR_A), 0.5, 'container max 100000 under a 50000 100000 pod');
  t.equal(quotaV2(ROOT, CTR_B), 0.5, 'container 1.5 under the 0.5 pod');
  t.equal(quotaV2(ROOT, POD), 0.5);
  t.equal(quotaV2(ROOT, '/kubepods.slice'), null);
  t.equal(quotaV2(ROOT, '/'), null);
});

t.test('fixture: a cgroup without the cpuset/cpu controllers takes its parent\'s cpuset, and has no quota', async (t) => {
  t.same(cpusV2(ROOT, DOCKER), [0, 1, 2, 3, 4, 5, 6, 7], 'system.slice: cpus empty → effective 0-7');
  t.equal(quotaV2(ROOT, DOCKER), null);
});

t.test('fixture: cpu.stat user/system in ns, no per-CPU split', async (t) => {
  t.same(usageV2(ROOT, CTR_A), { perCpu: null, total: { user: 7123456789000n, system: 3111111101000n } });
  t.same(usageV2(ROOT, DOCKER).total, { user: 601928374000n, system: 310909091000n }, 'cpu.stat without the cpu controller');
  t.same(usageV2(ROOT, '/').total, { user: 51020394112000n, system: 30183153879000n });
  t.same(usageV2(join(fixtures, 'cgroup-hybrid/unified'), '/').total, { user: 0n, system: 0n });
});

t.test('cpuset: effective wins over cpuset.cpus (a parent can narrow the request); blank → cpuset.cpus; none → the ancestors; 256 CPUs', async (t) => {
  const r = t.testdir({
    'cpuset.cpus.effective': '0-255\n',
    a: {
      'cpuset.cpus': '4-5\n', 'cpuset.cpus.effective': '4\n', b: {}, c: { 'cpuset.cpus': '\n', 'cpuset.cpus.effective': '\n' },
      d: { 'cpuset.cpus': '4-7\n', 'cpuset.cpus.effective': '4\n' },
      e: { 'cpuset.cpus': '5\n', 'cpuset.cpus.effective': '\n' },
      f: { 'cpuset.cpus': '6\n' },
    },
  });
  t.same(cpusV2(r, '/a'), [4], 'the effective set, not the requested 4-5');
  t.same(cpusV2(r, '/a/b'), [4], 'no files: the parent\'s effective set');
  t.same(cpusV2(r, '/a/c'), [4], 'both empty: the parent');
  t.same(cpusV2(r, '/a/d'), [4], 'asks for 4-7, the parent grants 4: effective');
  t.same(cpusV2(r, '/a/e'), [5], 'a blank effective list: cpuset.cpus');
  t.same(cpusV2(r, '/a/f'), [6], 'no effective file: cpuset.cpus');
  t.equal(cpusV2(r, '/').length, 256);
  t.throws(() => cpusV2(r, '/a/gone'), { code: 'LXCFS_CGROUP_UNREADABLE' });
  t.throws(() => cpusV2(t.testdir({ 'cpuset.cpus.effective': '0-3,\n' }), '/'), { code: 'LXCFS_PARSE' });
  t.throws(() => cpusV2(t.testdir({ 'cpuset.cpus.effective': 'x\n', 'cpuset.cpus': '0-1\n' }), '/'), { code: 'LXCFS_PARSE' },
    'a malformed effective list is not papered over by cpuset.cpus');
});

t.test('quota: parent only, min, looser child; malformed cpu.max → PARSE', async (t) => {
  const make = (parent: string, child: string): string => t.testdir({
    a: { 'cpu.max': parent, b: { 'cpu.max': child } } as Dir,
  });
  t.equal(quotaV2(make('150000 100000\n', 'max 100000\n'), '/a/b'), 1.5);
  t.equal(quotaV2(make('max 100000\n', '50000 100000\n'), '/a/b'), 0.5);
  t.equal(quotaV2(make('25000 50000\n', '300000 100000\n'), '/a/b'), 0.5);
  t.equal(quotaV2(make('max 100000\n', 'max 100000\n'), '/a/b'), null);
  t.throws(() => quotaV2(make('max 100000\n', 'max\n'), '/a/b'), { code: 'LXCFS_PARSE' });
});

t.test('parseCpuMax', async (t) => {
  t.equal(parseCpuMax('max 100000\n', 'f'), null);
  t.equal(parseCpuMax('50000 100000\n', 'f'), 0.5);
  t.equal(parseCpuMax('150000 100000', 'f'), 1.5);
  for (const bad of ['', '\n', 'max', '50000', '50000 100000 1', 'max x', '-1 100000', '50000 0', 'MAX 100000', '5e4 100000']) {
    t.throws(() => parseCpuMax(bad, 'f'), { code: 'LXCFS_PARSE' }, JSON.stringify(bad));
  }
});

t.test('usage: missing keys → PARSE; negative clamped; missing file → UNREADABLE', async (t) => {
  t.throws(() => usageV2(t.testdir({ 'cpu.stat': 'usage_usec 10\nuser_usec 4\n' }), '/'), { code: 'LXCFS_PARSE' });
  t.throws(() => usageV2(t.testdir({ 'cpu.stat': 'usage_usec 10\nuser_usec 4\nsystem_usec 6' }), '/'), { code: 'LXCFS_PARSE' },
    'a cut read (no final newline) is refused: its last number may be short');
  t.same(usageV2(t.testdir({ 'cpu.stat': 'user_usec -4\nsystem_usec 6\n' }), '/').total, { user: 0n, system: 6000n });
  t.throws(() => usageV2(t.testdir({}), '/gone'), { code: 'LXCFS_CGROUP_UNREADABLE' });
});
