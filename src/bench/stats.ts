// Exact merging of benchmark rounds. The loadgen reports its whole latency histogram
// ([bucket upper bound µs, count]), so rounds merge without loss: ops/s = total ops over
// total measured seconds, percentiles from the summed histogram by the loadgen's own rule
// (the first bucket whose running count reaches ⌊fraction·ops⌋, at least 1), max = max.
// Pure: no I/O.

export type DaemonName = 'lxcfs-node' | 'lxcfs';

export type Histogram = readonly (readonly [number, number])[];

/** One line of `lxcfs_node_loadgen` output (bench/loadgen.c). */
export interface LoadgenResult extends Readonly<Record<'procs' | 'seconds' | 'ops' | 'errors' | 'firstErrno' | 'empty' |
  'crashed' | 'bytes' | 'opsPerSec' | 'meanUs' | 'p50Us' | 'p90Us' | 'p99Us' | 'maxUs', number>> {
  readonly mode: string;
  readonly hist: Histogram;
}

/** One daemon's share of one round: the readers' view, the daemon's CPU ticks over the measured window, its RSS after. */
export type DaemonRound = Readonly<{ load: LoadgenResult; cpuTicks: number; rssKiB: number }>;

export interface Merged extends Readonly<Record<'ops' | 'seconds' | 'opsPerSec' | 'errors' | 'empty' | 'crashed' |
  'firstErrno' | 'meanUs' | 'p50Us' | 'p90Us' | 'p99Us' | 'maxUs' | 'rssMaxKiB', number>> {
  /** µs of daemon CPU per read; null without reads. */
  readonly cpuUsPerRead: number | null;
  readonly hist: Histogram;
}

export function mergeHistograms(hists: readonly Histogram[]): [number, number][] {
  const sums = new Map<number, number>();
  for (const hist of hists) for (const [bound, count] of hist) sums.set(bound, (sums.get(bound) ?? 0) + count);
  return [...sums].sort((a, b) => a[0] - b[0]);
}

/** The loadgen's percentile(): the smallest bucket bound covering ⌊fraction·ops⌋ reads. */
export function percentile(hist: Histogram, fraction: number, maxUs: number): number {
  const ops = hist.reduce((n, [, count]) => n + count, 0);
  if (ops === 0) return 0;
  const want = Math.max(1, Math.floor(fraction * ops));
  let seen = 0;
  for (const [bound, count] of hist) {
    seen += count;
    if (seen >= want) return bound;
  }
  return maxUs;
}

export function mergeRounds(rounds: readonly DaemonRound[], clkTck: number): Merged {
  const sum = (f: (r: DaemonRound) => number): number => rounds.reduce((n, r) => n + f(r), 0);
  const ops = sum((r) => r.load.ops);
  const seconds = sum((r) => r.load.seconds);
  const maxUs = Math.max(0, ...rounds.map((r) => r.load.maxUs));
  const hist = mergeHistograms(rounds.map((r) => r.load.hist));
  const cpuUs = (sum((r) => r.cpuTicks) * 1e6) / clkTck;
  return {
    ops,
    seconds,
    opsPerSec: seconds > 0 ? ops / seconds : 0,
    errors: sum((r) => r.load.errors),
    empty: sum((r) => r.load.empty),
    crashed: sum((r) => r.load.crashed),
    firstErrno: rounds.find((r) => r.load.firstErrno !== 0)?.load.firstErrno ?? 0,
    meanUs: ops > 0 ? sum((r) => r.load.meanUs * r.load.ops) / ops : 0,
    p50Us: percentile(hist, 0.5, maxUs),
    p90Us: percentile(hist, 0.9, maxUs),
    p99Us: percentile(hist, 0.99, maxUs),
    maxUs,
    cpuUsPerRead: ops > 0 ? cpuUs / ops : null,
    rssMaxKiB: Math.max(0, ...rounds.map((r) => r.rssKiB)),
    hist,
  };
}

/** a/b, or null when it means nothing (b zero, either side unknown). */
export function ratio(a: number | null, b: number | null): number | null {
  if (a === null || b === null || b === 0 || !Number.isFinite(a / b)) return null;
  return a / b;
}

/** Reads that went wrong: failed, empty, or a reader that died. Any of these is a bug, not slowness. */
export function faults(m: Pick<Merged, 'errors' | 'empty' | 'crashed'>): number {
  return m.errors + m.empty + m.crashed;
}

/** A round as the JSON keeps it: the merged histogram of the cell holds all of its buckets. */
export type RoundSummary = Omit<DaemonRound, 'load'> & { readonly load: Omit<LoadgenResult, 'hist'> };

export type DaemonCell = Readonly<{ rounds: readonly RoundSummary[]; merged: Merged }>;

export function daemonCell(rounds: readonly DaemonRound[], clkTck: number): DaemonCell {
  return {
    rounds: rounds.map(({ load: { hist: _hist, ...load }, ...rest }) => ({ ...rest, load })),
    merged: mergeRounds(rounds, clkTck),
  };
}

/** One cell (file × mode × K): both daemons' rounds and their merge. */
export type CellResult = Readonly<{ file: string; mode: string; procs: number; node: DaemonCell; lxcfs: DaemonCell }>;
