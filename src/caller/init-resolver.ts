// Maps a FUSE caller (a tid in the daemon's pid namespace) to the host pid whose cgroups stand
// for it: itself in the daemon's namespace, else the init of its innermost pid namespace
// (lxcfs §2.1). No fork or setns (spec §18): /proc is read directly. Results are cached per
// namespace identity ("pid:[inode]") and re-validated on every hit by the init's starttime and
// namespace, so pid reuse and namespace-inode reuse can never return a stranger's cgroups.
import { readdirSync, readlinkSync } from 'node:fs';
import { withoutTrailingSlash } from '../cgroup/cgroup-path.js';
import { LxcfsError, isGone } from '../errors.js';
import { readKernelFile } from '../io/kernel-files.js';
import type { CallerResult } from '../agent/read-stats.js';
import { readProcText } from './proc-read.js';
import { startTimeOf } from './proc-stat.js';
import { parseNsPid, parsePpid, parseTgid } from './proc-status.js';

export interface InitResolverOptions {
  procRoot: string;
  /** cap on cached namespaces */
  maxEntries?: number;
  /** Told how each caller was resolved (for /metrics); called on the serving thread, must not throw. */
  onResolve?: (result: CallerResult) => void;
}

interface CachedInit {
  readonly initPid: number;
  readonly startTime: number;
}

const DEFAULT_MAX_ENTRIES = 4096;
/** PPid steps before giving up on the walk and scanning; real trees are a few levels deep. */
const MAX_WALK_STEPS = 64;

export class InitResolver {
  readonly #proc: string;
  readonly #max: number;
  readonly #selfNs: string;
  readonly #onResolve: NonNullable<InitResolverOptions['onResolve']>;
  /** Map iteration order is insertion order: re-inserting on a hit makes the first key the LRU. */
  readonly #cache = new Map<string, CachedInit>();

  constructor(opts: InitResolverOptions) {
    const max = opts.maxEntries ?? DEFAULT_MAX_ENTRIES;
    if (!Number.isSafeInteger(max) || max < 1) {
      throw new LxcfsError('LXCFS_USAGE', `maxEntries must be a positive integer, got ${max}`);
    }
    this.#max = max;
    this.#onResolve = opts.onResolve ?? (() => {});
    this.#proc = withoutTrailingSlash(opts.procRoot);
    // Taken once: the daemon never changes pid namespace, and a failure here is a setup error.
    this.#selfNs = readlinkSync(`${this.#proc}/self/ns/pid`);
  }

  get size(): number {
    return this.#cache.size;
  }

  initOf(pid: number): number {
    return this.locate(pid).initPid;
  }

  /** initOf, and whether the caller shares the daemon's pid namespace (then initPid is itself). */
  locate(pid: number): { readonly initPid: number; readonly ownNamespace: boolean } {
    if (!(pid > 0 && Number.isSafeInteger(pid))) {
      throw new LxcfsError('LXCFS_CALLER_INVISIBLE', `pid ${pid}`);
    }
    const ns = this.#callerNs(pid);
    if (ns === this.#selfNs) {
      this.#onResolve('own_namespace');
      return { initPid: pid, ownNamespace: true };
    }
    return { initPid: this.#initIn(ns, pid), ownNamespace: false };
  }

  #initIn(ns: string, pid: number): number {
    const hit = this.#cache.get(ns);
    if (hit !== undefined) {
      this.#cache.delete(ns);
      if (this.#stillInit(hit, ns)) {
        this.#cache.set(ns, hit);
        this.#onResolve('cache_hit');
        return hit.initPid;
      }
    }
    this.#onResolve('cache_miss');
    const initPid = this.#walkToInit(pid, ns) ?? this.#scanForInit(ns);
    if (initPid === null) {
      // Nobody is pid 1 there any more: the init exited and the namespace is being torn down.
      throw new LxcfsError('LXCFS_CALLER_GONE', `no init left in ${ns} of pid ${pid}`);
    }
    this.#remember(ns, initPid);
    return initPid;
  }

