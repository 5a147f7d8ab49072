// Parses the host's /proc/cpuinfo into per-CPU blocks, so that a renderer can keep, drop and
// renumber CPUs without touching any other byte. Two layouts: 'blocks' (x86, arm, ppc, riscv,
// mips…: one `processor : N` block per CPU, machine-wide lines after the last one) and
// 's390x' (a summary with one `processor N: …` line per CPU, then `cpu number : N` blocks).
// Lossless: every byte of the host text lands in exactly one field (s390x: but `# processors`).
// Strict: a CPU id listed twice is a parse error (the file falls back to the host's), as in
// host/stat.ts. Scans by index (indexOf of "\nprocessor", "\n\n"): a 256-CPU host's 390 KB
// file is read without splitting it into lines.
import { LxcfsError } from '../errors.js';
import { digitsEnd, parseUint } from '../parse/kernel-text.js';

/** One CPU's part of the file: the host text is `${head}${cpu}${body}`. */
export interface CpuinfoBlock {
  /** The host CPU id on the block's first line. */
  readonly cpu: number;
  /** That line up to the id, verbatim: 'processor\t: ', 'processor ' or 'cpu number      : '. */
  readonly head: string;
  /** Everything after the id: the rest of its line and the block's other lines, with newlines. */
  readonly body: string;
}

export interface BlockCpuinfo {
  readonly layout: 'blocks';
  /** Lines before the first processor line (none on x86/arm64; mips `system type`). */
  readonly preamble: string;
  /** In host order. Each body ends with the blank separator line when the host has one. */
  readonly cpus: readonly CpuinfoBlock[];
  /**
   * Machine-wide lines after the last block's blank separator: arm32 `Hardware/Revision/
   * Serial`, ppc `timebase/platform/model/machine`; '' on x86/arm64.
   */
  readonly trailer: string;
}

export interface S390Cpuinfo {
  readonly layout: 's390x';
  /** The first line (`vendor_id       : IBM/S390`). */
  readonly vendor: string;
  /** Lines before the first summary line (bogomips, features, facilities, cacheN), without `# processors`. */
  readonly header: string;
  /** The `processor N: version = …` summary lines. */
  readonly summaries: readonly CpuinfoBlock[];
  /** Lines between the summary and the first `cpu number` block (the blank separator). */
  readonly gap: string;
  /** The per-CPU `cpu number : N` blocks (absent on old kernels). */
  readonly cpus: readonly CpuinfoBlock[];
}

export type HostCpuinfo = BlockCpuinfo | S390Cpuinfo;

/** Where a CPU id sits on its line: [idStart, idEnd) are its digits. */
interface IdAt {
  readonly cpu: number;
  readonly idStart: number;
  readonly idEnd: number;
}

const COLON = 58;
const isBlank = (c: number): boolean => c === 32 || c === 9;

function skipBlanks(text: string, i: number, end: number): number {
  while (i < end && isBlank(text.charCodeAt(i))) i++;
  return i;
}

/** Index of the '\n' ending the line that starts at `start`, or text.length for a last line without one. */
function lineEnd(text: string, start: number): number {
  const nl = text.indexOf('\n', start);
  return nl < 0 ? text.length : nl;
}

/**
 * The line [start, end) is `<label><blanks>:<blanks><N>` with only blanks after N (x86
 * 'processor\t: 3', mips 'processor\t\t: 3', s390x 'cpu number      : 3'); null for anything else.
 */
function labelledId(text: string, start: number, end: number, label: string): IdAt | null {
  if (!text.startsWith(label, start)) return null;
  let i = skipBlanks(text, start + label.length, end);
  if (i >= end || text.charCodeAt(i) !== COLON) return null;
  i = skipBlanks(text, i + 1, end);
  const idEnd = digitsEnd(text, i, end);
  const cpu = parseUint(text, i, idEnd);
  if (cpu === null || skipBlanks(text, idEnd, end) !== end) return null;
  return { cpu, idStart: i, idEnd };
}

/** s390x summary line `processor<blanks><N>:<anything>` at [start, end); the body starts at the ':'. */
function summaryLine(text: string, start: number, end: number): IdAt | null {
  if (!text.startsWith('processor', start) || start + 9 >= end || !isBlank(text.charCodeAt(start + 9))) return null;
  const i = skipBlanks(text, start + 9, end);
  const idEnd = digitsEnd(text, i, end);
  const cpu = parseUint(text, i, idEnd);
  if (cpu === null || idEnd >= end || text.charCodeAt(idEnd) !== COLON) return null;
  return { cpu, idStart: i, idEnd };
}

