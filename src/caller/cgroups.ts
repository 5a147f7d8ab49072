// Caller → cgroup path for a controller: the cgroup of the init of the caller's pid
// namespace (lxcfs semantics, spec §2), read from /proc/<init>/cgroup on every call —
// never cached, because processes move between cgroups and limits change in place.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CgroupLayoutInfo } from '../cgroup/layout.js';
import { cgroupPathsOf } from '../cgroup/parse-proc-cgroup.js';
import type { Controller } from '../cgroup/types.js';
import { isGone, LxcfsError } from '../errors.js';
import type { InitResolver } from './init-resolver.js';

export class CallerCgroups {
  readonly #procRoot: string;
  readonly #init: InitResolver;
  readonly #layout: CgroupLayoutInfo;

  constructor(procRoot: string, init: InitResolver, layout: CgroupLayoutInfo) {
    this.#procRoot = procRoot;
    this.#init = init;
    this.#layout = layout;
  }

  /** Host pid of the init of the caller's pid namespace (the caller itself in ours). */
  initOf(pid: number): number {
    return this.#init.initOf(pid);
  }

  /** Path of the caller's container cgroup for `controller`, relative to its hierarchy. */
  pathOf(pid: number, controller: Controller): string {
    const initPid = this.#init.initOf(pid);
    let text: string;
    try {
      text = readFileSync(join(this.#procRoot, String(initPid), 'cgroup'), 'utf8');
    } catch (err) {
      if (isGone(err)) throw new LxcfsError('LXCFS_CALLER_GONE', `pid ${initPid}`, { cause: err });
      throw new LxcfsError('LXCFS_HOST_UNREADABLE', `/proc/${initPid}/cgroup`, { cause: err });
    }
    const path = cgroupPathsOf(text, this.#layout).get(controller);
    if (path === undefined) throw new LxcfsError('LXCFS_NO_CGROUP', controller);
    return path;
  }
}
