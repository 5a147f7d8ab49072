// Parses the host's /proc/stat: the `cpuN` lines into their ten counters (USER_HZ ticks,
// bigint) and every other line (intr, ctxt, btime, processes, procs_running, procs_blocked,
// softirq, and whatever a future kernel adds) verbatim, in host order. The `cpu` summary line
// is validated but not kept: every mode writes its own.
// Strict: a cpu line whose counters are not all decimal integers, or a CPU listed twice,
// makes the whole file a parse error (proc/stat then falls back to the host's) — never a guess.
import { LxcfsError } from '../errors.js';
import { parseBigUint, parseUint } from '../parse/kernel-text.js';

/** user nice system idle iowait irq softirq steal guest guest_nice (Linux ≥ 2.6.33). */
export const CPU_FIELDS = 10;
/** Kernels before 2.6.33 print fewer; 2.4's four (user nice system idle) is the minimum. */
const MIN_CPU_FIELDS = 4;
export const IDLE = 3;

/** The ten counters of one cpu line, in the kernel's order. */
export type CpuFields = readonly bigint[];

export interface HostCpuLine {
  readonly id: number;
  readonly fields: CpuFields;
}

export interface HostStat {
  /** `cpuN` lines in host order (the kernel lists online CPUs only, ascending). */
  readonly cpus: readonly HostCpuLine[];
  /** Counters by CPU id, for the same lines. */
  readonly byId: ReadonlyMap<number, CpuFields>;
  /** Every non-cpu line without its newline, in host order. */
  readonly other: readonly string[];
}

export const ZERO_FIELDS: CpuFields = Object.freeze(new Array<bigint>(CPU_FIELDS).fill(0n));

/** Counters after the label: blank-separated digits (the summary line has two blanks). */
function parseFields(line: string, from: number): CpuFields | null {
  const fields: bigint[] = [];
  let i = from;
  while (i < line.length) {
    if (line.charCodeAt(i) === 32) {
      i++;
      continue;
    }
    let end = line.indexOf(' ', i);
    if (end < 0) end = line.length;
    const value = parseBigUint(line, i, end);
    if (value === null) return null;
    // A kernel newer than this code may append counters: the first ten keep their meaning.
    if (fields.length < CPU_FIELDS) fields.push(value);
    i = end;
  }
  if (fields.length < MIN_CPU_FIELDS) return null;
  while (fields.length < CPU_FIELDS) fields.push(0n);
  return fields;
}

/** Parse host /proc/stat text. Throws LxcfsError LXCFS_PARSE on a malformed cpu line. */
export function parseHostStat(text: string): HostStat {
  const cpus: HostCpuLine[] = [];
  const byId = new Map<number, CpuFields>();
  const other: string[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const space = line.indexOf(' ');
    const labelEnd = space < 0 ? line.length : space;
    const isCpu = line.startsWith('cpu') && (labelEnd === 3 || parseUint(line, 3, labelEnd) !== null);
    if (!isCpu) {
      other.push(line);
      continue;
    }
    const fields = parseFields(line, labelEnd);
    if (fields === null) throw new LxcfsError('LXCFS_PARSE', `host stat line: ${line.slice(0, 80)}`);
    if (labelEnd === 3) continue; // the summary: validated, never shown
    const id = parseUint(line, 3, labelEnd)!;
    if (byId.has(id)) throw new LxcfsError('LXCFS_PARSE', `host stat lists cpu${id} twice`);
    byId.set(id, fields);
    cpus.push({ id, fields });
  }
  return { cpus, byId, other };
}

/**
 * user + nice + system + iowait + irq + softirq + steal + guest + guest_nice: all but idle.
 * The kernel already counts guest time inside user/nice; lxcfs adds it again and so do we,
 * so that the idle we derive from it matches lxcfs's.
 */
export function busyTicks(fields: CpuFields): bigint {
  let busy = 0n;
  for (let i = 0; i < fields.length; i++) if (i !== IDLE) busy += fields[i]!;
  return busy;
}
