// /sys/devices/system/cpu/online for the caller's container (spec §8.1): the visible CPUs
// as a kernel CPU list. Numbering follows /proc/stat's labels: with --enable-cfs, `0-<n-1>`
// (renumbered, as lxcfs whenever its cpu view is on, quota or not); otherwise the physical
// ids (`1`, `0,2-3`, as lxcfs). Either way the list holds exactly visibleCpus().ids.length
// CPUs — the number of processors in /proc/cpuinfo (which always renumbers) and of cpuN
// lines in /proc/stat, both counted from the same ids — so sysconf(_SC_NPROCESSORS_ONLN),
// `grep -c ^processor /proc/cpuinfo` and top agree for every reader.
import { LxcfsError } from '../errors.js';
import { formatCpuList } from '../parse/cpu-list.js';
import type { GatherContext, VirtualFile } from './types.js';
import { HOST_ONLINE, readVisibleCpus, type VisibleCpus } from './visible-cpus.js';

export interface OnlineInput extends VisibleCpus {
  /** --enable-cfs: numbered 0..n-1 like /proc/stat's lines in that mode. */
  readonly renumber: boolean;
}

function gather(ctx: GatherContext): OnlineInput {
  return { ...readVisibleCpus(ctx), renumber: ctx.options.cfs };
}

function render(input: OnlineInput): string {
  const n = input.ids.length;
  if (n === 0) throw new LxcfsError('LXCFS_PARSE', 'no visible CPU');
  if (input.renumber) return n === 1 ? '0\n' : `0-${n - 1}\n`;
  return `${formatCpuList(input.ids)}\n`;
}

export const sysCpuOnline: VirtualFile<OnlineInput> = Object.freeze({
  path: 'sys/devices/system/cpu/online',
  host: HOST_ONLINE,
  size: 4096,
  summary: 'the container\'s CPUs as a CPU list: its cpuset\'s online CPUs (numbered 0..n-1 with --enable-cfs)',
  gather,
  render,
});
