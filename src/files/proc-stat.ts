// /proc/stat for the caller's container (spec §7). The mode follows what its cgroups offer:
// accounting (v1 cpuacct), filter (no cpuacct: host lines of its CPUs), cpu view (v1 cpuacct
// with --enable-cfs; lxcfs's stateful view) and unified (v2 cpu.stat totals spread over its
// CPUs, never decreasing). Invariants in every mode: one cpuN line per visible CPU
// (visibleCpus — the count cpuinfo and online show), the `cpu  ` line is the per-field sum of
// the cpuN lines (saturated: no printed value exceeds 2^64 − 1), and the host's other lines
// follow verbatim, in host order.
import type { CpuTime, CpuUsage } from '../cgroup/types.js';
import { LxcfsError } from '../errors.js';
import { containerAge, ticksOfNs } from '../host/process-age.js';
import { busyTicks, CPU_FIELDS, type CpuFields, type HostStat, IDLE, parseHostStat, ZERO_FIELDS } from '../host/stat.js';
import type { CpuTicks } from '../services/cpu-view.js';
import { clampU64 } from './format.js';
import type { GatherContext, HostPath, VirtualFile } from './types.js';
import { type CallerCpus, readCpus, type VisibleCpus, visibleCpus } from './visible-cpus.js';

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

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const fieldsOf = (t: CpuTicks): CpuFields => [t.user, 0n, t.system, t.idle, 0n, 0n, 0n, 0n, 0n, 0n];

/**
 * A CPU line of accounting mode (§7.2a): the cgroup's user and system ticks on `id`, and as
 * idle the host's idle plus whatever other cgroups ran there. A CPU missing from the host
 * file (hot-unplugged between reads) counts as never idle.
 */
function cgroupTicks(host: HostStat, id: number, time: CpuTime | undefined): CpuTicks {
  const user = ticksOfNs(time?.user ?? 0n);
  const system = ticksOfNs(time?.system ?? 0n);
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

/**
 * Every value clamped to [0, 2^64 − 1] (procps reads them as u64; host counters near the top
 * plus accounting mode's idle arithmetic exceed it); the aggregate is the per-field sum of the
 * printed lines, itself clamped.
 */
function render(input: StatInput): string {
  const { labels, lines } = statLines(input);
  const total = new Array<bigint>(CPU_FIELDS).fill(0n);
  const out = [''];
  for (let i = 0; i < lines.length; i++) {
    const shown = lines[i]!.map(clampU64);
    for (let f = 0; f < CPU_FIELDS; f++) total[f] = total[f]! + shown[f]!;
    out.push(`cpu${labels[i]} ${shown.join(' ')}`);
  }
  out[0] = `cpu  ${total.map(clampU64).join(' ')}`;
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

/** v1 + --enable-cfs: lxcfs's cpu view (§7.3), kept per cpuacct cgroup by the CpuView service. */
function cpuacctView(ctx: GatherContext, host: HostStat, cpus: CallerCpus, perCpu: readonly CpuTime[]): StatCpus {
  const shown = cpus.visible;
  const ids = visibleCpus(cpus.online, cpus.limits, false).ids; // shown.ids is a prefix of these
  const lines = ctx.services.cpuView.cpuacctView(ctx.cgroupPath('cpuacct'), {
    ids,
    ticks: ids.map((id) => cgroupTicks(host, id, perCpu[id])),
    byId: perCpu.map((time) => ({ user: ticksOfNs(time.user), system: ticksOfNs(time.system) })),
    visible: shown.ids.length,
    hostCpus: host.cpus.length,
    quota: shown.quota,
  });
  return { mode: 'view', labels: range(lines.length), lines };
}

/**
 * Age of the container's init in ticks (containerAge: the same init proc/uptime uses — in the
 * daemon's own pid namespace, pid 1, so idle keeps growing with wall time); null when it
 * cannot be known (idle then holds).
 */
function ageOrNull(ctx: GatherContext): bigint | null {
  try {
    return BigInt(containerAge(ctx).ageTicks);
  } catch (err) {
    if (err instanceof LxcfsError) return null;
    throw err;
  }
}

/** v2: container totals spread over its visible CPUs, kept never-decreasing per cpu cgroup. */
function unifiedView(ctx: GatherContext, shown: VisibleCpus, usage: CpuUsage): StatCpus {
  const lines = ctx.services.cpuView.unifiedView(ctx.cgroupPath('cpu'), {
    visible: shown.ids.length,
    user: ticksOfNs(usage.total.user),
    system: ticksOfNs(usage.total.system),
    ageTicks: ageOrNull(ctx),
  });
  return { mode: 'view', labels: ctx.options.cfs ? range(lines.length) : [...shown.ids], lines };
}

export const procStat: VirtualFile<StatInput> = Object.freeze({
  path: 'proc/stat',
  host: HOST,
  size: 0,
  summary: 'CPU time of the container: one line per visible CPU from its cpuacct (v1) or cpu.stat (v2) accounting',
  gather(ctx: GatherContext): StatInput {
    // The limits first (readCpus): they are what fails when the caller is gone. The same
    // visible CPUs as cpuinfo and online; none to show is no answer, the host file is.
    const caller = readCpus(ctx);
    const shown = caller.visible;
    const usage = usageOrNull(ctx);
    const host = parseHostStat(ctx.hostFile(HOST));
    const { cfs } = ctx.options;
    let cpus: StatCpus;
    if (usage === null) cpus = { mode: 'filter', ids: shown.ids, renumber: cfs };
    else if (usage.perCpu === null) cpus = unifiedView(ctx, shown, usage);
    else if (!cfs) cpus = { mode: 'accounting', ids: shown.ids, perCpu: usage.perCpu };
    else cpus = cpuacctView(ctx, host, caller, usage.perCpu);
    return { host, cpus };
  },
  render,
});
