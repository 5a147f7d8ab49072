// Process-tree helpers for tests of the keeper: a keeper's serving child, and killing what a
// test started by pid (a keeper killed with SIGKILL leaves its child serving by design).
import { readdirSync, readFileSync } from 'node:fs';
import { STANDBY_TITLE } from '../../src/keeper/serving-child.js';

/** Direct children of `pid` (every thread's list), [] once it is gone. */
export function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
      readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
  } catch {
    return [];
  }
}

/** The keeper's serving child (`serve-connection`), if it has one now. */
export function servingChildOf(keeper: number): number | undefined {
  return childrenOf(keeper).find((pid) => commandLine(pid).includes('serve-connection'));
}

/** The keeper's spare (or a successor's child not yet started): one waiting in standby. */
export function standbyChildOf(keeper: number): number | undefined {
  return childrenOf(keeper).find((pid) => commandLine(pid).startsWith(STANDBY_TITLE));
}

export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** SIGKILLs each pid still running `marker` (a pid reused by something else is left alone). */
export function killIfStill(pids: readonly number[], marker: string): void {
  for (const pid of pids) {
    if (!commandLine(pid).includes(marker)) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
