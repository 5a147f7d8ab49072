import t from 'tap';
import { join } from 'node:path';
import { CgroupV2Reader, memoryStatV2 } from '../../src/cgroup/v2.js';
import { parseKv } from '../../src/cgroup/parse-kv.js';

const fixtures = new URL('../fixtures/', import.meta.url).pathname;
const POD = '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod7c1e4f2a_93b8_4d5e_a6f1_2b9c8d7e6f50.slice';
const CTR_A = `${POD}/cri-containerd-9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d.scope`;
const CTR_B = `${POD}/cri-containerd-1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f809.scope`;
const DOCKER = '/system.slice/docker-5b4a39281706f5e4d3c2b1a0998877665544332211ffeeddccbbaa0099887766.scope';

const fixtureReader = new CgroupV2Reader({ version: 2, root: join(fixtures, 'cgroup-v2') });

// A modern (6.x) memory.stat, every key the kernel writes, in its order.
const STAT = `anon 134217728
file 58720256
kernel 6225920
kernel_stack 393216
pagetables 1048576
sec_pagetables 0
percpu 73728
sock 8192
vmalloc 0
shmem 1048576
zswap 0
zswapped 0
file_mapped 8388608
file_dirty 12288
file_writeback 4096
swapcached 0
anon_thp 41943040
file_thp 2097152
shmem_thp 0
inactive_anon 83886080
active_anon 50331648
inactive_file 33554432
active_file 25165824
unevictable 0
slab_reclaimable 3145728
slab_unreclaimable 1572864
slab 4718592
workingset_refault_anon 0
workingset_refault_file 1203
workingset_activate_anon 0
workingset_activate_file 311
workingset_restore_anon 0
workingset_restore_file 97
workingset_nodereclaim 0
pgscan 4821
pgsteal 4700
pgfault 1826542
pgmajfault 412
pgrefill 1022
pgactivate 52188
pgdeactivate 1010
pglazyfree 0
pglazyfreed 0
zswpin 0
zswpout 0
zswpwb 0
thp_fault_alloc 20
thp_collapse_alloc 0
thp_swpout 0
thp_swpout_fallback 0
`;

interface Cg {
  current?: string;
  max?: string | null; // null: no memory.max (the root)
  swapCurrent?: string | null; // null: no memory.swap.* (no swap accounting)
  swapMax?: string | null;
  stat?: string;
}

function cgroupFiles(c: Cg): Record<string, string> {
  const files: Record<string, string> = {
    'cgroup.procs': '',
    'memory.current': c.current ?? '201326592\n',
    'memory.stat': c.stat ?? STAT,
  };
  if (c.max !== null) files['memory.max'] = c.max ?? 'max\n';
  if (c.swapCurrent !== null) files['memory.swap.current'] = c.swapCurrent ?? '0\n';
  if (c.swapCurrent !== null && c.swapMax !== null) files['memory.swap.max'] = c.swapMax ?? 'max\n';
  return files;
}

interface Dir { [name: string]: string | Dir }
/** The part of tap's Test these helpers need (tap's own type is a deep plugin union). */
interface TestDirMaker {
  testdir(files: Dir): string;
}

/** root (no memory.max, no memory.current, like the kernel's) → /parent → /parent/child. */
function tree(t: TestDirMaker, parent: Cg, child: Cg): CgroupV2Reader {
  const root = { 'cgroup.controllers': 'cpuset cpu io memory pids\n', 'cgroup.procs': '', 'memory.stat': STAT };
  const dir = t.testdir({ ...root, parent: { ...cgroupFiles(parent), child: cgroupFiles(child) } });
  return new CgroupV2Reader({ version: 2, root: dir });
}

t.test('fixture: k8s container with its own limit below the pod\'s, swap.max 0', async (t) => {
  const m = fixtureReader.memory(CTR_A);
  t.equal(m.limit, 268435456n);
  t.equal(m.usage, 201326592n);
  t.same(m.swap, { max: 0n, usage: 0n });
  t.same(m.stat, {
    cache: 58720256n, shmem: 1048576n, mapped: 8388608n, dirty: 12288n, writeback: 4096n,
    activeAnon: 50331648n, inactiveAnon: 83886080n, activeFile: 25165824n, inactiveFile: 33554432n,
    unevictable: 0n, anonHuge: 41943040n, shmemHuge: 0n, slab: 4718592n, slabReclaimable: 3145728n,
    slabUnreclaimable: 1572864n, kernelStack: 393216n, pageTables: 1048576n, fileHuge: 0n,
  }, 'file_mapped/file_dirty/file_writeback are read (lxcfs Q2 fixed)');
});

t.test('fixture: unlimited container inherits the pod limit and the pod swap.max', async (t) => {
  const m = fixtureReader.memory(CTR_B);
  t.equal(m.limit, 536870912n);
  t.same(m.swap, { max: 1073741824n, usage: 52428800n });
});

t.test('fixture: no limit anywhere, and a kernel without swap accounting', async (t) => {
  const init = fixtureReader.memory('/init.scope');
  t.equal(init.limit, null);
  t.same(init.swap, { max: null, usage: 0n });
  const docker = fixtureReader.memory(DOCKER);
  t.equal(docker.limit, 134217728n);
  t.equal(docker.swap, null);
  t.equal(fixtureReader.memory('/kubepods.slice').limit, 16106127360n);
});

