// createMetrics: the Prometheus text a scrape gets, read from ReadStats, the mount state
// and the process at scrape time.
import t, { type Test } from 'tap';
import { createMetrics } from '../../src/agent/metrics.js';
import { RENDER_BUCKETS, ReadStats } from '../../src/agent/read-stats.js';
import { REGISTRY } from '../../src/files/registry.js';

const meminfo = REGISTRY.find((f) => f.path === 'proc/meminfo')!;

/** name{labels} → value, for every sample line; fails on a line that is not a sample or comment. */
function samples(t: Test, text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    const m = /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (m === null) { t.fail(`not an exposition line: ${JSON.stringify(line)}`); continue; }
    out.set(m[1]!, Number(m[2]));
  }
  return out;
}

function setup() {
  const stats = ReadStats.create(2);
  let mounted = true;
  const metrics = createMetrics({ stats, isMounted: () => mounted, version: '9.8.7', layout: 'hybrid', threads: 2 });
  return { stats, metrics, setMounted: (v: boolean) => { mounted = v; } };
}

t.test('every series, zero before any read', async (t) => {
  const { metrics } = setup();
  t.match(metrics.contentType, /^text\/plain; version=0\.0\.4/);
  const text = await metrics.render();
  const s = samples(t, text);
  for (const file of REGISTRY) {
    for (const outcome of ['rendered', 'coalesced', 'fallback']) {
      t.equal(s.get(`lxcfs_node_reads_total{file="${file.path}",outcome="${outcome}"}`), 0, `${file.path} ${outcome}`);
    }
    t.equal(s.get(`lxcfs_node_render_seconds_count{file="${file.path}"}`), 0);
  }
  t.match(text, /# TYPE lxcfs_node_reads_total counter/);
  t.match(text, /# TYPE lxcfs_node_render_seconds histogram/);
  t.equal(s.get('lxcfs_node_caller_resolutions_total{result="cache_hit"}'), 0);
  t.equal(s.get('lxcfs_node_mounted'), 1);
  t.equal(s.get('lxcfs_node_info{version="9.8.7",layout="hybrid",threads="2"}'), 1);
  t.ok(s.get('process_resident_memory_bytes')! > 10 * 1024 * 1024, 'the real RSS');
  t.notMatch(text, /lxcfs_node_host_fallbacks_total\{/, 'no fallback series until one happens');
});

t.test('the counters move with reads from any thread; the histogram is cumulative', async (t) => {
  const { stats, metrics } = setup();
  const worker = ReadStats.attach(stats.buffer, 1);
  stats.read(meminfo, 'rendered', 0.00004);
  worker.read(meminfo, 'rendered', 0.003);
  worker.read(meminfo, 'coalesced', 0);
  worker.read(meminfo, 'fallback', 0.0001);
  worker.fallback(meminfo, 'LXCFS_CALLER_GONE');
  stats.caller('cache_miss');
  worker.caller('cache_hit');
  worker.caller('cache_hit');
  const s = samples(t, await metrics.render());
  t.equal(s.get('lxcfs_node_reads_total{file="proc/meminfo",outcome="rendered"}'), 2);
  t.equal(s.get('lxcfs_node_reads_total{file="proc/meminfo",outcome="coalesced"}'), 1);
  t.equal(s.get('lxcfs_node_reads_total{file="proc/meminfo",outcome="fallback"}'), 1);
  t.equal(s.get('lxcfs_node_host_fallbacks_total{file="proc/meminfo",reason="LXCFS_CALLER_GONE"}'), 1);
  t.equal(s.get('lxcfs_node_caller_resolutions_total{result="cache_hit"}'), 2);
  t.equal(s.get('lxcfs_node_caller_resolutions_total{result="cache_miss"}'), 1);
  t.equal(s.get('lxcfs_node_render_seconds_bucket{file="proc/meminfo",le="0.00005"}'), 1);
  t.equal(s.get('lxcfs_node_render_seconds_bucket{file="proc/meminfo",le="0.0001"}'), 2);
  t.equal(s.get(`lxcfs_node_render_seconds_bucket{file="proc/meminfo",le="${RENDER_BUCKETS.at(-1)}"}`), 3);
  t.equal(s.get('lxcfs_node_render_seconds_bucket{file="proc/meminfo",le="+Inf"}'), 3);
  t.equal(s.get('lxcfs_node_render_seconds_count{file="proc/meminfo"}'), 3);
  t.ok(Math.abs(s.get('lxcfs_node_render_seconds_sum{file="proc/meminfo"}')! - 0.00314) < 1e-9);
  stats.read(meminfo, 'rendered', 0.00001);
  const again = samples(t, await metrics.render());
  t.equal(again.get('lxcfs_node_reads_total{file="proc/meminfo",outcome="rendered"}'), 3, 'a second scrape is not doubled');
});

t.test('lxcfs_node_mounted follows the mount', async (t) => {
  const { metrics, setMounted } = setup();
  setMounted(false);
  t.equal(samples(t, await metrics.render()).get('lxcfs_node_mounted'), 0);
  setMounted(true);
  t.equal(samples(t, await metrics.render()).get('lxcfs_node_mounted'), 1);
});

t.test('open files and snapshot memory come from the open-file table', async (t) => {
  const stats = ReadStats.create(1);
  let table = { open: 0, answered: { open: 0, read: 0, release: 0, flush: 0 }, snapshots: { bytes: 0, dropped: 0 } };
  const metrics = createMetrics({ stats, isMounted: () => true, version: '1', layout: 'v2', threads: 1, openFiles: () => table });
  let s = samples(t, await metrics.render());
  t.equal(s.get('lxcfs_node_open_files'), 0);
  t.equal(s.get('lxcfs_node_snapshot_bytes'), 0);
  t.equal(s.get('lxcfs_node_snapshots_dropped_total'), 0);
  table = { ...table, open: 4000, snapshots: { bytes: 12_345_678, dropped: 17 } };
  s = samples(t, await metrics.render());
  t.equal(s.get('lxcfs_node_open_files'), 4000);
  t.equal(s.get('lxcfs_node_snapshot_bytes'), 12_345_678);
  t.equal(s.get('lxcfs_node_snapshots_dropped_total'), 17);
  t.notMatch(await createMetrics({ stats, isMounted: () => true, version: '1', layout: 'v2', threads: 1 }).render(), /lxcfs_node_open_files/, 'absent without a table');
});

t.test('re-attach outcomes come from the keeper, as it last reported them', async (t) => {
  const stats = ReadStats.create(1);
  let repairs = new Map<string, number>();
  const metrics = createMetrics({ stats, isMounted: () => true, version: '1', layout: 'v2', threads: 1, repairs: () => repairs });
  t.notMatch(await metrics.render(), /lxcfs_node_reattached_mounts_total\{/, 'none before a repair');
  repairs = new Map([['replaced', 3], ['alive', 1]]);
  const s = samples(t, await metrics.render());
  t.equal(s.get('lxcfs_node_reattached_mounts_total{outcome="replaced"}'), 3);
  t.equal(s.get('lxcfs_node_reattached_mounts_total{outcome="alive"}'), 1);
});
