import t from 'tap';
import type { CpuLimits } from '../../src/cgroup/types.js';
import { LxcfsError } from '../../src/errors.js';
import { HOST_ONLINE, readCpus, readVisibleCpus, visibleCpus } from '../../src/files/visible-cpus.js';
import { hostFiles, recordingContext, renderOptions } from '../helpers/fake-context.js';

const limits = (cpus: readonly number[] | null, quota: number | null = null): CpuLimits => ({ cpus, quota });
const range = (first: number, last: number): number[] => Array.from({ length: last - first + 1 }, (_, i) => first + i);

t.test('no cpuset → the host\'s online CPUs', async (t) => {
  t.same(visibleCpus([0, 1], limits(null), false), { ids: [0, 1], quota: null });
  t.same(visibleCpus([0, 1, 4, 5], limits(null), false), { ids: [0, 1, 4, 5], quota: null }, 'sparse online list');
});

t.test('cpuset ∩ online', async (t) => {
  t.same(visibleCpus([0, 1], limits([1]), false).ids, [1]);
  t.same(visibleCpus(range(0, 7), limits([0, 2, 3]), false).ids, [0, 2, 3]);
  t.same(visibleCpus([0, 1, 2, 3], limits([1, 3, 5]), false).ids, [1, 3], 'offline 5 dropped');
  t.same(visibleCpus([0, 1, 4, 5], limits([4, 5, 6, 7]), false).ids, [4, 5]);
});

t.test('a cpuset of offline CPUs only → the host online CPUs, so every file can show them', async (t) => {
  t.same(visibleCpus([0, 1], limits([4, 5]), false), { ids: [0, 1], quota: null });
  t.same(visibleCpus([0, 1], limits([4, 5], 0.5), true), { ids: [0], quota: 0.5 }, 'then cut by the quota');
});

t.test('--enable-cfs with a quota: ceil(quota) CPUs, at most the online ones, at least one', async (t) => {
  t.same(visibleCpus([0, 1], limits([0, 1], 0.5), true), { ids: [0], quota: 0.5 }, '0.5 → 1 CPU');
  t.same(visibleCpus([0, 1], limits([0, 1], 1.5), true), { ids: [0, 1], quota: 1.5 }, '1.5 → 2');
  t.same(visibleCpus([0, 1], limits(null, 3.2), true), { ids: [0, 1], quota: 2 }, '3.2 on 2 online → 2, quota capped');
  t.same(visibleCpus([0, 1], limits([1], 1.5), true), { ids: [1], quota: 1.5 }, 'never more than the cpuset (spec §6)');
  t.same(visibleCpus(range(0, 7), limits(range(0, 7), 2), true).ids, [0, 1], 'an exact 2 → 2');
  t.same(visibleCpus(range(0, 7), limits(range(0, 7), 2.000001), true).ids, [0, 1, 2], 'any remainder rounds up');
  t.same(visibleCpus(range(0, 7), limits(range(0, 7), 0.01), true).ids, [0], 'a tiny quota still shows one CPU');
  t.same(visibleCpus(range(0, 7), limits([2, 5, 7], 2), true).ids, [2, 5], 'the first CPUs of the cpuset');
  t.same(visibleCpus(range(0, 255), limits(range(128, 255), 1.5), true), { ids: [128, 129], quota: 1.5 });
});

t.test('the quota field: quota in CPUs capped at the online CPUs, only when a cut applies', async (t) => {
  t.equal(visibleCpus(range(0, 7), limits(null, 0.25), true).quota, 0.25);
  t.equal(visibleCpus(range(0, 3), limits(null, 6), true).quota, 4, 'capped at the online count');
  t.equal(visibleCpus(range(0, 7), limits([0, 1], 6), true).quota, 6, 'not capped at the cpuset size (lxcfs exact_cpus)');
  t.equal(visibleCpus(range(0, 7), limits(null, 0.5), false).quota, null, 'no --enable-cfs');
  t.equal(visibleCpus(range(0, 7), limits(null, null), true).quota, null, 'no quota');
});

t.test('no quota, a non-positive one, or no --enable-cfs → no cut', async (t) => {
  t.same(visibleCpus(range(0, 7), limits(null, null), true), { ids: range(0, 7), quota: null });
  t.same(visibleCpus(range(0, 7), limits(null, 0.5), false), { ids: range(0, 7), quota: null });
  t.same(visibleCpus(range(0, 7), limits([1, 2], 0.5), false), { ids: [1, 2], quota: null });
  t.same(visibleCpus(range(0, 7), limits(null, 0), true), { ids: range(0, 7), quota: null });
  t.same(visibleCpus(range(0, 7), limits(null, -1), true), { ids: range(0, 7), quota: null });
});

t.test('the result never aliases its inputs', async (t) => {
  const online = [0, 1, 2];
  const cpus = [0, 1];
  const a = visibleCpus(online, limits(null), false);
  const b = visibleCpus(online, limits(cpus), false);
  t.not(a.ids, online);
  t.not(b.ids, cpus);
});

t.test('nothing online and no cpuset → nothing (readVisibleCpus rejects an empty host list first)', async (t) => {
  t.same(visibleCpus([], limits(null), false), { ids: [], quota: null });
  t.same(visibleCpus([0, 1], limits([]), false), { ids: [0, 1], quota: null }, 'an empty cpuset (the reader never yields one) → the host online CPUs');
});

/** A caller with `cpu` limits on a host whose online list is `online`. */
const onOnline = (online: string, cpu: CpuLimits | (() => CpuLimits), cfs = false) =>
  recordingContext(hostFiles({ 'sys/devices/system/cpu/online': online }),
    { cpuLimits: typeof cpu === 'function' ? cpu : () => cpu, options: renderOptions({ cfs }) });

t.test('readVisibleCpus is visibleCpus over the host online list', async (t) => {
  t.same(readVisibleCpus(onOnline('0-3\n', limits([1, 2, 9]))), { ids: [1, 2], quota: null });
  t.same(readVisibleCpus(onOnline('0-3\n', limits(null, 1.5), true)), { ids: [0, 1], quota: 1.5 });
  t.same(readVisibleCpus(onOnline('0-1\n', limits([5]))), { ids: [0, 1], quota: null }, 'offline-only cpuset: the host online CPUs');
});

t.test('readCpus: the limits first, then the one read of the host online list', async (t) => {
  const ctx = onOnline('0-3,6\n', limits([2, 3, 6], 1.5), true);
  t.same(readCpus(ctx), { limits: limits([2, 3, 6], 1.5), online: [0, 1, 2, 3, 6], visible: { ids: [2, 3], quota: 1.5 } });
  t.same(ctx.reads, [HOST_ONLINE]);
  const gone = onOnline('0-1\n', () => { throw new LxcfsError('LXCFS_CALLER_GONE'); });
  t.throws(() => readCpus(gone), { code: 'LXCFS_CALLER_GONE' });
  t.same(gone.reads, [], 'no host file read for a caller that is gone');
  for (const bad of ['', '\n', '0-', 'x', '0-1,', '3-1\n']) {
    t.throws(() => readCpus(onOnline(bad, limits(null))), { name: 'LxcfsError', code: 'LXCFS_PARSE' }, JSON.stringify(bad));
  }
});
