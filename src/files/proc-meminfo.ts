// /proc/meminfo for the caller's memory cgroup (spec §3). The host file is the template:
// its lines are walked in host order, labels we virtualise (exact match on the text
// before ':') are rewritten from the MemorySnapshot, every other line is copied verbatim.
// Invariants: MemFree ≤ MemAvailable ≤ MemTotal, 0 < MemTotal ≤ host MemTotal,
// SwapFree ≤ SwapTotal, no value negative or ≥ 2^64, as many lines as the host file.
import { minLimit, saturatingSub } from '../cgroup/cgroup-path.js';
import type { MemorySnapshot, MemoryStat } from '../cgroup/types.js';
import { type HostMeminfo, parseHostMeminfo } from '../host/meminfo.js';
import { kb, kbLine } from './format.js';
import { swapFigures } from './swap-figures.js';
import type { GatherContext, HostPath, VirtualFile } from './types.js';

export interface MeminfoInput {
  readonly host: HostMeminfo;
  readonly memory: MemorySnapshot;
  /** false with -u/--disable-swap. */
  readonly swap: boolean;
}

const HOST: HostPath = Object.freeze({ root: 'proc', path: 'meminfo' });

/** One page: the smallest MemTotal we ever show. */
const PAGE_KB = 4n;

/** label → kB for every line this file virtualises; labels absent here are the host's. */
export function meminfoValues(input: MeminfoInput): ReadonlyMap<string, bigint> {
  const { host, memory } = input;
  const swap = swapFigures(host.values.get('SwapTotal') ?? 0n, memory.swap, input.swap);
  return new Map<string, bigint>([
    ...memoryFigures(host.memTotalKb, memory),
    // SwapTotal/SwapFree: the same figures as /proc/swaps (see swap-figures.ts).
    ['SwapTotal', swap.totalKb],
    ['SwapFree', swap.freeKb],
    ...statValues(memory.stat),
  ]);
}

/** MemTotal, MemFree, MemAvailable: the limit, the usage and what is reclaimable, in kB. */
function memoryFigures(hostTotalKb: bigint, memory: MemorySnapshot): Array<[string, bigint]> {
  const s = memory.stat;
  let memTotal = minLimit(hostTotalKb, memory.limit === null ? null : kb(memory.limit));
  // Documented deviation from lxcfs 5.0.3: MemTotal is never 0 — procps divides by it
  // (lxcfs#389). lxcfs shows the host total for memory.max=0 (Q4); we show one page.
  if (memTotal <= 0n) memTotal = PAGE_KB;
  // Documented deviation from lxcfs 5.0.3: saturating, usage > limit gives MemFree 0
  // instead of an unsigned underflow to ~2^64 kB (Q3).
  const memFree = memTotal - minLimit(kb(memory.usage), memTotal);
  // Documented deviation from lxcfs 5.0.3: lxcfs 6.0.6/7.0's MemAvailable (reclaimable
  // file pages and slab, not 5.0.3's MemFree + cache), capped at MemTotal.
  const memAvailable = minLimit(memFree + kb(s.activeFile + s.inactiveFile + s.slabReclaimable), memTotal);
  return [['MemTotal', memTotal], ['MemFree', memFree], ['MemAvailable', memAvailable]];
}

/** The lines that are memory.stat figures converted to kB. */
function statValues(s: MemoryStat): Array<[string, bigint]> {
  const values: Array<[string, bigint]> = [
    ['Buffers', 0n],
    ['Cached', kb(s.cache)],
    ['SwapCached', 0n],
    ['Active', kb(s.activeAnon + s.activeFile)],
    ['Inactive', kb(s.inactiveAnon + s.inactiveFile)],
    ['Active(anon)', kb(s.activeAnon)],
    ['Inactive(anon)', kb(s.inactiveAnon)],
    ['Active(file)', kb(s.activeFile)],
    ['Inactive(file)', kb(s.inactiveFile)],
    ['Unevictable', kb(s.unevictable)],
    // Documented deviation from lxcfs 5.0.3: on v2 Mapped/Dirty/Writeback are real
    // (file_mapped/file_dirty/file_writeback); lxcfs's prefix parsing left them 0 (Q2).
    ['Dirty', kb(s.dirty)],
    ['Writeback', kb(s.writeback)],
    // Documented deviation from lxcfs 5.0.3: saturating (lxcfs subtracts unsigned).
    ['AnonPages', kb(saturatingSub(s.activeAnon + s.inactiveAnon, s.shmem))],
    ['Mapped', kb(s.mapped)],
    ['Shmem', kb(s.shmem)],
    // Documented deviation from lxcfs 5.0.3: v2 slab figures (lxcfs 6.0.6+); 5.0.3 shows
    // 0. The snapshot holds 0 on v1, so v1 output is unchanged.
    ['Slab', kb(s.slab)],
    ['SReclaimable', kb(s.slabReclaimable)],
    ['SUnreclaim', kb(s.slabUnreclaimable)],
    // Documented deviation from lxcfs 5.0.3: exact keys give the real total_rss_huge /
    // anon_thp (lxcfs always shows 0, Q1), and v2 shmem_thp (lxcfs shows 0).
    ['AnonHugePages', kb(s.anonHuge)],
    ['ShmemHugePages', kb(s.shmemHuge)],
    ['ShmemPmdMapped', 0n],
    // Zswap/Zswapped: host passthrough, as lxcfs 5.0 (not listed here).
  ];
  // Documented deviation from lxcfs 5.0.3: on v2 these come from memory.stat
  // (kernel_stack, pagetables, file_thp) instead of the host's lines (Q5, lxcfs#222).
  // null (v1) keeps the host line.
  if (s.kernelStack !== null) values.push(['KernelStack', kb(s.kernelStack)]);
  if (s.pageTables !== null) values.push(['PageTables', kb(s.pageTables)]);
  if (s.fileHuge !== null) values.push(['FileHugePages', kb(s.fileHuge)]);
  return values;
}

function render(input: MeminfoInput): string {
  const values = meminfoValues(input);
  const { lines, labels } = input.host;
  let out = '';
  for (let i = 0; i < lines.length; i++) {
    const label = labels[i]!;
    const value = values.get(label);
    out += value === undefined ? lines[i]! : kbLine(label, value);
    out += '\n';
  }
  return out;
}

export const procMeminfo: VirtualFile<MeminfoInput> = Object.freeze({
  path: 'proc/meminfo',
  host: HOST,
  size: 0,
  summary: 'memory of the container: limit as MemTotal, usage, page cache and swap from its memory cgroup',
  gather(ctx: GatherContext): MeminfoInput {
    // The snapshot first: it is what fails when the caller is gone.
    const memory = ctx.memory();
    return { host: parseHostMeminfo(ctx.hostFile(HOST)), memory, swap: ctx.options.swap };
  },
  render,
});
