// cgroup v1 memory controller → MemorySnapshot. v1 child files do not reflect parent
// limits, so limits are walked up to the hierarchy root; the "unlimited" default
// (9223372036854771712) becomes null here and nowhere else. memory.stat is read through
// its hierarchical `total_*` keys. Swap exists only when the kernel accounts it (memsw).
import { cgroupDirs, hierarchicalLimit, nonNegative, saturatingSub } from './cgroup-path.js';
import { parseBigintValue, readBigint, readKv, readOptionalCgroupFile } from './parse-kv.js';
import type { Hierarchy, MemorySnapshot, MemoryStat, SwapSnapshot } from './types.js';

const STAT_KEYS: ReadonlySet<string> = new Set([
  'total_cache', 'total_shmem', 'total_mapped_file', 'total_dirty', 'total_writeback',
  'total_active_anon', 'total_inactive_anon', 'total_active_file', 'total_inactive_file',
  'total_unevictable', 'total_rss_huge',
]);

export class CgroupV1Reader {
  readonly #root: string;

  constructor(hierarchy: Hierarchy) {
    this.#root = hierarchy.root;
  }

  /** `path` is relative to the hierarchy root, as /proc/<pid>/cgroup states it. */
  memory(path: string): MemorySnapshot {
    const dirs = cgroupDirs(this.#root, path);
    const dir = dirs[0] as string; // cgroupDirs always yields the cgroup itself first
    const usage = nonNegative(readBigint(`${dir}/memory.usage_in_bytes`));
    const limit = hierarchicalLimit(dirs, (d) => readBigint(`${d}/memory.limit_in_bytes`));
    const stat = memoryStatV1(readKv(`${dir}/memory.stat`, STAT_KEYS));
    return { limit, usage, stat, swap: swapV1(dirs, dir, usage) };
  }
}

/** MemoryStat from v1 `total_*` keys; a key the kernel did not write counts as 0. */
export function memoryStatV1(kv: ReadonlyMap<string, bigint>): MemoryStat {
  const get = (key: string): bigint => nonNegative(kv.get(key) ?? 0n);
  return {
    cache: get('total_cache'),
    shmem: get('total_shmem'),
    mapped: get('total_mapped_file'),
    dirty: get('total_dirty'),
    writeback: get('total_writeback'),
    activeAnon: get('total_active_anon'),
    inactiveAnon: get('total_inactive_anon'),
    activeFile: get('total_active_file'),
    inactiveFile: get('total_inactive_file'),
    unevictable: get('total_unevictable'),
    anonHuge: get('total_rss_huge'),
    shmemHuge: 0n,
    slab: 0n,
    slabReclaimable: 0n,
    slabUnreclaimable: 0n,
    kernelStack: null,
    pageTables: null,
    fileHuge: null,
  };
}

/**
 * memsw = memory + swap. Without both memsw files the kernel does not account swap
 * (swapaccount=0, or no swap support) → null. max is the memsw limit itself (lxcfs's
 * documented choice: every page of RAM may end up in swap); swappiness 0 → max = usage.
 */
function swapV1(dirs: readonly string[], dir: string, memoryUsage: bigint): SwapSnapshot | null {
  const limitText = readOptionalCgroupFile(`${dir}/memory.memsw.limit_in_bytes`);
  const usageText = readOptionalCgroupFile(`${dir}/memory.memsw.usage_in_bytes`);
  if (limitText === undefined || usageText === undefined) return null;
  const memswUsage = parseBigintValue(usageText, `${dir}/memory.memsw.usage_in_bytes`);
  const usage = saturatingSub(memswUsage, memoryUsage);
  if (swappinessIsZero(dir)) return { max: usage, usage };
  const max = hierarchicalLimit(dirs, (d) =>
    d === dir
      ? parseBigintValue(limitText, `${d}/memory.memsw.limit_in_bytes`)
      : readBigint(`${d}/memory.memsw.limit_in_bytes`),
  );
  return { max, usage };
}

/** An unreadable or odd memory.swappiness is not a reason to fail the read: assume swapping. */
function swappinessIsZero(dir: string): boolean {
  const file = `${dir}/memory.swappiness`;
  try {
    const text = readOptionalCgroupFile(file);
    return text !== undefined && parseBigintValue(text, file) === 0n;
  } catch {
    return false;
  }
}
