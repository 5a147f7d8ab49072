import t from 'tap';
import { existsSync, mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CgroupV1Reader, memoryStatV1 } from '../../src/cgroup/v1.js';
import { parseKv } from '../../src/cgroup/parse-kv.js';

const fixtures = new URL('../fixtures/', import.meta.url).pathname;
const UNLIMITED = '9223372036854771712\n';
const DOCKER = '/docker/3f9c2a7d1b8e4c6f0a5d9e2b7c1f8a4d6e3b0c9f2a5d8e1b4c7f0a3d6e9b2c5f';

// memory.stat of a small container, in the kernel's key order (shape copied from this machine)
const STAT = `cache 67870720
rss 1720320
rss_huge 0
shmem 0
mapped_file 8192
dirty 36864
writeback 0
swap 0
pgpgin 31860
pgfault 35834
inactive_anon 1536000
active_anon 12288
inactive_file 26841088
active_file 41029632
unevictable 0
hierarchical_memory_limit 268435456
hierarchical_memsw_limit 402653184
total_cache 67870720
total_rss 1720320
total_rss_huge 2097152
total_shmem 4096
total_mapped_file 8192
total_dirty 36864
total_writeback 4096
total_swap 0
total_pgfault 35834
total_inactive_anon 1536000
total_active_anon 12288
total_inactive_file 26841088
total_active_file 41029632
total_unevictable 0
`;

interface Cg {
  limit?: string;
  usage?: string;
  memswLimit?: string | null; // null: no memsw files (swapaccount=0)
  memswUsage?: string;
  swappiness?: string | null;
  stat?: string;
}

function cgroupFiles(c: Cg): Record<string, string> {
  const files: Record<string, string> = {
    'cgroup.procs': '',
    'memory.limit_in_bytes': c.limit ?? UNLIMITED,
    'memory.usage_in_bytes': c.usage ?? '70991872\n',
    'memory.stat': c.stat ?? STAT,
  };
  if (c.swappiness !== null) files['memory.swappiness'] = c.swappiness ?? '60\n';
  if (c.memswLimit !== null) {
    files['memory.memsw.limit_in_bytes'] = c.memswLimit ?? UNLIMITED;
    files['memory.memsw.usage_in_bytes'] = c.memswUsage ?? '71041024\n';
  }
  return files;
}

interface Dir { [name: string]: string | Dir }
/** The part of tap's Test these helpers need (tap's own type is a deep plugin union). */
interface TestDirMaker {
  testdir(files: Dir): string;
}

/** root → /parent → /parent/child, each cgroup described by a Cg. */
function tree(t: TestDirMaker, root: Cg, parent: Cg, child: Cg): CgroupV1Reader {
  const dir = t.testdir({ ...cgroupFiles(root), parent: { ...cgroupFiles(parent), child: cgroupFiles(child) } });
  return new CgroupV1Reader({ version: 1, root: dir });
}

t.test('fixture: docker container with a 256 MiB limit and 384 MiB memsw', async (t) => {
  const reader = new CgroupV1Reader({ version: 1, root: join(fixtures, 'cgroup-v1/memory') });
  const m = reader.memory(DOCKER);
  t.equal(m.limit, 268435456n);
  t.equal(m.usage, 70991872n);
  t.same(m.swap, { max: 402653184n, usage: 49152n }, 'usage = memsw.usage − usage');
  t.same(m.stat, {
    cache: 67870720n, shmem: 4096n, mapped: 8192n, dirty: 36864n, writeback: 4096n,
    activeAnon: 12288n, inactiveAnon: 1536000n, activeFile: 41029632n, inactiveFile: 26841088n,
    unevictable: 0n, anonHuge: 2097152n, shmemHuge: 0n, slab: 0n, slabReclaimable: 0n,
    slabUnreclaimable: 0n, kernelStack: null, pageTables: null, fileHuge: null,
  }, 'total_* keys; total_rss_huge is read (lxcfs Q1 fixed)');
});

t.test('fixture: no limit anywhere → null; the root cgroup itself', async (t) => {
  const reader = new CgroupV1Reader({ version: 1, root: join(fixtures, 'cgroup-v1/memory') });
  const cron = reader.memory('/system.slice/cron.service');
  t.equal(cron.limit, null);
  t.same(cron.swap, { max: null, usage: 0n });
  const root = reader.memory('/');
  t.equal(root.limit, null);
  t.equal(root.usage, 1893810176n);
  t.equal(root.stat.cache, 97693696n, 'the root uses total_* too');
});

t.test('limit is the min over the cgroup and every ancestor', async (t) => {
  const lowerParent = tree(t, {}, { limit: '209715200\n' }, { limit: '314572800\n' });
  t.equal(lowerParent.memory('/parent/child').limit, 209715200n, 'parent 200 MiB, child 300 MiB');
  const lowerChild = tree(t, {}, { limit: '314572800\n' }, { limit: '209715200\n' });
  t.equal(lowerChild.memory('/parent/child').limit, 209715200n);
  t.equal(lowerChild.memory('/parent').limit, 314572800n, 'a child limit does not bound its parent');
  const pageRounded = tree(t, {}, { limit: '9223372036854710272\n' }, {});
  t.equal(pageRounded.memory('/parent/child').limit, null, '64 KiB-page "unlimited" is unlimited too');
});

t.test('memsw: min over ancestors, unlimited → null, saturating usage', async (t) => {
  const r = tree(t, {}, { memswLimit: '536870912\n' }, { memswLimit: '805306368\n', usage: '300000000\n', memswUsage: '329035776\n' });
  t.same(r.memory('/parent/child').swap, { max: 536870912n, usage: 29035776n });
  const behind = tree(t, {}, {}, { usage: '268021760\n', memswUsage: '268000000\n' });
  t.same(behind.memory('/parent/child').swap, { max: null, usage: 0n }, 'memsw read behind usage: 0, never negative');
});

