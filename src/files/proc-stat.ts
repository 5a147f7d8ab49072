// /proc/stat for the caller's container (spec §7). The mode follows what its cgroups offer:
// accounting (v1 cpuacct), filter (no cpuacct: host lines of its CPUs), cpu view (v1 cpuacct
// with --enable-cfs; lxcfs's stateful view) and unified (v2 cpu.stat totals spread over its
// CPUs, never decreasing). Invariants in every mode: one cpuN line per visible CPU
// (visibleCpus — the count cpuinfo and online show), the `cpu  ` line is the per-field sum of
// the cpuN lines, and the host's other lines follow verbatim, in host order.
import type { CpuLimits, CpuTime, CpuUsage } from '../cgroup/types.js';
import { LxcfsError } from '../errors.js';
import { processAge, USER_HZ } from '../host/process-age.js';
import { busyTicks, CPU_FIELDS, type CpuFields, type HostStat, IDLE, parseHostStat, ZERO_FIELDS } from '../host/stat.js';
import { parseCpuList } from '../parse/cpu-list.js';
import type { CpuTicks } from '../services/cpu-view.js';
import type { GatherContext, HostPath, VirtualFile } from './types.js';
import { type VisibleCpus, visibleCpus } from './visible-cpus.js';

/** Which CPU lines to show and where their numbers come from. */
export type StatCpus =
  /** v1 without --enable-cfs: cgroup user/system per physical CPU, the rest of its time idle. */
  | { readonly mode: 'accounting'; readonly ids: readonly number[]; readonly perCpu: readonly CpuTime[] }
  /** No cpuacct: the host's lines of these CPUs, physical labels or renumbered from 0. */
  | { readonly mode: 'filter'; readonly ids: readonly number[]; readonly renumber: boolean }
  /** Lines computed by the CpuView service (v1 cpu view, v2), labelled cpu<labels[i]>. */
  | { readonly mode: 'view'; readonly labels: readonly number[]; readonly lines: readonly CpuTicks[] };

export interface StatInput {
  readonly host: HostStat;
  readonly cpus: StatCpus;
}

const HOST: HostPath = Object.freeze({ root: 'proc', path: 'stat' });
const ONLINE: HostPath = Object.freeze({ root: 'sys', path: 'devices/system/cpu/online' });
const NS_PER_TICK = 1_000_000_000n / BigInt(USER_HZ);

const ticksOf = (ns: bigint): bigint => (ns > 0n ? ns / NS_PER_TICK : 0n);
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const fieldsOf = (t: CpuTicks): CpuFields => [t.user, 0n, t.system, t.idle, 0n, 0n, 0n, 0n, 0n, 0n];

/**
 * A CPU line of accounting mode (§7.2a): the cgroup's user and system ticks on `id`, and as
 * idle the host's idle plus whatever other cgroups ran there. A CPU missing from the host
 * file (hot-unplugged between reads) counts as never idle.
 */
function cgroupTicks(host: HostStat, id: number, time: CpuTime | undefined): CpuTicks {
  const user = ticksOf(time?.user ?? 0n);
  const system = ticksOf(time?.system ?? 0n);
  const fields = host.byId.get(id) ?? ZERO_FIELDS;
  const hostBusy = busyTicks(fields);
  const cgBusy = user + system;
  const hostIdle = fields[IDLE]!;
  return { user, system, idle: hostBusy >= cgBusy ? hostIdle + (hostBusy - cgBusy) : hostIdle };
}

/** Labels and the ten counters of every cpuN line, in output order. Pure. */
export function statLines(input: StatInput): { labels: number[]; lines: CpuFields[] } {
  const { cpus, host } = input;
  switch (cpus.mode) {
    case 'accounting':
      return { labels: [...cpus.ids], lines: cpus.ids.map((id) => fieldsOf(cgroupTicks(host, id, cpus.perCpu[id]))) };
    case 'filter':
      return {
        labels: cpus.renumber ? range(cpus.ids.length) : [...cpus.ids],
        lines: cpus.ids.map((id) => host.byId.get(id) ?? ZERO_FIELDS),
      };
    case 'view':
      return { labels: [...cpus.labels], lines: cpus.lines.map(fieldsOf) };
  }
}

