import t from 'tap';
import {
  cgroupDirs, hierarchicalLimit, minLimit, nonNegative, normaliseLimit, saturatingSub, segmentsOf,
  withoutTrailingSlash,
} from '../../src/cgroup/cgroup-path.js';

t.test('segmentsOf normalises harmless forms', async (t) => {
  t.same(segmentsOf('/'), []);
  t.same(segmentsOf('/a/b'), ['a', 'b']);
  t.same(segmentsOf('//a/./b/'), ['a', 'b']);
  t.same(segmentsOf('/my pod/ctr:1'), ['my pod', 'ctr:1'], 'spaces and colons are ordinary characters');
  t.same(segmentsOf('/..hidden/x..'), ['..hidden', 'x..'], 'only a whole ".." segment climbs');
});

t.test('segmentsOf rejects paths that could leave the hierarchy root', async (t) => {
  for (const bad of ['', 'a/b', '../x', '/..', '/../x', '/a/../../etc', '/a/..', '/a\0b']) {
    t.throws(() => segmentsOf(bad), { code: 'LXCFS_CGROUP_OUTSIDE_NS' }, JSON.stringify(bad));
  }
});

t.test('withoutTrailingSlash drops one trailing slash, never the root', async (t) => {
  t.equal(withoutTrailingSlash('/proc/'), '/proc');
  t.equal(withoutTrailingSlash('/proc'), '/proc');
  t.equal(withoutTrailingSlash('/'), '/');
  t.equal(withoutTrailingSlash('/a//'), '/a/', 'only one');
  t.equal(withoutTrailingSlash(''), '');
});

t.test('cgroupDirs lists the cgroup, then each ancestor up to the root', async (t) => {
  t.same(cgroupDirs('/sys/fs/cgroup/memory', '/docker/abc'), [
    '/sys/fs/cgroup/memory/docker/abc', '/sys/fs/cgroup/memory/docker', '/sys/fs/cgroup/memory',
  ]);
  t.same(cgroupDirs('/sys/fs/cgroup/', '/'), ['/sys/fs/cgroup']);
  t.throws(() => cgroupDirs('/sys/fs/cgroup', '/a/../../../etc'), { code: 'LXCFS_CGROUP_OUTSIDE_NS' });
});

t.test('limit arithmetic', async (t) => {
  t.equal(normaliseLimit(9223372036854771712n), null, 'v1 unlimited (4 KiB pages)');
  t.equal(normaliseLimit(9223372036854710272n), null, 'v1 unlimited (64 KiB pages)');
  t.equal(normaliseLimit(1n << 62n), null);
  t.equal(normaliseLimit((1n << 62n) - 1n), (1n << 62n) - 1n);
  t.equal(normaliseLimit(0n), 0n, 'a zero limit is a limit (the renderer decides what to show)');
  t.equal(normaliseLimit(-1n), 0n);
  t.equal(normaliseLimit(null), null);
  t.equal(minLimit(null, null), null);
  t.equal(minLimit(5n, null), 5n);
  t.equal(minLimit(null, 5n), 5n);
  t.equal(minLimit(7n, 5n), 5n);
  t.equal(minLimit(3n, 5n), 3n);
  t.equal(minLimit(5n, 5n), 5n);
  t.equal(saturatingSub(5n, 7n), 0n);
  t.equal(saturatingSub(7n, 5n), 2n);
  t.equal(saturatingSub(3n, 3n), 0n);
  t.equal(nonNegative(-4n), 0n);
  t.equal(nonNegative(4n), 4n);
});

t.test('hierarchicalLimit takes the min, skipping cgroups without the file', async (t) => {
  const values: Record<string, bigint | null | undefined> = { '/r/a/b': 300n, '/r/a': 200n, '/r': undefined };
  const seen: string[] = [];
  const limit = hierarchicalLimit(['/r/a/b', '/r/a', '/r'], (d) => {
    seen.push(d);
    return values[d];
  });
  t.equal(limit, 200n, 'parent 200 MiB, child 300 MiB → 200 MiB (spec §3.1)');
  t.same(seen, ['/r/a/b', '/r/a', '/r']);
  t.equal(hierarchicalLimit(['/x', '/'], () => null), null);
  t.equal(hierarchicalLimit(['/x', '/'], (d) => (d === '/' ? 9223372036854771712n : null)), null);
  t.equal(hierarchicalLimit([], () => 1n), null);
});
