// The two daemons under test, each on its own fresh mountpoint with its own pidfile and the
// same flags; their cost read from /proc over every process of the daemon (lxcfs-node is a
// keeper and its serving child: pids() lists the tree) — CPU summed, resident memory as the
// physical pages mapped by any of them, each counted once; a stop
// that always ends them (SIGTERM, SIGKILL after 5 s). Each runs in its own process group,
// so a Ctrl-C reaches only the harness, which then stops them in order.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
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

export function cpuTicks(pids: readonly number[]): number {
  return pids.reduce((n, pid) => n + statTicks(readFileSync(`/proc/${pid}/stat`, 'utf8')), 0);
}

/**
 * Resident memory of a process tree in KiB: the physical pages mapped by any of `pids`, each
 * counted once. Summing VmRSS would count the pages every process shares twice — for a keeper
 * and its serving child, both node, the ~40 MiB of the executable's code they both map. Read
 * from /proc/<pid>/pagemap (present bit, page frame number), which shows frame numbers to
 * CAP_SYS_ADMIN only: without it this throws rather than report a wrong figure.
 */
export function rssKiB(pids: readonly number[]): number {
  const frames = new Set<number>();
  for (const pid of pids) addFrames(pid, frames);
  return frames.size * (PAGE_SIZE / 1024);
}

const PAGE_SIZE = 4096;
const PRESENT = 1n << 63n;
const PFN_MASK = (1n << 55n) - 1n;

/** Mapped ranges [start, end) of a /proc/<pid>/maps text, PROT_NONE reservations left out. */
export function accessibleRanges(maps: string): [bigint, bigint][] {
  const ranges: [bigint, bigint][] = [];
  for (const line of maps.split('\n')) {
    const m = /^([0-9a-f]+)-([0-9a-f]+) (\S{4})/.exec(line);
    if (m !== null && m[3] !== '---p' && m[3] !== '---s') ranges.push([BigInt(`0x${m[1]}`), BigInt(`0x${m[2]}`)]);
  }
  return ranges;
}

function addFrames(pid: number, frames: Set<number>): void {
  const ranges = accessibleRanges(readFileSync(`/proc/${pid}/maps`, 'utf8'));
  const fd = openSync(`/proc/${pid}/pagemap`, 'r');
  try {
    const chunk = Buffer.alloc(8 * 4096);
    for (const [start, end] of ranges) {
      for (let page = start / BigInt(PAGE_SIZE); page < end / BigInt(PAGE_SIZE);) {
        const want = Math.min(Number(end / BigInt(PAGE_SIZE) - page), 4096);
        const got = readSync(fd, chunk, 0, want * 8, page * 8n) / 8;
        if (got === 0) break; // the range went away while we read
        for (let i = 0; i < got; i++) {
          const entry = chunk.readBigUInt64LE(i * 8);
          if ((entry & PRESENT) === 0n) continue;
          const frame = Number(entry & PFN_MASK);
          if (frame === 0) throw new Error('/proc/<pid>/pagemap shows no frame numbers: measuring memory needs CAP_SYS_ADMIN');
          frames.add(frame);
        }
        page += BigInt(got);
      }
    }
  } finally {
    closeSync(fd);
  }
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
