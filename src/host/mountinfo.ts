// Parses /proc/<pid>/mountinfo (proc(5)): what is mounted where. Used at start-up to
// tell a dead FUSE mount from a live filesystem at the mountpoint, and at stop to
// unmount only our own mount.
import { readFileSync } from 'node:fs';

export interface MountEntry {
  readonly mountId: number;
  /** st_dev of the mounted filesystem, "major:minor": the same in every mount namespace. */
  readonly device: string;
  /** The path inside the filesystem that is mounted ("/", or a file for a bind mount of one). */
  readonly root: string;
  readonly mountPoint: string;
  readonly fsType: string;
  readonly source: string;
}

/** The kernel escapes space, tab, newline and backslash in paths as \ooo octal. */
function unescapeOctal(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

export function parseMountinfo(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    const dash = fields.indexOf('-', 6);
    if (dash === -1 || fields.length < dash + 3) continue;
    entries.push({
      mountId: Number(fields[0]),
      device: fields[2]!,
      root: unescapeOctal(fields[3]!),
      mountPoint: unescapeOctal(fields[4]!),
      fsType: fields[dash + 1]!,
      source: unescapeOctal(fields[dash + 2]!),
    });
  }
  return entries;
}

/** The mount on top at `path`, if `path` is a mount point. */
export function topMountAt(entries: readonly MountEntry[], path: string): MountEntry | undefined {
  let top: MountEntry | undefined;
  for (const entry of entries) if (entry.mountPoint === path) top = entry;
  return top;
}

/** The daemon's own mount table. Always the real /proc: mounting is not fixture data. */
export function readOwnMountinfo(): MountEntry[] {
  return parseMountinfo(readFileSync('/proc/self/mountinfo', 'utf8'));
}
