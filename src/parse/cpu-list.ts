// The kernel's CPU list format ("0-3,8,10-11", cpuset.cpus, devices/system/cpu/online):
// parsed into ascending unique ids and formatted back. Strict: any malformed item makes
// the whole list invalid (null) rather than a guess.
import { parseUint } from './kernel-text.js';

/** No machine has more; a larger id means corrupt input, not a bigger host. */
export const MAX_CPU_ID = 65535;

export function parseCpuList(text: string): number[] | null {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  const ids = new Set<number>();
  for (const item of trimmed.split(',')) {
    const dash = item.indexOf('-');
    const first = parseUint(item, 0, dash === -1 ? item.length : dash);
    const last = dash === -1 ? first : parseUint(item, dash + 1);
    if (first === null || last === null || last < first || last > MAX_CPU_ID) return null;
    for (let id = first; id <= last; id++) ids.add(id);
  }
  return [...ids].sort((a, b) => a - b);
}

/** Ascending ids as the kernel prints them: runs of two or more become "a-b". */
export function formatCpuList(ids: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < ids.length; ) {
    let j = i;
    while (j + 1 < ids.length && ids[j + 1] === ids[j]! + 1) j++;
    parts.push(j === i ? String(ids[i]) : `${ids[i]}-${ids[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
