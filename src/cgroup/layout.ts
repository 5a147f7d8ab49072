// Which cgroup layout the host uses (v1, hybrid, v2) and where each controller's hierarchy
// lives. Detection looks only at directory contents under cgroupRoot — no statfs, no
// mountinfo — so fixture trees work exactly like /sys/fs/cgroup. Detected once at start;
// hierarchies do not move while the daemon runs.
import { type Dirent, existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LxcfsError } from '../errors.js';
import { readOptionalCgroupFile } from './parse-kv.js';
import type { CgroupLayout, Controller, Hierarchy } from './types.js';

export interface CgroupLayoutInfo {
  readonly kind: CgroupLayout;
  readonly cgroupRoot: string;
  hierarchyOf(c: Controller): Hierarchy | null;
}

/** Every controller a virtual file consults. */
export const CONTROLLERS: readonly Controller[] = Object.freeze(['memory', 'cpu', 'cpuacct', 'cpuset', 'blkio', 'io']);

/** v1-only names: the kernel calls them io and (part of) cpu on v2; lxcfs never translates. */
const NEVER_V2: ReadonlySet<Controller> = new Set<Controller>(['cpuacct', 'blkio']);

/** v2-only name: v1 calls the block controller blkio, so a v1 directory named `io` is not one. */
const NEVER_V1: ReadonlySet<Controller> = new Set<Controller>(['io']);

export function detectLayout(cgroupRoot: string): CgroupLayoutInfo {
  const unified = readControllers(join(cgroupRoot, 'cgroup.controllers'));
  if (unified !== null) return v2Layout(cgroupRoot, unified);
  const hierarchies = v1Hierarchies(cgroupRoot);
  const hybridRoot = join(cgroupRoot, 'unified');
  const hybrid = readControllers(join(hybridRoot, 'cgroup.controllers'));
  if (hybrid !== null) {
    const unifiedHierarchy: Hierarchy = Object.freeze({ version: 2, root: hybridRoot });
    for (const c of CONTROLLERS) {
      if (!hierarchies.has(c) && !NEVER_V2.has(c) && hybrid.has(c)) hierarchies.set(c, unifiedHierarchy);
    }
  }
  return makeInfo(hybrid === null ? 'v1' : 'hybrid', cgroupRoot, hierarchies);
}

function v2Layout(cgroupRoot: string, controllers: ReadonlySet<string>): CgroupLayoutInfo {
  const hierarchy: Hierarchy = Object.freeze({ version: 2, root: cgroupRoot });
  const hierarchies = new Map<Controller, Hierarchy>();
  for (const c of CONTROLLERS) {
    if (!NEVER_V2.has(c) && controllers.has(c)) hierarchies.set(c, hierarchy);
  }
  return makeInfo('v2', cgroupRoot, hierarchies);
}

function makeInfo(
  kind: CgroupLayout,
  cgroupRoot: string,
  hierarchies: ReadonlyMap<Controller, Hierarchy>,
): CgroupLayoutInfo {
  return Object.freeze({
    kind,
    cgroupRoot,
    hierarchyOf: (c: Controller): Hierarchy | null => hierarchies.get(c) ?? null,
  });
}

/** Words of a cgroup.controllers file, or null when there is none (not a cgroup2 root). */
function readControllers(file: string): ReadonlySet<string> | null {
  const text = readOptionalCgroupFile(file, 'scan'); // once, at start-up
  return text === undefined ? null : new Set(text.split(/\s+/).filter((w) => w !== ''));
}

/**
 * controller → its v1 hierarchy: a directory (or symlink to one, as systemd makes `cpu` →
 * `cpu,cpuacct`) whose name, split on ',', holds the controller and which has cgroup.procs.
 * Real directories win over symlinks, so the reported root is the canonical mount.
 */
function v1Hierarchies(cgroupRoot: string): Map<Controller, Hierarchy> {
  const hierarchies = new Map<Controller, Hierarchy>();
  const fromSymlink = new Set<Controller>();
  for (const entry of listRoot(cgroupRoot)) {
    const names = entry.name.split(',');
    const controllers = CONTROLLERS.filter((c) => !NEVER_V1.has(c) && names.includes(c));
    if (controllers.length === 0) continue;
    const dir = join(cgroupRoot, entry.name);
    const symlink = entry.isSymbolicLink();
    if (!(entry.isDirectory() || (symlink && isDirectory(dir)))) continue;
    if (!existsSync(join(dir, 'cgroup.procs'))) continue;
    const hierarchy: Hierarchy = Object.freeze({ version: 1, root: dir });
    for (const c of controllers) {
      if (hierarchies.has(c) && (symlink || !fromSymlink.has(c))) continue;
      hierarchies.set(c, hierarchy);
      if (symlink) fromSymlink.add(c);
      else fromSymlink.delete(c);
    }
  }
  return hierarchies;
}

function listRoot(cgroupRoot: string): Dirent[] {
  try {
    // sorted, so that which of two equivalent entries wins does not depend on readdir order
    return readdirSync(cgroupRoot, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  } catch (err) {
    throw new LxcfsError('LXCFS_CGROUP_UNREADABLE', cgroupRoot, { cause: err });
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false; // dangling symlink
  }
}
