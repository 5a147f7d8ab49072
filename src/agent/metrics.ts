// What /metrics exposes, in the Prometheus text format, through prom-client. Every figure
// is read when scraped — from the ReadStats every serving thread writes, from the mount
// table and from the process — so the read path never calls into prom-client, and a
// scrape costs the same however many reads happened.
import { Counter, Gauge, Registry, type Metric } from 'prom-client';
import type { OpenTableStats } from '../fuse/handles.js';
import { RENDER_BUCKETS, RENDER_OUTCOMES, type ReadStats } from './read-stats.js';

export interface MetricsSource {
  readonly stats: ReadStats;
  /** Our mount is in place and the kernel still has the connection. */
  isMounted(): boolean;
  readonly version: string;
  /** cgroup layout: v1, hybrid or v2. */
  readonly layout: string;
  readonly threads: number;
  /** Re-attach outcomes of the keeper so far (src/keeper/reattach.ts); none outside a keeper. */
  repairs?(): ReadonlyMap<string, number>;
  /** The mount's open-file table: handles open and the bytes of their snapshots. */
  openFiles?(): OpenTableStats;
}

export interface Metrics {
  readonly contentType: string;
  /** The exposition text for one scrape. */
  render(): Promise<string>;
}

export function createMetrics(source: MetricsSource): Metrics {
  const registry = new Registry();
  const registers = [registry];
  const { stats } = source;

  new Counter({
    name: 'lxcfs_node_reads_total',
    help: 'Reads at offset 0 of a virtual file, by how their content was made: rendered for them, shared with an equal request of the same batch (coalesced), or the host file (fallback).',
    labelNames: ['file', 'outcome'], registers,
    collect() {
      this.reset();
      for (const file of stats.totals().files) {
        for (const outcome of RENDER_OUTCOMES) this.inc({ file: file.path, outcome }, file.outcomes[outcome]);
      }
    },
  });
  new Counter({
    name: 'lxcfs_node_host_fallbacks_total',
    help: 'Reads answered with the host file instead of container values, by the error code that caused it (see the README error table).',
    labelNames: ['file', 'reason'], registers,
    collect() {
      this.reset();
      for (const file of stats.totals().files) {
        for (const [reason, n] of file.fallbacks) this.inc({ file: file.path, reason }, n);
      }
    },
  });
  new Counter({
    name: 'lxcfs_node_reattached_mounts_total',
    help: 'Dead lxcfs-node mounts found in containers\' mount namespaces after a lost connection, by outcome: replaced by the live file, alive (another instance\'s, left alone), or the step that failed.',
    labelNames: ['outcome'], registers,
    collect() {
      this.reset();
      for (const [outcome, n] of source.repairs?.() ?? []) this.inc({ outcome }, n);
    },
  });
  new Counter({
    name: 'lxcfs_node_caller_resolutions_total',
    help: 'Callers resolved to their container init: in the daemon\'s own pid namespace, from the validated per-namespace cache (cache_hit), or by walking /proc (cache_miss).',
    labelNames: ['result'], registers,
    collect() {
      this.reset();
      for (const [result, n] of Object.entries(stats.totals().callers)) this.inc({ result }, n);
    },
  });
  // prom-client's Histogram only learns by observe() on this thread; ours is counted in
  // shared memory by every serving thread, so it is exposed through the registry's
  // metric contract (name, help, type, get) rather than a Histogram instance.
  const renderSeconds = {
    name: 'lxcfs_node_render_seconds',
    help: 'Time to make the content of one read at offset 0 (gather and render, or the host fallback), per file.',
    type: 'histogram',
    aggregator: 'sum',
    get: async () => ({
      name: renderSeconds.name, help: renderSeconds.help, type: renderSeconds.type, aggregator: renderSeconds.aggregator,
      values: stats.totals().files.flatMap((file) => [
        ...file.buckets.map((count, b) => ({
          metricName: `${renderSeconds.name}_bucket`,
          labels: { file: file.path, le: b < RENDER_BUCKETS.length ? RENDER_BUCKETS[b]! : '+Inf' },
          value: count,
        })),
        { metricName: `${renderSeconds.name}_sum`, labels: { file: file.path }, value: file.seconds },
        { metricName: `${renderSeconds.name}_count`, labels: { file: file.path }, value: file.buckets.at(-1)! },
      ]),
    }),
  };
  registry.registerMetric(renderSeconds as unknown as Metric);
  new Gauge({
    name: 'process_resident_memory_bytes',
    help: 'Resident memory of the daemon process (all threads), in bytes.',
    registers,
    collect() { this.set(process.memoryUsage.rss()); },
  });
  const { openFiles } = source;
  if (openFiles !== undefined) {
    new Gauge({
      name: 'lxcfs_node_open_files',
      help: 'Handles of our files open now (each keeps the snapshot its last read at offset 0 rendered).',
      registers,
      collect() { this.set(openFiles().open); },
    });
    new Gauge({
      name: 'lxcfs_node_snapshot_bytes',
      help: 'Bytes held in the snapshots of open handles (bounded: past 32 MiB other handles\' snapshots are dropped).',
      registers,
      collect() { this.set(openFiles().snapshots.bytes); },
    });
    new Counter({
      name: 'lxcfs_node_snapshots_dropped_total',
      help: 'Snapshots dropped to keep snapshot memory bounded; the next later-offset read of such a handle renders afresh.',
      registers,
      collect() {
        this.reset();
        this.inc(openFiles().snapshots.dropped);
      },
    });
  }
  new Gauge({
    name: 'lxcfs_node_mounted',
    help: '1 while our FUSE mount is in place at the mountpoint and connected, else 0.',
    registers,
    collect() { this.set(source.isMounted() ? 1 : 0); },
  });
  new Gauge({
    name: 'lxcfs_node_info',
    help: 'Always 1; the labels describe this daemon.',
    labelNames: ['version', 'layout', 'threads'], registers,
  }).set({ version: source.version, layout: source.layout, threads: String(source.threads) }, 1);

  return { contentType: registry.contentType, render: () => registry.metrics() };
}
