// Pure parser for /proc/<pid>/stat's starttime (field 22, clock ticks after boot). With the
// pid it identifies a process across pid reuse, which is how cached inits are validated.
// comm (field 2) may hold spaces and parentheses, so fields are counted after the LAST ')'.
import { digitsEnd, parseUint } from '../parse/kernel-text.js';

const STARTTIME_FIELD = 22;
/** Fields after comm start at field 3 (state). */
const FIRST_FIELD_AFTER_COMM = 3;

/** starttime of a stat line, or null for truncated or malformed text. */
export function startTimeOf(statText: string): number | null {
  const close = statText.lastIndexOf(')');
  if (close < 0) return null;
  // Walk single-space separators to the start of field 22 without splitting the line.
  let at = close + 1;
  for (let field = FIRST_FIELD_AFTER_COMM; field <= STARTTIME_FIELD; field++) {
    if (statText.charCodeAt(at) !== 32) return null;
    at++;
    if (field === STARTTIME_FIELD) break;
    const next = statText.indexOf(' ', at);
    if (next <= at) return null; // missing or empty field: the line is not what the kernel writes
    at = next;
  }
  const end = digitsEnd(statText, at);
  // Field 22 is never last (stat has 52 fields); digits running into end-of-text mean a cut read.
  if (end >= statText.length) return null;
  const sep = statText.charCodeAt(end);
  if (sep !== 32 && sep !== 10) return null;
  return parseUint(statText, at, end); // null for an empty field
}
