// The processes of a cgroup subtree, for the load-average sampler: cgroup.procs of the
// cgroup and of its descendants down to `depth` levels below it (lxcfs walks the cgroup
// plus 3 generations, spec §10.2). Containers create and remove cgroups all the time, so a
// descendant that vanishes mid-walk is skipped; only the cgroup itself must exist.
import { readdirSync } from 'node:fs';
import { isGone, LxcfsError } from '../errors.js';
import { parseUint } from '../parse/kernel-text.js';
import { cgroupDirs } from './cgroup-path.js';
import { completeLines, readCgroupFile, readOptionalCgroupFile } from './parse-kv.js';

/** Host pids, ascending and unique (v1 cgroup.procs may repeat a pid). */
export function cgroupProcs(root: string, path: string, depth: number): number[] {
  const top = cgroupDirs(root, path)[0] as string; // cgroupDirs always yields the cgroup itself first
  const pids = new Set<number>();
  addPids(pids, readCgroupFile(`${top}/cgroup.procs`, 'scan'));
  let level = [top];
  for (let d = 0; d < depth && level.length > 0; d++) {
    const next: string[] = [];
    for (const dir of level) {
      for (const child of childDirs(dir)) {
        const text = readOptionalCgroupFile(`${child}/cgroup.procs`, 'scan');
        if (text === undefined) continue; // removed since readdir
        addPids(pids, text);
        next.push(child);
      }
    }
    level = next;
  }
  return [...pids].sort((a, b) => a - b);
}

function addPids(pids: Set<number>, text: string): void {
  for (const line of completeLines(text)) {
    const pid = parseUint(line);
    if (pid !== null && pid > 0) pids.add(pid);
  }
}

/** Sub-cgroups of `dir`; [] when `dir` itself went away meanwhile. */
function childDirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => `${dir}/${e.name}`);
  } catch (err) {
    if (isGone(err)) return [];
    throw new LxcfsError('LXCFS_CGROUP_UNREADABLE', dir, { cause: err });
  }
}
