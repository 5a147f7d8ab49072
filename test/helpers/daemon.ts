// Starts a FUSE daemon (lxcfs-node from dist/, or the reference lxcfs) on a fresh temp
// mountpoint with its own pidfile, waits until the kernel lists the mount, and stops it
// in teardown: SIGTERM, SIGKILL after 5 s, then a lazy umount if anything is left, so
// no test leaves a mount behind even when it fails.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Test } from 'tap';
import { cleanCommand } from './env.js';
import { childrenOf, killIfStill, servingChildOf } from './processes.js';
import { STANDBY_TITLE } from '../../src/keeper/serving-child.js';

export const REPO = resolve(import.meta.dirname, '../..');
/** The installed command (package.json "bin"). */
export const CLI = join(REPO, 'dist/bin.js');

export interface MountedFs {
  readonly mountpoint: string;
  readonly pidfile: string;
  /** The process the pidfile names: lxcfs-node's keeper. */
  readonly pid: number;
  /** lxcfs-node's serving child now (undefined for lxcfs, or between two children). */
  servingPid(): number | undefined;
  /** Everything the daemon wrote to stderr so far. */
  stderr(): string;
  /** Resolves with stderr once it matches `pattern`; rejects after 5 s. */
  waitForStderr(pattern: RegExp): Promise<string>;
  /** Sends a signal and waits for exit; resolves with the exit code (null if killed). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Mount ids of everything mounted at `mountpoint`, bottom to top. */
export function mountIdsAt(mountpoint: string): number[] {
  const escaped = mountpoint.replace(/[ \t\n\\]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n')
    .map((l) => l.split(' '))
    .filter((f) => f[4] === escaped)
    .map((f) => Number(f[0]));
}

/**
 * Mounted and answering: listing `proc/` in the mount from a child process (never from
 * this one, which a hung daemon would hang) succeeds within 2 s. `proc/` exists only in
 * a live instance — not in the bare directory, nor behind a dead mount — and a listing
 * always reaches the daemon, whereas a stat(2) may be answered from the kernel's cache.
 */
function answers(mountpoint: string): boolean {
  return spawnSync('ls', ['-A', join(mountpoint, 'proc')], { timeout: 2000, stdio: 'ignore' }).status === 0;
}

export function isMounted(mountpoint: string): boolean {
  return mountIdsAt(mountpoint).length > 0;
}

interface LaunchSpec {
  readonly command: string;
  /** lxcfs needs an existing mountpoint; lxcfs-node creates its own. */
  readonly createsMountpoint: boolean;
  /** argv: the daemon's own options, then the pidfile and mountpoint. */
  readonly args: (extra: string[], mountpoint: string, pidfile: string) => string[];
}

// dist/bin.js as itself, as users run it (its shebang carries the V8 flags).
const LXCFS_NODE: LaunchSpec = {
  command: CLI,
  createsMountpoint: true,
  args: (extra, mnt, pidfile) => [...extra, '-p', pidfile, mnt],
};
const REFERENCE_LXCFS: LaunchSpec = {
  command: '/usr/bin/lxcfs',
  createsMountpoint: false,
  args: (extra, mnt, pidfile) => [...extra, '-p', pidfile, mnt],
};

export interface LaunchOptions {
  /** Mount here instead of a fresh temp directory (e.g. over a dead mount). */
  readonly mountpoint?: string;
  /** A command that execs the daemon as its last arguments (e.g. into new namespaces). */
  readonly through?: readonly string[];
}

export function startLxcfsNode(t: Test, extraArgs: string[] = [], options: LaunchOptions = {}): Promise<MountedFs> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first`);
  return launch(t, LXCFS_NODE, extraArgs, options);
}

export function startReferenceLxcfs(t: Test, extraArgs: string[] = []): Promise<MountedFs> {
  if (!existsSync(REFERENCE_LXCFS.command)) throw new Error('reference lxcfs missing: apt-get install -y lxcfs');
  return launch(t, REFERENCE_LXCFS, extraArgs, {});
}

/** A fresh temp directory for a test, removed in teardown unless something is still mounted in it. */
export function tempDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'lxcfs-node-it-'));
  t.teardown(() => {
    for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
      const mnt = line.split(' ')[4];
      if (mnt?.startsWith(`${dir}/`)) spawnSync('umount', ['-l', mnt]);
    }
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch (err) {
      // Never throw from a teardown (the rest would be skipped); after-tests.sh reports leftovers.
      process.stderr.write(`tempDir: ${(err as Error).message}\n`);
    }
  });
  return dir;
}

async function launch(t: Test, spec: LaunchSpec, extraArgs: string[], options: LaunchOptions): Promise<MountedFs> {
  const dir = tempDir(t);
  const mountpoint = options.mountpoint ?? join(dir, 'mnt');
  const pidfile = join(dir, 'pid');
  if (!spec.createsMountpoint) mkdirSync(mountpoint, { recursive: true });
  const daemonArgs = spec.args(extraArgs, mountpoint, pidfile);
  const [first, ...rest] = [...(options.through ?? []), spec.command, ...daemonArgs];
  const [command, argv] = cleanCommand(first!, rest);
  // `env` (and any `through` command) execs the daemon, so the child's pid is the daemon's.
  const child = spawn(command, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  let running = true;
  void exited.then(() => { running = false; });
  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> => {
    if (running) child.kill(signal);
    const timer = setTimeout(() => { if (running) child.kill('SIGKILL'); }, 5000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  t.teardown(async () => {
    // A keeper killed by SIGKILL leaves its serving child: those are killed by pid after.
    const children = childrenOf(child.pid!);
    await stop();
    killIfStill(children, 'serve-connection');
    killIfStill(children, STANDBY_TITLE); // a spare dies with its keeper's channel; by pid all the same
    while (isMounted(mountpoint)) {
      if (spawnSync('umount', ['-l', mountpoint]).status !== 0) break;
    }
  });
  for (let waited = 0; !answers(mountpoint); waited += 50) {
    if (!running || waited > 10_000) throw new Error(`${spec.command} did not mount ${mountpoint}:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const waitForStderr = async (pattern: RegExp): Promise<string> => {
    for (let waited = 0; !pattern.test(stderr); waited += 20) {
      if (waited > 5000) throw new Error(`stderr never matched ${pattern}:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return stderr;
  };
  return { mountpoint, pidfile, pid: child.pid!, servingPid: () => servingChildOf(child.pid!), stderr: () => stderr, waitForStderr, stop };
}
