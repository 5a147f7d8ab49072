// 'mount': what is on top at the mountpoint in the doctor's own mount table, and whether it
// answers. The doctor's table (<procRoot>/self/mountinfo), not pid 1's: the mountpoint is a
// path in the doctor's mount namespace — in the DaemonSet pod it is /host/var/lib/lxcfs, which
// the host's init knows as /var/lib/lxcfs — and the probe's child resolves it there too.
// Liveness comes from a child process (child.ts): the doctor never touches the mount itself.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { topMountAt } from '../host/mountinfo.js';
import type { Liveness } from './child.js';
import { fail, ok, warn, type Finding } from './findings.js';
import { OUR_FSTYPE, parseMountTable, REFERENCE_FSTYPE, type MountRow } from './mount-table.js';

export interface MountState {
  /** As the mount table spells it (the parent directory's symlinks resolved). */
  readonly mountpoint: string;
  /** Why the mount table could not be read; null when it was. */
  readonly tableError: string | null;
  /** The mount on top at the mountpoint, if any. */
  readonly top: MountRow | undefined;
  /** The probe's answer; null when nothing FUSE is mounted there (not probed). */
  readonly liveness: Liveness | null;
  readonly timeoutMs: number;
}

export interface MountGatherInput {
  readonly procRoot: string;
  readonly mountpoint: string;
  readonly timeoutMs: number;
  probe(path: string, timeoutMs: number): Promise<Liveness>;
}

export async function gatherMount(input: MountGatherInput): Promise<MountState> {
  const { mountpoint, timeoutMs } = input;
  let rows: MountRow[];
  try {
    rows = parseMountTable(readFileSync(join(input.procRoot, 'self/mountinfo'), 'utf8'));
  } catch (err) {
    return { mountpoint, tableError: (err as Error).message, top: undefined, liveness: null, timeoutMs };
  }
  // topMountAt returns one of the rows it was given, so it is a MountRow.
  const top = topMountAt(rows, mountpoint) as MountRow | undefined;
  const fuse = top !== undefined && (top.fsType === OUR_FSTYPE || top.fsType === REFERENCE_FSTYPE);
  const liveness = fuse ? await input.probe(mountpoint, timeoutMs) : null;
  return { mountpoint, tableError: null, top, liveness, timeoutMs };
}

/** Whether the later checks (files, pid-values) can read through the mount. */
export function mountAnswers(state: MountState): boolean {
  return state.liveness?.state === 'live';
}

export function checkMount(state: MountState): Finding {
  const { mountpoint: mnt, top, liveness } = state;
  if (state.tableError !== null) {
    return fail('mount', `the mount table cannot be read: ${state.tableError}`, 'run the doctor as root, with the host\'s /proc (hostPID on Kubernetes)');
  }
  if (top === undefined) {
    return fail('mount', `nothing is mounted at ${mnt}`,
      `start lxcfs-node (lxcfs-node ${mnt}); on Kubernetes check the DaemonSet pod on this node (kubectl -n lxcfs-node get pods -o wide)`);
  }
  if (liveness === null) {
    return fail('mount', `${mnt} holds a ${top.fsType} filesystem (from ${top.source}), not lxcfs-node`,
      `unmount it (umount ${mnt}) and start lxcfs-node, or give the doctor the mountpoint lxcfs-node uses`);
  }
  const restart = `umount -l ${mnt}, then start lxcfs-node again (on Kubernetes: delete the DaemonSet pod on this node); containers that use its files need a restart too`;
  if (liveness.state === 'dead') {
    return fail('mount', `dead mount at ${mnt}: the daemon exited without unmounting (${liveness.detail ?? 'ENOTCONN'})`, restart);
  }
  if (liveness.state === 'hung') {
    return fail('mount', `the daemon at ${mnt} is hung: a listing got no answer within ${state.timeoutMs} ms`,
      `look at the daemon's log, then kill it and ${restart}`);
  }
  if (liveness.state === 'error') {
    return fail('mount', `listing ${mnt} failed (${liveness.detail ?? 'unknown error'})`, 'run the doctor as root; look at the daemon\'s log');
  }
  if (top.fsType === REFERENCE_FSTYPE) {
    return warn('mount', `the reference lxcfs is mounted at ${mnt} and answers, not lxcfs-node`,
      `if lxcfs-node should serve here: stop lxcfs (systemctl disable --now lxcfs), then start lxcfs-node on ${mnt}`);
  }
  return ok('mount', `lxcfs-node is mounted at ${mnt} and answers`);
}
