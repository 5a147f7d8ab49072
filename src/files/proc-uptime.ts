// /proc/uptime for the caller's container (spec §9): `"%.2f %.2f\n"` of its age and its idle
// time. Age = host uptime − starttime of the init of the caller's pid namespace; idle = the
// visible CPUs' time since then minus the CPU time the container used. All arithmetic in
// USER_HZ hundredths (the resolution of the host's /proc/uptime). Invariants: 0 ≤ idle ≤
// uptime × visible CPUs; a vanished init makes gather() throw (the host file is served),
// never a negative or huge value (lxcfs 5.0's §2.1.5 bug).
import type { CpuUsage } from '../cgroup/types.js';
import { parseNsPid } from '../caller/proc-status.js';
import { LxcfsError } from '../errors.js';
import { processAge, USER_HZ } from '../host/process-age.js';
import { parseCpuList } from '../parse/cpu-list.js';
import type { GatherContext, HostPath, VirtualFile } from './types.js';
import { visibleCpus } from './visible-cpus.js';

export interface UptimeInput {
  /** Age of the container's init in USER_HZ ticks (hundredths of a second). */
  readonly ageTicks: number;
  /** CPU time the container used, user + system, in ns. */
  readonly busyNs: bigint;
  /** CPUs the container sees (cpuinfo/stat/online agree on this count). */
  readonly cpus: number;
}

const HOST: HostPath = Object.freeze({ root: 'proc', path: 'uptime' });
const ONLINE: HostPath = Object.freeze({ root: 'sys', path: 'devices/system/cpu/online' });
const NS_PER_TICK = BigInt(1e9 / USER_HZ);

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
  const busy = input.busyNs > 0n ? input.busyNs / NS_PER_TICK : 0n;
  const capacity = uptime * BigInt(Math.max(1, Math.trunc(input.cpus)));
  return [uptime, busy >= capacity ? 0n : capacity - busy];
}

function render(input: UptimeInput): string {
  const [uptime, idle] = uptimeFigures(input);
  return `${seconds(uptime)} ${seconds(idle)}\n`;
}

/**
 * Whose start is the container's: the init of the caller's pid namespace. The resolver gives
 * the caller itself in the daemon's own namespace; there, as lxcfs (§9.1: "host pid 1, not
 * the caller"), the namespace's pid 1 — the host's uptime. A namespace init is the only
 * process whose innermost NSpid is 1, which tells the two apart even when the init reads.
 */
export function reaperOf(ctx: GatherContext): number {
  const init = ctx.initPid();
  const nspid = parseNsPid(ctx.hostFile({ root: 'proc', path: `${init}/status` }));
  return nspid !== null && nspid[nspid.length - 1] !== 1 ? 1 : init;
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
    const { ageTicks } = processAge(ctx.hostFile, reaperOf(ctx));
    const online = parseCpuList(ctx.hostFile(ONLINE));
    if (online === null || online.length === 0) throw new LxcfsError('LXCFS_PARSE', 'host cpu/online');
    const cpus = visibleCpus(online, ctx.cpuLimits(), ctx.options.cfs).ids.length;
    return { ageTicks, busyNs: busyOf(ctx.cpuUsage()), cpus };
  },
  render,
});
