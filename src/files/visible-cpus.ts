// The one answer to "which CPUs does this container see", shared by cpuinfo, stat and
// sys/devices/system/cpu/online so that they always agree on the count. Host CPUs that
// are online, restricted to the cpuset, and — with --enable-cfs — cut to the CFS quota
// rounded up (lxcfs §6: ceil(quota), at most the online CPUs, at least one).
import type { CpuLimits } from '../cgroup/types.js';

export interface VisibleCpus {
  /** Host CPU ids shown, ascending (renumbered from 0 wherever a file renumbers). */
  readonly ids: readonly number[];
  /** The quota in CPUs when --enable-cfs applies one (fractional; for cpu-view idle); else null. */
  readonly quota: number | null;
}

export function visibleCpus(hostOnline: readonly number[], limits: CpuLimits, cfs: boolean): VisibleCpus {
  const online = new Set(hostOnline);
  const allowed = limits.cpus === null ? [...hostOnline] : limits.cpus.filter((id) => online.has(id));
  // A cpuset naming only offline CPUs cannot be shown consistently (cpuinfo has no
  // block for them); the host's online CPUs keep every file agreeing.
  const base = allowed.length > 0 ? allowed : [...hostOnline];
  if (!cfs || limits.quota === null || limits.quota <= 0 || base.length === 0) return { ids: base, quota: null };
  const count = Math.max(1, Math.min(Math.ceil(limits.quota), hostOnline.length, base.length));
  return { ids: base.slice(0, count), quota: Math.min(limits.quota, hostOnline.length) };
}
