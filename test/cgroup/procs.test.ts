import t from 'tap';
import { join } from 'node:path';
import { cgroupProcs } from '../../src/cgroup/procs.js';

const fixtures = new URL('../fixtures/', import.meta.url).pathname;
const V2 = join(fixtures, 'cgroup-v2');

t.test('fixture (Kubernetes v2): the cgroup plus `depth` generations', async (t) => {
  t.same(cgroupProcs(V2, '/kubepods.slice', 3), [4127, 4188, 5310], 'containers are 3 levels below kubepods.slice');
  t.same(cgroupProcs(V2, '/kubepods.slice', 2), [], 'the pod level holds no process');
  t.same(cgroupProcs(V2, '/', 3), [1, 2871], 'from the root the containers are 4 levels down: not counted (lxcfs §10.2)');
  t.same(cgroupProcs(V2, '/', 4), [1, 2871, 4127, 4188, 5310]);
  t.same(cgroupProcs(V2, '/', 0), [1], 'depth 0: the cgroup itself');
});

t.test('depth 3 vs 4 in a generated chain', async (t) => {
  const r = t.testdir({
    'cgroup.procs': '10\n',
    a: { 'cgroup.procs': '11\n', b: { 'cgroup.procs': '12\n', c: { 'cgroup.procs': '13\n', d: { 'cgroup.procs': '14\n', 'cpu.max': 'max 100000\n' } } } },
  });
  t.same(cgroupProcs(r, '/', 3), [10, 11, 12, 13]);
  t.same(cgroupProcs(r, '/', 4), [10, 11, 12, 13, 14]);
  t.same(cgroupProcs(r, '/a', 3), [11, 12, 13, 14]);
});

t.test('a descendant that vanished (no cgroup.procs any more) is skipped with its subtree', async (t) => {
  const r = t.testdir({
    'cgroup.procs': '1\n',
    gone: { sub: { 'cgroup.procs': '99\n' } },
    live: { 'cgroup.procs': '2\n' },
  });
  t.same(cgroupProcs(r, '/', 3), [1, 2]);
});

t.test('duplicates (v1), blanks, junk and a cut last line', async (t) => {
  const r = t.testdir({ 'cgroup.procs': '7\n3\n7\n\nx\n-4\n0\n3a\n12', child: { 'cgroup.procs': '3\n' } });
  t.same(cgroupProcs(r, '/', 1), [3, 7], 'ascending, unique; "12" may be a cut "1234"');
});

t.test('the cgroup itself missing → UNREADABLE; an unsafe path → OUTSIDE_NS', async (t) => {
  t.throws(() => cgroupProcs(V2, '/kubepods.slice/gone', 3), { code: 'LXCFS_CGROUP_UNREADABLE' });
  t.throws(() => cgroupProcs(V2, '/../etc', 3), { code: 'LXCFS_CGROUP_OUTSIDE_NS' });
});
