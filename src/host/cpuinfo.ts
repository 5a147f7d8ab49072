// Parses the host's /proc/cpuinfo into per-CPU blocks, so that a renderer can keep, drop and
// renumber CPUs without touching any other byte. Two layouts: 'blocks' (x86, arm, ppc, riscv,
// mips…: one `processor : N` block per CPU, machine-wide lines after the last one) and
// 's390x' (a summary with one `processor N: …` line per CPU, then `cpu number : N` blocks).
// Lossless: every byte of the host text lands in exactly one field (s390x: but `# processors`).
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

interface IdLine {
  readonly head: string;
  readonly cpu: number;
  readonly rest: string;
}

const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t';

function skipBlanks(line: string, i: number): number {
  while (isBlank(line[i])) i++;
  return i;
}

/**
 * `<label><blanks>:<blanks><N>` with only blanks after N (x86 'processor\t: 3', mips
 * 'processor\t\t: 3', s390x 'cpu number      : 3'); null for anything else.
 */
function labelledId(line: string, label: string): IdLine | null {
  if (!line.startsWith(label)) return null;
  let i = skipBlanks(line, label.length);
  if (line[i] !== ':') return null;
  i = skipBlanks(line, i + 1);
  const end = digitsEnd(line, i);
  const cpu = parseUint(line, i, end);
  if (cpu === null || skipBlanks(line, end) !== line.length) return null;
  return { head: line.slice(0, i), cpu, rest: line.slice(end) };
}

/** s390x summary line `processor<blanks><N>:<anything>`; rest starts at the ':'. */
function summaryLine(line: string): IdLine | null {
  if (!line.startsWith('processor') || !isBlank(line[9])) return null;
  const i = skipBlanks(line, 9);
  const end = digitsEnd(line, i);
  const cpu = parseUint(line, i, end);
  if (cpu === null || line[end] !== ':') return null;
  return { head: line.slice(0, i), cpu, rest: line.slice(end) };
}

/** The text's lines, each with its '\n' (the last one may lack it). */
function linesOf(text: string): string[] {
  return text === '' ? [] : text.split(/(?<=\n)/);
}

const content = (line: string): string => (line.endsWith('\n') ? line.slice(0, -1) : line);

/** A block under construction: its id line and the lines that follow it. */
interface Open {
  readonly id: IdLine;
  readonly newline: string;
  readonly lines: string[];
}

const close = (b: Open): CpuinfoBlock =>
  ({ cpu: b.id.cpu, head: b.id.head, body: b.id.rest + b.newline + b.lines.join('') });

function openBlock(id: IdLine, line: string): Open {
  return { id, newline: line.endsWith('\n') ? '\n' : '', lines: [] };
}

function parseBlocks(lines: readonly string[]): BlockCpuinfo {
  let preamble = '';
  const open: Open[] = [];
  for (const line of lines) {
    const id = labelledId(content(line), 'processor');
    if (id !== null) open.push(openBlock(id, line));
    else if (open.length === 0) preamble += line;
    else open[open.length - 1]!.lines.push(line);
  }
  const last = open[open.length - 1];
  if (last === undefined) throw new LxcfsError('LXCFS_PARSE', 'host cpuinfo has no processor line');
  // The last block ends at its blank separator; what follows describes the whole machine.
  let trailer = '';
  const blank = last.lines.findIndex((l) => content(l) === '');
  if (blank !== -1) trailer = last.lines.splice(blank + 1).join('');
  return { layout: 'blocks', preamble, cpus: open.map(close), trailer };
}

function parseS390(lines: readonly string[]): S390Cpuinfo {
  let header = '';
  let gap = '';
  const summaries: CpuinfoBlock[] = [];
  const open: Open[] = [];
  for (const line of lines.slice(1)) {
    const text = content(line);
    // lxcfs drops every '# processors' line (it prints its own count).
    if (text.startsWith('# processors')) continue;
    const summary = summaryLine(text);
    const id = summary === null ? labelledId(text, 'cpu number') : null;
    if (summary !== null) summaries.push(close(openBlock(summary, line)));
    else if (id !== null) open.push(openBlock(id, line));
    else if (open.length > 0) open[open.length - 1]!.lines.push(line);
    else if (summaries.length > 0) gap += line;
    else header += line;
  }
  if (summaries.length === 0) throw new LxcfsError('LXCFS_PARSE', 'host s390x cpuinfo has no processor line');
  return { layout: 's390x', vendor: lines[0]!, header, summaries, gap, cpus: open.map(close) };
}

/** Parse host /proc/cpuinfo. Throws LxcfsError LXCFS_PARSE when it names no CPU. */
export function parseHostCpuinfo(text: string): HostCpuinfo {
  const lines = linesOf(text);
  return lines[0]?.includes('IBM/S390') === true ? parseS390(lines) : parseBlocks(lines);
}