t.test('fixture: the root cgroup has no memory.current', async (t) => {
  t.throws(() => fixtureReader.memory('/'), { code: 'LXCFS_CGROUP_UNREADABLE' });
});

t.test('memory.max: number, max, lower parent, lower child', async (t) => {
  t.equal(tree(t, {}, { max: '268435456\n' }).memory('/parent/child').limit, 268435456n);
  t.equal(tree(t, {}, {}).memory('/parent/child').limit, null, '`max` everywhere → null');
  t.equal(tree(t, { max: '209715200\n' }, { max: '314572800\n' }).memory('/parent/child').limit, 209715200n);
  t.equal(tree(t, { max: '209715200\n' }, {}).memory('/parent/child').limit, 209715200n);
  t.equal(tree(t, { max: '314572800\n' }, { max: '209715200\n' }).memory('/parent/child').limit, 209715200n);
  t.equal(tree(t, {}, { max: '0\n' }).memory('/parent/child').limit, 0n, 'a 0 limit is reported as is (Q4 is the renderer\'s)');
  t.equal(tree(t, {}, { max: '9223372036854771712\n' }).memory('/parent/child').limit, null, 'huge → no limit');
});

t.test('swap: swap.max min over ancestors, `max` → null, absent → null', async (t) => {
  const r = tree(t, { swapMax: '1073741824\n' }, { swapMax: '2147483648\n', swapCurrent: '52428800\n' });
  t.same(r.memory('/parent/child').swap, { max: 1073741824n, usage: 52428800n });
  t.same(tree(t, {}, { swapCurrent: '4096\n' }).memory('/parent/child').swap, { max: null, usage: 4096n });
  t.equal(tree(t, { swapCurrent: null }, { swapCurrent: null }).memory('/parent/child').swap, null);
  const overMax = tree(t, {}, { swapMax: '0\n', swapCurrent: '8192\n' });
  t.same(overMax.memory('/parent/child').swap, { max: 0n, usage: 8192n }, 'usage may exceed max; the renderer saturates');
  const noMaxFile = tree(t, {}, { swapMax: null, swapCurrent: '4096\n' });
  t.same(noMaxFile.memory('/parent/child').swap, { max: null, usage: 4096n });
});

t.test('malformed and truncated memory.stat: no crash, missing keys 0 or null', async (t) => {
  const truncated = STAT.slice(0, STAT.indexOf('file_mapped') + 'file_ma'.length);
  const s = tree(t, {}, { stat: truncated }).memory('/parent/child').stat;
  t.equal(s.cache, 58720256n);
  t.equal(s.shmem, 1048576n);
  t.equal(s.kernelStack, 393216n);
  t.equal(s.mapped, 0n, 'the truncated line is skipped');
  t.equal(s.activeFile, 0n);
  t.equal(s.fileHuge, null, 'absent nullable field: the host line is shown');
  const garbage = tree(t, {}, { stat: 'file\nfile_mapped x\nanon_thp 1 2\nslab -8\n\n\u0000 1\npagetables 4096\n' })
    .memory('/parent/child').stat;
  t.equal(garbage.cache, 0n);
  t.equal(garbage.mapped, 0n);
  t.equal(garbage.anonHuge, 0n);
  t.equal(garbage.slab, 0n, 'a negative counter is clamped');
  t.equal(garbage.pageTables, 4096n);
  t.equal(garbage.kernelStack, null);
  t.equal(tree(t, {}, { stat: '' }).memory('/parent/child').stat.unevictable, 0n);
});

t.test('memoryStatV2 maps exact keys only', async (t) => {
  const s = memoryStatV2(parseKv('file_mapped 4096\nfile_thp 8192\nkernel 1\n'));
  t.equal(s.cache, 0n, 'file_mapped is not file');
  t.equal(s.mapped, 4096n);
  t.equal(s.fileHuge, 8192n);
  t.equal(s.kernelStack, null, 'kernel is not kernel_stack');
});

t.test('errors: missing cgroup, unparsable values, unsafe paths', async (t) => {
  const r = tree(t, {}, {});
  t.throws(() => r.memory('/parent/gone'), { code: 'LXCFS_CGROUP_UNREADABLE', cause: { code: 'ENOENT' } });
  t.throws(() => tree(t, {}, { current: 'max\n' }).memory('/parent/child'), { code: 'LXCFS_PARSE' });
  t.throws(() => tree(t, { max: '12M\n' }, {}).memory('/parent/child'), { code: 'LXCFS_PARSE' });
  t.throws(() => tree(t, {}, { swapCurrent: '\n' }).memory('/parent/child'), { code: 'LXCFS_PARSE' });
  for (const bad of ['parent', '/parent/../..', '/../parent']) {
    t.throws(() => r.memory(bad), { code: 'LXCFS_CGROUP_OUTSIDE_NS' }, JSON.stringify(bad));
  }
});

t.test('paths with spaces and colons', async (t) => {
  const dir = t.testdir({ 'my pod:1': { 'a b': cgroupFiles({ max: '1048576\n' }) } });
  const m = new CgroupV2Reader({ version: 2, root: dir }).memory('/my pod:1/a b');
  t.equal(m.limit, 1048576n);
});
