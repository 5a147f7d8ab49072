// /sys/devices/system/cpu/online for the caller's container (spec §8.1): the visible CPUs
// as a kernel CPU list. Numbering: with --enable-cfs and a quota, `0-<n-1>` (renumbered, as
// lxcfs); otherwise the physical ids (`1`, `0,2-3`, as lxcfs). Either way the list holds
// exactly visibleCpus().ids.length CPUs — the number of processors in /proc/cpuinfo (which
// always renumbers) and of cpuN lines in /proc/stat, both counted from the same ids — so
// sysconf(_SC_NPROCESSORS_ONLN), `grep -c ^processor /proc/cpuinfo` and top agree for every
// reader. Physical ids without a cut match what the reader's sched_getaffinity/taskset show;
// a quota cut is no affinity (the container may run on any CPU of its cpuset), so it has no
// physical ids to show and the first n are renumbered, like /proc/stat's cpu view.
import { LxcfsError } from '../errors.js';
import { formatCpuList, parseCpuList } from '../parse/cpu-list.js';
import type { GatherContext, HostPath, VirtualFile } from './types.js';
import { type VisibleCpus, visibleCpus } from './visible-cpus.js';

const HOST: HostPath = Object.freeze({ root: 'sys', path: 'devices/system/cpu/online' });

/**
 * The caller's visible CPUs from its cpu limits and the host's online list — the gather
 * step shared by every file that shows CPUs. Throws LxcfsError (LXCFS_PARSE when the host
 * list is malformed or nothing is visible), so the caller serves the host file.
 */
export function readVisibleCpus(ctx: GatherContext): VisibleCpus {
  // The limits first: they are what fails when the caller is gone.
  const limits = ctx.cpuLimits();
  const text = ctx.hostFile(HOST);
  const online = parseCpuList(text);
  if (online === null || online.length === 0) {
    throw new LxcfsError('LXCFS_PARSE', `host cpu online list ${JSON.stringify(text.slice(0, 64))}`);
  }
  const visible = visibleCpus(online, limits, ctx.options.cfs);
  if (visible.ids.length === 0) throw new LxcfsError('LXCFS_PARSE', 'the cpuset names no CPU');
  return visible;
}

function render(visible: VisibleCpus): string {
  const n = visible.ids.length;
  if (n === 0) throw new LxcfsError('LXCFS_PARSE', 'no visible CPU');
  if (visible.quota !== null) return n === 1 ? '0\n' : `0-${n - 1}\n`;
  return `${formatCpuList(visible.ids)}\n`;
}

export const sysCpuOnline: VirtualFile<VisibleCpus> = Object.freeze({
  path: 'sys/devices/system/cpu/online',
  host: HOST,
  size: 4096,
  summary: 'the container\'s CPUs as a CPU list: its cpuset\'s online CPUs (0..n-1 when --enable-cfs cuts them to its quota)',
  gather: readVisibleCpus,
  render,
});