function render(input: StatInput): string {
  const { labels, lines } = statLines(input);
  const total = new Array<bigint>(CPU_FIELDS).fill(0n);
  for (const line of lines) for (let f = 0; f < CPU_FIELDS; f++) total[f] = total[f]! + line[f]!;
  const out = [`cpu  ${total.join(' ')}`];
  for (let i = 0; i < lines.length; i++) out.push(`cpu${labels[i]} ${lines[i]!.join(' ')}`);
  out.push(...input.host.other);
  return out.join('\n') + '\n';
}

/** The container's CPU time, or null when it has no cpuacct hierarchy (filter mode). */
function usageOrNull(ctx: GatherContext): CpuUsage | null {
  try {
    return ctx.cpuUsage();
  } catch (err) {
    if (err instanceof LxcfsError && err.code === 'LXCFS_NO_CGROUP') return null;
    throw err;
  }
}

function hostOnline(ctx: GatherContext): number[] {
  const online = parseCpuList(ctx.hostFile(ONLINE));
  if (online === null || online.length === 0) throw new LxcfsError('LXCFS_PARSE', 'host devices/system/cpu/online');
  return online;
}

/** v1 + --enable-cfs: lxcfs's cpu view (§7.3), kept per cpuacct cgroup by the CpuView service. */
function cpuacctView(ctx: GatherContext, host: HostStat, online: readonly number[], limits: CpuLimits,
  shown: VisibleCpus, perCpu: readonly CpuTime[]): StatCpus {
  const ids = visibleCpus(online, limits, false).ids; // shown.ids is a prefix of these
  const lines = ctx.services.cpuView.cpuacctView(ctx.cgroupPath('cpuacct'), {
    ids,
    ticks: ids.map((id) => cgroupTicks(host, id, perCpu[id])),
    visible: shown.ids.length,
    hostCpus: host.cpus.length,
    quota: shown.quota,
  });
  return { mode: 'view', labels: range(lines.length), lines };
}

/** Age of the container's init in ticks; null when it cannot be known (idle then holds). */
function containerAge(ctx: GatherContext): bigint | null {
  try {
    return BigInt(processAge((file) => ctx.hostFile(file), ctx.initPid()).ageTicks);
  } catch (err) {
    if (err instanceof LxcfsError) return null;
    throw err;
  }
}

/** v2: container totals spread over its visible CPUs, kept never-decreasing per cpu cgroup. */
function unifiedView(ctx: GatherContext, shown: VisibleCpus, usage: CpuUsage): StatCpus {
  const lines = ctx.services.cpuView.unifiedView(ctx.cgroupPath('cpu'), {
    visible: shown.ids.length,
    user: ticksOf(usage.total.user),
    system: ticksOf(usage.total.system),
    ageTicks: containerAge(ctx),
  });
  return { mode: 'view', labels: ctx.options.cfs ? range(lines.length) : [...shown.ids], lines };
}

export const procStat: VirtualFile<StatInput> = Object.freeze({
  path: 'proc/stat',
  host: HOST,
  size: 0,
  summary: 'CPU time of the container: one line per visible CPU from its cpuacct (v1) or cpu.stat (v2) accounting',
  gather(ctx: GatherContext): StatInput {
    // The limits first: they are what fails when the caller is gone.
    const limits = ctx.cpuLimits();
    const usage = usageOrNull(ctx);
    const host = parseHostStat(ctx.hostFile(HOST));
    const online = hostOnline(ctx);
    const { cfs } = ctx.options;
    const shown = visibleCpus(online, limits, cfs);
    // As cpuinfo and online (readVisibleCpus): no CPU to show is no answer, the host file is.
    if (shown.ids.length === 0) throw new LxcfsError('LXCFS_PARSE', 'the cpuset names no CPU');
    let cpus: StatCpus;
    if (usage === null) cpus = { mode: 'filter', ids: shown.ids, renumber: cfs };
    else if (usage.perCpu === null) cpus = unifiedView(ctx, shown, usage);
    else if (!cfs) cpus = { mode: 'accounting', ids: shown.ids, perCpu: usage.perCpu };
    else cpus = cpuacctView(ctx, host, online, limits, shown, usage.perCpu);
    return { host, cpus };
  },
  render,
});
