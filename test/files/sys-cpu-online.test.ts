import t from 'tap';
import type { CpuLimits } from '../../src/cgroup/types.js';
import { LxcfsError } from '../../src/errors.js';
import { hostFileReader } from '../../src/files/host-files.js';
import { sysCpuOnline } from '../../src/files/sys-cpu-online.js';
import type { GatherContext, HostPath } from '../../src/files/types.js';
import { hostFiles, type RecordingContext, recordingContext, renderOptions } from '../helpers/fake-context.js';

const fixtureDir = (name: string): string => new URL(`../fixtures/host-cpuinfo-${name}`, import.meta.url).pathname;

const limits = (cpus: readonly number[] | null, quota: number | null = null): CpuLimits => ({ cpus, quota });
const range = (first: number, last: number): number[] => Array.from({ length: last - first + 1 }, (_, i) => first + i);

type Context = RecordingContext;

const context = (hostFile: (file: HostPath) => string, cpu: CpuLimits | (() => CpuLimits), cfs = false): Context =>
  recordingContext(hostFile, { cpuLimits: typeof cpu === 'function' ? cpu : () => cpu, options: renderOptions({ cfs }) });

const onFixture = (name: string, cpu: CpuLimits, cfs = false): Context =>
  context(hostFileReader({ procRoot: fixtureDir(name), sysRoot: fixtureDir(name), cgroupRoot: '/nonexistent' }), cpu, cfs);

/** A host whose online list is `online` (and which has no other file). */
const onOnline = (online: string, cpu: CpuLimits | (() => CpuLimits), cfs = false): Context =>
  context(hostFiles({ 'sys/devices/system/cpu/online': online }), cpu, cfs);

const read = (ctx: GatherContext): string => sysCpuOnline.render(sysCpuOnline.gather(ctx));

t.test('the VirtualFile entry', async (t) => {
  t.equal(sysCpuOnline.path, 'sys/devices/system/cpu/online');
  t.same(sysCpuOnline.host, { root: 'sys', path: 'devices/system/cpu/online' });
  t.equal(sysCpuOnline.size, 4096, 'sysfs files report 4096');
  t.type(sysCpuOnline.summary, 'string');
  t.notMatch(sysCpuOnline.summary, /\n/);
  t.ok(Object.isFrozen(sysCpuOnline));
});

t.test('the cases of the cpuinfo snapshots', async (t) => {
  const cases: Array<[string, Context, string]> = [
    ['x86 2 CPUs, cpuset 1', onFixture('x86-2', limits([1])), '1\n'],
    ['x86 2 CPUs, no cpuset', onFixture('x86-2', limits(null)), '0-1\n'],
    ['x86 8 CPUs, cpuset 0,2-3', onFixture('x86-8', limits([0, 2, 3])), '0,2-3\n'],
    ['x86 8 CPUs, cfs quota 1.5', onFixture('x86-8', limits(range(0, 7), 1.5), true), '0-1\n'],
    ['256 CPUs, all visible', onOnline('0-255\n', limits(null)), '0-255\n'],
    ['256 CPUs, cpuset 128-255', onOnline('0-255\n', limits(range(128, 255))), '128-255\n'],
    ['arm64, cpuset 1,3', onFixture('arm64', limits([1, 3])), '1,3\n'],
    ['arm32, cpuset 0-1', onFixture('arm32', limits([0, 1])), '0-1\n'],
    ['ppc64le SMT2, cpuset 4-7 (6-7 offline)', onFixture('ppc64le', limits([4, 5, 6, 7])), '4-5\n'],
    ['ppc64le SMT2, no cpuset', onFixture('ppc64le', limits(null)), '0-1,4-5,8-9,12-13\n'],
    ['s390x, cpuset 1,3', onFixture('s390x', limits([1, 3])), '1,3\n'],
  ];
  const all: string[] = [];
  for (const [name, ctx, expected] of cases) {
    const text = read(ctx);
    t.equal(text, expected, name);
    all.push(`${name}: ${JSON.stringify(text)}`);
  }
  t.matchSnapshot(all.join('\n'), 'online per case');
});

