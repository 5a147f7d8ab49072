// /proc/diskstats for the caller's block-I/O cgroup (spec §11, issue 3). The host file is the
// list of devices (host order, host names); the counters are the container's, from
// ctx.io() (v1 CFQ-era blkio files, else blkio.throttle.*; v2 io.stat — the reader decides).
// Invariants: the kernel's own line layout (`%4d %7d %s` then 17 counters, single spaces),
// only devices the container did I/O on, never an empty file, no host counter ever shown.
import type { IoDeviceStats } from '../cgroup/types.js';
import { type HostDiskstatsLine, parseHostDiskstats } from '../host/diskstats.js';
import { clampU64 } from './format.js';
import type { GatherContext, HostPath, VirtualFile } from './types.js';

export interface DiskstatsInput {
  /** The host's devices in host order. */
  readonly host: readonly HostDiskstatsLine[];
  /** The container's I/O per device (major:minor). */
  readonly io: readonly IoDeviceStats[];
}

const HOST: HostPath = Object.freeze({ root: 'proc', path: 'diskstats' });

const SECTOR = 512n;

/**
 * The 17 counters of a kernel ≥ 5.5 line. Documented deviation from lxcfs 5.0.3 (Q12): all
 * 17 columns including discards (5.0.3 prints 14, missing the discard count) and flushes (0:
 * no cgroup accounts them); I/Os in progress and weighted time are 0 as in lxcfs.
 */
export function diskCounters(io: IoDeviceStats): bigint[] {
  return [
    io.reads, io.readsMerged, io.readBytes / SECTOR, io.readTimeMs,
    io.writes, io.writesMerged, io.writeBytes / SECTOR, io.writeTimeMs,
    0n, io.ioTimeMs, 0n,
    io.discards, io.discardsMerged, io.discardBytes / SECTOR, io.discardTimeMs,
    0n, 0n,
  ];
}

const ZEROS: readonly bigint[] = Object.freeze(new Array<bigint>(17).fill(0n));

/** One line in the kernel's layout (block/genhd.c diskstats_show), with its newline. */
export function diskstatsLine(major: number, minor: number, name: string, counters: readonly bigint[]): string {
  let line = `${String(major).padStart(4)} ${String(minor).padStart(7)} ${name}`;
  for (const value of counters) line += ` ${clampU64(value)}`;
  return line + '\n';
}

function render(input: DiskstatsInput): string {
  const byDevice = new Map<string, IoDeviceStats>();
  for (const io of input.io) {
    const key = `${io.major}:${io.minor}`;
    if (!byDevice.has(key)) byDevice.set(key, io);
  }
  let out = '';
  for (const device of input.host) {
    const io = byDevice.get(`${device.major}:${device.minor}`);
    if (io === undefined) continue;
    const counters = diskCounters(io);
    // lxcfs omits all-zero lines: a device the container never touched (v1 throttle files
    // list every device the cgroup was ever charged on, with zeros).
    if (counters.every((v) => v === 0n)) continue;
    out += diskstatsLine(device.major, device.minor, device.name, counters);
  }
  if (out !== '') return out;
  // A container that did no I/O: every host device with zero counters — what an idle kernel
  // shows. Not an empty file: that would make the daemon serve the host's counters (its
  // fallback for empty output), and psutil-style readers treat "no disks" as an error.
  for (const device of input.host) out += diskstatsLine(device.major, device.minor, device.name, ZEROS);
  return out;
}

export const procDiskstats: VirtualFile<DiskstatsInput> = Object.freeze({
  path: 'proc/diskstats',
  host: HOST,
  size: 0,
  summary: 'block I/O of the container per device (v1 blkio, v2 io.stat) in the kernel layout; idle devices omitted',
  gather(ctx: GatherContext): DiskstatsInput {
    // The cgroup read first: it is what fails when the caller is gone.
    const io = ctx.io();
    return { host: parseHostDiskstats(ctx.hostFile(HOST)), io };
  },
  render,
});
