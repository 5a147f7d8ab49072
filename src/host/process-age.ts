// How long a host process has existed, in USER_HZ ticks: host /proc/uptime minus the
// process's starttime (/proc/<pid>/stat field 22). A container's age is its init's
// (containerAge: the one rule, shared by proc/uptime and by proc/stat's idle on cgroup v2).
// Both counts run from boot on the same clock (CLOCK_BOOTTIME), and /proc/uptime's hundredths
// are USER_HZ ticks (100 on every architecture Node runs on). Invariant: 0 ≤ age ≤ uptime (a
// start "after now" is a race: age 0).
import { startTimeOf } from '../caller/proc-stat.js';
import { parseNsPid } from '../caller/proc-status.js';
import { LxcfsError } from '../errors.js';
import type { GatherContext, HostPath } from '../files/types.js';
import { digitsEnd, parseUint } from '../parse/kernel-text.js';

/** Clock ticks per second of /proc/<pid>/stat times and of /proc/stat (sysconf(_SC_CLK_TCK)). */
export const USER_HZ = 100;

/** Nanoseconds per USER_HZ tick (cgroup CPU times are in ns, /proc's in ticks). */
export const NS_PER_TICK = 1_000_000_000n / BigInt(USER_HZ);

/** CPU time in ns → whole ticks, truncated; a negative time (never valid) → 0. */
export function ticksOfNs(ns: bigint): bigint {
  return ns > 0n ? ns / NS_PER_TICK : 0n;
}

export interface ProcessAge {
  /** Host uptime (first field of /proc/uptime) in ticks. */
  readonly uptimeTicks: number;
  /** When the process started, in ticks after boot. */
  readonly startTicks: number;
  /** uptimeTicks − startTicks, at least 0. */
  readonly ageTicks: number;
}

/**
 * The first field of /proc/uptime ("3980.74 4902.73\n") in ticks (hundredths), or null
 * unless it is exactly what the kernel prints: digits, '.', two digits, then a blank.
 */
export function parseUptimeTicks(text: string): number | null {
  const dot = digitsEnd(text);
  if (dot === 0 || text.charCodeAt(dot) !== 46) return null;
  const end = digitsEnd(text, dot + 1);
  if (end !== dot + 3 || (text.charCodeAt(end) !== 32 && text.charCodeAt(end) !== 10)) return null;
  const whole = parseUint(text, 0, dot);
  const hundredths = parseUint(text, dot + 1, end);
  return whole === null || hundredths === null ? null : whole * 100 + hundredths;
}

/**
 * Age of host process `pid` from the host's files. Throws LxcfsError: LXCFS_HOST_UNREADABLE
 * when the process is gone (or /proc/uptime unreadable), LXCFS_PARSE on unexpected text.
 */
export function processAge(hostFile: (file: HostPath) => string, pid: number): ProcessAge {
  const startTicks = startTimeOf(hostFile({ root: 'proc', path: `${pid}/stat` }));
  if (startTicks === null) throw new LxcfsError('LXCFS_PARSE', `starttime of /proc/${pid}/stat`);
  const uptimeTicks = parseUptimeTicks(hostFile({ root: 'proc', path: 'uptime' }));
  if (uptimeTicks === null) throw new LxcfsError('LXCFS_PARSE', 'host /proc/uptime');
  return { uptimeTicks, startTicks, ageTicks: Math.max(0, uptimeTicks - startTicks) };
}

/** What containerAge() needs of a request: the caller's init and the host's files. */
export type AgeContext = Pick<GatherContext, 'initPid' | 'hostFile'>;

/**
 * Whose start is the container's: the init of the caller's pid namespace. The resolver gives
 * the caller itself in the daemon's own namespace (hostPID pods, the host); there, as lxcfs
 * (spec §9.1: "host pid 1, not the caller"), the namespace's pid 1 — the host's uptime. A
 * namespace init is the only process whose innermost NSpid is 1, which tells the two apart even
 * when the init reads; a kernel without NSpid (< 4.1) gets the resolver's answer as is.
 * Throws LxcfsError when the init (or the caller) is gone.
 */
export function reaperOf(ctx: AgeContext): number {
  const init = ctx.initPid();
  const nspid = parseNsPid(ctx.hostFile({ root: 'proc', path: `${init}/status` }));
  return nspid !== null && nspid[nspid.length - 1] !== 1 ? 1 : init;
}

/**
 * The container's init for this request (reaperOf) and its age: what proc/uptime shows and
 * what proc/stat's v2 idle is computed from. Throws LxcfsError as reaperOf and processAge.
 */
export function containerAge(ctx: AgeContext): ProcessAge & { readonly pid: number } {
  const pid = reaperOf(ctx);
  return { pid, ...processAge((file) => ctx.hostFile(file), pid) };
}