t.test('swappiness 0 → the cgroup swaps no more: max = usage', async (t) => {
  const r = tree(t, {}, {}, { swappiness: '0\n', memswLimit: '402653184\n', usage: '268021760\n', memswUsage: '329035776\n' });
  t.same(r.memory('/parent/child').swap, { max: 61014016n, usage: 61014016n });
  const parentOnly = tree(t, {}, { swappiness: '0\n' }, { memswLimit: '402653184\n' });
  t.equal(parentOnly.memory('/parent/child').swap?.max, 402653184n, 'only the cgroup\'s own swappiness counts');
  const noFile = tree(t, {}, {}, { swappiness: null, memswLimit: '402653184\n' });
  t.equal(noFile.memory('/parent/child').swap?.max, 402653184n, 'missing memory.swappiness: assume swapping');
  const odd = tree(t, {}, {}, { swappiness: 'x\n', memswLimit: '402653184\n' });
  t.equal(odd.memory('/parent/child').swap?.max, 402653184n);
});

t.test('no memsw files (swapaccount=0) → swap null', async (t) => {
  const r = tree(t, { memswLimit: null }, { memswLimit: null }, { memswLimit: null });
  const m = r.memory('/parent/child');
  t.equal(m.swap, null);
  t.equal(m.usage, 70991872n);
});

t.test('malformed and truncated memory.stat: no crash, missing keys are 0', async (t) => {
  const truncated = STAT.slice(0, STAT.indexOf('total_mapped_file') + 'total_mapped_f'.length);
  const r = tree(t, {}, {}, { stat: truncated });
  const s = r.memory('/parent/child').stat;
  t.equal(s.cache, 67870720n);
  t.equal(s.shmem, 4096n);
  t.equal(s.mapped, 0n, 'the truncated line is skipped');
  t.equal(s.inactiveFile, 0n);
  const garbage = tree(t, {}, {}, { stat: 'total_cache abc\n\n  \ntotal_rss_huge 12x\n\u0000\ntotal_shmem -4096\ntotal_dirty 8192\n' });
  const g = garbage.memory('/parent/child').stat;
  t.equal(g.cache, 0n);
  t.equal(g.anonHuge, 0n);
  t.equal(g.shmem, 0n, 'a negative counter is clamped');
  t.equal(g.dirty, 8192n);
  const empty = tree(t, {}, {}, { stat: '' });
  t.equal(empty.memory('/parent/child').stat.activeFile, 0n);
});

t.test('memoryStatV1 reads only total_* keys', async (t) => {
  const s = memoryStatV1(parseKv('cache 1\nrss_huge 2\nmapped_file 3\n'));
  t.equal(s.cache, 0n);
  t.equal(s.anonHuge, 0n);
  t.equal(s.mapped, 0n);
});

t.test('errors: missing cgroup, unparsable values, unsafe paths', async (t) => {
  const r = tree(t, {}, {}, {});
  t.throws(() => r.memory('/parent/gone'), { code: 'LXCFS_CGROUP_UNREADABLE', cause: { code: 'ENOENT' } });
  t.throws(() => tree(t, {}, {}, { usage: 'x\n' }).memory('/parent/child'), { code: 'LXCFS_PARSE' });
  t.throws(() => tree(t, {}, { limit: '\n' }, {}).memory('/parent/child'), { code: 'LXCFS_PARSE' });
  t.throws(() => tree(t, {}, {}, { memswUsage: 'max\n' }).memory('/parent/child'), { code: 'LXCFS_PARSE' });
  const noStat = t.testdir({ 'cgroup.procs': '', 'memory.limit_in_bytes': UNLIMITED, 'memory.usage_in_bytes': '1\n' });
  t.throws(() => new CgroupV1Reader({ version: 1, root: noStat }).memory('/'), { code: 'LXCFS_CGROUP_UNREADABLE' });
  for (const bad of ['parent/child', '/parent/../../etc', '/..', '']) {
    t.throws(() => r.memory(bad), { code: 'LXCFS_CGROUP_OUTSIDE_NS' }, JSON.stringify(bad));
  }
});

// Real-machine check on this project's reference machine (hybrid, v1 memory hierarchy):
// creates a cgroup, sets a limit, reads it back and always removes the cgroup. Must run
// as root; elsewhere it fails (never skips) so that a wrong environment is noticed.
t.test('REAL cgroup: /sys/fs/cgroup/memory/lxcfs-node-test-<pid>', async (t) => {
  if (process.getuid?.() !== 0) {
    t.fail('this test creates a real v1 memory cgroup and must run as root (uid 0)');
    return;
  }
  const root = '/sys/fs/cgroup/memory';
  const name = `lxcfs-node-test-${process.pid}`;
  const dir = join(root, name);
  t.teardown(() => {
    if (existsSync(dir)) rmdirSync(dir);
  });
  mkdirSync(dir);
  writeFileSync(join(dir, 'memory.limit_in_bytes'), '268435456');
  const m = new CgroupV1Reader({ version: 1, root }).memory(`/${name}`);
  t.equal(m.limit, 268435456n);
  t.equal(m.usage, 0n, 'no task in the new cgroup');
  t.equal(m.stat.cache, 0n);
  t.equal(m.stat.kernelStack, null);
  if (existsSync(join(dir, 'memory.memsw.usage_in_bytes'))) t.same(m.swap, { max: null, usage: 0n });
  else t.equal(m.swap, null);
});
