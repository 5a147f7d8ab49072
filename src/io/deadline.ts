// The deadline of one request's reads. Rendering is synchronous (ARCHITECTURE: a thread-pool
// hop costs more than the read), so a kernel file that is slow to generate — memory.stat of
// a huge v1 hierarchy, a cgroup file behind a contended lock — cannot be cut short. What a
// deadline bounds is what comes after it: a render past its deadline makes no further read
// and is answered with the host's file instead (counted as LXCFS_DEADLINE), so one slow
// container holds the serving thread for at most the deadline plus one read, not for every
// file it would still have read. Every kernel read checks it first (KernelFiles, readProcText).
// Code between a read and the renderer may catch a read's error and carry on (an optional
// file treated as absent): `missed` remembers the expiry, so the renderer never trusts a
// result built on a swallowed one.
import { performance } from 'node:perf_hooks';
import { LxcfsError } from '../errors.js';

export class ReadDeadline {
  readonly #now: () => number;
  /** When the current reads are due, on #now's clock (ms); Infinity: no deadline. */
  #at = Infinity;
  #missed = false;

  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /** The clock deadlines are given on (ms). */
  now(): number {
    return this.#now();
  }

  /** Runs `reads` due by `at`; the outer deadline (and whether it was missed) is restored after. */
  within<T>(at: number, reads: () => T): T {
    const outerAt = this.#at;
    const outerMissed = this.#missed;
    this.#at = at;
    this.#missed = false;
    try {
      return reads();
    } finally {
      this.#at = outerAt;
      this.#missed = outerMissed;
    }
  }

  /** Before a read of `path`: throws LXCFS_DEADLINE once the reads are due. */
  check(path: string): void {
    if (this.#at === Infinity || this.#now() <= this.#at) return;
    this.#missed = true;
    throw new LxcfsError('LXCFS_DEADLINE', `not reading ${path}`);
  }

  /** Throws LXCFS_DEADLINE when a read was refused since within() began, even if that error was caught. */
  throwIfMissed(what: string): void {
    if (this.#missed) throw new LxcfsError('LXCFS_DEADLINE', what);
  }
}

/** This thread's deadline (each serving thread renders one request at a time). */
export const readDeadline = new ReadDeadline();

export const DEFAULT_DEADLINE_MS = 1000;
export const MAX_DEADLINE_MS = 60_000;
