// Parses the host's /proc/meminfo: an exact-label map (label → number) plus the original
// lines, which renderers copy verbatim when they do not virtualise a label. Labels are
// matched exactly — lxcfs's first-matching-prefix parsing is what made AnonHugePages
// always 0 (quirk Q1). Allocation-light: one split, a character scan per line, no regex.
import { LxcfsError } from '../errors.js';

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

const CODE_0 = 48;
const CODE_9 = 57;

/**
 * The number after the colon at `colon` in `line`: blanks, digits, then end of line or
 * ` kB`. null when the rest of the line is anything else.
 */
function valueAfter(line: string, colon: number): bigint | null {
  let i = colon + 1;
  while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
  const start = i;
  while (i < line.length) {
    const c = line.charCodeAt(i);
    if (c < CODE_0 || c > CODE_9) break;
    i++;
  }
  if (i === start) return null;
  if (i !== line.length && !(i + 3 === line.length && line.startsWith(' kB', i))) return null;
  return BigInt(line.slice(start, i));
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
    const value = valueAfter(line, colon);
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
  const key = `${label}:`;
  let start: number;
  if (text.startsWith(key)) {
    start = 0;
  } else {
    const at = text.indexOf(`\n${key}`);
    if (at === -1) return null;
    start = at + 1;
  }
  const end = text.indexOf('\n', start);
  const line = end === -1 ? text.slice(start) : text.slice(start, end);
  return valueAfter(line, key.length - 1);
}
