// Re-attaching containers whose files died with a lost connection (both keeper and serving
// process killed, or a release without the hand-over): every mount namespace on the node
// (one /proc/<pid> per namespace, hostPID) is scanned for mounts of ours — fuse.lxcfs-node —
// on another device than the live connection's. Each is replaced, in its namespace, by a
// fresh clone of the same path of the live mount (native reattachMount: only if it is dead
// there, so another live instance's mounts are never touched). Readers that open the file
// again read on, without a restart; an fd opened on the dead mount stays dead.
import { closeSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join, posix } from 'node:path';
import { parseMountinfo } from '../host/mountinfo.js';
import type { NativeAddon } from '../native/addon.js';

export const OUR_FS_TYPE = 'fuse.lxcfs-node';

export interface StaleMount {
  /** A process in the namespace (its /proc/<pid>/ns/mnt names the namespace). */
  readonly pid: number;
  readonly namespace: string;
  /** Where it is mounted, as that namespace sees it. */
  readonly target: string;
  /** Which path of our tree it shows ("/" or a file such as /proc/meminfo). */
  readonly root: string;
  readonly device: string;
}

/** Our mounts on another device than `liveDevice`, in every mount namespace but `skipNamespace`. */
export function findStaleMounts(procRoot: string, liveDevice: string, skipNamespace: string | null): StaleMount[] {
  const seen = new Set<string>();
  const stale: StaleMount[] = [];
  for (const name of readdirSync(procRoot)) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    let namespace: string;
    let text: string;
    try {
      namespace = readlinkSync(join(procRoot, name, 'ns/mnt'));
      if (namespace === skipNamespace || seen.has(namespace)) continue;
      text = readFileSync(join(procRoot, name, 'mountinfo'), 'utf8');
    } catch {
      continue; // exited meanwhile, or a kernel thread
    }
    seen.add(namespace);
    for (const m of parseMountinfo(text)) {
      if (m.fsType === OUR_FS_TYPE && m.device !== liveDevice) stale.push({ pid, namespace, target: m.mountPoint, root: m.root, device: m.device });
    }
  }
  return stale;
}

export type ReattachOutcome = 'replaced' | 'alive' | 'unknown-path' | string;

export interface ReattachResult extends StaleMount {
  readonly outcome: ReattachOutcome;
  readonly errno: number;
}

export interface ReattachDeps {
  readonly native: Pick<NativeAddon, 'openTreeClone' | 'reattachMount'>;
  readonly procRoot: string;
  /** The live mount's path here. */
  readonly mountpoint: string;
  /** Paths of our tree a stale mount may show: "/", the registry's directories and files. */
  readonly paths: ReadonlySet<string>;
  readonly timeoutMs?: number;
}

/** Replaces each stale mount that is dead in its namespace with the same path of the live mount. */
export function reattach(stale: readonly StaleMount[], deps: ReattachDeps): ReattachResult[] {
  return stale.map((mount) => {
    if (!deps.paths.has(mount.root)) return { ...mount, outcome: 'unknown-path', errno: 0 };
    let tree: number;
    try {
      tree = deps.native.openTreeClone(mount.root === '/' ? deps.mountpoint : posix.join(deps.mountpoint, mount.root));
    } catch (err) {
      return { ...mount, outcome: 'open_tree', errno: (err as { errno?: number }).errno ?? 0 };
    }
    try {
      const result = deps.native.reattachMount(join(deps.procRoot, String(mount.pid), 'ns/mnt'), tree, mount.target, deps.timeoutMs ?? 2000);
      return { ...mount, ...result };
    } catch (err) {
      return { ...mount, outcome: 'failed', errno: (err as { errno?: number }).errno ?? 0 };
    } finally {
      closeSync(tree);
    }
  });
}

/** "/", every directory and every file of the tree, as mountinfo roots spell them. */
export function treePaths(files: readonly { readonly path: string }[]): Set<string> {
  const paths = new Set<string>(['/']);
  for (const { path } of files) {
    const parts = path.split('/');
    for (let i = 1; i <= parts.length; i++) paths.add(`/${parts.slice(0, i).join('/')}`);
  }
  return paths;
}
