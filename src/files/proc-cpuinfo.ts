// /proc/cpuinfo for the caller's container (spec §5): the host's blocks of the visible CPUs
// (visibleCpus: cpuset ∩ online, cut to the quota with --enable-cfs), renumbered from 0 in
// host order; every other byte of a kept block is the host's (core id, apicid, MHz, flags…).
// Invariant: as many processors as sys/devices/system/cpu/online lists and /proc/stat has
// cpuN lines — all three count visibleCpus().ids.
import { LxcfsError } from '../errors.js';
import { type CpuinfoBlock, type HostCpuinfo, parseHostCpuinfo } from '../host/cpuinfo.js';
import type { GatherContext, HostPath, VirtualFile } from './types.js';
import { readVisibleCpus, type VisibleCpus } from './visible-cpus.js';

export interface CpuinfoInput {
  readonly host: HostCpuinfo;
  readonly visible: VisibleCpus;
}

const HOST: HostPath = Object.freeze({ root: 'proc', path: 'cpuinfo' });

/** The visible blocks, the k-th of them led by `idLine(k)`; and how many there were. */
function keep(
  blocks: readonly CpuinfoBlock[], visible: ReadonlySet<number>, idLine: (b: CpuinfoBlock, k: number) => string,
): { readonly text: string; readonly count: number } {
  let text = '';
  let count = 0;
  for (const b of blocks) {
    if (visible.has(b.cpu)) text += idLine(b, count++) + b.body;
  }
  return { text, count };
}

function render(input: CpuinfoInput): string {
  const { host } = input;
  const visible = new Set(input.visible.ids);
  if (host.layout === 'blocks') {
    // lxcfs prints 'processor\t: k' whatever the host's spacing (mips has two tabs).
    const cpus = keep(host.cpus, visible, (_, k) => `processor\t: ${k}`);
    // A cpuset of offline CPUs only: nothing to show — the caller serves the host file.
    if (cpus.count === 0) throw new LxcfsError('LXCFS_PARSE', 'no visible CPU in host cpuinfo');
    // Documented deviation from lxcfs 5.0.3: the machine-wide trailer (arm32 Hardware/
    // Revision/Serial, ppc timebase/platform/model) is always printed; lxcfs prints it only
    // when the host's last CPU is visible (it belongs to that CPU's block there) and never
    // when --enable-cfs cut the list short. The preamble (mips `system type`) is dropped, as lxcfs.
    return cpus.text + host.trailer;
  }
  // s390x: lxcfs's own vendor_id and count, the host summary, then the visible CPUs' lines.
  const summary = keep(host.summaries, visible, (_, k) => `processor ${k}`);
  if (summary.count === 0) throw new LxcfsError('LXCFS_PARSE', 'no visible CPU in host cpuinfo');
  // Documented deviation from lxcfs 5.0.3: the per-CPU `cpu number : N` blocks are filtered
  // and renumbered like the summary lines; lxcfs copies all of them verbatim (host ids and
  // count), and drops them all when --enable-cfs cut the summary short.
  const blocks = keep(host.cpus, visible, (b, k) => `${b.head}${k}`);
  return `vendor_id       : IBM/S390\n# processors    : ${summary.count}\n${host.header}${summary.text}${host.gap}${blocks.text}`;
}

export const procCpuinfo: VirtualFile<CpuinfoInput> = Object.freeze({
  path: 'proc/cpuinfo',
  host: HOST,
  size: 0,
  summary: 'the container\'s CPUs: host processor blocks of its cpuset (cut to its CFS quota with --enable-cfs), renumbered from 0',
  gather(ctx: GatherContext): CpuinfoInput {
    const visible = readVisibleCpus(ctx);
    return { host: parseHostCpuinfo(ctx.hostFile(HOST)), visible };
  },
  render,
});