/** Throws LXCFS_PARSE when `cpu` was already listed: two blocks for one CPU cannot be told apart. */
function once(seen: Set<number>, cpu: number, what: string): void {
  if (seen.has(cpu)) throw new LxcfsError('LXCFS_PARSE', `host cpuinfo lists ${what} ${cpu} twice`);
  seen.add(cpu);
}

/**
 * Blocks: only the lines starting with 'processor' are looked at (indexOf of "\nprocessor"),
 * the bytes between two id lines are a block's body as they stand.
 */
function parseBlocks(text: string): BlockCpuinfo {
  const cpus: CpuinfoBlock[] = [];
  const seen = new Set<number>();
  let first = -1;
  let open: { readonly cpu: number; readonly head: string; readonly bodyStart: number } | null = null;
  const next = (from: number): number => {
    const hit = text.indexOf('\nprocessor', from);
    return hit < 0 ? -1 : hit + 1;
  };
  for (let at = text.startsWith('processor') ? 0 : next(0); at >= 0;) {
    const end = lineEnd(text, at);
    const id = labelledId(text, at, end, 'processor');
    if (id !== null) {
      once(seen, id.cpu, 'processor');
      if (open === null) first = at;
      else cpus.push({ cpu: open.cpu, head: open.head, body: text.slice(open.bodyStart, at) });
      open = { cpu: id.cpu, head: text.slice(at, id.idStart), bodyStart: id.idEnd };
    }
    at = next(end);
  }
  if (open === null) throw new LxcfsError('LXCFS_PARSE', 'host cpuinfo has no processor line');
  // The last block ends at its first blank line after the id line; what follows describes the whole machine.
  const idLineEnd = text.indexOf('\n', open.bodyStart);
  const blank = idLineEnd < 0 ? -1 : text.indexOf('\n\n', idLineEnd);
  const bodyEnd = blank < 0 ? text.length : blank + 2;
  cpus.push({ cpu: open.cpu, head: open.head, body: text.slice(open.bodyStart, bodyEnd) });
  return { layout: 'blocks', preamble: text.slice(0, first), cpus, trailer: text.slice(bodyEnd) };
}

/** s390x, line by line (a few dozen lines): summary lines, `cpu number` blocks, the rest by position. */
function parseS390(text: string, vendorEnd: number): S390Cpuinfo {
  let header = '';
  let gap = '';
  const summaries: CpuinfoBlock[] = [];
  const cpus: Array<{ cpu: number; head: string; body: string }> = [];
  const seenSummaries = new Set<number>();
  const seenCpus = new Set<number>();
  for (let start = vendorEnd; start < text.length;) {
    const end = lineEnd(text, start);
    const lineNext = end < text.length ? end + 1 : end;
    // lxcfs drops every '# processors' line (it prints its own count).
    if (!text.startsWith('# processors', start)) {
      const summary = summaryLine(text, start, end);
      const id = summary === null ? labelledId(text, start, end, 'cpu number') : null;
      if (summary !== null) {
        once(seenSummaries, summary.cpu, 'summary processor');
        summaries.push({ cpu: summary.cpu, head: text.slice(start, summary.idStart), body: text.slice(summary.idEnd, lineNext) });
      } else if (id !== null) {
        once(seenCpus, id.cpu, 'cpu number');
        cpus.push({ cpu: id.cpu, head: text.slice(start, id.idStart), body: text.slice(id.idEnd, lineNext) });
      } else if (cpus.length > 0) cpus[cpus.length - 1]!.body += text.slice(start, lineNext);
      else if (summaries.length > 0) gap += text.slice(start, lineNext);
      else header += text.slice(start, lineNext);
    }
    start = lineNext;
  }
  if (summaries.length === 0) throw new LxcfsError('LXCFS_PARSE', 'host s390x cpuinfo has no processor line');
  return { layout: 's390x', vendor: text.slice(0, vendorEnd), header, summaries, gap, cpus };
}

/** Parse host /proc/cpuinfo. Throws LxcfsError LXCFS_PARSE when it names no CPU, or one CPU twice. */
export function parseHostCpuinfo(text: string): HostCpuinfo {
  const firstEnd = lineEnd(text, 0);
  const vendorEnd = firstEnd < text.length ? firstEnd + 1 : firstEnd;
  return text.slice(0, firstEnd).includes('IBM/S390') ? parseS390(text, vendorEnd) : parseBlocks(text);
}
