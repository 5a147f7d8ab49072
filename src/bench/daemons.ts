// The two daemons under test, each on its own fresh mountpoint with its own pidfile and the
// same flags; their cost read from /proc/<pid>/{stat,status} summed over every process of
// the daemon (lxcfs-node is a keeper and its serving child: pids() lists the tree); a stop
// that always ends them (SIGTERM, SIGKILL after 5 s). Each runs in its own process group,
// so a Ctrl-C reaches only the harness, which then stops them in order.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMountinfo } from '../host/mountinfo.js';
import type { DaemonName } from './stats.js';

export type DaemonSpec = Readonly<{ name: DaemonName; command: string; args: readonly string[]; mountpoint: string }>;

/** dist/bin.js (executable) and lxcfs. */
export type Binaries = Readonly<Record<'cli' | 'lxcfs', string>>;

export function daemonSpec(name: DaemonName, dir: string, flags: readonly string[], bins: Binaries): DaemonSpec {
  const mountpoint = join(dir, name);
  const pidfile = ['-p', join(dir, `${name}.pid`)];
  return name === 'lxcfs-node'
    // dist/bin.js as itself, as users run it: its shebang carries lxcfs-node's V8 flags.
    ? { name, command: bins.cli, args: [...flags, ...pidfile, mountpoint], mountpoint }
    : { name, command: bins.lxcfs, args: ['-f', ...flags, ...pidfile, mountpoint], mountpoint };
}

/** `pid` and its descendants (from /proc/<pid>/task/<tid>/children); [] once it is gone. */
export function processTree(pid: number): number[] {
  let children: number[];
  try {
    children = readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
      readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
  } catch {
    return [];
  }
  return [pid, ...children.flatMap(processTree)];
}

/** utime + stime (fields 14 and 15) of a /proc/<pid>/stat line, in clock ticks. */
export function statTicks(text: string): number {
  // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** VmRSS of a /proc/<pid>/status text in KiB (0 when absent, as for a zombie). */
export function vmRssKiB(text: string): number {
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(text)?.[1] ?? 0);
}

export function cpuTicks(pids: readonly number[]): number {
  return pids.reduce((n, pid) => n + statTicks(readFileSync(`/proc/${pid}/stat`, 'utf8')), 0);
}

export function rssKiB(pids: readonly number[]): number {
  return pids.reduce((n, pid) => n + vmRssKiB(readFileSync(`/proc/${pid}/status`, 'utf8')), 0);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Whether `p` settles within `ms`; the timer never outlives the answer. */
function within(p: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((r) => { timer = setTimeout(() => r(false), ms); });
  return Promise.race([p.then(() => true), late]).finally(() => clearTimeout(timer));
}

export class Daemon {
  readonly spec: DaemonSpec;
  readonly #child: ChildProcess;
  readonly #exited: Promise<void>;
  #stderr = '';

  constructor(spec: DaemonSpec) {
    this.spec = spec;
    mkdirSync(spec.mountpoint);
    this.#child = spawn(spec.command, spec.args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    this.#child.stderr!.setEncoding('utf8').on('data', (d: string) => { this.#stderr = (this.#stderr + d).slice(-4000); });
    this.#exited = new Promise((resolve) => {
      this.#child.once('error', (err) => { this.#stderr += err.message; resolve(); });
      this.#child.once('exit', () => resolve());
    });
  }

  /** The daemon's process and its descendants, now. */
  pids(): number[] {
    return this.#child.pid === undefined ? [] : processTree(this.#child.pid);
  }

  running(): boolean {
    return this.#child.pid !== undefined && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** The daemon's last words, for error messages. */
  stderr(): string {
    return this.#stderr.trim();
  }

  /**
   * Serving: a child process (never this one, which a hung daemon would hang) reads
   * proc/meminfo through the mount within 2 s and gets content. Only a live instance has it.
   */
  async ready(timeoutMs = 15_000): Promise<void> {
    const file = join(this.spec.mountpoint, 'proc/meminfo');
    for (const start = Date.now(); ; await sleep(50)) {
      if (!this.running()) throw new Error(`${this.spec.name} exited during start-up: ${this.stderr()}`);
      const cat = spawnSync('cat', [file], { timeout: 2000, encoding: 'utf8' });
      if (cat.status === 0 && cat.stdout.length > 0) return;
      if (Date.now() - start > timeoutMs) throw new Error(`${this.spec.name} did not serve ${file}: ${this.stderr()}`);
    }
  }

  /** Pins every thread of every process; threads created later inherit the mask. */
  pin(cpus: string): void {
    for (const pid of this.pids()) {
      const r = spawnSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`taskset ${cpus} ${this.spec.name}: ${r.stderr || r.error?.message}`);
    }
  }

  async stop(): Promise<void> {
    if (!this.running()) return;
    this.#child.kill('SIGTERM');
    if (await within(this.#exited, 5000)) return;
    this.#child.kill('SIGKILL');
    await within(this.#exited, 5000);
  }
}

/** Mountpoints at or under `dir` in a mountinfo text, deepest first (field 5, octal escapes undone). */
export function mountsUnder(mountinfo: string, dir: string): string[] {
  return parseMountinfo(mountinfo).map((m) => m.mountPoint)
    .filter((m) => m === dir || m.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
}

/** Lazily unmounts whatever is still mounted under `dir`; returns what could not be. */
export function unmountUnder(dir: string): string[] {
  const mounted = (): string[] => mountsUnder(readFileSync('/proc/self/mountinfo', 'utf8'), dir);
  for (const mnt of mounted()) spawnSync('umount', ['-l', mnt], { stdio: 'ignore' });
  return mounted();
}
