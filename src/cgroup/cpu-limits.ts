// The two hierarchical CPU walks both cgroup versions share: the nearest non-empty cpuset
// (a cgroup whose cpuset is unset uses its parent's) and the smallest CFS quota ratio up
// the cpu hierarchy (a child's quota does not reflect its parent's, and Kubernetes puts the
// quota on the pod while the container's cgroup has none). Version-specific file reading is
// passed in; dirs come from cgroupDirs(), the cgroup itself first, the hierarchy root last.
import { LxcfsError } from '../errors.js';
import { parseCpuList } from '../parse/cpu-list.js';
import { requireCgroupDir } from './parse-kv.js';

/**
 * CPU ids of the nearest level whose cpuset text is non-blank. readAt yields undefined
 * where a level has no cpuset file (v2 without the controller there). No CPUs anywhere up
 * to the root is not a state the kernel produces: LXCFS_PARSE, so the file falls back.
 */
export function nearestCpuList(dirs: readonly string[], file: string, readAt: (dir: string) => string | undefined): number[] {
  for (const [i, dir] of dirs.entries()) {
    const text = readAt(dir);
    if (text === undefined && i === 0) requireCgroupDir(dir);
    if (text === undefined || text.trim() === '') continue;
    const cpus = parseCpuList(text);
    if (cpus === null) throw new LxcfsError('LXCFS_PARSE', `${dir}/${file}: ${JSON.stringify(text.slice(0, 40))}`);
    return cpus;
  }
  throw new LxcfsError('LXCFS_PARSE', `${file}: empty up to the root from ${dirs[0] ?? '?'}`);
}

/**
 * One level's quota in CPUs: a ratio > 0, null when the level has no quota (v1 -1, v2
 * `max`), undefined when it has no quota file at all (v2 without the cpu controller there).
 */
export type QuotaAt = (dir: string) => number | null | undefined;

/**
 * min over the cgroup and its ancestors of the quota ratio, the hierarchy root excluded
 * unless the cgroup is the root (lxcfs 7.0: the root's quota is the host's, never a
 * container's). null when no level has a quota.
 */
export function minQuota(dirs: readonly string[], quotaAt: QuotaAt): number | null {
  const levels = dirs.length > 1 ? dirs.slice(0, -1) : dirs;
  let min: number | null = null;
  for (const [i, dir] of levels.entries()) {
    const ratio = quotaAt(dir);
    if (ratio === undefined && i === 0) requireCgroupDir(dir);
    if (ratio !== undefined && ratio !== null && (min === null || ratio < min)) min = ratio;
  }
  return min;
}

/**
 * quota/period as CPUs. A quota ≤ 0 is no quota (v1 writes -1; lxcfs treats ≤ 0 so, and a
 * zero-CPU container would render empty files); the period is read only when needed. A
 * period ≤ 0 cannot come from the kernel.
 */
export function quotaRatio(quota: bigint, period: () => bigint, where: string): number | null {
  if (quota <= 0n) return null;
  const p = period();
  if (p <= 0n) throw new LxcfsError('LXCFS_PARSE', `${where}: period ${p}`);
  return Number(quota) / Number(p);
}
