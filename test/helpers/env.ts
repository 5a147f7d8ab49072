// Integration tests need root, /dev/fuse and writable v1 cgroups. When any is missing
// they FAIL with the reason — never skip — so CI (CI=true) cannot go green without
// having exercised the real kernel paths.
import { accessSync, constants, existsSync } from 'node:fs';
import type { Test } from 'tap';

export function missingPrivileges(): string | null {
  if (process.getuid?.() !== 0) return 'integration tests must run as root';
  if (!existsSync('/dev/fuse')) return '/dev/fuse is missing';
  try {
    accessSync('/sys/fs/cgroup/memory', constants.W_OK);
  } catch {
    return 'the v1 memory cgroup hierarchy /sys/fs/cgroup/memory is not writable';
  }
  return null;
}

/** Fails the test (and returns false) when the machine cannot run integration tests. */
export function requirePrivileges(t: Test): boolean {
  const missing = missingPrivileges();
  if (missing === null) return true;
  t.fail(`${missing}${process.env.CI === 'true' ? ' (CI=true)' : ''}`);
  return false;
}

/**
 * argv that runs `command` exactly as installed: through `env -i` with only PATH, so
 * neither the test runner's loader hooks (which it re-injects into every child it can
 * see) nor its coverage settings reach daemons and CLIs under test.
 */
export function cleanCommand(command: string, args: readonly string[]): [string, string[]] {
  return ['env', ['-i', `PATH=${process.env.PATH ?? '/usr/bin:/bin'}`, command, ...args]];
}
