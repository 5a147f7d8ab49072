// Pure parsers for the few /proc/<pid>/status lines the caller resolver needs (Tgid, PPid,
// NSpid). They look a line up with indexOf instead of splitting the whole file: status is
// ~1.5 KiB and read on every cache miss. A line counts only when it ends in '\n' — the
// kernel always terminates lines, so an unterminated one is a truncated read, not a value.

/** Text after `Key:` on its own line, tabs/spaces trimmed; null when absent or unterminated. */
function lineValue(text: string, key: string): string | null {
  // The kernel escapes '\n' inside Name:, so "\nKey:" can only match a real line start.
  let at: number;
  if (text.startsWith(key)) at = 0;
  else {
    const hit = text.indexOf('\n' + key);
    if (hit < 0) return null;
    at = hit + 1;
  }
  const end = text.indexOf('\n', at);
  if (end < 0) return null;
  return text.slice(at + key.length, end).trim();
}

/** A non-negative decimal integer, or null (no sign, no exponent, no blanks). */
function toInt(s: string): number | null {
  if (s.length === 0 || s.length > 15) return null;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return null;
  }
  return Number(s);
}

/** `Tgid:` — the thread-group (process) id of a tid, in the procfs mount's pid namespace. */
export function parseTgid(statusText: string): number | null {
  const v = lineValue(statusText, 'Tgid:');
  return v === null ? null : toInt(v);
}

/** `PPid:` — 0 when the parent is not visible from the procfs mount's pid namespace. */
export function parsePpid(statusText: string): number | null {
  const v = lineValue(statusText, 'PPid:');
  return v === null ? null : toInt(v);
}

/**
 * `NSpid:` — the id in every pid namespace the task belongs to, outermost (the procfs mount's)
 * first, innermost last. Its length is the task's pid-namespace depth seen from that mount.
 * Null when missing (kernels before 4.1) or malformed.
 */
export function parseNsPid(statusText: string): number[] | null {
  const v = lineValue(statusText, 'NSpid:');
  if (v === null || v.length === 0) return null;
  const ids: number[] = [];
  for (const field of v.split(/[\t ]+/)) {
    const n = toInt(field);
    if (n === null) return null;
    ids.push(n);
  }
  return ids;
}
