// cgroup v2 io.stat → IoDeviceStats: "MAJ:MIN rbytes=… wbytes=… rios=… wios=… dbytes=…
// dios=…" per device, hierarchical. Other keys (io.cost's cost.*, iolatency's use_delay…)
// are ignored; v2 has no merge or time counters, so those stay 0.
import { parseBigUint } from '../parse/kernel-text.js';
import { cgroupDirs } from './cgroup-path.js';
import { activeSorted, deviceKey, type IoCounters, ioDevice, parseDevice } from './io-stats.js';
import { completeLines, readCgroupFile } from './parse-kv.js';
import type { IoDeviceStats } from './types.js';

const KEYS: ReadonlyMap<string, keyof IoCounters> = new Map([
  ['rbytes', 'readBytes'], ['wbytes', 'writeBytes'], ['rios', 'reads'],
  ['wios', 'writes'], ['dbytes', 'discardBytes'], ['dios', 'discards'],
] as const);

export function ioV2(root: string, path: string): IoDeviceStats[] {
  return parseIoStat(readCgroupFile(`${cgroupDirs(root, path)[0] as string}/io.stat`));
}

/** A line we cannot read (bad device, a known key with a non-decimal value) is left out. */
export function parseIoStat(text: string): IoDeviceStats[] {
  const seen = new Set<string>();
  const devices: IoDeviceStats[] = [];
  for (const line of completeLines(text)) {
    const words = line.split(' ');
    const device = parseDevice(words[0] as string);
    const counters = device === null ? null : parsePairs(words.slice(1));
    if (device === null || counters === null || seen.has(deviceKey(device))) continue;
    seen.add(deviceKey(device));
    devices.push(ioDevice(device, counters));
  }
  return activeSorted(devices);
}

function parsePairs(pairs: readonly string[]): Partial<IoCounters> | null {
  const counters: Partial<IoCounters> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const field = eq > 0 ? KEYS.get(pair.slice(0, eq)) : undefined;
    if (field === undefined) continue;
    const value = parseBigUint(pair, eq + 1);
    if (value === null) return null;
    counters[field] = value;
  }
  return counters;
}
