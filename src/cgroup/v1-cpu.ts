// cgroup v1 cpuset, cpu and cpuacct files → the CPU parts of a snapshot. Each function takes
// its own controller's hierarchy root and the caller's path there: on Kubernetes/containerd
// hosts cpu and cpuset sit at different paths (lxcfs 5.0 read the quota at the cpuset path,
// quirk Q8). cpuacct counters are hierarchical (they include descendants), in nanoseconds.
import { LxcfsError } from '../errors.js';
import { MAX_CPU_ID } from '../parse/cpu-list.js';
import { parseBigUint, parseUint } from '../parse/kernel-text.js';
import { cgroupDirs } from './cgroup-path.js';
import { minQuota, nearestCpuList, quotaRatio } from './cpu-limits.js';
import { parseBigintValue, readBigint, readCgroupFile, readOptionalCgroupFile } from './parse-kv.js';
import type { CpuTime, CpuUsage } from './types.js';

/** cpuset.cpus, else the nearest ancestor's: a v1 cpuset is created empty (and holds no task until set). */
export function cpusV1(root: string, path: string): number[] {
  return nearestCpuList(cgroupDirs(root, path), 'cpuset.cpus', (d) => readCgroupFile(`${d}/cpuset.cpus`));
}

/** cfs_quota_us / cfs_period_us, min over the cgroup and its non-root ancestors; -1 = none. */
export function quotaV1(root: string, path: string): number | null {
  return minQuota(cgroupDirs(root, path), (d) => {
    const file = `${d}/cpu.cfs_quota_us`;
    const text = readOptionalCgroupFile(file); // absent everywhere without CONFIG_CFS_BANDWIDTH
    if (text === undefined) return undefined;
    return quotaRatio(parseBigintValue(text, file), () => readBigint(`${d}/cpu.cfs_period_us`), file);
  });
}

/** cpuacct.usage_all; kernels before it (< 4.11) only have cpuacct.usage_percpu. */
export function usageV1(root: string, path: string): CpuUsage {
  const dir = cgroupDirs(root, path)[0] as string; // cgroupDirs always yields the cgroup itself first
  const allFile = `${dir}/cpuacct.usage_all`;
  const all = readOptionalCgroupFile(allFile);
  const perCpu = all !== undefined
    ? parseUsageAll(all, allFile)
    : parseUsagePercpu(readCgroupFile(`${dir}/cpuacct.usage_percpu`), `${dir}/cpuacct.usage_percpu`);
  return { perCpu, total: sumTimes(perCpu) };
}

const NO_TIME: CpuTime = Object.freeze({ user: 0n, system: 0n });

/** "cpu user system" then "<id> <user_ns> <system_ns>" per possible CPU → times indexed by id. */
export function parseUsageAll(text: string, file: string): CpuTime[] {
  const lines = wholeLines(text, file);
  if (lines[0] !== 'cpu user system') throw parseError(file, lines[0] ?? '');
  const perCpu: CpuTime[] = [];
  for (const line of lines.slice(1)) {
    const f = line.split(' ');
    const id = f.length === 3 ? parseUint(f[0] as string) : null;
    const user = parseBigUint(f[1] ?? '');
    const system = parseBigUint(f[2] ?? '');
    if (id === null || id > MAX_CPU_ID || user === null || system === null) throw parseError(file, line);
    while (perCpu.length < id) perCpu.push(NO_TIME); // ids are dense in practice; a gap stays 0
    perCpu[id] = { user, system };
  }
  return perCpu;
}

/**
 * Space-separated per-CPU totals. lxcfs quirk Q7, kept for byte-compatibility with lxcfs:
 * the file does not split user from system, so each CPU's total is reported as user AND as
 * system (the CPU time is counted twice). Only kernels without usage_all get here.
 */
export function parseUsagePercpu(text: string, file: string): CpuTime[] {
  const perCpu: CpuTime[] = [];
  for (const word of (wholeLines(text, file)[0] ?? '').split(' ')) {
    if (word === '') continue; // the kernel ends the list with ' '
    const total = parseBigUint(word);
    if (total === null) throw parseError(file, word);
    perCpu.push({ user: total, system: total });
  }
  return perCpu;
}

/**
 * Non-empty lines of a per-CPU usage file, which must end with '\n': a cut read would drop
 * or shorten the last CPUs' counters, making usage go backwards — refuse it instead.
 */
function wholeLines(text: string, file: string): string[] {
  if (!text.endsWith('\n')) throw new LxcfsError('LXCFS_PARSE', `${file}: truncated`);
  return text.split('\n').filter((l) => l !== '');
}

function sumTimes(times: readonly CpuTime[]): CpuTime {
  let user = 0n;
  let system = 0n;
  for (const t of times) {
    user += t.user;
    system += t.system;
  }
  return { user, system };
}

function parseError(file: string, line: string): LxcfsError {
  return new LxcfsError('LXCFS_PARSE', `${file}: ${JSON.stringify(line.slice(0, 60))}`);
}
