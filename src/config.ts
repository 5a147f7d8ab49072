// Typed daemon options with their defaults. cli.ts turns argv into these; nothing else
// reads process.argv or process.env. Filesystem roots are options so that tests can
// point the daemon at fixture trees.
import { availableParallelism } from 'node:os';
import type { RenderOptions } from './files/types.js';

export interface Roots {
  readonly procRoot: string;
  readonly sysRoot: string;
  readonly cgroupRoot: string;
}

export interface DaemonOptions extends Roots {
  readonly mountpoint: string;
  readonly pidfile: string;
  readonly debug: boolean;
  readonly render: RenderOptions;
  /** Extra -o mount options, after lxcfs-compatible filtering. */
  readonly fuseOptions: readonly string[];
  /** µs to poll awake for the next FUSE request before sleeping (0 = never; at most 1000). */
  readonly spinMicros: number;
  /** Threads that serve requests, the main one included (1 = the main thread alone). */
  readonly threads: number;
  /** How long one render's reads may take before it answers with the host file (ms; 0 = no deadline). */
  readonly deadlineMs: number;
  /** The process whose cgroup namespace callers' cgroup paths are read in (1: the host's, with hostPID). */
  readonly cgroupnsPid: number;
  /**
   * After a serving child or thread died, ask the kernel to resend what it held
   * (FUSE_NOTIFY_RESEND, Linux ≥ 6.9) before falling back to the journal of requests in
   * flight; false: replay the journal straight away (--no-kernel-resend).
   */
  readonly kernelResend: boolean;
}

export const DEFAULT_CGROUPNS_PID = 1;

/**
 * Spinning pays where the next request can arrive while we poll: with one CPU the poll
 * would only delay the reader it waits for, so there the default is not to spin.
 */
export const DEFAULT_SPIN_MICROS = availableParallelism() > 1 ? 50 : 0;
export const MAX_SPIN_MICROS = 1000;

/**
 * One serving thread per two CPUs, at least 1 and at most 4: the readers and the kernel's
 * side of FUSE need the other half (on 2 CPUs a second thread measured no gain), and each
 * thread is a V8 isolate of ~15 MiB.
 */
export const DEFAULT_THREADS = Math.max(1, Math.min(Math.floor(availableParallelism() / 2), 4));
export const MAX_THREADS = 64;

export const DEFAULT_MOUNTPOINT = '/var/lib/lxcfs';
export const DEFAULT_PIDFILE = '/run/lxcfs-node.pid';

export const DEFAULT_ROOTS: Roots = Object.freeze({
  procRoot: '/proc',
  sysRoot: '/sys',
  cgroupRoot: '/sys/fs/cgroup',
});
