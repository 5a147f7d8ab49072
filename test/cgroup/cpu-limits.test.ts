import t from 'tap';
import { join } from 'node:path';
import { minQuota, nearestCpuList, quotaRatio } from '../../src/cgroup/cpu-limits.js';

t.test('nearestCpuList: the cgroup\'s own set, else the nearest non-blank ancestor (root included)', async (t) => {
  const text: Record<string, string | undefined> = { '/r/a/b': '', '/r/a': '\n', '/r': '0-7\n' };
  t.same(nearestCpuList(['/r/a/b', '/r/a', '/r'], 'cpuset.cpus', (d) => text[d]), [0, 1, 2, 3, 4, 5, 6, 7]);
  t.same(nearestCpuList(['/r/a/b', '/r/a', '/r'], 'cpuset.cpus', (d) => (d === '/r/a' ? '0,2-3\n' : text[d])), [0, 2, 3]);
  t.same(nearestCpuList(['/r/a/b', '/r/a', '/r'], 'cpuset.cpus', () => '1\n'), [1], 'the first level wins');
});

t.test('nearestCpuList: a level without the file is skipped, but the cgroup itself must exist', async (t) => {
  const root = t.testdir({ a: { b: {} } });
  const dirs = [join(root, 'a/b'), join(root, 'a'), root];
  t.same(nearestCpuList(dirs, 'cpuset.cpus', (d) => (d === root ? '0-1\n' : undefined)), [0, 1]);
  const gone = [join(root, 'a/gone'), join(root, 'a'), root];
  t.throws(() => nearestCpuList(gone, 'cpuset.cpus', (d) => (d === root ? '0-1\n' : undefined)),
    { code: 'LXCFS_CGROUP_UNREADABLE' }, 'a vanished cgroup does not borrow its parent\'s set');
});

t.test('nearestCpuList: malformed → LXCFS_PARSE; empty up to the root → LXCFS_PARSE', async (t) => {
  for (const bad of ['0-', '3-1', 'x', '0,,2', '1-70000', '0-3\u0000']) {
    t.throws(() => nearestCpuList(['/r'], 'cpuset.cpus', () => `${bad}\n`), { code: 'LXCFS_PARSE' }, JSON.stringify(bad));
  }
  t.throws(() => nearestCpuList(['/r/a', '/r'], 'cpuset.cpus', () => '\n'), { code: 'LXCFS_PARSE', message: /empty up to the root/ });
});

t.test('minQuota: min over the cgroup and its ancestors, root excluded unless it is the cgroup', async (t) => {
  const q: Record<string, number | null | undefined> = { '/r/pod/ctr': null, '/r/pod': 0.5, '/r': 0.25 };
  t.equal(minQuota(['/r/pod/ctr', '/r/pod', '/r'], (d) => q[d]), 0.5, 'quota on the parent only; root ignored');
  t.equal(minQuota(['/r'], (d) => q[d]), 0.25, 'the root when the cgroup is the root');
  t.equal(minQuota(['/r/pod/ctr', '/r/pod', '/r'], (d) => (d === '/r/pod/ctr' ? 1.5 : q[d])), 0.5, 'a looser child');
  t.equal(minQuota(['/r/pod/ctr', '/r/pod', '/r'], (d) => (d === '/r/pod/ctr' ? 0.2 : q[d])), 0.2, 'a tighter child');
  t.equal(minQuota(['/r/pod/ctr', '/r/pod', '/r'], () => null), null, 'no level with a quota');
});

t.test('minQuota: levels without a quota file are skipped; a vanished cgroup is UNREADABLE', async (t) => {
  const root = t.testdir({ pod: { ctr: {} } });
  const dirs = [join(root, 'pod/ctr'), join(root, 'pod'), root];
  t.equal(minQuota(dirs, (d) => (d === join(root, 'pod') ? 2 : undefined)), 2);
  const gone = [join(root, 'pod/gone'), join(root, 'pod'), root];
  t.throws(() => minQuota(gone, () => undefined), { code: 'LXCFS_CGROUP_UNREADABLE' });
});

t.test('quotaRatio: ≤ 0 is no quota (period not even read); period ≤ 0 is malformed', async (t) => {
  t.equal(quotaRatio(50000n, () => 100000n, 'f'), 0.5);
  t.equal(quotaRatio(150000n, () => 100000n, 'f'), 1.5);
  t.equal(quotaRatio(-1n, () => { throw new Error('not read'); }, 'f'), null);
  t.equal(quotaRatio(0n, () => 100000n, 'f'), null);
  t.throws(() => quotaRatio(50000n, () => 0n, 'f'), { code: 'LXCFS_PARSE' });
});
