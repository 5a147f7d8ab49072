// /sys/devices/system/cpu/online for the caller's container (spec §8.1): the visible CPUs
// as a kernel CPU list. Numbering follows /proc/stat's labels: with --enable-cfs, `0-<n-1>`
// (renumbered, as lxcfs whenever its cpu view is on, quota or not); otherwise the physical
// ids (`1`, `0,2-3`, as lxcfs). Either way the list holds exactly visibleCpus().ids.length
// CPUs — the number of processors in /proc/cpuinfo (which always renumbers) and of cpuN
// lines in /proc/stat, both counted from the same ids — so sysconf(_SC_NPROCESSORS_ONLN),
// `grep -c ^processor /proc/cpuinfo` and top agree for every reader.
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
  host: HOST,
  size: 4096,
  summary: 'the container\'s CPUs as a CPU list: its cpuset\'s online CPUs (numbered 0..n-1 with --enable-cfs)',
  gather,
  render,
});
