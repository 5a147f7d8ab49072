// Runs short shell scripts as "container" processes for integration tests: bounded by
// a timeout, killed by pid in teardown if still running, stdout returned.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Test } from 'tap';

export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

const live = new Set<ChildProcess>();

function killAll(): void {
  for (const child of live) {
    try { if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ }
  }
  live.clear();
}
process.on('exit', killAll);

/** Runs `sh -c script`; rejects nothing — callers assert on the result. */
export function sh(t: Test, script: string, timeoutMs = 20_000): Promise<RunResult> {
  const child = spawn('sh', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  t.teardown(() => {
    if (live.has(child)) { try { process.kill(child.pid!, 'SIGKILL'); } catch { /* gone */ } }
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      live.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Like sh() but fails the test with stderr when the script does not exit 0. */
export async function shOk(t: Test, script: string, timeoutMs?: number): Promise<string> {
  const result = await sh(t, script, timeoutMs);
  if (result.code !== 0) t.fail(`script failed (${result.code ?? result.signal}): ${script}\n${result.stderr}`);
  return result.stdout;
}

/** The value in kB of a /proc/meminfo line. */
export function meminfoValue(text: string, label: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${label}:`));
  if (line === undefined) throw new Error(`no ${label} line in:\n${text}`);
  return Number(line.slice(label.length + 1).trim().split(/\s+/)[0]);
}
