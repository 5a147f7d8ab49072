import t from 'tap';
import { join } from 'node:path';
import { detectLayout } from '../../src/cgroup/layout.js';
import { cgroupReaderFor } from '../../src/cgroup/reader.js';
import { CgroupV1Reader } from '../../src/cgroup/v1.js';
import { CgroupV2Reader } from '../../src/cgroup/v2.js';

const fixtures = new URL('../fixtures/', import.meta.url).pathname;

t.test('v1 and hybrid layouts read memory through the v1 reader', async (t) => {
  const v1 = cgroupReaderFor(detectLayout(join(fixtures, 'cgroup-v1')));
  t.ok(v1 instanceof CgroupV1Reader);
  t.equal(v1.memory('/docker/3f9c2a7d1b8e4c6f0a5d9e2b7c1f8a4d6e3b0c9f2a5d8e1b4c7f0a3d6e9b2c5f').limit, 268435456n);
  const hybrid = cgroupReaderFor(detectLayout(join(fixtures, 'cgroup-hybrid')));
  t.ok(hybrid instanceof CgroupV1Reader);
  const m = hybrid.memory('/process_api/c0149c198bf02f4cb30366c9544e9a2f');
  t.equal(m.limit, null);
  t.same(m.swap, { max: null, usage: 49152n });
});

t.test('v2 layout reads memory through the v2 reader', async (t) => {
  const reader = cgroupReaderFor(detectLayout(join(fixtures, 'cgroup-v2')));
  t.ok(reader instanceof CgroupV2Reader);
  t.equal(reader.memory('/system.slice/docker-5b4a39281706f5e4d3c2b1a0998877665544332211ffeeddccbbaa0099887766.scope').limit, 134217728n);
});

t.test('hybrid with memory only on the unified hierarchy uses the v2 reader there', async (t) => {
  const root = t.testdir({
    cpuset: { 'cgroup.procs': '' },
    unified: {
      'cgroup.controllers': 'memory\n', 'cgroup.procs': '', 'memory.stat': '',
      c: { 'cgroup.procs': '', 'memory.current': '4096\n', 'memory.max': '8192\n', 'memory.stat': 'file 4096\n' },
    },
  });
  const reader = cgroupReaderFor(detectLayout(root));
  t.ok(reader instanceof CgroupV2Reader);
  const m = reader.memory('/c');
  t.equal(m.limit, 8192n);
  t.equal(m.stat.cache, 4096n);
});

t.test('no memory hierarchy: every read throws LXCFS_NO_CGROUP', async (t) => {
  const reader = cgroupReaderFor(detectLayout(t.testdir({ 'cgroup.controllers': 'cpu io\n' })));
  t.throws(() => reader.memory('/'), { code: 'LXCFS_NO_CGROUP' });
  t.throws(() => reader.memory('/any/path'), { code: 'LXCFS_NO_CGROUP' });
});
