// cgroup v2 memory controller → MemorySnapshot. memory.max only bounds its own subtree, so
// the limit is the min over the cgroup and its ancestors (the root has no memory.max);
// `max` becomes null here and nowhere else. v2 memory.stat keys are hierarchical already.
// swap.max is a swap-only limit (unlike v1's memsw), so it is reported as is.
import { cgroupDirs, hierarchicalLimit, nonNegative } from './cgroup-path.js';
import { parseBigintValue, parseLimitValue, readBigint, readKv, readOptionalCgroupFile } from './parse-kv.js';
import type { Hierarchy, MemorySnapshot, MemoryStat, SwapSnapshot } from './types.js';

const STAT_KEYS: ReadonlySet<string> = new Set([
  'file', 'shmem', 'file_mapped', 'file_dirty', 'file_writeback', 'active_anon', 'inactive_anon',
  'active_file', 'inactive_file', 'unevictable', 'anon_thp', 'shmem_thp', 'slab', 'slab_reclaimable',
  'slab_unreclaimable', 'kernel_stack', 'pagetables', 'file_thp',
]);

export class CgroupV2Reader {
  readonly #root: string;

  constructor(hierarchy: Hierarchy) {
    this.#root = hierarchy.root;
  }

  /** `path` is relative to the hierarchy root, as the `0::` line of /proc/<pid>/cgroup states it. */
  memory(path: string): MemorySnapshot {
    const dirs = cgroupDirs(this.#root, path);
    const dir = dirs[0] as string; // cgroupDirs always yields the cgroup itself first
    const usage = nonNegative(readBigint(`${dir}/memory.current`));
    const limit = hierarchicalLimit(dirs, (d) => optionalLimit(`${d}/memory.max`));
    const stat = memoryStatV2(readKv(`${dir}/memory.stat`, STAT_KEYS));
    return { limit, usage, stat, swap: swapV2(dirs, dir) };
  }
}

/** MemoryStat from v2 keys; a missing key counts as 0, or null for the host-shown fields. */
export function memoryStatV2(kv: ReadonlyMap<string, bigint>): MemoryStat {
  const get = (key: string): bigint => nonNegative(kv.get(key) ?? 0n);
  const nullable = (key: string): bigint | null => {
    const v = kv.get(key);
    return v === undefined ? null : nonNegative(v);
  };
  return {
    cache: get('file'),
    shmem: get('shmem'),
    mapped: get('file_mapped'),
    dirty: get('file_dirty'),
    writeback: get('file_writeback'),
    activeAnon: get('active_anon'),
    inactiveAnon: get('inactive_anon'),
    activeFile: get('active_file'),
    inactiveFile: get('inactive_file'),
    unevictable: get('unevictable'),
    anonHuge: get('anon_thp'),
    shmemHuge: get('shmem_thp'),
    slab: get('slab'),
    slabReclaimable: get('slab_reclaimable'),
    slabUnreclaimable: get('slab_unreclaimable'),
    kernelStack: nullable('kernel_stack'),
    pageTables: nullable('pagetables'),
    fileHuge: nullable('file_thp'),
  };
}

/** Present only where the kernel accounts swap: memory.swap.current exists in the cgroup. */
function swapV2(dirs: readonly string[], dir: string): SwapSnapshot | null {
  const file = `${dir}/memory.swap.current`;
  const current = readOptionalCgroupFile(file);
  if (current === undefined) return null;
  const usage = nonNegative(parseBigintValue(current, file));
  const max = hierarchicalLimit(dirs, (d) => optionalLimit(`${d}/memory.swap.max`));
  return { max, usage };
}

/** A limit file's value; undefined where the cgroup has none (the root). */
function optionalLimit(file: string): bigint | null | undefined {
  const text = readOptionalCgroupFile(file);
  return text === undefined ? undefined : parseLimitValue(text, file);
}
