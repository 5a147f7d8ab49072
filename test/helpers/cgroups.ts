// Creates v1 cgroups for a test under /sys/fs/cgroup/<controller>/lxcfs-node-test-<pid>-<n>/
// and removes them in teardown, killing (by pid) any process still inside, deepest first.
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Test } from 'tap';

const CGROUP_ROOT = '/sys/fs/cgroup';
let counter = 0;

export class TestCgroups {
  /** Path of the test's own cgroup, relative to each hierarchy root, e.g. /lxcfs-node-test-12-0. */
  readonly base: string;
  readonly #created: string[] = [];

  constructor(t: Test) {
    this.base = `/lxcfs-node-test-${process.pid}-${counter++}`;
    t.teardown(() => this.removeAll());
  }

  /** Absolute directory of `rel` (relative to base) in a controller's hierarchy. */
  dir(controller: string, rel = ''): string {
    return join(CGROUP_ROOT, controller, this.base, rel);
  }

  /** Path as /proc/<pid>/cgroup shows it. */
  path(rel = ''): string {
    return join(this.base, rel);
  }

  create(controller: string, rel = ''): string {
    const parts = rel.split('/').filter(Boolean);
    for (let i = 0; i <= parts.length; i++) {
      const dir = this.dir(controller, parts.slice(0, i).join('/'));
      if (!existsSync(dir)) {
        mkdirSync(dir);
        this.#created.push(dir);
      }
    }
    return this.dir(controller, rel);
  }

  write(controller: string, rel: string, file: string, value: string | number): void {
    writeFileSync(join(this.dir(controller, rel), file), String(value));
  }

  read(controller: string, rel: string, file: string): string {
    return readFileSync(join(this.dir(controller, rel), file), 'utf8');
  }

  /**
   * Removes every cgroup this instance created, deepest first. Never throws: tap stops
   * running the remaining teardowns (unmounts, daemon stops) after one that throws. A
   * cgroup that cannot be removed is reported on stderr and fails after-tests.sh.
   */
  async removeAll(): Promise<void> {
    for (const dir of [...this.#created].reverse()) {
      try {
        await removeCgroup(dir);
      } catch (err) {
        process.stderr.write(`TestCgroups: ${(err as Error).message}\n`);
      }
    }
    this.#created.length = 0;
  }
}

function pidsIn(dir: string): number[] {
  try {
    return readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // removed meanwhile
  }
}

async function removeCgroup(dir: string): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    if (!existsSync(dir)) return;
    for (const pid of pidsIn(dir)) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
    }
    try {
      rmdirSync(dir);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`could not remove cgroup ${dir}`);
}
