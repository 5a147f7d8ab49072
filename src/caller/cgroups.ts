// Caller → its container: the init of the caller's pid namespace and that init's cgroup
// per controller (lxcfs semantics, spec §2), read from /proc/<init>/cgroup on every
// resolve — never cached across requests, because processes move between cgroups. One
// request resolves once (resolve()) and asks the result as often as it needs.
import { join } from 'node:path';
import type { CgroupLayoutInfo } from '../cgroup/layout.js';
import { cgroupPathsOf } from '../cgroup/parse-proc-cgroup.js';
import type { Controller } from '../cgroup/types.js';
import { isGone, LxcfsError } from '../errors.js';
import { readKernelFile } from '../io/kernel-files.js';
import type { InitResolver } from './init-resolver.js';

export class CallerCgroups {
  readonly #procRoot: string;
  readonly #init: InitResolver;
  readonly #layout: CgroupLayoutInfo;
  /**
   * Parsed /proc/<init>/cgroup texts: a container's text is the same read after read, so
   * it is parsed once (the text is still read every time: processes move). FIFO-bounded.
   */
  readonly #parsed = new Map<string, ReadonlyMap<Controller, string>>();

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
    return this.resolve(pid).pathOf(controller);
  }

  /** The caller's init and all its cgroup paths, from one read of /proc/<init>/cgroup. */
  resolve(pid: number): ResolvedCaller {
    const { initPid, ownNamespace } = this.#init.locate(pid);
    let text: string;
    try {
      text = readKernelFile(join(this.#procRoot, String(initPid), 'cgroup'), 'single');
    } catch (err) {
      if (isGone(err)) throw new LxcfsError('LXCFS_CALLER_GONE', `pid ${initPid}`, { cause: err });
      throw new LxcfsError('LXCFS_HOST_UNREADABLE', `/proc/${initPid}/cgroup`, { cause: err });
    }
    const paths = this.#pathsOf(text);
    return {
      initPid,
      // Every process of the daemon's own pid namespace shares one container: the host's
      // (reaperOf gives them all pid 1 — on kernels with NSpid, ≥ 4.1, which the README
      // requires); elsewhere the init tells containers apart.
      key: `${ownNamespace ? 'own' : initPid}\n${text}`,
      pathOf(controller) {
        const path = paths.get(controller);
        if (path === undefined) throw new LxcfsError('LXCFS_NO_CGROUP', controller);
        return path;
      },
    };
  }

  #pathsOf(text: string): ReadonlyMap<Controller, string> {
    let paths = this.#parsed.get(text);
    if (paths === undefined) {
      paths = cgroupPathsOf(text, this.#layout); // throws for '/..': never remembered
      if (this.#parsed.size >= MAX_PARSED) this.#parsed.delete(this.#parsed.keys().next().value as string);
      this.#parsed.set(text, paths);
    }
    return paths;
  }
}

const MAX_PARSED = 256;

export interface ResolvedCaller {
  readonly initPid: number;
  /** The init (or 'own' namespace) and its whole /proc/<init>/cgroup: equal keys, same content. */
  readonly key: string;
  /** Throws LXCFS_NO_CGROUP when the init has no cgroup for the controller. */
  pathOf(controller: Controller): string;
}
