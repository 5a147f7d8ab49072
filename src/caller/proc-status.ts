// Pure parsers for the few /proc/<pid>/status lines the caller resolver needs (Tgid, PPid,
// NSpid). They look a line up with indexOf instead of splitting the whole file: status is
// ~1.5 KiB and read on every cache miss. A line counts only when it ends in '\n' — the
// kernel always terminates lines, so an unterminated one is a truncated read, not a value.
import { lineValue, parseUint } from '../parse/kernel-text.js';

/** Text after `key` on its own terminated line, blanks trimmed; null when absent or cut. */
function statusValue(text: string, key: string): string | null {
  const v = lineValue(text, key, 'newline');
  return v === null ? null : v.trim();
}

/** A one-number line's value: no sign, no exponent, no blanks inside. */
function statusUint(text: string, key: string): number | null {
  const v = statusValue(text, key);
  return v === null ? null : parseUint(v);
}

/** `Tgid:` — the thread-group (process) id of a tid, in the procfs mount's pid namespace. */
export function parseTgid(statusText: string): number | null {
  return statusUint(statusText, 'Tgid:');
}

/** `PPid:` — 0 when the parent is not visible from the procfs mount's pid namespace. */
export function parsePpid(statusText: string): number | null {
  return statusUint(statusText, 'PPid:');
}

/**
 * `NSpid:` — the id in every pid namespace the task belongs to, outermost (the procfs mount's)
 * first, innermost last. Its length is the task's pid-namespace depth seen from that mount.
 * Null when missing (kernels before 4.1) or malformed.
 */
export function parseNsPid(statusText: string): number[] | null {
  const v = statusValue(statusText, 'NSpid:');
  if (v === null || v.length === 0) return null;
  const ids: number[] = [];
  for (const field of v.split(/[\t ]+/)) {
    const n = parseUint(field);
    if (n === null) return null;
    ids.push(n);
  }
  return ids;
}
