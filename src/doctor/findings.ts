// What the doctor reports: one finding per check, in plain words, with a fix when something
// is wrong, and the exit status they add up to. Check ids are stable (scripts grep for them);
// a check that could not run because an earlier one failed is left out, never reported ok.

export type Status = 'ok' | 'warn' | 'fail';

/** The stable ids, in the order the checks run. */
export const CHECK_IDS = Object.freeze([
  'fuse-device', 'cgroup-layout', 'mount', 'files',
  'pid-exists', 'pid-covered', 'pid-stale', 'pid-values',
] as const);

export type CheckId = (typeof CHECK_IDS)[number];

export interface Finding {
  /** Stable id, e.g. 'fuse-device', 'pid-covered'. */
  readonly check: CheckId;
  readonly status: Status;
  /** What was found, in plain words. */
  readonly message: string;
  /** What to do about it; absent when status is 'ok'. */
  readonly fix?: string;
}

/** 0: every check ok. 1: at least one failed. 2: none failed, some warned. */
export type ExitCode = 0 | 1 | 2;

export function ok(check: CheckId, message: string): Finding {
  return { check, status: 'ok', message };
}

export function warn(check: CheckId, message: string, fix: string): Finding {
  return { check, status: 'warn', message, fix };
}

export function fail(check: CheckId, message: string, fix: string): Finding {
  return { check, status: 'fail', message, fix };
}

export function exitCodeOf(findings: readonly Finding[]): ExitCode {
  if (findings.some((f) => f.status === 'fail')) return 1;
  return findings.some((f) => f.status === 'warn') ? 2 : 0;
}
