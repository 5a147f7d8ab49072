// 'pid-values': does the process see its container's MemTotal? The expected value is what
// the daemon computes — the daemon's own resolver (the init of the pid's namespace → its
// memory cgroup), its cgroup reader and the meminfo renderer's figures — so a mismatch means
// the file did not come from a daemon serving this node's cgroups as we read them (host
// fallback, another daemon, another --cgroup-root). The process's view is read by an
// injected reader (deps.ts): a child in the pid's namespace in real life, a file in tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CallerCgroups } from '../caller/cgroups.js';
import { InitResolver } from '../caller/init-resolver.js';
import type { CgroupLayoutInfo } from '../cgroup/layout.js';
import { cgroupReaderFor } from '../cgroup/reader.js';
import { meminfoValues } from '../files/proc-meminfo.js';
import { parseHostMeminfo } from '../host/meminfo.js';
import type { ReadResult } from './child.js';
import { fail, ok, type Finding } from './findings.js';

export interface Expected {
  readonly memTotalKb: bigint;
  readonly hostKb: bigint;
  /** The memory cgroup's limit in bytes, null for none. */
  readonly limit: bigint | null;
  /** The memory cgroup whose limit counts, e.g. '/kubepods.slice/…'. */
  readonly cgroup: string;
}

export type PidValues =
  /** The process shares the doctor's pid namespace: a reader we start stands for itself, not for it. */
  | { readonly kind: 'own-namespace' }
  | { readonly kind: 'unknown'; readonly error: string }
  | { readonly kind: 'read'; readonly expected: Expected; readonly view: ReadResult };

export interface PidValuesInput {
  readonly procRoot: string;
  readonly pid: number;
  readonly layout: CgroupLayoutInfo;
  readonly timeoutMs: number;
  /** Reads `path` as `pid` would: the daemon must resolve the reader to the pid's container. */
  readAsPid(pid: number, path: string, timeoutMs: number): Promise<ReadResult>;
}

/** Throws LxcfsError when the pid, its cgroup or the host meminfo cannot be read. */
function expectedFor(input: PidValuesInput): { expected: Expected; ownNamespace: boolean } {
  const resolver = new InitResolver({ procRoot: input.procRoot });
  const { ownNamespace } = resolver.locate(input.pid);
  const caller = new CallerCgroups(input.procRoot, resolver, input.layout).resolve(input.pid);
  const memory = cgroupReaderFor(input.layout).memory(caller.pathOf);
  const host = parseHostMeminfo(readFileSync(join(input.procRoot, 'meminfo'), 'utf8'));
  const memTotalKb = meminfoValues({ host, memory, swap: true }).get('MemTotal')!;
  return { ownNamespace, expected: { memTotalKb, hostKb: host.memTotalKb, limit: memory.limit, cgroup: caller.pathOf('memory') } };
}

export async function gatherPidValues(input: PidValuesInput): Promise<PidValues> {
  let computed;
  try {
    computed = expectedFor(input);
  } catch (err) {
    return { kind: 'unknown', error: (err as Error).message };
  }
  if (computed.ownNamespace) return { kind: 'own-namespace' };
  // Through the process's root: its mount namespace, so its bind mounts, seen from ours.
  const path = join(input.procRoot, String(input.pid), 'root/proc/meminfo');
  return { kind: 'read', expected: computed.expected, view: await input.readAsPid(input.pid, path, input.timeoutMs) };
}

function memTotalOf(text: string): bigint | null {
  try {
    return parseHostMeminfo(text).memTotalKb;
  } catch {
    return null;
  }
}

const MiB = 1024n * 1024n;

/** Null for 'own-namespace': the comparison cannot be made, so the check is left out. */
export function checkPidValues(pid: number, state: PidValues): Finding | null {
  if (state.kind === 'own-namespace') return null;
  if (state.kind === 'unknown') {
    return fail('pid-values', `the memory limit of process ${pid} cannot be read: ${state.error}`,
      'the daemon cannot read it either and shows the host\'s values: give it the host\'s /proc and /sys/fs/cgroup (hostPID, hostPath)');
  }
  const { expected, view } = state;
  if (!view.ok) {
    return fail('pid-values', `/proc/meminfo of process ${pid} cannot be read${view.timedOut ? ' (hung)' : ''}: ${view.error}`,
      'look at the daemon\'s log; if its mount is dead or stale (see above), restart the pod');
  }
  const seen = memTotalOf(view.text);
  const limit = expected.limit === null ? 'no memory limit, so the host\'s' : `the limit of ${expected.limit / MiB} MiB`;
  const want = `MemTotal ${expected.memTotalKb} kB (${limit}; memory cgroup ${expected.cgroup})`;
  if (seen === expected.memTotalKb) return ok('pid-values', `process ${pid} sees ${want}`);
  const got = seen === null ? 'a /proc/meminfo without MemTotal' : `MemTotal ${seen} kB${seen === expected.hostKb ? ' (the host\'s)' : ''}`;
  return fail('pid-values', `process ${pid} sees ${got}, expected ${want}`,
    'the daemon showed the host\'s file or other values: look at its log and lxcfs_node_host_fallbacks_total in /metrics; it must read the host\'s /sys/fs/cgroup; if the file comes from another daemon, restart the pod');
}
