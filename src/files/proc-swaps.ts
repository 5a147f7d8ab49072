// /proc/swaps for the caller's memory cgroup (spec §4): lxcfs's header (not the kernel's:
// one tab fewer between the numeric columns), then one `none … virtual` line when the
// container may swap at all. Size/Used are the very figures behind meminfo's
// SwapTotal/SwapFree (swap-figures.ts). Never empty: the header is always there.
import type { SwapSnapshot } from '../cgroup/types.js';
import { findMeminfoValue } from '../host/meminfo.js';
import { type SwapFigures, swapFigures } from './swap-figures.js';
import type { GatherContext, HostPath, VirtualFile } from './types.js';

export interface SwapsInput {
  /** Host SwapTotal in kB (from the host /proc/meminfo, as lxcfs reads it). */
  readonly hostSwapTotalKb: bigint;
  readonly swap: SwapSnapshot | null;
  /** false with -u/--disable-swap. */
  readonly enabled: boolean;
}

const HOST: HostPath = Object.freeze({ root: 'proc', path: 'swaps' });
const HOST_MEMINFO: HostPath = Object.freeze({ root: 'proc', path: 'meminfo' });

export const SWAPS_HEADER = 'Filename\t\t\t\tType\t\tSize\tUsed\tPriority\n';

/** `none` + 36 spaces: lxcfs's exact bytes, which parsers of its output may rely on. */
const DEVICE = `none${' '.repeat(36)}virtual`;

export function swapsText(figures: SwapFigures): string {
  if (figures.totalKb <= 0n) return SWAPS_HEADER;
  return `${SWAPS_HEADER}${DEVICE}\t\t${String(figures.totalKb)}\t${String(figures.usedKb)}\t0\n`;
}

function render(input: SwapsInput): string {
  return swapsText(swapFigures(input.hostSwapTotalKb, input.swap, input.enabled));
}

export const procSwaps: VirtualFile<SwapsInput> = Object.freeze({
  path: 'proc/swaps',
  host: HOST,
  size: 0,
  summary: 'swap of the container: one virtual device sized by its swap limit (header only with -u)',
  gather(ctx: GatherContext): SwapsInput {
    // With -u the answer is the header for everyone, so nothing is read that could fail.
    // (Documented deviation from lxcfs 5.0.3, visible only on errors: lxcfs resolves the
    // caller's cgroup first and serves the host file, or nothing, when that fails.)
    if (!ctx.options.swap) return { hostSwapTotalKb: 0n, swap: null, enabled: false };
    const { swap } = ctx.memory();
    // Host SwapTotal is only needed when the cgroup accounts swap; a host meminfo
    // without the line means no host swap.
    const hostSwapTotalKb = swap === null ? 0n : (findMeminfoValue(ctx.hostFile(HOST_MEMINFO), 'SwapTotal') ?? 0n);
    return { hostSwapTotalKb, swap, enabled: true };
  },
  render,
});
