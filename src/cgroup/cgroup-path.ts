// Turning a cgroup path from /proc/<pid>/cgroup into directories under a hierarchy root,
// the hierarchical limit walk both readers share, and the limit arithmetic (null = no
// limit, subtraction saturating at 0) that readers and renderers share. The path comes from
// a file a container can influence (its cgroup names), so it is validated before any join:
// it must be absolute and free of '..' segments, or it could name a directory outside the root.
import { LxcfsError } from '../errors.js';

/** Big enough to be "no limit": v1's 9223372036854771712 and its page-rounded variants. */
export const NO_LIMIT_THRESHOLD = 1n << 62n;

/**
 * The path's segments ('/' → []), or LXCFS_CGROUP_OUTSIDE_NS for a path that cannot lie
 * under the hierarchy root. Empty and '.' segments are dropped ('//a/./b/' = '/a/b').
 */
export function segmentsOf(path: string): string[] {
  if (path.charCodeAt(0) !== 47 /* / */ || path.includes('\0')) {
    throw new LxcfsError('LXCFS_CGROUP_OUTSIDE_NS', `not an absolute cgroup path: ${JSON.stringify(path)}`);
  }
  const segments: string[] = [];
  for (const s of path.split('/')) {
    if (s === '..') throw new LxcfsError('LXCFS_CGROUP_OUTSIDE_NS', `'..' in cgroup path: ${JSON.stringify(path)}`);
    if (s !== '' && s !== '.') segments.push(s);
  }
  return segments;
}

/**
 * Directories of the cgroup and every ancestor up to and including the hierarchy root,
 * nearest first: ('/sys/fs/cgroup/memory', '/a/b') → [.../a/b, .../a, .../memory].
 */
export function cgroupDirs(root: string, path: string): string[] {
  const segments = segmentsOf(path);
  const base = withoutTrailingSlash(root);
  const dirs: string[] = [];
  for (let n = segments.length; n >= 0; n--) {
    dirs.push(n === 0 ? base : `${base}/${segments.slice(0, n).join('/')}`);
  }
  return dirs;
}

/** A configured root as a prefix for `${root}/…` joins: one trailing '/' dropped, '/' kept. */
export function withoutTrailingSlash(root: string): string {
  return root.endsWith('/') && root.length > 1 ? root.slice(0, -1) : root;
}

/** A limit as the snapshot states it: huge values are "no limit"; negatives cannot be limits. */
export function normaliseLimit(value: bigint | null): bigint | null {
  if (value === null || value >= NO_LIMIT_THRESHOLD) return null;
  return value < 0n ? 0n : value;
}

/**
 * The smaller of `a` and `b`, where null means no limit (so it loses to any number); with
 * one number among the arguments the result is a number.
 */
export function minLimit(a: bigint, b: bigint | null): bigint;
export function minLimit(a: bigint | null, b: bigint): bigint;
export function minLimit(a: bigint | null, b: bigint | null): bigint | null;
export function minLimit(a: bigint | null, b: bigint | null): bigint | null {
  if (a === null) return b;
  if (b === null) return a;
  return a < b ? a : b;
}

/**
 * min over `dirs` of readLimitAt(dir), normalised. undefined from readLimitAt means the
 * directory holds no such file (v2's root has no memory.max) and is skipped.
 */
export function hierarchicalLimit(
  dirs: readonly string[],
  readLimitAt: (dir: string) => bigint | null | undefined,
): bigint | null {
  let limit: bigint | null = null;
  for (const dir of dirs) {
    const value = readLimitAt(dir);
    if (value !== undefined) limit = minLimit(limit, normaliseLimit(value));
  }
  return limit;
}

/**
 * a − b, but never below 0: kernel counters are read at slightly different moments, and
 * lxcfs, subtracting unsigned, shows ~2^64 kB instead.
 */
export function saturatingSub(a: bigint, b: bigint): bigint {
  return a > b ? a - b : 0n;
}

/** Counters are never negative in a snapshot. */
export function nonNegative(value: bigint): bigint {
  return value < 0n ? 0n : value;
}
