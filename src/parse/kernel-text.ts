// The lexical layer under every parser of kernel text (procfs, cgroupfs): strict decimal
// integers and the `Key:` line lookup. Strict means a value is all of its range or nothing —
// no sign unless asked for, no blanks, '0x', '_' or exponent (BigInt() and Number() accept
// those) — so a read cut inside a number never yields a smaller number. Ranges are
// [start, end) indices into the caller's text, so that parsing a field allocates no slice.

const ZERO = 48;
const NINE = 57;
const MINUS = 45;

/** Index of the first character in [start, end) that is not an ASCII digit; end when all are. */
export function digitsEnd(text: string, start = 0, end = text.length): number {
  let i = start;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c < ZERO || c > NINE) break;
    i++;
  }
  return i;
}

/** true when [start, end) is non-empty and all ASCII digits. */
export function isDigits(text: string, start = 0, end = text.length): boolean {
  return end > start && digitsEnd(text, start, end) === end;
}

/**
 * Digits-only [start, end) as a number, or null — also for values above 2^53 − 1, which a
 * number cannot hold exactly (pids and clock ticks never get there).
 */
export function parseUint(text: string, start = 0, end = text.length): number | null {
  if (!isDigits(text, start, end)) return null;
  let n = 0;
  // exact while n ≤ 2^53; beyond, rounding keeps it above the safe limit, so the test below holds
  for (let i = start; i < end; i++) n = n * 10 + (text.charCodeAt(i) - ZERO);
  return n <= Number.MAX_SAFE_INTEGER ? n : null;
}

/** Digits-only [start, end) as a bigint (any size: cgroup counters exceed 2^53), or null. */
export function parseBigUint(text: string, start = 0, end = text.length): bigint | null {
  if (!isDigits(text, start, end)) return null;
  return BigInt(start === 0 && end === text.length ? text : text.slice(start, end));
}

/** parseBigUint with an optional leading '-': a few cgroup v1 counters can dip below 0. */
export function parseBigInt(text: string, start = 0, end = text.length): bigint | null {
  if (start >= end || text.charCodeAt(start) !== MINUS) return parseBigUint(text, start, end);
  const magnitude = parseBigUint(text, start + 1, end);
  return magnitude === null ? null : -magnitude;
}

/**
 * Where a value line must end: 'newline' treats an unterminated line as a cut read (absent);
 * 'newline-or-end' accepts a last line without '\n'.
 */
export type LineEnd = 'newline' | 'newline-or-end';

/**
 * The text after `key` (e.g. 'PPid:') on the first line that starts with it, without the
 * newline; null when no line starts with `key`, or when `lineEnd` demands a '\n' that is not
 * there. "\nKey" can only match a line start: the kernel escapes '\n' inside values (Name:).
 */
export function lineValue(text: string, key: string, lineEnd: LineEnd): string | null {
  let at: number;
  if (text.startsWith(key)) at = 0;
  else {
    const hit = text.indexOf('\n' + key);
    if (hit < 0) return null;
    at = hit + 1;
  }
  const end = text.indexOf('\n', at);
  if (end >= 0) return text.slice(at + key.length, end);
  return lineEnd === 'newline' ? null : text.slice(at + key.length);
}
