// Parses the host's /proc/diskstats into (major, minor, name, counters) per device, in host
// order. The renderer uses it only as the list of devices and their names (the counters are
// the container's, from its cgroup); the counters are kept for tests and diagnostics.
// Lines that are not `major minor name number…` (a read cut mid-line) are skipped; text
// with content but no parsable line at all is an LXCFS_PARSE error.
import { LxcfsError } from '../errors.js';
import { parseBigUint, parseUint } from '../parse/kernel-text.js';

export interface HostDiskstatsLine {
  readonly major: number;
  readonly minor: number;
  /** Kernel device name (`vda`, `nvme0n1p1`, `dm-0`). */
  readonly name: string;
  /** The counters after the name: 11 (< 4.18), 15 (4.18+) or 17 (5.5+) of them. */
  readonly fields: readonly bigint[];
}

/** Fewest counters any kernel with /proc/diskstats prints (2.6.x). */
const MIN_FIELDS = 11;

function parseLine(line: string): HostDiskstatsLine | null {
  const words = line.trim().split(/[ \t]+/);
  if (words.length < 3 + MIN_FIELDS) return null;
  const major = parseUint(words[0]!);
  const minor = parseUint(words[1]!);
  if (major === null || minor === null) return null;
  const fields: bigint[] = [];
  for (let i = 3; i < words.length; i++) {
    const value = parseBigUint(words[i]!);
    if (value === null) return null;
    fields.push(value);
  }
  return { major, minor, name: words[2]!, fields };
}

/** Host /proc/diskstats text → its devices in host order. */
export function parseHostDiskstats(text: string): HostDiskstatsLine[] {
  const devices: HostDiskstatsLine[] = [];
  let content = false;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    content = true;
    const device = parseLine(line);
    if (device !== null) devices.push(device);
  }
  if (content && devices.length === 0) {
    throw new LxcfsError('LXCFS_PARSE', 'host diskstats has no parsable line');
  }
  return devices;
}
