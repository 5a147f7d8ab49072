// Normalised cgroup snapshots. Readers (v1.ts, v2.ts) produce these; nothing outside
// src/cgroup knows a cgroup file name. Byte quantities are bigint; a limit of null
// means "no limit anywhere up the hierarchy" (v1's 9223372036854771712 and v2's
// `max` become null inside the reader).

export type CgroupLayout = 'v1' | 'hybrid' | 'v2';

/** Controllers the virtual files consult ('io' is v2's name for what v1 calls blkio). */
export type Controller = 'memory' | 'cpu' | 'cpuacct' | 'cpuset' | 'blkio' | 'io';

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

/** The CPUs a container may use: the cpuset and cpu (CFS quota) controllers. */
export interface CpuLimits {
  /**
   * CPU ids from cpuset.cpus (v2: else cpuset.cpus.effective; both: else the nearest
   * ancestor with a non-empty value), ascending and unique. null when there is no cpuset
   * hierarchy for the caller: every host CPU is visible.
   */
  readonly cpus: readonly number[] | null;
  /**
   * CFS quota in CPUs (quota / period, e.g. 0.5 or 1.5): the minimum over the cpu cgroup
   * and its ancestors (the root only when the cgroup is the root). null = no quota, or not
   * asked for (only --enable-cfs applies one).
   */
  readonly quota: number | null;
}

/** CPU time in nanoseconds. */
export interface CpuTime {
  readonly user: bigint;
  readonly system: bigint;
}

/** CPU time a cgroup and its descendants have used. */
export interface CpuUsage {
  /**
   * v1 cpuacct.usage_all, indexed by CPU id (the usage_percpu fallback reports each
   * CPU's total as user and as system, as lxcfs does). null on v2: no per-CPU accounting.
   */
  readonly perCpu: readonly CpuTime[] | null;
  /** Whole-cgroup totals: v1 the per-CPU sums, v2 cpu.stat user_usec/system_usec × 1000. */
  readonly total: CpuTime;
}

/** One block device's I/O by a cgroup (v1 blkio, v2 io.stat); fields absent at the source are 0. */
export interface IoDeviceStats {
  readonly major: number;
  readonly minor: number;
  readonly reads: bigint;
  readonly readBytes: bigint;
  readonly readsMerged: bigint;
  readonly readTimeMs: bigint;
  readonly writes: bigint;
  readonly writeBytes: bigint;
  readonly writesMerged: bigint;
  readonly writeTimeMs: bigint;
  readonly discards: bigint;
  readonly discardBytes: bigint;
  readonly discardsMerged: bigint;
  readonly discardTimeMs: bigint;
  /** Milliseconds spent doing I/O (CFQ-era v1 io_service_time Total); 0 elsewhere. */
  readonly ioTimeMs: bigint;
}
