// 'pid-exists', 'pid-covered', 'pid-stale': does the process see our files over its /proc?
// Read from <procRoot>/<pid>/mountinfo (its mount namespace, seen from ours). A file counts
// as covered when the mount a lookup of /<file> ends in is exactly there, is FUSE from
// lxcfs-node (or, with a warning, lxcfs) and binds that very file. Every bind of one FUSE
// connection has the connection's device number; a restarted daemon gets a new one, so a
// cover whose device differs from the live mount's is a previous daemon's, dead for good.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INJECT_LABEL } from '../injector/mutate.js';
import { SERVED_FILES } from './files-check.js';
import { fail, ok, warn, type Finding } from './findings.js';
import { OUR_FSTYPE, parseMountTable, REFERENCE_FSTYPE, visibleMountAt, type MountRow } from './mount-table.js';

export type CoverKind = 'ours' | 'reference' | 'none';

export interface Cover {
  /** Relative to the mountpoint, e.g. 'proc/meminfo'; in the process at '/' + path. */
  readonly path: string;
  readonly kind: CoverKind;
  /** The covering mount ('ours' and 'reference' only). */
  readonly mount?: MountRow;
}

export type PidMounts =
  | { readonly exists: false; readonly covers?: undefined }
  | { readonly exists: true; readonly tableError: string; readonly covers?: undefined }
  | { readonly exists: true; readonly tableError?: undefined; readonly covers: readonly Cover[] };

export function gatherPidMounts(procRoot: string, pid: number): PidMounts {
  const dir = join(procRoot, String(pid));
  if (!existsSync(dir)) return { exists: false };
  let rows: MountRow[];
  try {
    rows = parseMountTable(readFileSync(join(dir, 'mountinfo'), 'utf8'));
  } catch (err) {
    return { exists: true, tableError: (err as Error).message };
  }
  return { exists: true, covers: coversIn(rows) };
}

/** How each served file appears in a mount table. Pure. */
export function coversIn(rows: readonly MountRow[]): Cover[] {
  return SERVED_FILES.map((path) => {
    const at = `/${path}`;
    const mount = visibleMountAt(rows, at);
    if (mount === undefined || mount.mountPoint !== at || mount.root !== at) return { path, kind: 'none' };
    if (mount.fsType === OUR_FSTYPE) return { path, kind: 'ours', mount };
    return mount.fsType === REFERENCE_FSTYPE ? { path, kind: 'reference', mount } : { path, kind: 'none' };
  });
}

export function checkPidExists(procRoot: string, pid: number, state: PidMounts): Finding {
  if (state.exists) return ok('pid-exists', `process ${pid} exists`);
  return fail('pid-exists', `there is no process ${pid} in ${procRoot}`,
    'give the host pid of a process of the container (crictl inspect <container> | grep \'"pid"\'), and run the doctor in the host\'s pid namespace (hostPID)');
}

export function checkPidCovered(pid: number, mountpoint: string, state: PidMounts & { exists: true }): Finding {
  if (state.covers === undefined) {
    return fail('pid-covered', `the mount table of process ${pid} cannot be read: ${state.tableError}`, 'run the doctor as root');
  }
  const missing = state.covers.filter((c) => c.kind === 'none').map((c) => c.path);
  if (missing.length > 0) {
    const none = missing.length === state.covers.length;
    const binds = missing.map((p) => `-v ${join(mountpoint, p)}:/${p}:rw`).join(' ');
    return fail('pid-covered',
      none ? `process ${pid} sees none of the files: its /proc is the kernel's` : `process ${pid} does not see ${missing.map((p) => `/${p}`).join(', ')} from the mount`,
      `bind-mount each file over the container's own when it starts (docker/podman: ${binds}); on Kubernetes label the namespace ${INJECT_LABEL}=enabled for the injector, then recreate the pod`);
  }
  const reference = state.covers.filter((c) => c.kind === 'reference').map((c) => c.path);
  if (reference.length > 0) {
    return warn('pid-covered', `process ${pid} sees ${reference.length} of its files from the reference lxcfs, not lxcfs-node: ${reference.join(', ')}`,
      'recreate the container once lxcfs-node serves the mountpoint, so that its files come from lxcfs-node');
  }
  return ok('pid-covered', `process ${pid} sees all ${state.covers.length} files from lxcfs-node`);
}

/** `liveDevice`: the device of the mount at the mountpoint; run.ts checks only when there is one. */
export function checkPidStale(pid: number, covers: readonly Cover[], liveDevice: string): Finding {
  const stale = covers.filter((c) => c.mount !== undefined && c.mount.device !== liveDevice);
  if (stale.length === 0) return ok('pid-stale', `process ${pid} sees the live mount (device ${liveDevice})`);
  const devices = [...new Set(stale.map((c) => c.mount!.device))].join(', ');
  return fail('pid-stale',
    `the pod still sees a previous daemon's mount for ${stale.map((c) => c.path).join(', ')} (device ${devices}; the live mount is ${liveDevice})`,
    'restart the pod (or the container): a bind mount keeps the connection it was made from, and a restarted daemon cannot serve it; those files answer "Transport endpoint is not connected" until then');
}
