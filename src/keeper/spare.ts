// The keeper's spare: after a crash, a second serving process is started in standby (booted,
// its modules loaded, not reading) and kept for a while, so that the next crash's successor
// is already up — promoting it costs one message and the connection set-up, where a fresh
// node process costs ~250 ms of boot on a small VM, longer on a loaded node. Crashes come in
// runs (a poison request, a node under memory pressure), and every reader waits out each
// restart; a waiting spare costs ~13 MiB, so it is kept only while crashes come.
import type { ChildProcess } from 'node:child_process';

export class Spare {
  readonly #keepMs: number;
  readonly #launch: () => ChildProcess;
  #child: ChildProcess | null = null;
  #ready = false;
  #wanted = false;
  #timer: NodeJS.Timeout | null = null;

  /** `keepMs`: how long after the last crash a spare is kept (0: never one); `launch` starts one in standby. */
  constructor(keepMs: number, launch: () => ChildProcess) {
    this.#keepMs = keepMs;
    this.#launch = launch;
  }

  /** A serving process died: from now until keepMs after this, keep a spare. */
  crashed(): void {
    if (this.#keepMs <= 0) return;
    this.#wanted = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.drop(), this.#keepMs);
    this.#timer.unref();
  }

  /**
   * Starts a spare if one is wanted and none runs: right after a crash's replacement was
   * started (booting beside it, so that a replacement killed before it serves is followed by
   * a spare already up) and whenever a serving process serves.
   */
  ensure(): void {
    if (this.#wanted && this.#child === null) this.#child = this.#launch();
  }

  /** Whether `child` is the spare (its messages and exit are not the serving process's). */
  is(child: ChildProcess): boolean {
    return child === this.#child;
  }

  /** The spare said "ready": promotable from now on. */
  ready(child: ChildProcess): void {
    if (child === this.#child) this.#ready = true;
  }

  /** The spare exited (killed, or its keeper's channel gone): none until the next ensure(). */
  exited(child: ChildProcess): void {
    if (child !== this.#child) return;
    this.#child = null;
    this.#ready = false;
  }

  /** The spare, ready and still there, handed over to become the serving process; else null. */
  take(): ChildProcess | null {
    const child = this.#child;
    if (child === null || !this.#ready || !child.connected || child.exitCode !== null || child.signalCode !== null) return null;
    this.#child = null;
    this.#ready = false;
    return child;
  }

  /** No spare from now on (crashes stopped, a hand-over, the keeper ends): it is killed. */
  drop(): void {
    this.#wanted = false;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    const child = this.#child;
    this.#child = null;
    this.#ready = false;
    child?.kill('SIGKILL'); // it holds the fds but has read nothing: nothing to answer
  }
}
