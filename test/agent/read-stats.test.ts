// ReadStats: per-thread slots in one SharedArrayBuffer, summed on read; checked with
// direct calls and with a real worker thread writing its own slot.
import t from 'tap';
import { Worker } from 'node:worker_threads';
import { CALLER_RESULTS, RENDER_BUCKETS, ReadStats } from '../../src/agent/read-stats.js';
import { REGISTRY } from '../../src/files/registry.js';
import type { VirtualFile } from '../../src/files/types.js';

const meminfo = REGISTRY.find((f) => f.path === 'proc/meminfo')!;
const stat = REGISTRY.find((f) => f.path === 'proc/stat')!;
const totalsOf = (stats: ReadStats, file: VirtualFile) => stats.totals().files.find((f) => f.path === file.path)!;

t.test('a fresh instance: every registry file at zero, in registry order', async (t) => {
  const totals = ReadStats.create(1).totals();
  t.same(totals.files.map((f) => f.path), REGISTRY.map((f) => f.path));
  for (const file of totals.files) {
    t.same(file.outcomes, { rendered: 0, coalesced: 0, fallback: 0 });
    t.equal(file.fallbacks.size, 0);
    t.same(file.buckets, new Array(RENDER_BUCKETS.length + 1).fill(0));
    t.equal(file.seconds, 0);
  }
  t.same(totals.callers, Object.fromEntries(CALLER_RESULTS.map((r) => [r, 0])));
});

t.test('reads by outcome, a cumulative histogram of render times, fallbacks by reason', async (t) => {
  const stats = ReadStats.create(1);
  stats.read(meminfo, 'rendered', 0.00002); // first bucket (≤ 25 µs)
  stats.read(meminfo, 'rendered', 0.00003); // ≤ 50 µs
  stats.read(meminfo, 'rendered', 0.000025); // exactly on a bound: that bucket
  stats.read(meminfo, 'coalesced', 0); // counted, not timed
  stats.read(meminfo, 'fallback', 2); // beyond the last bound: +Inf
  stats.fallback(meminfo, 'LXCFS_CALLER_GONE');
  stats.fallback(meminfo, 'LXCFS_CALLER_GONE');
  stats.fallback(meminfo, 'SOMETHING_ELSE'); // not a code: counted as internal
  const m = totalsOf(stats, meminfo);
  t.same(m.outcomes, { rendered: 3, coalesced: 1, fallback: 1 });
  t.same([...m.fallbacks], [['LXCFS_CALLER_GONE', 2], ['LXCFS_INTERNAL', 1]]);
  t.equal(m.buckets[0], 2);
  t.equal(m.buckets[1], 3);
  t.equal(m.buckets.at(-2), 3, 'nothing else below the last bound');
  t.equal(m.buckets.at(-1), 4, '+Inf counts every timed read');
  t.ok(Math.abs(m.seconds - 2.000075) < 1e-12);
  t.same(totalsOf(stats, stat).outcomes, { rendered: 0, coalesced: 0, fallback: 0 }, 'other files untouched');
});

t.test('caller resolutions, and files outside the registry are not counted', async (t) => {
  const stats = ReadStats.create(1);
  stats.caller('cache_hit');
  stats.caller('cache_hit');
  stats.caller('cache_miss');
  stats.caller('own_namespace');
  t.same(stats.totals().callers, { own_namespace: 1, cache_hit: 2, cache_miss: 1 });
  const stranger = { ...meminfo, path: 'proc/other' } as VirtualFile;
  stats.read(stranger, 'rendered', 0.001);
  stats.fallback(stranger, 'LXCFS_PARSE');
  t.same(stats.totals().files.map((f) => f.outcomes.rendered), REGISTRY.map(() => 0));
});

t.test('slots: attach writes its own slot of the same buffer; totals sum them all', async (t) => {
  const main = ReadStats.create(3);
  const second = ReadStats.attach(main.buffer, 1);
  const third = ReadStats.attach(main.buffer, 2);
  main.read(meminfo, 'rendered', 0.001);
  second.read(meminfo, 'rendered', 0.001);
  third.read(meminfo, 'fallback', 0.001);
  third.caller('cache_miss');
  for (const view of [main, second, third]) {
    t.same(totalsOf(view, meminfo).outcomes, { rendered: 2, coalesced: 0, fallback: 1 }, 'every view sees the sum');
    t.equal(view.totals().callers.cache_miss, 1);
  }
  t.throws(() => ReadStats.attach(main.buffer, 3), RangeError, 'no slot beyond the threads');
  t.throws(() => ReadStats.attach(main.buffer, -1), RangeError);
  t.throws(() => ReadStats.attach(new SharedArrayBuffer(12), 0), RangeError, 'a buffer of another layout');
});

t.test('a worker thread counts into the shared buffer', async (t) => {
  const main = ReadStats.create(2);
  const module = new URL('../../src/agent/read-stats.ts', import.meta.url).href;
  const registry = new URL('../../src/files/registry.ts', import.meta.url).href;
  const worker = new Worker(`
    const { workerData, parentPort } = await import('node:worker_threads');
    const { ReadStats } = await import(${JSON.stringify(module)});
    const { REGISTRY } = await import(${JSON.stringify(registry)});
    const stats = ReadStats.attach(workerData, 1);
    const meminfo = REGISTRY.find((f) => f.path === 'proc/meminfo');
    for (let i = 0; i < 1000; i++) stats.read(meminfo, 'rendered', 0.00001);
    parentPort.postMessage('done');
  `, { eval: true, workerData: main.buffer, execArgv: process.execArgv });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  await worker.terminate();
  main.read(meminfo, 'rendered', 0.00001);
  t.equal(totalsOf(main, meminfo).outcomes.rendered, 1001);
  t.equal(totalsOf(main, meminfo).buckets[0], 1001);
});
