// Parsing and reading of cgroup value files: "key value" tables (memory.stat, cpu.stat)
// and single-value files (memory.current, memory.max, memory.limit_in_bytes). Keys match
// exactly — lxcfs's prefix matching made AnonHugePages (v1) and Mapped (v2) always 0 —
// and a value that is not a decimal integer is skipped, never guessed. I/O failures
// become LXCFS_CGROUP_UNREADABLE, unparsable required values LXCFS_PARSE. Also the small
// I/O helpers every reader shares (complete lines, "does this cgroup still exist").
import { statSync } from 'node:fs';
import { LxcfsError } from '../errors.js';
import { readKernelFile, readKernelFileIfExists, type FileShape } from '../io/kernel-files.js';
import { parseBigInt } from '../parse/kernel-text.js';

/**
 * "key value" lines → Map, exact keys. Lines without a single separating space, with a
 * non-decimal value or with an empty key are skipped (a truncated last line included).
 * With `wanted`, other keys are skipped before any BigInt is made.
 */
export function parseKv(text: string, wanted?: ReadonlySet<string>): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const line of text.split('\n')) {
    const sp = line.indexOf(' ');
    if (sp <= 0) continue;
    const key = line.slice(0, sp);
    if (wanted !== undefined && !wanted.has(key)) continue;
    const value = parseBigInt(line, sp + 1, contentEnd(line));
    if (value !== null && !out.has(key)) out.set(key, value);
  }
  return out;
}

// Tolerates a CRLF fixture or a trailing blank, nothing else: the kernel writes neither.
function contentEnd(line: string): number {
  const last = line.charCodeAt(line.length - 1);
  return last === 13 || last === 32 ? line.trimEnd().length : line.length;
}

/**
 * The text of a cgroup file; any failure (ENOENT when a cgroup vanished) is UNREADABLE.
 * Every cgroup file the readers use is written by the kernel in one go ('single'), but
 * the many cgroup.procs of a scan are read as 'scan'.
 */
export function readCgroupFile(file: string, shape: FileShape = 'single'): string {
  try {
    return readKernelFile(file, shape);
  } catch (err) {
    throw new LxcfsError('LXCFS_CGROUP_UNREADABLE', file, { cause: err });
  }
}

/**
 * Like readCgroupFile, but undefined when the file does not exist (ENOENT, or ENOTDIR for
 * a parent that is a file): optional inputs (swap accounting files, the root's missing
 * memory.max, a cgroup2 root's cgroup.controllers) are probed by reading them.
 */
export function readOptionalCgroupFile(file: string, shape: FileShape = 'single'): string | undefined {
  try {
    return readKernelFileIfExists(file, shape);
  } catch (err) {
    throw new LxcfsError('LXCFS_CGROUP_UNREADABLE', file, { cause: err });
  }
}

/** A single-integer file's value (trailing newline allowed). */
export function parseBigintValue(text: string, file: string): bigint {
  const value = parseBigInt(text.trim());
  if (value === null) throw new LxcfsError('LXCFS_PARSE', `${file}: ${JSON.stringify(text.slice(0, 40))}`);
  return value;
}

/** A limit file's value: the word `max` (v2's "no limit") is null. */
export function parseLimitValue(text: string, file: string): bigint | null {
  return text.trim() === 'max' ? null : parseBigintValue(text, file);
}

export function readBigint(file: string): bigint {
  return parseBigintValue(readCgroupFile(file), file);
}

export function readKv(file: string, wanted?: ReadonlySet<string>): Map<string, bigint> {
  return parseKv(readCgroupFile(file), wanted);
}

/**
 * The complete lines of a cgroup file: the text after the last '\n' is dropped, because the
 * kernel ends every line with one, so an unterminated tail is a cut read whose last number
 * may be short — better absent than wrong.
 */
export function completeLines(text: string): string[] {
  const lines = text.split('\n');
  lines.pop(); // '' after a final '\n', else the cut tail
  return lines;
}

/**
 * Throws LXCFS_CGROUP_UNREADABLE unless `dir` exists. For readers that skip levels whose
 * optional files are absent: a vanished cgroup must fail, not borrow its parent's values.
 */
export function requireCgroupDir(dir: string): void {
  try {
    if (statSync(dir).isDirectory()) return;
  } catch (err) {
    throw new LxcfsError('LXCFS_CGROUP_UNREADABLE', dir, { cause: err });
  }
  throw new LxcfsError('LXCFS_CGROUP_UNREADABLE', `${dir}: not a directory`);
}
