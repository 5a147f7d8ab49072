// The one reader the rest of the daemon sees. Each read goes to the v1 or v2 implementation
// of the controller it needs, by where that controller lives (layout.hierarchyOf), so a
// hybrid host mixes them — memory and cpu on v1, io perhaps on v2 — and callers never branch
// on the cgroup version. A controller with no hierarchy throws LXCFS_NO_CGROUP (the file
// falls back to the host's), except in cpuLimits, where it just means "no such limit".
import { LxcfsError } from '../errors.js';
import { CONTROLLERS, type CgroupLayoutInfo } from './layout.js';
import { cgroupProcs } from './procs.js';
import type { Controller, CpuLimits, CpuUsage, Hierarchy, IoDeviceStats, MemorySnapshot } from './types.js';
import { cpusV1, quotaV1, usageV1 } from './v1-cpu.js';
import { ioV1 } from './v1-io.js';
import { CgroupV1Reader } from './v1.js';
import { cpusV2, quotaV2, usageV2 } from './v2-cpu.js';
import { ioV2 } from './v2-io.js';
import { CgroupV2Reader } from './v2.js';

/**
 * The caller's cgroup path for a controller, relative to that controller's hierarchy
 * root; throws LXCFS_NO_CGROUP when the caller has none. The reader asks only for the
 * controllers it needs on this host (e.g. cpuacct on v1, cpu on v2).
 */
export type PathOf = (controller: Controller) => string;

export interface CgroupReader {
  memory(pathOf: PathOf): MemorySnapshot;
  /**
   * cpuset (v1/v2) and, when `withQuota`, CFS quota (v1 cpu.cfs_quota_us/period_us, v2
   * cpu.max), hierarchical. Without it quota is null and no cpu file is read: only
   * --enable-cfs uses the quota, and its walk is a read and a rename check per level.
   */
  cpuLimits(pathOf: PathOf, withQuota: boolean): CpuLimits;
  /** v1 cpuacct.usage_all (fallback usage_percpu); v2 cpu.stat of the unified cgroup. */
  cpuUsage(pathOf: PathOf): CpuUsage;
  /** v1 blkio (CFQ-era *_recursive files, else blkio.throttle.*_recursive); v2 io.stat. Devices with no I/O omitted. */
  io(pathOf: PathOf): IoDeviceStats[];
  /**
   * Pids in cgroup.procs of the cpu cgroup `path` (v2: the unified one) and of its
   * descendants down to `depth` levels below it; for the load-average sampler.
   */
  procs(path: string, depth: number): number[];
}

/** Where one kind of read goes: a hierarchy and the controller whose path names the cgroup there. */
interface Source {
  readonly hierarchy: Hierarchy;
  readonly controller: Controller;
}

export function cgroupReaderFor(layout: CgroupLayoutInfo): CgroupReader {
  const memory = layout.hierarchyOf('memory');
  const memoryReader = memory === null ? null : memory.version === 1 ? new CgroupV1Reader(memory) : new CgroupV2Reader(memory);
  const cpuset = layout.hierarchyOf('cpuset');
  const cpu = layout.hierarchyOf('cpu');
  const usage = usageSource(layout);
  const io = ioSource(layout);
  const procsRoot = cpu?.root ?? (layout.kind === 'v2' ? layout.cgroupRoot : null);
  const missing = (what: string): LxcfsError =>
    new LxcfsError('LXCFS_NO_CGROUP', `no ${what} hierarchy under ${layout.cgroupRoot}`);
  return Object.freeze({
    memory(pathOf: PathOf): MemorySnapshot {
      if (memoryReader === null) throw missing('memory');
      return memoryReader.memory(pathOf('memory'));
    },
    cpuLimits(pathOf: PathOf, withQuota: boolean): CpuLimits {
      const cpus = cpuset === null ? null : (cpuset.version === 1 ? cpusV1 : cpusV2)(cpuset.root, pathOf('cpuset'));
      // the cpu cgroup's own path, not the cpuset's (lxcfs 5.0 quirk Q8, fixed)
      const quota = cpu === null || !withQuota ? null : (cpu.version === 1 ? quotaV1 : quotaV2)(cpu.root, pathOf('cpu'));
      return { cpus, quota };
    },
    cpuUsage(pathOf: PathOf): CpuUsage {
      if (usage === null) throw missing('cpuacct or cpu');
      const read = usage.hierarchy.version === 1 ? usageV1 : usageV2;
      return read(usage.hierarchy.root, pathOf(usage.controller));
    },
    io(pathOf: PathOf): IoDeviceStats[] {
      if (io === null) throw missing('blkio or io');
      return (io.hierarchy.version === 1 ? ioV1 : ioV2)(io.hierarchy.root, pathOf(io.controller));
    },
    procs(path: string, depth: number): number[] {
      if (procsRoot === null) throw missing('cpu');
      return cgroupProcs(procsRoot, path, depth);
    },
  });
}

/**
 * v1 cpuacct when there is one (it is never on v2); else v2 cpu.stat of the cpu cgroup.
 * cpu.stat is a core v2 file, present without the cpu controller, so a pure v2 host whose
 * root does not enable cpu still has it: the unified root, at the path of any v2 controller
 * (on pure v2 every controller's path is the `0::` line).
 */
function usageSource(layout: CgroupLayoutInfo): Source | null {
  const cpuacct = layout.hierarchyOf('cpuacct');
  if (cpuacct !== null) return { hierarchy: cpuacct, controller: 'cpuacct' };
  const cpu = layout.hierarchyOf('cpu');
  if (cpu?.version === 2) return { hierarchy: cpu, controller: 'cpu' };
  if (layout.kind !== 'v2') return null;
  const any = CONTROLLERS.find((c) => layout.hierarchyOf(c) !== null);
  return any === undefined ? null : { hierarchy: { version: 2, root: layout.cgroupRoot }, controller: any };
}

/** v1 blkio, else v2 io (the same controller; a host has it on one hierarchy at most). */
function ioSource(layout: CgroupLayoutInfo): Source | null {
  const blkio = layout.hierarchyOf('blkio');
  if (blkio !== null) return { hierarchy: blkio, controller: 'blkio' };
  const io = layout.hierarchyOf('io');
  return io === null ? null : { hierarchy: io, controller: 'io' };
}
