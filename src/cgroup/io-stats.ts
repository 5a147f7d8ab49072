// IoDeviceStats assembly shared by the v1 (blkio) and v2 (io.stat) readers: "MAJ:MIN"
// device words, counters the source lacks as 0, and the one output order — devices with
// no I/O in the cgroup omitted (lxcfs omits all-zero diskstats lines too), the rest sorted
// by major then minor, the order the kernel lists /proc/diskstats in.
import { parseUint } from '../parse/kernel-text.js';
import type { IoDeviceStats } from './types.js';

export interface Device {
  readonly major: number;
  readonly minor: number;
}

export type IoCounters = { -readonly [K in Exclude<keyof IoDeviceStats, 'major' | 'minor'>]: bigint };

const ZERO: Readonly<IoCounters> = Object.freeze({
  reads: 0n, readBytes: 0n, readsMerged: 0n, readTimeMs: 0n,
  writes: 0n, writeBytes: 0n, writesMerged: 0n, writeTimeMs: 0n,
  discards: 0n, discardBytes: 0n, discardsMerged: 0n, discardTimeMs: 0n,
  ioTimeMs: 0n,
});

/** "8:16" → { major: 8, minor: 16 }; anything else (the "Total" line) → null. */
export function parseDevice(word: string): Device | null {
  const colon = word.indexOf(':');
  if (colon < 0) return null;
  const major = parseUint(word, 0, colon);
  const minor = parseUint(word, colon + 1);
  return major === null || minor === null ? null : { major, minor };
}

export function deviceKey(d: Device): string {
  return `${d.major}:${d.minor}`;
}

export function ioDevice(d: Device, counters: Partial<IoCounters>): IoDeviceStats {
  return { major: d.major, minor: d.minor, ...ZERO, ...counters };
}

/** Devices with any non-zero counter, by major then minor. */
export function activeSorted(devices: readonly IoDeviceStats[]): IoDeviceStats[] {
  const keys = Object.keys(ZERO) as Array<keyof IoCounters>;
  return devices
    .filter((d) => keys.some((k) => d[k] !== 0n))
    .sort((a, b) => a.major - b.major || a.minor - b.minor);
}
