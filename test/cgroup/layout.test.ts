import t from 'tap';
import { join } from 'node:path';
import { detectLayout } from '../../src/cgroup/layout.js';
import type { Controller } from '../../src/cgroup/types.js';

const fixtures = new URL('../fixtures/', import.meta.url).pathname;

function roots(root: string, layout: ReturnType<typeof detectLayout>): Record<Controller, string | null> {
  const out = {} as Record<Controller, string | null>;
  for (const c of ['memory', 'cpu', 'cpuacct', 'cpuset', 'blkio', 'io'] as const) {
    const h = layout.hierarchyOf(c);
    out[c] = h === null ? null : `v${h.version}:${h.root.slice(root.length)}`;
  }
  return out;
}

t.test('v1 fixture: co-mounted cpu,cpuacct reached through systemd symlinks', async (t) => {
  const root = join(fixtures, 'cgroup-v1');
  const layout = detectLayout(root);
  t.equal(layout.kind, 'v1');
  t.equal(layout.cgroupRoot, root);
  t.same(roots(root, layout), {
    memory: 'v1:/memory', cpu: 'v1:/cpu,cpuacct', cpuacct: 'v1:/cpu,cpuacct', cpuset: 'v1:/cpuset', blkio: 'v1:/blkio', io: null,
  }, 'the real directory wins over the symlinks');
});

t.test('hybrid fixture (this machine): separate v1 hierarchies, unified without memory/cpu', async (t) => {
  const root = join(fixtures, 'cgroup-hybrid');
  const layout = detectLayout(root);
  t.equal(layout.kind, 'hybrid');
  t.same(roots(root, layout), {
    memory: 'v1:/memory', cpu: 'v1:/cpu', cpuacct: 'v1:/cpuacct', cpuset: 'v1:/cpuset', blkio: 'v1:/blkio', io: null,
  }, 'io is not in unified/cgroup.controllers (blkio is bound to v1)');
});

t.test('v2 fixture: controllers from cgroup.controllers; cpuacct and blkio are never v2 names', async (t) => {
  const root = join(fixtures, 'cgroup-v2');
  const layout = detectLayout(root);
  t.equal(layout.kind, 'v2');
  t.same(roots(root, layout), { memory: 'v2:', cpu: 'v2:', cpuacct: null, cpuset: 'v2:', blkio: null, io: 'v2:' });
});

t.test('v2 without the memory controller enabled at the root', async (t) => {
  const root = t.testdir({ 'cgroup.controllers': 'cpuset cpu io pids\n', 'cgroup.procs': '1\n' });
  const layout = detectLayout(root);
  t.equal(layout.hierarchyOf('memory'), null);
  t.equal(layout.hierarchyOf('cpu')?.version, 2);
  t.equal(layout.hierarchyOf('blkio'), null, 'io is not translated to blkio');
  t.equal(layout.hierarchyOf('io')?.version, 2);
});

t.test('v2 without io in cgroup.controllers: no io hierarchy', async (t) => {
  const layout = detectLayout(t.testdir({ 'cgroup.controllers': 'cpuset cpu memory\n', 'cgroup.procs': '1\n' }));
  t.equal(layout.hierarchyOf('io'), null);
});

t.test('hybrid: a controller only on the unified hierarchy maps there', async (t) => {
  const root = t.testdir({
    memory: { 'cgroup.procs': '' },
    'cpu,cpuacct': { 'cgroup.procs': '' },
    unified: { 'cgroup.controllers': 'cpuset memory io\n', 'cgroup.procs': '' },
  });
  const layout = detectLayout(root);
  t.equal(layout.kind, 'hybrid');
  t.same(roots(root, layout), {
    memory: 'v1:/memory', cpu: 'v1:/cpu,cpuacct', cpuacct: 'v1:/cpu,cpuacct', cpuset: 'v2:/unified', blkio: null, io: 'v2:/unified',
  }, 'memory stays on v1 although unified lists it; blkio is not io');
});

t.test('v1 edge cases: no cgroup.procs, dangling symlink, symlink only, unrelated dirs', async (t) => {
  const root = t.testdir({
    memory: { 'memory.stat': '' },                       // not a hierarchy: no cgroup.procs
    'cpu,cpuacct': { 'cgroup.procs': '' },
    cpuset: t.fixture('symlink', 'nowhere'),             // dangling
    blkio: t.fixture('symlink', 'blkio-real'),           // symlink whose target name lacks the controller
    'blkio-real': { 'cgroup.procs': '' },
    cpuacctx: { 'cgroup.procs': '' },                    // not an exact controller name
    'file-not-dir': 'x',
    systemd: { 'cgroup.procs': '' },
  });
  const layout = detectLayout(root);
  t.equal(layout.kind, 'v1');
  t.same(roots(root, layout), {
    memory: null, cpu: 'v1:/cpu,cpuacct', cpuacct: 'v1:/cpu,cpuacct', cpuset: null, blkio: 'v1:/blkio', io: null,
  });
});

t.test('io is never a v1 hierarchy, even as a directory named io', async (t) => {
  const v1 = detectLayout(t.testdir({ io: { 'cgroup.procs': '' }, 'blkio,io': { 'cgroup.procs': '' } }));
  t.equal(v1.hierarchyOf('io'), null);
  t.equal(v1.hierarchyOf('blkio')?.root.endsWith('/blkio,io'), true);
  const hybrid = detectLayout(t.testdir({
    io: { 'cgroup.procs': '' },
    unified: { 'cgroup.controllers': 'io\n', 'cgroup.procs': '' },
  }));
  t.same(hybrid.hierarchyOf('io'), { version: 2, root: join(hybrid.cgroupRoot, 'unified') }, 'the unified one, not the v1-looking dir');
});

t.test('a `unified` that is a file is no cgroup2 mount: v1', async (t) => {
  const layout = detectLayout(t.testdir({ memory: { 'cgroup.procs': '' }, unified: 'x' }));
  t.equal(layout.kind, 'v1');
  t.equal(layout.hierarchyOf('memory')?.version, 1);
});

t.test('an empty root is v1 with nothing; a missing root is an error', async (t) => {
  const empty = detectLayout(t.testdir({}));
  t.equal(empty.kind, 'v1');
  t.equal(empty.hierarchyOf('memory'), null);
  t.throws(() => detectLayout(join(t.testdir({}), 'absent')), { code: 'LXCFS_CGROUP_UNREADABLE' });
});

t.test('the layout object is immutable', async (t) => {
  const layout = detectLayout(join(fixtures, 'cgroup-v1'));
  t.ok(Object.isFrozen(layout));
  t.ok(Object.isFrozen(layout.hierarchyOf('memory')));
});

// Real-machine check: this project's reference machine is hybrid with a v1 memory
// hierarchy. Fails (never skips) elsewhere, so that a wrong environment is noticed.
t.test('REAL /sys/fs/cgroup: hybrid, memory on v1', async (t) => {
  const layout = detectLayout('/sys/fs/cgroup');
  t.equal(layout.kind, 'hybrid', 'this machine mounts v1 hierarchies plus /sys/fs/cgroup/unified');
  t.same(layout.hierarchyOf('memory'), { version: 1, root: '/sys/fs/cgroup/memory' });
  t.equal(layout.hierarchyOf('cpu')?.version, 1);
  t.equal(layout.hierarchyOf('cpuacct')?.version, 1);
  t.equal(layout.hierarchyOf('cpuset')?.version, 1);
  t.equal(layout.hierarchyOf('blkio')?.version, 1);
  t.equal(layout.hierarchyOf('io'), null, 'blkio is bound to v1, so unified cannot list io');
});
