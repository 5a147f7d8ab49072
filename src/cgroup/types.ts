// Normalised cgroup snapshots. Readers (v1.ts, v2.ts) produce these; nothing outside
// src/cgroup knows a cgroup file name. Byte quantities are bigint; a limit of null
// means "no limit anywhere up the hierarchy" (v1's 9223372036854771712 and v2's
// `max` become null inside the reader).

export type CgroupLayout = 'v1' | 'hybrid' | 'v2';

/** Controllers the virtual files consult. */
export type Controller = 'memory' | 'cpu' | 'cpuacct' | 'cpuset' | 'blkio';

/** Where a controller lives: a v1 hierarchy directory or the unified (v2) one. */
export interface Hierarchy {
  readonly version: 1 | 2;
  /** Absolute directory of the hierarchy root, e.g. /sys/fs/cgroup/memory. */
  readonly root: string;
}

export interface MemoryStat {
  readonly cache: bigint;            // v1 total_cache, v2 file
  readonly shmem: bigint;
  readonly mapped: bigint;           // v1 total_mapped_file, v2 file_mapped
  readonly dirty: bigint;            // v1 total_dirty, v2 file_dirty
  readonly writeback: bigint;        // v1 total_writeback, v2 file_writeback
  readonly activeAnon: bigint;
  readonly inactiveAnon: bigint;
  readonly activeFile: bigint;
  readonly inactiveFile: bigint;
  readonly unevictable: bigint;
  readonly anonHuge: bigint;         // v1 total_rss_huge, v2 anon_thp
  readonly shmemHuge: bigint;        // v2 shmem_thp; 0 on v1 (not accounted there)
  readonly slab: bigint;             // v2 only; 0 on v1
  readonly slabReclaimable: bigint;  // v2 only; 0 on v1
  readonly slabUnreclaimable: bigint;// v2 only; 0 on v1
  /** v2 only (null on v1: the host line is shown, as lxcfs does). */
  readonly kernelStack: bigint | null;
  readonly pageTables: bigint | null;
  readonly fileHuge: bigint | null;
}

export interface SwapSnapshot {
  /**
   * Most bytes this cgroup may hold in swap; null = unlimited. v2: memory.swap.max
   * (min over ancestors). v1: memory.memsw.limit_in_bytes (min over ancestors) —
   * lxcfs's deliberate choice, since every page of RAM may be swapped; with
   * memory.swappiness 0 the cgroup swaps no more, so max = usage.
   */
  readonly max: bigint | null;
  /** Bytes in swap now (v1: memsw usage − memory usage, saturating). */
  readonly usage: bigint;
}

export interface MemorySnapshot {
  /** Bytes; min over the cgroup and its ancestors; null = no limit anywhere. */
  readonly limit: bigint | null;
  readonly usage: bigint;
  readonly stat: MemoryStat;
  /** null when the kernel does not account swap for cgroups. */
  readonly swap: SwapSnapshot | null;
}
