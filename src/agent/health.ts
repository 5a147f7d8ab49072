// Readiness as Kubernetes should see it: our mount is in place AND a virtual file read
// through the kernel answers. The read is made by a child process with a deadline — the
// daemon must never touch its own mount from its event loop (a FUSE request it would
// have to answer itself deadlocks it). Probes that arrive while one runs share it, and a
// result is reused for a moment, so a probe storm costs at most one child per interval.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { procMeminfo } from '../files/proc-meminfo.js';

export interface Readiness {
  readonly ready: boolean;
  /** Why not, in plain words; 'ok' when ready. */
  readonly reason: string;
}

export interface ReadinessDeps {
  readonly mountpoint: string;
  isMounted(): boolean;
  /** Deadline of the child's read (default 2 s). */
  readonly timeoutMs?: number;
  /** How long a result answers later probes (default 1 s). */
  readonly reuseMs?: number;
  readonly now?: () => number;
}

export type ReadinessCheck = () => Promise<Readiness>;

const DEFAULT_TIMEOUT_MS = 2000;
const DEFAULT_REUSE_MS = 1000;
/** The first line every meminfo has, rendered or the host's. */
const EXPECTED = 'MemTotal:';

export function readinessCheck(deps: ReadinessDeps): ReadinessCheck {
  const now = deps.now ?? Date.now;
  const reuseMs = deps.reuseMs ?? DEFAULT_REUSE_MS;
  const path = join(deps.mountpoint, procMeminfo.path);
  let pending: Promise<Readiness> | null = null;
  let last: { readonly at: number; readonly result: Readiness } | null = null;
  return () => {
    if (!deps.isMounted()) return Promise.resolve({ ready: false, reason: `not mounted at ${deps.mountpoint}` });
    if (last !== null && now() - last.at < reuseMs) return Promise.resolve(last.result);
    pending ??= readThroughKernel(path, deps.timeoutMs ?? DEFAULT_TIMEOUT_MS).then((result) => {
      last = { at: now(), result };
      pending = null;
      return result;
    });
    return pending;
  };
}

function readThroughKernel(path: string, timeoutMs: number): Promise<Readiness> {
  return new Promise((resolve) => {
    execFile('cat', [path], { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 1 << 20, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err !== null) {
        const why = err.killed ? `no answer within ${timeoutMs} ms` : (stderr.trim() || err.message);
        resolve({ ready: false, reason: `reading ${path} failed: ${why}` });
      } else if (!stdout.startsWith(EXPECTED)) {
        resolve({ ready: false, reason: `${path} does not start with ${EXPECTED}` });
      } else {
        resolve({ ready: true, reason: 'ok' });
      }
    });
  });
}
