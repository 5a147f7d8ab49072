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
}

/**
 * Spinning pays where the next request can arrive while we poll: with one CPU the poll
 * would only delay the reader it waits for, so there the default is not to spin.
 */
export const DEFAULT_SPIN_MICROS = availableParallelism() > 1 ? 50 : 0;
export const MAX_SPIN_MICROS = 1000;

export const DEFAULT_MOUNTPOINT = '/var/lib/lxcfs';
export const DEFAULT_PIDFILE = '/run/lxcfs-node.pid';

export const DEFAULT_ROOTS: Roots = Object.freeze({
  procRoot: '/proc',
  sysRoot: '/sys',
  cgroupRoot: '/sys/fs/cgroup',
});
