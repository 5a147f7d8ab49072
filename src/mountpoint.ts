// Start-up checks of the mountpoint: created when missing; a dead FUSE mount left by a
// crashed daemon (ENOTCONN) is detached so we can mount afresh; a live filesystem, a
// non-directory or a non-empty directory is refused with a clear error. Liveness is
// probed from a child process with a timeout: a hung FUSE daemon must not hang us.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { LxcfsError } from './errors.js';
import { parseMountinfo, topMountAt } from './host/mountinfo.js';
import type { Logger } from './log.js';

export interface MountpointDeps {
  readonly procRoot: string;
  readonly logger: Logger;
  /** umount2(path, MNT_DETACH) */
  detach(path: string): void;
}

const PROBE_TIMEOUT_MS = 3000;

export type Liveness = 'live' | 'dead';

/**
 * Lists the directory from a child: ENOTCONN/ECONNABORTED means a dead FUSE connection.
 * A listing always reaches the filesystem; a stat(2) may be answered from the kernel's
 * attribute cache even by a dead connection.
 */
export function probeLiveness(path: string): Liveness {
  const probe = spawnSync(process.execPath, ['-e', 'require("fs").readdirSync(process.argv[1])', path], {
    timeout: PROBE_TIMEOUT_MS, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'],
  });
  return probe.status !== 0 && /ENOTCONN|ECONNABORTED/.test(probe.stderr ?? '') ? 'dead' : 'live';
}

/** Dead mounts stacked at one path that we detach before giving up. */
const MAX_DETACH = 8;

/** Makes `path` ready to mount on; returns it as the mount table will spell it. */
export function prepareMountpoint(path: string, deps: MountpointDeps, liveness = probeLiveness): string {
  const canonical = canonicalPath(path);
  for (let detached = 0; ; detached++) {
    const mountinfo = parseMountinfo(readFileSync(join(deps.procRoot, 'self/mountinfo'), 'utf8'));
    const mounted = topMountAt(mountinfo, canonical);
    if (mounted === undefined) break;
    if (liveness(canonical) === 'live') {
      throw new LxcfsError('LXCFS_MOUNTPOINT_BUSY', `${path} (${mounted.fsType} from ${mounted.source})`);
    }
    if (detached === MAX_DETACH) throw new LxcfsError('LXCFS_MOUNTPOINT_BUSY', `${path}: dead mounts do not go away`);
    deps.logger.info({ mountpoint: canonical, fsType: mounted.fsType }, 'detaching dead mount left at the mountpoint');
    deps.detach(canonical);
  }
  let isDir: boolean;
  try {
    isDir = statSync(canonical).isDirectory();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    mkdirSync(canonical, { recursive: true, mode: 0o755 });
    return canonical;
  }
  if (!isDir) throw new LxcfsError('LXCFS_MOUNTPOINT_NOT_DIR', path);
  if (readdirSync(canonical).length > 0) throw new LxcfsError('LXCFS_MOUNTPOINT_NOT_EMPTY', path);
  return canonical;
}

/**
 * The path as /proc/self/mountinfo spells it (symlinks resolved). The last component
 * is resolved only when it can be: a dead FUSE mount there answers ENOTCONN.
 */
export function canonicalPath(path: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    const parent = dirname(path);
    return parent === path ? path : join(canonicalPath(parent), basename(path));
  }
}
