// Parses the host's /proc/meminfo: an exact-label map (label → number) plus the original
// lines, which renderers copy verbatim when they do not virtualise a label. Labels are
// matched exactly — lxcfs's first-matching-prefix parsing is what made AnonHugePages
// always 0 (quirk Q1). Allocation-light: one split, a character scan per line, no regex.
import { LxcfsError } from '../errors.js';
import { lineValue, parseBigUint } from '../parse/kernel-text.js';

export interface HostMeminfo {
  /** The host file's lines in host order, without their newlines. */
  readonly lines: readonly string[];
  /** Text before the first ':' of each line (parallel to `lines`; '' when there is none). */
  readonly labels: readonly string[];
  /**
   * label → value: kB for `Label:   123 kB` lines, a bare count for lines without a unit
   * (HugePages_Total). Lines whose value does not parse are absent (and still copied).
   * The first occurrence of a label wins.
   */
  readonly values: ReadonlyMap<string, bigint>;
  /** Host MemTotal in kB; parsing fails without it. */
  readonly memTotalKb: bigint;
}

/**
 * The value from `start` on (just after a label's colon): blanks, digits, then the end or
 * ` kB`. null when it is anything else (no sign, no other unit, nothing after ` kB`).
 */
function valueFrom(text: string, start: number): bigint | null {
  let i = start;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  return parseBigUint(text, i, text.endsWith(' kB') ? text.length - 3 : text.length);
}

/** Parse host /proc/meminfo text. Throws LxcfsError LXCFS_PARSE when MemTotal is missing. */
export function parseHostMeminfo(text: string): HostMeminfo {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const labels: string[] = new Array<string>(lines.length);
  const values = new Map<string, bigint>();
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    const colon = line.indexOf(':');
    if (colon === -1) {
      labels[n] = '';
      continue;
    }
    const label = line.slice(0, colon);
    labels[n] = label;
    if (values.has(label)) continue;
    const value = valueFrom(line, colon + 1);
    if (value !== null) values.set(label, value);
  }
  const memTotalKb = values.get('MemTotal');
  if (memTotalKb === undefined) throw new LxcfsError('LXCFS_PARSE', 'host meminfo has no MemTotal line');
  return { lines, labels, values, memTotalKb };
}

/**
 * The value of one exact label, without parsing the whole file (e.g. SwapTotal for
 * /proc/swaps). null when the label is absent or its value does not parse.
 */
export function findMeminfoValue(text: string, label: string): bigint | null {
  const value = lineValue(text, `${label}:`, 'newline-or-end');
  return value === null ? null : valueFrom(value, 0);
}