  #callerNs(pid: number): string {
    try {
      return readlinkSync(`${this.#proc}/${pid}/ns/pid`);
    } catch (err) {
      throw callerError(err, pid);
    }
  }

  #stillInit(entry: CachedInit, ns: string): boolean {
    try {
      // Kept open: a hit costs one pread, and a dead init's fd reads ESRCH even after pid reuse.
      return startTimeOf(readKernelFile(`${this.#proc}/${entry.initPid}/stat`, 'single')) === entry.startTime
        && readlinkSync(`${this.#proc}/${entry.initPid}/ns/pid`) === ns;
    } catch {
      return false;
    }
  }

  /**
   * Fast path: the caller, its thread-group leader, or an ancestor reached through PPid while
   * still in the caller's namespace has innermost NSpid 1. Null when the chain leaves the
   * namespace first (setns joiners: docker exec, nsenter) — the caller must then be scanned for.
   */
  #walkToInit(pid: number, ns: string): number | null {
    let status = this.#callerStatus(pid);
    let ids = requireNsPid(status, pid);
    if (ids.at(-1) === 1) return this.#confirm(pid, ns);
    const depth = ids.length;

    // A thread's own NSpid is its tid; its PPid is the process's parent. Start from the leader.
    const tgid = parseTgid(status);
    let cur = pid;
    if (tgid !== null && tgid !== pid && tgid > 0) {
      status = this.#callerStatus(tgid);
      ids = requireNsPid(status, tgid);
      if (ids.length !== depth) return null;
      if (ids.at(-1) === 1) return this.#confirm(tgid, ns);
      cur = tgid;
    }

    for (let step = 0; step < MAX_WALK_STEPS; step++) {
      const ppid = parsePpid(status);
      if (ppid === null || ppid <= 0 || ppid === cur) return null;
      const parent = this.#tryStatus(ppid);
      if (parent === null) return null;
      const parentIds = parseNsPid(parent);
      // A parent lives in the child's pid namespace or an ancestor of it, so an equal NSpid
      // depth means the same namespace; that saves a readlink per step. #confirm re-checks.
      if (parentIds === null || parentIds.length !== depth) return null;
      if (parentIds.at(-1) === 1) return this.#confirm(ppid, ns);
      status = parent;
      cur = ppid;
    }
    return null;
  }

  /** Slow path: every process in <procRoot> (tgids only; inits are leaders) — O(processes). */
  #scanForInit(ns: string): number | null {
    let names: string[];
    try {
      names = readdirSync(this.#proc);
    } catch (err) {
      throw new LxcfsError('LXCFS_HOST_UNREADABLE', `${this.#proc}`, { cause: err });
    }
    for (const name of names) {
      const c = name.charCodeAt(0);
      if (c < 49 || c > 57) continue; // not a pid directory ("self", "sys", …; pids never start with 0)
      let nsOf: string;
      try {
        nsOf = readlinkSync(`${this.#proc}/${name}/ns/pid`);
      } catch {
        continue; // exited while we scanned, or not a process directory
      }
      if (nsOf !== ns) continue;
      const status = this.#tryStatus(name);
      if (status !== null && parseNsPid(status)?.at(-1) === 1) return Number(name);
    }
    return null;
  }

  /** A candidate found through PPid must really be in the caller's namespace (walk races). */
  #confirm(pid: number, ns: string): number | null {
    try {
      return readlinkSync(`${this.#proc}/${pid}/ns/pid`) === ns ? pid : null;
    } catch {
      return null;
    }
  }

  #remember(ns: string, initPid: number): void {
    let startTime: number | null;
    try {
      startTime = startTimeOf(readKernelFile(`${this.#proc}/${initPid}/stat`, 'single'));
    } catch {
      startTime = null;
    }
    // An init that cannot be validated later is still the right answer now; just don't cache it.
    if (startTime === null) return;
    this.#cache.set(ns, { initPid, startTime });
    if (this.#cache.size > this.#max) {
      const oldest = this.#cache.keys().next();
      if (oldest.done !== true) this.#cache.delete(oldest.value);
    }
  }

  #callerStatus(pid: number): string {
    try {
      return readProcText(`${this.#proc}/${pid}/status`);
    } catch (err) {
      throw callerError(err, pid);
    }
  }

  #tryStatus(pid: number | string): string | null {
    try {
      return readProcText(`${this.#proc}/${pid}/status`);
    } catch {
      return null;
    }
  }
}

function requireNsPid(status: string, pid: number): number[] {
  const ids = parseNsPid(status);
  if (ids === null || ids.length === 0) {
    throw new LxcfsError('LXCFS_PARSE', `no usable NSpid line in status of pid ${pid}`);
  }
  return ids;
}

function callerError(err: unknown, pid: number): LxcfsError {
  if (isGone(err)) return new LxcfsError('LXCFS_CALLER_GONE', `pid ${pid}`, { cause: err });
  return new LxcfsError('LXCFS_INTERNAL', `cannot inspect pid ${pid}`, { cause: err });
}
