// The one answer to "which CPUs does this container see", shared by cpuinfo, stat, uptime and
// sys/devices/system/cpu/online so that they always agree on the count. Host CPUs that
// are online, restricted to the cpuset, and — with --enable-cfs — cut to the CFS quota
// rounded up (lxcfs §6: ceil(quota), at most the online CPUs, at least one). visibleCpus is
// the pure rule; readCpus/readVisibleCpus are the one gather step (the host's online list is
// read and validated here and nowhere else).
import type { CpuLimits } from '../cgroup/types.js';
import { LxcfsError } from '../errors.js';
import { parseCpuList } from '../parse/cpu-list.js';
import type { GatherContext, HostPath } from './types.js';

export interface VisibleCpus {
  /** Host CPU ids shown, ascending (renumbered from 0 wherever a file renumbers). */
  readonly ids: readonly number[];
  /** The quota in CPUs when --enable-cfs applies one (fractional; for cpu-view idle); else null. */
  readonly quota: number | null;
}

/** The host file every CPU-showing file reads its online CPUs from. */
export const HOST_ONLINE: HostPath = Object.freeze({ root: 'sys', path: 'devices/system/cpu/online' });

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

/** Everything a CPU-showing file derives its CPUs from, read once. */
export interface CallerCpus {
  /** The caller's cpuset and CFS quota. */
  readonly limits: CpuLimits;
  /** The host's online CPU ids, ascending. */
  readonly online: readonly number[];
  /** visibleCpus(online, limits, --enable-cfs): never empty. */
  readonly visible: VisibleCpus;
}

/**
 * The caller's limits, the host's online list and the visible CPUs. The limits first: they
 * are what fails when the caller is gone (then no host file is read). Throws LxcfsError
 * (LXCFS_PARSE when the host list is malformed or empty, or nothing is visible), so the
 * caller serves the host file.
 */
export function readCpus(ctx: GatherContext): CallerCpus {
  const limits = ctx.cpuLimits();
  const text = ctx.hostFile(HOST_ONLINE);
  const online = parseCpuList(text);
  if (online === null || online.length === 0) {
    throw new LxcfsError('LXCFS_PARSE', `host cpu online list ${JSON.stringify(text.slice(0, 64))}`);
  }
  const visible = visibleCpus(online, limits, ctx.options.cfs);
  if (visible.ids.length === 0) throw new LxcfsError('LXCFS_PARSE', 'the cpuset names no CPU');
  return { limits, online, visible };
}

/** readCpus(ctx).visible: the gather step of cpuinfo, online and uptime. */
export function readVisibleCpus(ctx: GatherContext): VisibleCpus {
  return readCpus(ctx).visible;
}
