// The readers: lxcfs_node_loadgen inside a cgroup the harness creates, so that every read is
// a container's read (1 GiB memory limit, unlimited CFS quota) from the very first one — `sh`
// moves itself into the cgroup, then execs the loadgen. Each loadgen gets its own process
// group so that killReaders() ends it and its K forked readers at once; removeCgroup()
// kills whatever is left inside before removing the directories.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Mode } from './options.js';
import type { LoadgenResult } from './stats.js';

/** loadgen.c: its readers start together 50 ms after it starts, warm up, then measure. */
export const START_DELAY_MS = 50;
const MEMORY_LIMIT = String(1024 ** 3);

/** dirs: one per hierarchy the readers join, e.g. /sys/fs/cgroup/memory/<name>. */
export type BenchCgroup = Readonly<{ version: 1 | 2; dirs: readonly string[] }>;

/** v1: memory, cpu and (when mounted apart) cpuacct, which proc/stat reads; v2: one directory. */
export function createCgroup(name: string, root = '/sys/fs/cgroup'): BenchCgroup {
  const v1 = existsSync(join(root, 'memory/memory.limit_in_bytes'));
  if (!v1 && !existsSync(join(root, 'cgroup.controllers'))) throw new Error(`no cgroup hierarchy under ${root}`);
  const settings: [string, Record<string, string>][] = v1
    ? [['memory', { 'memory.limit_in_bytes': MEMORY_LIMIT }], ['cpu', { 'cpu.cfs_quota_us': '-1' }], ['cpuacct', {}]]
    : [['', { 'memory.max': MEMORY_LIMIT, 'cpu.max': 'max' }]];
  const dirs: string[] = [];
  const hierarchies = new Set<string>();
  try {
    for (const [controller, files] of settings) {
      const parent = join(root, controller);
      if (!existsSync(parent) || hierarchies.has(realpathSync(parent))) continue; // cpu,cpuacct co-mounted
      hierarchies.add(realpathSync(parent));
      const dir = join(parent, name);
      mkdirSync(dir);
      dirs.push(dir);
      for (const [file, value] of Object.entries(files)) {
        if (v1 || file === 'memory.max' || existsSync(join(dir, file))) writeFileSync(join(dir, file), value);
      }
    }
  } catch (err) {
    for (const dir of dirs.reverse()) rmdirSync(dir);
    throw new Error(`cannot create the readers' cgroup: ${(err as Error).message}`);
  }
  return { version: v1 ? 1 : 2, dirs };
}

/** sh -c script: join every hierarchy, then become the loadgen ("$@"). */
export function enterScript(dirs: readonly string[]): string {
  return [...dirs.map((d) => `echo $$ > '${d}/cgroup.procs'`), 'exec "$@"'].join(' && ');
}

export async function removeCgroup(cgroup: BenchCgroup): Promise<string[]> {
  const left: string[] = [];
  for (const dir of [...cgroup.dirs].reverse()) {
    for (let attempt = 0; existsSync(dir); attempt++) {
      if (attempt === 50) { left.push(dir); break; }
      let pids: string[] = [];
      try { pids = readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean); } catch { /* gone */ }
      for (const pid of pids) try { process.kill(Number(pid), 'SIGKILL'); } catch { /* exited */ }
      try { rmdirSync(dir); } catch { await new Promise((r) => setTimeout(r, 100)); } // busy while they drain
    }
  }
  return left;
}

export type LoadSpec = Readonly<{ loadgen: string; mode: Mode; procs: number; ms: number; warmupMs: number; files: readonly string[] }>;

export function loadgenArgs(s: LoadSpec): string[] {
  return ['--mode', s.mode, '--procs', String(s.procs), '--ms', String(s.ms), '--warmup-ms', String(s.warmupMs), ...s.files];
}

/** Called when the measured window opens and closes (by the harness's clock, within a few ms). */
export type Window = Readonly<{ onStart: () => void; onEnd: () => void }>;

const live = new Set<ChildProcess>();

export function killReaders(): void {
  for (const child of live) try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ }
}

export function runLoadgen(cgroup: BenchCgroup, spec: LoadSpec, window?: Window): Promise<LoadgenResult> {
  const child = spawn('sh', ['-c', enterScript(cgroup.dirs), 'sh', spec.loadgen, ...loadgenArgs(spec)],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  let phase = 0; // 0 before the window, 1 inside, 2 after
  let failure: unknown;
  const call = (f?: () => void): void => { try { f?.(); } catch (err) { failure ??= err; } };
  const open = (): void => { if (phase === 0) { phase = 1; call(window?.onStart); } };
  const close = (): void => { open(); if (phase === 1) { phase = 2; call(window?.onEnd); } };
  const opensAt = START_DELAY_MS + spec.warmupMs;
  const hung = (): void => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } };
  const timers = [setTimeout(open, opensAt), setTimeout(close, opensAt + spec.ms), setTimeout(hung, opensAt + spec.ms + 60_000)];
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      live.delete(child);
      for (const t of timers) clearTimeout(t);
      try {
        close(); // a loadgen that ended before our timer still closes the window
        if (failure !== undefined) throw failure;
        if (code !== 0) throw new Error(`loadgen failed (${code ?? signal}): ${stderr.trim()}`);
        resolve(JSON.parse(stdout) as LoadgenResult);
      } catch (err) {
        reject(err instanceof SyntaxError ? new Error(`loadgen printed no result: ${stdout}${stderr}`) : err);
      }
    });
  });
}
