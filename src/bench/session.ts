// Everything one bench run creates — a temp directory with the mountpoints and pidfiles,
// the readers' cgroup, the daemons — and its removal. cleanup() is idempotent and never
// throws, so the normal end, an exception and a signal handler can all call it: readers
// killed, daemons stopped, leftover mounts lazily unmounted, the cgroup and the temp
// directory removed (the directory only once nothing is mounted in it).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Daemon, daemonSpec, unmountUnder, type Binaries } from './daemons.js';
import { createCgroup, killReaders, removeCgroup, type BenchCgroup } from './readers.js';
import type { DaemonName } from './stats.js';

export class Session {
  readonly dir: string;
  readonly cgroup: BenchCgroup;
  readonly daemons: Daemon[] = [];
  #cleanup: Promise<string[]> | null = null;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'lxcfs-node-bench-'));
    try {
      this.cgroup = createCgroup(`lxcfs-node-bench-${process.pid}`);
    } catch (err) {
      rmSync(this.dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** Starts the daemons one after the other; each is registered for cleanup before it can fail. */
  async start(names: readonly DaemonName[], flags: readonly string[], bins: Binaries, nodeFlags: readonly string[] = []): Promise<void> {
    for (const name of names) {
      const daemon = new Daemon(daemonSpec(name, this.dir, name === 'lxcfs-node' ? [...flags, ...nodeFlags] : flags, bins));
      this.daemons.push(daemon);
      await daemon.ready();
    }
  }

  daemon(name: DaemonName): Daemon {
    const found = this.daemons.find((d) => d.spec.name === name);
    if (found === undefined) throw new Error(`${name} is not running in this session`);
    return found;
  }

  /** Resolves with what could not be cleaned up (empty when everything was). */
  cleanup(): Promise<string[]> {
    this.#cleanup ??= this.#run().catch((err: Error) => [`cleanup failed: ${err.message}`]);
    return this.#cleanup;
  }

  async #run(): Promise<string[]> {
    killReaders();
    await Promise.all(this.daemons.map((d) => d.stop()));
    const left = this.daemons.filter((d) => d.running()).map((d) => `${d.spec.name} (pid ${d.pids().join(',')}) still running`);
    const mounted = unmountUnder(this.dir);
    left.push(...mounted.map((m) => `still mounted: ${m}`));
    left.push(...(await removeCgroup(this.cgroup)).map((d) => `cgroup not removed: ${d}`));
    if (mounted.length === 0) rmSync(this.dir, { recursive: true, force: true });
    return left;
  }
}
