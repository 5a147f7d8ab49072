// The kernel writes /proc/<pid>/cgroup relative to the cgroup namespace of the thread that
// reads it. A daemon in a cgroup namespace of its own — a DaemonSet pod on a cgroup v2 node
// gets a private one — sees every other container's cgroup as "/../../kubepods…": outside its
// namespace, where lxcfs serves host values for everyone (lxc/lxcfs#598). With hostPID, pid 1
// is the host's init, so each serving thread joins pid 1's cgroup namespace before it reads
// anything, and every path is a path from the hierarchy roots again. (--cgroupns-pid names
// another process: where pid 1 cannot be inspected, as in a sandbox without CAP_SYS_PTRACE.)
import { readlinkSync } from 'node:fs';
import type { Logger } from '../log.js';

export interface NamespaceJoiner {
  joinCgroupNamespace(nsPath: string): void;
}

export type JoinOutcome = 'joined' | 'same' | 'unknown' | 'failed';

/**
 * Joins the cgroup namespace of `pid` (default 1) from this thread if it is in another one.
 * 'unknown': the namespaces cannot be compared (a fixture /proc, no access to pid): nothing done.
 */
export function joinCgroupNamespaceOf(procRoot: string, pid: number, native: NamespaceJoiner, logger: Logger): JoinOutcome {
  const init = `${procRoot}/${pid}/ns/cgroup`;
  let ours: string;
  let theirs: string;
  try {
    ours = readlinkSync(`${procRoot}/thread-self/ns/cgroup`);
    theirs = readlinkSync(init);
  } catch (err) {
    logger.debug({ pid, err: (err as Error).message }, 'cgroup namespaces not compared');
    return 'unknown';
  }
  if (ours === theirs) return 'same';
  try {
    native.joinCgroupNamespace(init);
  } catch (err) {
    logger.warn({ err, pid, from: ours, to: theirs }, 'cannot join the cgroup namespace of the host: callers outside this one get host values');
    return 'failed';
  }
  logger.info({ pid, from: ours, to: theirs }, 'joined the cgroup namespace of the host');
  return 'joined';
}
