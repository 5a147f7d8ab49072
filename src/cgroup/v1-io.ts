// cgroup v1 blkio → IoDeviceStats. Kernels with CFQ (< 5.0, or 4.x single-queue devices)
// write blkio.io_*_recursive with ops, bytes, merges and times — what lxcfs reads. blk-mq
// kernels (every kernel ≥ 5.0, this machine included) have only blkio.throttle.*: ops and
// bytes, merges and times 0. (On 6.x those count only I/O on devices that have a throttle
// rule in the cgroup, so they are often empty.) Both are "MAJ:MIN Op value" tables with
// Read/Write/Sync/Async/Discard/Total per device and a final device-less "Total N" line.
import { parseBigUint } from '../parse/kernel-text.js';
import { cgroupDirs } from './cgroup-path.js';
import { activeSorted, type Device, deviceKey, ioDevice, parseDevice } from './io-stats.js';
import { completeLines, readCgroupFile, readOptionalCgroupFile } from './parse-kv.js';
import type { IoDeviceStats } from './types.js';

export type Op = 'Read' | 'Write' | 'Discard' | 'Total';
const OPS: ReadonlySet<string> = new Set<Op>(['Read', 'Write', 'Discard', 'Total']);

export interface Rwstat {
  readonly devices: ReadonlyMap<string, Device>;
  /** The value of "MAJ:MIN Op" (first matching line, as lxcfs), 0 when absent. */
  value(device: string, op: Op): bigint;
}

export function ioV1(root: string, path: string): IoDeviceStats[] {
  const dir = cgroupDirs(root, path)[0] as string; // cgroupDirs always yields the cgroup itself first
  const cfq = readOptionalCgroupFile(`${dir}/blkio.io_serviced_recursive`);
  return activeSorted(cfq === undefined ? throttleDevices(dir) : cfqDevices(dir, parseRwstat(cfq)));
}

function throttleDevices(dir: string): IoDeviceStats[] {
  const ops = readRwstat(`${dir}/blkio.throttle.io_serviced_recursive`);
  const bytes = readRwstat(`${dir}/blkio.throttle.io_service_bytes_recursive`);
  return [...unionDevices(ops, bytes)].map(([key, d]) => ioDevice(d, {
    reads: ops.value(key, 'Read'), writes: ops.value(key, 'Write'), discards: ops.value(key, 'Discard'),
    readBytes: bytes.value(key, 'Read'), writeBytes: bytes.value(key, 'Write'), discardBytes: bytes.value(key, 'Discard'),
  }));
}

/** Spec §11.1's table. Times are ns; each file's value is truncated to ms before adding, as lxcfs does. */
function cfqDevices(dir: string, ops: Rwstat): IoDeviceStats[] {
  const merged = readRwstat(`${dir}/blkio.io_merged_recursive`);
  const bytes = readRwstat(`${dir}/blkio.io_service_bytes_recursive`);
  const service = readRwstat(`${dir}/blkio.io_service_time_recursive`);
  const wait = readRwstat(`${dir}/blkio.io_wait_time_recursive`);
  const ms = (key: string, op: Op): bigint => service.value(key, op) / 1_000_000n + wait.value(key, op) / 1_000_000n;
  return [...unionDevices(ops, merged, bytes, service, wait)].map(([key, d]) => ioDevice(d, {
    reads: ops.value(key, 'Read'), readsMerged: merged.value(key, 'Read'),
    readBytes: bytes.value(key, 'Read'), readTimeMs: ms(key, 'Read'),
    writes: ops.value(key, 'Write'), writesMerged: merged.value(key, 'Write'),
    writeBytes: bytes.value(key, 'Write'), writeTimeMs: ms(key, 'Write'),
    discards: ops.value(key, 'Discard'), discardsMerged: merged.value(key, 'Discard'),
    discardBytes: bytes.value(key, 'Discard'), discardTimeMs: ms(key, 'Discard'),
    ioTimeMs: service.value(key, 'Total') / 1_000_000n,
  }));
}

function readRwstat(file: string): Rwstat {
  return parseRwstat(readCgroupFile(file));
}

/**
 * "MAJ:MIN Op value" lines. Sync/Async (they split the same I/O differently), the
 * device-less "Total N" line and lines we cannot read are skipped, not fatal.
 */
export function parseRwstat(text: string): Rwstat {
  const devices = new Map<string, Device>();
  const values = new Map<string, bigint>();
  for (const line of completeLines(text)) {
    const f = line.split(' ');
    if (f.length !== 3 || !OPS.has(f[1] as string)) continue;
    const device = parseDevice(f[0] as string);
    const value = parseBigUint(f[2] as string);
    if (device === null || value === null) continue;
    const key = deviceKey(device);
    if (!devices.has(key)) devices.set(key, device);
    if (!values.has(`${key} ${f[1]}`)) values.set(`${key} ${f[1]}`, value);
  }
  return { devices, value: (device, op) => values.get(`${device} ${op}`) ?? 0n };
}

function unionDevices(...stats: Rwstat[]): Map<string, Device> {
  const all = new Map<string, Device>();
  for (const s of stats) for (const [key, d] of s.devices) if (!all.has(key)) all.set(key, d);
  return all;
}
