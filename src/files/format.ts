// Number formatting and kB conversion shared by the renderers. Everything is bigint:
// cgroup byte counts exceed 2^53. Invariants: kB conversion truncates (as the kernel and
// lxcfs do, before any subtraction; saturatingSub and minLimit live with the limit walk in
// cgroup/cgroup-path.ts), and no printed value is negative or ≥ 2^64 — procps parses these
// as unsigned 64-bit numbers.

/** Largest value an unsigned 64-bit reader can take. */
export const U64_MAX = (1n << 64n) - 1n;

/** Bytes → kB, truncating (the kernel's `>> 10`); a negative count (never valid) → 0. */
export function kb(bytes: bigint): bigint {
  return bytes > 0n ? bytes / 1024n : 0n;
}

/** Clamp into [0, 2^64 − 1]: the one guard that keeps absurd values out of the output. */
export function clampU64(value: bigint): bigint {
  if (value < 0n) return 0n;
  return value > U64_MAX ? U64_MAX : value;
}

/**
 * One `/proc/meminfo`-style line without its newline, in the kernel's layout: label and
 * colon left-justified in 16 columns, value right-justified in 8, then ` kB`. Wider
 * labels or values push the rest right, as the kernel's seq_printf does.
 * `kbLine('MemTotal', 262144n)` → `MemTotal:         262144 kB`.
 */
export function kbLine(label: string, valueKb: bigint): string {
  return `${`${label}:`.padEnd(16)}${String(clampU64(valueKb)).padStart(8)} kB`;
}