t.test('--enable-cfs with a quota: renumbered 0..n-1 (lxcfs)', async (t) => {
  t.equal(read(onOnline('0-1\n', limits([0, 1], 0.5), true)), '0\n', 'quota 0.5 → one CPU: "0", not "0-0"');
  t.equal(read(onOnline('0-1\n', limits([1], 1.5), true)), '0\n', 'cpuset 1 with a quota: renumbered');
  t.equal(read(onOnline('0-7\n', limits([2, 5, 7], 2), true)), '0-1\n', 'sparse cpuset cut to 2');
  t.equal(read(onOnline('0-1\n', limits(null, 3.2), true)), '0-1\n', 'quota above the online CPUs');
  t.equal(read(onOnline('0-255\n', limits(range(128, 255), 200), true)), '0-127\n');
});

t.test('--enable-cfs without a quota: still renumbered, like /proc/stat in that mode (lxcfs)', async (t) => {
  t.equal(read(onOnline('0-7\n', limits([2, 5, 7], null), true)), '0-2\n', 'cfs without a quota');
  t.equal(read(onOnline('0-1\n', limits([1], null), true)), '0\n', 'cpuset 1, cfs, no quota: "0" as lxcfs');
});

t.test('without --enable-cfs: the physical ids (lxcfs)', async (t) => {
  t.equal(read(onOnline('0-7\n', limits([2, 5, 7], 0.5), false)), '2,5,7\n', 'a quota without --enable-cfs');
  t.equal(read(onOnline('0-3,6-7\n', limits([2, 3, 4, 5, 6]))), '2-3,6\n', 'offline CPUs of the cpuset are not listed');
});

t.test('gather: limits first, then the host list; what cannot be answered throws', async (t) => {
  const ctx = onFixture('x86-2', limits([1]));
  sysCpuOnline.gather(ctx);
  t.same(ctx.reads, [{ root: 'sys', path: 'devices/system/cpu/online' }], 'only the host online list is read');
  const gone = onOnline('0-1\n', () => {
    throw new LxcfsError('LXCFS_CALLER_GONE');
  });
  t.throws(() => sysCpuOnline.gather(gone), { code: 'LXCFS_CALLER_GONE' });
  t.same(gone.reads, [], 'no host file read for a caller that is gone');
  for (const bad of ['', '\n', '0-', 'x', '0-1,', '3-1\n']) {
    t.throws(() => sysCpuOnline.gather(onOnline(bad, limits(null))), { name: 'LxcfsError', code: 'LXCFS_PARSE' }, JSON.stringify(bad));
  }
  t.same(sysCpuOnline.gather(onOnline('0-1\n', limits([]))).ids, [0, 1], 'an empty cpuset shows the host online CPUs');
  t.throws(() => sysCpuOnline.gather(context(() => {
    throw new LxcfsError('LXCFS_HOST_UNREADABLE');
  }, limits(null))), { code: 'LXCFS_HOST_UNREADABLE' });
});

t.test('render never yields an empty list', async (t) => {
  t.throws(() => sysCpuOnline.render({ ids: [], quota: null, renumber: false }), { code: 'LXCFS_PARSE' });
  t.throws(() => sysCpuOnline.render({ ids: [], quota: 1, renumber: true }), { code: 'LXCFS_PARSE' });
  t.equal(sysCpuOnline.render({ ids: [3], quota: null, renumber: false }), '3\n');
  t.equal(sysCpuOnline.render({ ids: [3, 4, 5], quota: 2.5, renumber: true }), '0-2\n');
  t.equal(sysCpuOnline.render({ ids: [3, 4, 5], quota: null, renumber: true }), '0-2\n');
});
