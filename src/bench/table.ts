// Text output of the bench. Pure: results in, aligned text out. Ratios are always
// lxcfs-node / lxcfs ("n/l"): above 1 means more ops/s, or more latency or CPU, for us.
// A failed, empty or crashed read is never a footnote: it fills the last column in
// capitals and gets its own "!!" line below the table.
import { constants } from 'node:os';
import { ratio, type CellResult, type Merged } from './stats.js';

export function formatRatio(r: number | null): string {
  return r === null ? '-' : `${r.toFixed(2)}x`;
}

export function formatUs(us: number): string {
  if (us < 1000) return `${Math.round(us)}µs`;
  if (us < 10_000) return `${(us / 1000).toFixed(2)}ms`;
  if (us < 1e6) return `${(us / 1000).toFixed(1)}ms`;
  return `${(us / 1e6).toFixed(2)}s`;
}

export function formatOps(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

const formatCpu = (us: number | null): string => (us === null ? '-' : us.toFixed(us < 10 ? 2 : 1));
const formatMiB = (kib: number): string => (kib / 1024).toFixed(1);

export function errnoName(errno: number): string {
  return Object.entries(constants.errno).find(([, n]) => n === errno)?.[0] ?? `errno ${errno}`;
}

/** '' when every read worked, else what went wrong, e.g. "12 FAILED (EIO), 3 EMPTY". */
export function faultText(m: Pick<Merged, 'errors' | 'empty' | 'crashed' | 'firstErrno'>): string {
  return [
    m.errors > 0 ? `${m.errors} FAILED (${errnoName(m.firstErrno)})` : '',
    m.empty > 0 ? `${m.empty} EMPTY` : '',
    m.crashed > 0 ? `${m.crashed} READERS CRASHED` : '',
  ].filter(Boolean).join(', ');
}

/** Columns padded to their widest cell: the first `left` (and the last with `lastLeft`) to the left, the rest to the right. */
export function align(rows: readonly (readonly string[])[], left: number, lastLeft = false): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => { widths[i] = Math.max(widths[i] ?? 0, cell.length); });
  const toLeft = (i: number, n: number): boolean => i < left || (lastLeft && i === n - 1);
  return rows.map((row) => row.map((cell, i) => (toLeft(i, row.length) ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
    .join('  ').trimEnd()).join('\n');
}

const HEADER = [
  ['', '', '', 'ops/s', '', '', 'p50', '', 'p99', '', '', 'max', '', 'CPU µs/read', '', '', 'RSS MiB', '', ''],
  ['file', 'mode', 'K', 'node', 'lxcfs', 'n/l', 'node', 'lxcfs', 'node', 'lxcfs', 'n/l', 'node', 'lxcfs',
    'node', 'lxcfs', 'n/l', 'node', 'lxcfs', 'faults'],
];

function faultCell(c: CellResult): string {
  const node = faultText(c.node.merged);
  const lxcfs = faultText(c.lxcfs.merged);
  if (node === '' && lxcfs === '') return 'ok';
  return `!! ${node ? `node: ${node}` : ''}${node && lxcfs ? '; ' : ''}${lxcfs ? `lxcfs: ${lxcfs}` : ''}`;
}

export function resultsTable(cells: readonly CellResult[]): string {
  const rows = cells.map((c) => {
    const [n, l] = [c.node.merged, c.lxcfs.merged];
    return [c.file, c.mode, String(c.procs),
      formatOps(n.opsPerSec), formatOps(l.opsPerSec), formatRatio(ratio(n.opsPerSec, l.opsPerSec)),
      formatUs(n.p50Us), formatUs(l.p50Us),
      formatUs(n.p99Us), formatUs(l.p99Us), formatRatio(ratio(n.p99Us, l.p99Us)),
      formatUs(n.maxUs), formatUs(l.maxUs),
      formatCpu(n.cpuUsPerRead), formatCpu(l.cpuUsPerRead), formatRatio(ratio(n.cpuUsPerRead, l.cpuUsPerRead)),
      formatMiB(n.rssMaxKiB), formatMiB(l.rssMaxKiB), faultCell(c)];
  });
  return align([...HEADER, ...rows], 3, true);
}

/** One loud line per daemon and cell whose reads went wrong. */
export function faultLines(cells: readonly CellResult[]): string[] {
  return cells.flatMap((c) => (['node', 'lxcfs'] as const).flatMap((d) => {
    const text = faultText(c[d].merged);
    const name = d === 'node' ? 'lxcfs-node' : 'lxcfs';
    return text === '' ? [] : [`!! ${name} ${c.file} ${c.mode} K=${c.procs}: ${text} — wrong behaviour, not slowness`];
  }));
}

/** ops/s with the daemons pinned to one CPU vs all, per daemon, cell by cell (same order). */
export function scalingTable(one: readonly CellResult[], all: readonly CellResult[], cpus: number): string {
  const rows = one.map((c, i) => {
    const a = all[i]!;
    const scale = (x: Merged, y: Merged): string[] => [formatOps(x.opsPerSec), formatOps(y.opsPerSec), formatRatio(ratio(y.opsPerSec, x.opsPerSec))];
    return [c.file, c.mode, String(c.procs), ...scale(c.node.merged, a.node.merged), ...scale(c.lxcfs.merged, a.lxcfs.merged)];
  });
  const all_ = `${cpus} CPUs`;
  return align([['', '', '', 'lxcfs-node ops/s', '', '', 'lxcfs ops/s', '', ''],
    ['file', 'mode', 'K', '1 CPU', all_, `${cpus}/1`, '1 CPU', all_, `${cpus}/1`], ...rows], 3);
}

export interface SoakSample {
  readonly seconds: number;
  readonly rssKiB: number;
}

export function soakReport(samples: readonly SoakSample[], m: Merged): string {
  const rss = samples.map((s) => s.rssKiB);
  const lines = samples.map((s) => `  ${s.seconds.toFixed(0).padStart(6)} s  ${formatMiB(s.rssKiB).padStart(8)} MiB`);
  const fault = faultText(m);
  return [...lines,
    `RSS MiB start ${formatMiB(rss[0] ?? 0)}, max ${formatMiB(Math.max(0, ...rss))}, end ${formatMiB(rss.at(-1) ?? 0)}`,
    `${formatOps(m.opsPerSec)} ops/s, p50 ${formatUs(m.p50Us)}, p99 ${formatUs(m.p99Us)}, max ${formatUs(m.maxUs)}, ` +
      `CPU ${formatCpu(m.cpuUsPerRead)} µs/read${fault ? `\n!! lxcfs-node: ${fault} — wrong behaviour, not slowness` : ''}`,
  ].join('\n');
}
