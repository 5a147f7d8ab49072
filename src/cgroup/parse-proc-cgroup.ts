// /proc/<pid>/cgroup → the cgroup path of each controller the layout knows, relative to
// that controller's hierarchy root (lxcfs semantics, spec §2.2). Malformed lines are
// ignored: the file is the kernel's, and a line we cannot read must not cost the others.
// A path outside the daemon's cgroup namespace ('/..') is an error, never a guess.
import { LxcfsError } from '../errors.js';
import { isDigits } from '../parse/kernel-text.js';
import { CONTROLLERS, type CgroupLayoutInfo } from './layout.js';
import type { Controller } from './types.js';

/** controller → path relative to its hierarchy root, with a trailing `/init.scope` pruned ("/init.scope" alone → "/"). */
export function cgroupPathsOf(procPidCgroupText: string, layout: CgroupLayoutInfo): Map<Controller, string> {
  const wanted = wantedControllers(layout);
  const paths = new Map<Controller, string>();
  for (const line of procPidCgroupText.split('\n')) {
    const first = line.indexOf(':');
    if (first <= 0) continue;
    const second = line.indexOf(':', first + 1);
    if (second < 0 || !isDigits(line, 0, first)) continue;
    const path = line.slice(second + 1); // everything after the second ':' — paths may hold ':' and ' '
    if (path.charCodeAt(0) !== 47 /* / */) continue;
    const list = first + 1 === second ? null : line.slice(first + 1, second).split(',');
    for (const [c, version] of wanted) {
      if (paths.has(c) || !lineServes(list, c, version)) continue;
      paths.set(c, checkedPath(path, c));
    }
  }
  return paths;
}

/** The controllers that have a hierarchy, with its version (1: own line, 2: the `0::` line). */
function wantedControllers(layout: CgroupLayoutInfo): Array<[Controller, 1 | 2]> {
  const wanted: Array<[Controller, 1 | 2]> = [];
  for (const c of CONTROLLERS) {
    const h = layout.hierarchyOf(c);
    if (h !== null) wanted.push([c, h.version]);
  }
  return wanted;
}

// v2's line has an empty controller list (null); a v1 line serves c when its comma list
// holds c exactly, so that `cpu` does not match `cpuacct`.
function lineServes(list: readonly string[] | null, c: Controller, version: 1 | 2): boolean {
  return version === 2 ? list === null : list !== null && list.includes(c);
}

function checkedPath(path: string, c: Controller): string {
  if (path === '/..' || path.startsWith('/../')) {
    throw new LxcfsError('LXCFS_CGROUP_OUTSIDE_NS', `${c} cgroup ${JSON.stringify(path)}`);
  }
  return pruneInitScope(path);
}

/** systemd's init.scope is skipped, as lxcfs does: a container init's limits live on its parent. */
function pruneInitScope(path: string): string {
  if (path === '/init.scope') return '/';
  return path.endsWith('/init.scope') ? path.slice(0, -'/init.scope'.length) : path;
}
