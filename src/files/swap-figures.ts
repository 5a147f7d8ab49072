// The one swap computation behind both /proc/meminfo (SwapTotal/SwapFree) and /proc/swaps
// (Size/Used), so the two files can never disagree (spec §3.3, §4; issue 4 in §17).
// Invariants: used ≤ total ≤ host SwapTotal, free = total − used, all in kB within [0, 2^64).
import { minLimit } from '../cgroup/cgroup-path.js';
import type { SwapSnapshot } from '../cgroup/types.js';
import { clampU64, kb } from './format.js';

export interface SwapFigures {
  readonly totalKb: bigint;
  readonly usedKb: bigint;
  readonly freeKb: bigint;
}

const NO_SWAP: SwapFigures = Object.freeze({ totalKb: 0n, usedKb: 0n, freeKb: 0n });

/**
 * @param hostSwapTotalKb host SwapTotal (kB); 0 when the host file lacks the line
 * @param swap the cgroup's swap snapshot; null when the kernel does not account swap
 * @param enabled false with -u/--disable-swap
 */
export function swapFigures(hostSwapTotalKb: bigint, swap: SwapSnapshot | null, enabled: boolean): SwapFigures {
  if (!enabled || swap === null) return NO_SWAP;
  const host = clampU64(hostSwapTotalKb);
  // Documented deviation from lxcfs 5.0.3: one formula for v1 and v2, min(host swap,
  // max). On v1 (max = memsw limit) lxcfs computes min(HS, (memsw − limit)/1024 + MemTotal)
  // with MemTotal capped at host RAM, and /proc/swaps uses the uncapped limit instead, so
  // the files can disagree; on v2 5.0.3 never shows swap at all (Q20).
  const totalKb = minLimit(host, swap.max === null ? null : kb(swap.max));
  // Documented deviation from lxcfs 5.0.3: used is clamped to total, so SwapFree saturates
  // at 0 (lxcfs subtracts unsigned and shows ~2^64 kB free, issue #695) and /proc/swaps
  // never shows Used > Size.
  const usedKb = minLimit(kb(swap.usage), totalKb);
  return { totalKb, usedKb, freeKb: totalKb - usedKb };
}
