// /proc/uptime for the caller's container (spec §9): `"%.2f %.2f\n"` of its age and its idle
// time. Age = host uptime − starttime of the container's init (containerAge: in the daemon's
// own pid namespace, pid 1 — the host's uptime); idle = the visible CPUs' time since then
// minus the CPU time the container used. All arithmetic in USER_HZ hundredths (the resolution
// of the host's /proc/uptime). Invariants: 0 ≤ idle ≤ uptime × visible CPUs; a vanished init
// makes gather() throw (the host file is served), never a negative or huge value (lxcfs 5.0's
// §2.1.5 bug).
import type { CpuUsage } from '../cgroup/types.js';
import { containerAge, ticksOfNs } from '../host/process-age.js';
import type { GatherContext, HostPath, VirtualFile } from './types.js';
import { readVisibleCpus } from './visible-cpus.js';

export interface UptimeInput {
  /** Age of the container's init in USER_HZ ticks (hundredths of a second). */
  readonly ageTicks: number;
  /** CPU time the container used, user + system, in ns. */
  readonly busyNs: bigint;
  /** CPUs the container sees (cpuinfo/stat/online agree on this count). */
  readonly cpus: number;
}

const HOST: HostPath = Object.freeze({ root: 'proc', path: 'uptime' });

/** Hundredths as `%.2f` prints them. */
function seconds(ticks: bigint): string {
  return `${ticks / 100n}.${String(ticks % 100n).padStart(2, '0')}`;
}

/**
 * [uptime, idle] in ticks. Documented deviation from lxcfs (Q10): idle is summed over the
 * visible CPUs like the kernel's (lxcfs: uptime − busy, not per CPU) and saturates at 0
 * (lxcfs: busy > uptime → idle = uptime); busy on v2 comes from cpu.stat (lxcfs: 0).
 */
export function uptimeFigures(input: UptimeInput): [bigint, bigint] {
  const uptime = BigInt(Math.max(0, Math.trunc(input.ageTicks)));
  const busy = ticksOfNs(input.busyNs);
  const capacity = uptime * BigInt(Math.max(1, Math.trunc(input.cpus)));
  return [uptime, busy >= capacity ? 0n : capacity - busy];
}

function render(input: UptimeInput): string {
  const [uptime, idle] = uptimeFigures(input);
  return `${seconds(uptime)} ${seconds(idle)}\n`;
}

function busyOf(usage: CpuUsage): bigint {
  return usage.total.user + usage.total.system;
}

export const procUptime: VirtualFile<UptimeInput> = Object.freeze({
  path: 'proc/uptime',
  host: HOST,
  size: 0,
  summary: 'age of the container\'s init and the idle time of its visible CPUs since then',
  gather(ctx: GatherContext): UptimeInput {
    // The init first: a vanished caller or init throws here and the host file is served.
    const { ageTicks } = containerAge(ctx);
    const cpus = readVisibleCpus(ctx).ids.length;
    return { ageTicks, busyNs: busyOf(ctx.cpuUsage()), cpus };
  },
  render,
});
