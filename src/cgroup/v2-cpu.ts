// cgroup v2 cpuset and cpu files → the CPU parts of a snapshot. v2 names the cpuset a
// cgroup actually gets cpuset.cpus.effective — what it can run on; cpuset.cpus is only what
// was asked for (often empty), which a parent's narrower cpuset restricts — so effective is
// read first. A cgroup without the controller enabled has neither file and uses its parent's.
// cpu.stat is a core file (present without the cpu controller), in microseconds.
import { LxcfsError } from '../errors.js';
import { parseBigUint } from '../parse/kernel-text.js';
import { cgroupDirs, nonNegative } from './cgroup-path.js';
import { minQuota, nearestCpuList, quotaRatio } from './cpu-limits.js';
import { parseKv, readCgroupFile, readOptionalCgroupFile } from './parse-kv.js';
import type { CpuUsage } from './types.js';

/**
 * cpuset.cpus.effective, else cpuset.cpus (a blank or missing effective list), else the same
 * at the nearest ancestor (the root has only .effective).
 */
export function cpusV2(root: string, path: string): number[] {
  return nearestCpuList(cgroupDirs(root, path), 'cpuset.cpus(.effective)', (d) => {
    const effective = readOptionalCgroupFile(`${d}/cpuset.cpus.effective`);
    if (effective !== undefined && effective.trim() !== '') return effective;
    return readOptionalCgroupFile(`${d}/cpuset.cpus`) ?? effective;
  });
}

/** cpu.max ratio, min over the cgroup and its non-root ancestors (the root has no cpu.max). */
export function quotaV2(root: string, path: string): number | null {
  return minQuota(cgroupDirs(root, path), (d) => {
    const file = `${d}/cpu.max`;
    const text = readOptionalCgroupFile(file); // absent where the cpu controller is not enabled
    return text === undefined ? undefined : parseCpuMax(text, file);
  });
}

/** "max 100000" → null; "50000 100000" → 0.5. */
export function parseCpuMax(text: string, file: string): number | null {
  const f = text.trim().split(' ');
  const period = f.length === 2 ? parseBigUint(f[1] as string) : null;
  const quota = f[0] === 'max' ? null : parseBigUint(f[0] as string);
  if (period === null || (quota === null && f[0] !== 'max')) {
    throw new LxcfsError('LXCFS_PARSE', `${file}: ${JSON.stringify(text.slice(0, 40))}`);
  }
  return quota === null ? null : quotaRatio(quota, () => period, file);
}

const USAGE_KEYS: ReadonlySet<string> = new Set(['user_usec', 'system_usec']);

/**
 * cpu.stat user_usec/system_usec in ns; v2 has no per-CPU accounting. A text without its
 * final '\n' is a cut read whose last number may be short: refused, as usage must not shrink.
 */
export function usageV2(root: string, path: string): CpuUsage {
  const file = `${cgroupDirs(root, path)[0] as string}/cpu.stat`;
  const text = readCgroupFile(file);
  if (!text.endsWith('\n')) throw new LxcfsError('LXCFS_PARSE', `${file}: truncated`);
  const kv = parseKv(text, USAGE_KEYS);
  const user = kv.get('user_usec');
  const system = kv.get('system_usec');
  if (user === undefined || system === undefined) {
    throw new LxcfsError('LXCFS_PARSE', `${file}: no user_usec/system_usec`);
  }
  return { perCpu: null, total: { user: nonNegative(user) * 1000n, system: nonNegative(system) * 1000n } };
}
