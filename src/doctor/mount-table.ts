// A process's mount table as the doctor needs it: src/host/mountinfo.ts's entries joined
// with the three fields it drops — the parent id (to tell visible mounts from shadowed
// ones), the device (every bind of one FUSE connection shares it; a new daemon gets a new
// one) and the root inside the mounted filesystem. Pure.
import { parseMountinfo, type MountEntry } from '../host/mountinfo.js';

export interface MountRow extends MountEntry {
  readonly parentId: number;
  /** 'major:minor' of the filesystem, e.g. '0:52'. */
  readonly device: string;
  /** The path inside the mounted filesystem that appears at mountPoint, still escaped. */
  readonly root: string;
}

/** Our daemon's filesystem type (src/daemon.ts mounts 'fuse.lxcfs-node') and the reference lxcfs's. */
export const OUR_FSTYPE = 'fuse.lxcfs-node';
export const REFERENCE_FSTYPE = 'fuse.lxcfs';

/** Rows of /proc/<pid>/mountinfo (proc(5)); lines parseMountinfo skips are skipped here too. */
export function parseMountTable(text: string): MountRow[] {
  // Fields 2-4 (parent, major:minor, root) by mount id: the only part not parsed there.
  const extra = new Map<number, { parentId: number; device: string; root: string }>();
  for (const line of text.split('\n')) {
    const [id, parent, device, root] = line.split(' ', 4);
    if (root !== undefined) extra.set(Number(id), { parentId: Number(parent), device: device!, root });
  }
  return parseMountinfo(text).flatMap((entry) => {
    const more = extra.get(entry.mountId);
    return more === undefined ? [] : [{ ...entry, ...more }];
  });
}

/**
 * The mount a lookup of absolute `path` ends in, walking from '/' component by component
 * and following only mounts whose parent is the mount reached so far: a bind over
 * /proc/meminfo made before /proc was mounted again is shadowed and does not count.
 */
export function visibleMountAt(rows: readonly MountRow[], path: string): MountRow | undefined {
  const atRoot = rows.filter((r) => r.mountPoint === '/');
  const ids = new Set(rows.map((r) => r.mountId));
  // The bottom of the root stack: its parent lies outside this table (or is itself).
  const bottom = atRoot.find((r) => !ids.has(r.parentId) || r.parentId === r.mountId);
  if (bottom === undefined) return undefined;
  let current = climb(rows, '/', bottom);
  let prefix = '';
  for (const part of path.split('/').filter((p) => p !== '')) {
    prefix += `/${part}`;
    current = climb(rows, prefix, current);
  }
  return current;
}

/** The top of the stack of mounts at `point` resting on `base`. */
function climb(rows: readonly MountRow[], point: string, base: MountRow): MountRow {
  let current = base;
  // Bounded: a malformed table with a parent cycle must not loop forever.
  for (let step = 0; step < rows.length; step++) {
    const next = rows.find((r) => r.mountPoint === point && r.parentId === current.mountId && r !== current);
    if (next === undefined) break;
    current = next;
  }
  return current;
}
