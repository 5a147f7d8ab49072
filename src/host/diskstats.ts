// Parses the host's /proc/diskstats into (major, minor, name) per device, in host order: the
// renderer uses the host file only as the list of devices and their names (the counters are
// the container's, from its cgroup), so the host's counters are checked, never converted.
// Lines that are not `major minor name number…` (a read cut mid-line) are skipped; text
// with content but no parsable line at all is an LXCFS_PARSE error.
import { LxcfsError } from '../errors.js';
import { isDigits, parseUint } from '../parse/kernel-text.js';

export interface HostDiskstatsLine {
  readonly major: number;
  readonly minor: number;
  /** Kernel device name (`vda`, `nvme0n1p1`, `dm-0`). */
  readonly name: string;
}

/** Fewest counters any kernel with /proc/diskstats prints (2.6.x): 11 (< 4.18), 15 (4.18+), 17 (5.5+). */
const MIN_FIELDS = 11;

/** Blanks between words (the kernel pads with spaces; tabs tolerated). */
const isBlank = (c: number): boolean => c === 32 || c === 9;
/** What String.prototype.trim() strips, as far as kernel text can hold it. */
const isSpace = (c: number): boolean => isBlank(c) || (c >= 10 && c <= 13);

function wordEnd(text: string, i: number, end: number): number {
  while (i < end && !isBlank(text.charCodeAt(i))) i++;
  return i;
}

function skipBlanks(text: string, i: number, end: number): number {
  while (i < end && isBlank(text.charCodeAt(i))) i++;
  return i;
}

/** The device of the trimmed line [start, end), or null unless it is `major minor name` and ≥ 11 decimal counters. */
function parseLine(text: string, start: number, end: number): HostDiskstatsLine | null {
  const majorEnd = wordEnd(text, start, end);
  const minorStart = skipBlanks(text, majorEnd, end);
  const minorEnd = wordEnd(text, minorStart, end);
  const nameStart = skipBlanks(text, minorEnd, end);
  const nameEnd = wordEnd(text, nameStart, end);
  const major = parseUint(text, start, majorEnd);
  const minor = parseUint(text, minorStart, minorEnd);
  if (major === null || minor === null || nameEnd === nameStart) return null;
  let counters = 0;
  for (let i = skipBlanks(text, nameEnd, end); i < end; counters++) {
    const e = wordEnd(text, i, end);
    if (!isDigits(text, i, e)) return null;
    i = skipBlanks(text, e, end);
  }
  return counters >= MIN_FIELDS ? { major, minor, name: text.slice(nameStart, nameEnd) } : null;
}

/** Host /proc/diskstats text → its devices in host order. */
export function parseHostDiskstats(text: string): HostDiskstatsLine[] {
  const devices: HostDiskstatsLine[] = [];
  let content = false;
  for (let start = 0; start < text.length;) {
    const nl = text.indexOf('\n', start);
    const next = nl < 0 ? text.length : nl + 1;
    let s = start;
    let e = nl < 0 ? text.length : nl;
    while (s < e && isSpace(text.charCodeAt(s))) s++;
    while (e > s && isSpace(text.charCodeAt(e - 1))) e--;
    start = next;
    if (s === e) continue;
    content = true;
    const device = parseLine(text, s, e);
    if (device !== null) devices.push(device);
  }
  if (content && devices.length === 0) {
    throw new LxcfsError('LXCFS_PARSE', 'host diskstats has no parsable line');
  }
  return devices;
}
