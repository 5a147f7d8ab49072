// `lxcfs-node reattach [--device MAJ:MIN] [--json] [mountpoint]`: replaces, in every mount
// namespace on the node, the dead mounts of lxcfs-node files by the same files of the live
// mount (src/keeper/reattach.ts). The keeper runs it when its scan finds stale mounts; users
// can run it by hand (as root, in the host's pid namespace) after an upgrade from a release
// without the hand-over. Exit 0: nothing failed; 1: some mount could not be replaced.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_MOUNTPOINT } from '../config.js';
import { LxcfsError } from '../errors.js';
import { REGISTRY } from '../files/registry.js';
import { readOwnMountinfo, topMountAt, type MountEntry } from '../host/mountinfo.js';
import type { NativeAddon } from '../native/addon.js';
import { findStaleMounts, OUR_FS_TYPE, reattach, treePaths, type ReattachResult } from './reattach.js';

export const REATTACH_USAGE = `Usage: lxcfs-node reattach [--device MAJ:MIN] [--json] [mountpoint]
Replaces dead lxcfs-node mounts in every container's mount namespace by the live files of
the mount at mountpoint (default ${DEFAULT_MOUNTPOINT}). Needs root and the host's pid namespace.
  --device MAJ:MIN   the live connection's device; refused unless the mount at mountpoint is it
  --json             print {"results":[…]} instead of one line per mount
`;

export interface ReattachIo {
  readonly stdout: (text: string) => void;
  readonly native: Pick<NativeAddon, 'openTreeClone' | 'reattachMount'>;
  readonly procRoot?: string;
  /** This process's mount table (default: /proc/self/mountinfo). */
  readonly mountinfo?: () => readonly MountEntry[];
}

/** Failures are the outcomes other than these. */
const FINE = new Set(['replaced', 'alive']);

export function reattachCommand(argv: readonly string[], io: ReattachIo): number {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, options: { device: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  } catch (err) {
    throw new LxcfsError('LXCFS_USAGE', (err as Error).message);
  }
  if (parsed.values.help === true) { io.stdout(REATTACH_USAGE); return 0; }
  if (parsed.positionals.length > 1) throw new LxcfsError('LXCFS_USAGE', 'one mountpoint expected');
  const procRoot = io.procRoot ?? '/proc';
  const mountpoint = resolve(parsed.positionals[0] ?? DEFAULT_MOUNTPOINT);
  const wanted = parsed.values.device;
  if (wanted !== undefined && !/^\d+:\d+$/.test(wanted)) throw new LxcfsError('LXCFS_USAGE', `--device takes MAJ:MIN, got ${JSON.stringify(wanted)}`);
  // The files are cloned from the mountpoint: it must be that live mount, never what covers it.
  const device = liveDevice(mountpoint, io.mountinfo?.() ?? readOwnMountinfo());
  if (wanted !== undefined && wanted !== device) throw new LxcfsError('LXCFS_NO_LIVE_MOUNT', `${mountpoint} shows device ${device}, not ${wanted}`);
  const stale = findStaleMounts(procRoot, device, null);
  const results = reattach(stale, { native: io.native, procRoot, mountpoint, paths: treePaths(REGISTRY) });
  io.stdout(parsed.values.json === true ? `${JSON.stringify({ results })}\n` : results.map(describe).join(''));
  return results.every((r) => FINE.has(r.outcome)) ? 0 : 1;
}

function liveDevice(mountpoint: string, mountinfo: readonly MountEntry[]): string {
  const top = topMountAt(mountinfo, mountpoint);
  if (top?.fsType !== OUR_FS_TYPE) throw new LxcfsError('LXCFS_NO_LIVE_MOUNT', mountpoint);
  return top.device;
}

function describe(r: ReattachResult): string {
  const where = `${r.target} (${r.root}) in the mount namespace of pid ${r.pid}`;
  return r.outcome === 'replaced' ? `re-attached ${where}\n`
    : r.outcome === 'alive' ? `left ${where}: it answers\n`
      : `could not re-attach ${where}: ${r.outcome}${r.errno === 0 ? '' : ` (errno ${r.errno})`}\n`;
}

