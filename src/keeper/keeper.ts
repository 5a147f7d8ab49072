// The keeper: the long-lived process the pidfile names. It mounts and holds the /dev/fuse
// connection (its fd and one clone per extra serving thread) but never reads it; a serving
// child does (serving-child.ts). When the child dies — even by SIGKILL — the connection
// lives on in the keeper, a new child is started on the same open files and asks the kernel
// to resend what the dead one read but never answered (FUSE_NOTIFY_RESEND, Linux ≥ 6.9) or,
// where it cannot, replays the journal of requests in flight the keeper also holds (a memfd
// every serving thread records its requests in until answered): readers wait a moment, none
// fails. A successor keeper (an upgrade, a DaemonSet surge pod) takes the
// connection over through hand-over.ts; the keeper that handed over stays until signalled
// (so a supervisor does not restart it into taking the connection back) and never unmounts.
import { execFile, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, writeSync } from 'node:fs';
import type { DaemonOptions } from '../config.js';
import { buildRenderer, mountFuse } from '../daemon.js';
import { LxcfsError } from '../errors.js';
import { encodeNotifyResend, type InitOut } from '../fuse/protocol.js';
import { readOwnMountinfo, topMountAt } from '../host/mountinfo.js';
import type { Logger } from '../log.js';
import { prepareMountpoint } from '../mountpoint.js';
import { MNT_DETACH, type NativeAddon } from '../native/addon.js';
import { Pidfile } from '../pidfile.js';
import { firstFhOf, HAND_OVER_PROTOCOL, type ConnectionState } from './connection-state.js';
import { handOverSocketPath, HandOverListener, requestHandOver } from './hand-over.js';
import { findStaleMounts, type ReattachResult } from './reattach.js';
import { EXIT_CONNECTION_ENDED, RELEASE, spawnServingChild, START, thisCommand, type ChildMessage } from './serving-child.js';
import { Spare } from './spare.js';

export interface KeeperDeps {
  readonly native: NativeAddon;
  readonly logger: Logger;
  readonly version: string;
  /** The daemon's argv, passed to every serving child. */
  readonly argv: readonly string[];
  /** How to run lxcfs-node (default: as this process was run). */
  readonly command?: { readonly file: string; readonly args: readonly string[] };
  readonly fuseDevicePath?: string;
}

export interface KeeperOptions extends DaemonOptions {
  /** When another instance holds the pidfile: take its connection over instead of failing. */
  readonly takeOver: boolean;
  /** How often to look for containers whose files died with a lost connection (0: never). */
  readonly reattachEveryMs: number;
  /** How long after a crash a spare serving process is kept ready (0: never; see spare.ts). */
  readonly spareAfterCrashMs: number;
}

/** Crashes within CRASH_WINDOW_MS beyond which a new child waits CRASH_BACKOFF_MS. */
const CRASH_WINDOW_MS = 10_000;
const CRASHES_BEFORE_BACKOFF = 10;
const CRASH_BACKOFF_MS = 1_000;
const CHILD_STOP_GRACE_MS = 5_000;
const FIRST_SERVING_TIMEOUT_MS = 15_000;
const PIDFILE_RETRY_MS = 100;
/** How long a successor waits for the holder to let go of the pidfile after "released" (or without it). */
const PIDFILE_WAIT_MS = 10_000;
const PIDFILE_WAIT_UNCONFIRMED_MS = 2_000;
/** Handle generations kept back by a holder that hands over, in case the successor fails and it serves on. */
const GENERATIONS_HANDED_OVER = 1024;
const REATTACH_TIMEOUT_MS = 60_000;
/** How long a hand-over waits for a restarting child to serve (within the successor's 10 s wait for "released"). */
const SERVING_BEFORE_RELEASE_MS = 4_000;

export type KeeperEnd = 'stopped' | 'unmounted' | 'handed-over';

interface Held {
  readonly mountpoint: string;
  readonly mountId: number | undefined;
  readonly device: string;
  readonly fds: readonly number[];
  /** The journal of requests in flight (one region per fd); null if it could not be made. */
  readonly journal: number | null;
  negotiated: InitOut | null;
  generation: number;
}

export class Keeper {
  readonly #options: KeeperOptions;
  readonly #deps: KeeperDeps;
  readonly #held: Held;
  readonly #crashes: number[] = [];
  #pidfile: Pidfile | null;
  #listener: HandOverListener | null = null;
  #child: ChildProcess | null = null;
  #onChildMessage: ((message: ChildMessage) => void) | null = null;
  /** Fails the pending #nextMessage when the child exits first. */
  #onChildGone: (() => void) | null = null;
  #state: 'taking-over' | 'serving' | 'handed-over' | 'stopping' | 'ended' = 'serving';
  #resolveEnd!: (end: KeeperEnd) => void;
  #reattachTimer: NodeJS.Timeout | null = null;
  /** A child of ours (or a predecessor's, after a take-over) has served this connection. */
  #served = false;
  /** The current child said "serving": it has answered what a dead predecessor left in the journal. */
  #childReady = false;
  #reattach: ChildProcess | null = null;
  #reattaching = false;
  /** Stale mounts already dealt with (replaced, alive: another instance's, or failed): not again. */
  readonly #dealtWith = new Set<string>();
  /** Re-attach outcomes so far, for the serving child's /metrics. */
  readonly #repairs = new Map<string, number>();
  readonly #spare: Spare;
  readonly ended: Promise<KeeperEnd>;

  private constructor(options: KeeperOptions, deps: KeeperDeps, held: Held, pidfile: Pidfile | null) {
    this.#options = options;
    this.#deps = deps;
    this.#held = held;
    this.#pidfile = pidfile;
    this.#spare = new Spare(options.spareAfterCrashMs, () => this.#launch(true));
    this.ended = new Promise((resolve) => { this.#resolveEnd = resolve; });
  }

  /** The serving child's pid (for tests and the benchmark). */
  get childPid(): number | undefined {
    return this.#child?.pid;
  }

  static async start(options: KeeperOptions, deps: KeeperDeps): Promise<Keeper> {
    const { native, logger } = deps;
    if (process.getuid?.() !== 0) throw new LxcfsError('LXCFS_NOT_ROOT');
    const devicePath = deps.fuseDevicePath ?? '/dev/fuse';
    if (!existsSync(devicePath)) throw new LxcfsError('LXCFS_NO_FUSE', devicePath);
    buildRenderer(options, logger); // bad roots or cgroup layout fail here, before any mount
    let pidfile: Pidfile;
    try {
      pidfile = Pidfile.acquire(options.pidfile, native);
    } catch (err) {
      if (options.takeOver && err instanceof LxcfsError && err.code === 'LXCFS_PIDFILE_LOCKED') return Keeper.#takeOver(options, deps);
      throw err;
    }
    const detach = (path: string) => native.umount(path, MNT_DETACH);
    const fds: number[] = [];
    let journal: number | null = null;
    let mountpoint: string | undefined;
    try {
      mountpoint = prepareMountpoint(options.mountpoint, { procRoot: '/proc', logger, detach });
      fds.push(native.openFuseDevice(devicePath));
      mountFuse(native, fds[0]!, mountpoint, options.fuseOptions);
      const entry = topMountAt(readOwnMountinfo(), mountpoint);
      // Clones need a mounted connection; they are read only once INIT is answered.
      while (fds.length < options.threads) fds.push(native.cloneFuseDevice(fds[0]!, devicePath));
      journal = makeJournal(native, fds.length, logger);
      const held: Held = { mountpoint, mountId: entry?.mountId, device: entry?.device ?? '0:0', fds, journal, negotiated: null, generation: 0 };
      const keeper = new Keeper({ ...options, mountpoint }, deps, held, pidfile);
      keeper.#listen();
      keeper.#spawn();
      logger.info({ mountpoint, mountId: held.mountId, threads: fds.length }, 'mounted; keeper holds the connection');
      return keeper;
    } catch (err) {
      if (mountpoint !== undefined && topMountAt(readOwnMountinfo(), mountpoint)?.fsType === 'fuse.lxcfs-node' && fds.length > 0) {
        try { detach(mountpoint); } catch { /* the next start detaches it */ }
      }
      for (const fd of fds) closeQuietly(fd);
      if (journal !== null) closeQuietly(journal);
      pidfile.release();
      throw err;
    }
  }

  static async #takeOver(options: KeeperOptions, deps: KeeperDeps): Promise<Keeper> {
    const { native, logger } = deps;
    const path = handOverSocketPath(options.pidfile);
    const taken = requestHandOver(native, path, deps.version);
    const { state } = taken;
    const fds = [...taken.fds];
    let keeper: Keeper | undefined;
    try {
      if (state.mountpoint !== options.mountpoint) {
        throw new LxcfsError('LXCFS_HAND_OVER_FAILED', `the running instance serves ${state.mountpoint}, not ${options.mountpoint}`);
      }
      const entry = readOwnMountinfo().filter((m) => m.mountPoint === state.mountpoint && m.device === state.device).at(-1);
      if (entry === undefined) logger.warn({ mountpoint: state.mountpoint, device: state.device }, 'the connection\'s mount is not visible here; serving it anyway');
      while (fds.length < options.threads) fds.push(native.cloneFuseDevice(fds[0]!, deps.fuseDevicePath));
      // A journal of our own: the holder answers everything it read before it hands over.
      const held: Held = { mountpoint: state.mountpoint, mountId: entry?.mountId, device: state.device, fds, journal: makeJournal(native, fds.length, logger), negotiated: state.negotiated, generation: state.generation };
      keeper = new Keeper(options, deps, held, null);
      keeper.#state = 'taking-over';
      const ready = keeper.#nextMessage('ready', FIRST_SERVING_TIMEOUT_MS);
      keeper.#spawn(true);
      await ready;
    } catch (err) {
      if (keeper !== undefined) keeper.#killChild();
      taken.abandon();
      throw err;
    }
    // From here the predecessor stops reading. We start only once it let go of the pidfile:
    // if it did not (it aborted and serves on), starting would make two readers.
    let confirmed = true;
    try {
      taken.confirm();
    } catch (err) {
      confirmed = false;
      logger.warn({ err }, 'the previous instance did not confirm the hand-over');
    }
    try {
      await keeper.#acquirePidfile(confirmed ? PIDFILE_WAIT_MS : PIDFILE_WAIT_UNCONFIRMED_MS);
    } catch (err) {
      keeper.#killChild();
      taken.abandon();
      throw err;
    }
    logger.info({ from: state.version, generation: state.generation }, 'took the connection over');
    keeper.#state = 'serving';
    const serving = keeper.#nextMessage('serving', FIRST_SERVING_TIMEOUT_MS).catch((err: unknown) => logger.warn({ err }, 'slow start after the hand-over'));
    if (keeper.#child === null) keeper.#spawn();
    else keeper.#child.send(START);
    await serving;
    keeper.#listen();
    return keeper;
  }

  /**
   * Ends the keeper: unmounts (unless the connection was handed over), stops the child, closes
   * the fds and removes the pidfile. Idempotent.
   */
  async stop(): Promise<void> {
    if (this.#state === 'stopping' || this.#state === 'ended') return this.ended.then(() => undefined);
    // Past the request, a successor may already serve the connection: never unmount it then.
    const handedOver = this.#state === 'handed-over' || this.#listener?.handingOver === true;
    this.#state = 'stopping';
    this.#spare.drop();
    this.#reattach?.kill('SIGKILL');
    this.#listener?.close();
    if (!handedOver) this.#detachOurs();
    await this.#stopChild();
    this.#end(handedOver ? 'handed-over' : 'stopped');
  }

  #end(how: KeeperEnd): void {
    if (this.#state === 'ended') return;
    const handedOver = this.#state === 'handed-over' || how === 'handed-over';
    this.#state = 'ended';
    this.#spare.drop();
    if (this.#reattachTimer !== null) clearInterval(this.#reattachTimer);
    this.#listener?.close();
    if (!handedOver) for (const fd of this.#held.fds) closeQuietly(fd);
    if (this.#held.journal !== null) closeQuietly(this.#held.journal);
    if (handedOver) this.#pidfile?.unlock();
    else this.#pidfile?.release();
    this.#pidfile = null;
    this.#deps.logger.info({ how, mountpoint: this.#held.mountpoint }, 'keeper ended');
    this.#resolveEnd(how);
  }

  /** A serving child on the connection; `standby`: ready but not reading until START. */
  #spawn(standby = false): void {
    this.#child = this.#launch(standby);
    this.#childReady = false;
  }

  /** Starts a serving process (the serving child, or in standby the spare); the caller says which. */
  #launch(standby: boolean): ChildProcess {
    const held = this.#held;
    const generation = held.generation++;
    const resend = this.#served || standby;
    this.#served = true;
    const child = spawnServingChild({
      command: this.#deps.command, argv: this.#deps.argv, fds: held.fds, journal: held.journal ?? undefined,
      // Every child but a fresh mount's first has a predecessor on this connection.
      connection: { negotiated: held.negotiated, firstFh: firstFhOf(generation), mountId: held.mountId ?? null, standby, resend },
      onMessage: (message) => {
        if (this.#spare.is(child)) {
          if (message.type !== 'ready') return;
          this.#spare.ready(child);
          this.#deps.logger.info({ pid: child.pid }, 'a spare serving process is ready for the next crash');
          return;
        }
        if (message.type === 'serving' && this.#child === child) this.#childReady = true;
        if (message.type === 'init') held.negotiated = message.negotiated;
        if (message.type === 'serving') this.#childServing(child);
        this.#onChildMessage?.(message);
      },
      onExit: (code, signal) => {
        if (this.#spare.is(child)) this.#spare.exited(child);
        else this.#childExited(child, code, signal);
      },
    });
    return child;
  }

  /** A child serves: re-attaching can begin (its lookups through our mount get answered). */
  #childServing(child: ChildProcess): void {
    if (this.#held.negotiated !== null) this.#spare.ensure(); // a spare starts past INIT, as a restarted child does
    if (this.#repairs.size > 0) child.send({ type: 'repairs', totals: Object.fromEntries(this.#repairs) });
    const every = this.#options.reattachEveryMs;
    if (every <= 0 || this.#reattachTimer !== null) return;
    this.#reattachTimer = setInterval(() => this.#reattachPass(), every);
    this.#reattachTimer.unref();
    this.#reattachPass();
  }

  /**
   * Looks for containers that still show a dead connection's files and, if there are any,
   * runs `lxcfs-node reattach` for them — in a process of its own: its path lookups go
   * through our mount, which this process must never wait on (it restarts the child).
   */
  #reattachPass(): void {
    if (this.#reattaching || this.#state !== 'serving') return;
    const { logger } = this.#deps;
    const held = this.#held;
    let stale;
    try {
      stale = findStaleMounts('/proc', held.device, null).filter((m) => !this.#dealtWith.has(staleKey(m)));
    } catch (err) {
      logger.warn({ err }, 'cannot scan mount namespaces for stale mounts');
      return;
    }
    if (stale.length === 0) return;
    this.#reattaching = true;
    const command = this.#deps.command ?? thisCommand();
    this.#reattach = execFile(command.file, [...command.args, 'reattach', '--json', '--device', held.device, held.mountpoint], { timeout: REATTACH_TIMEOUT_MS }, (err, stdout) => {
      this.#reattaching = false;
      this.#reattach = null;
      let results: unknown;
      try {
        results = (JSON.parse(stdout) as { results?: unknown }).results;
      } catch {
        results = undefined;
      }
      if (!Array.isArray(results)) {
        logger.warn({ err, stale: stale.length }, 're-attaching failed');
        return;
      }
      for (const r of results as ReattachResult[]) {
        // Each stale mount counts once, whatever became of it; a failure is not retried every pass.
        this.#repairs.set(r.outcome, (this.#repairs.get(r.outcome) ?? 0) + 1);
        this.#dealtWith.add(staleKey(r));
        const fields = { namespacePid: r.pid, target: r.target, file: r.root, outcome: r.outcome, errno: r.errno };
        if (r.outcome === 'replaced') logger.info(fields, 're-attached a container\'s dead mount');
        else if (r.outcome !== 'alive') logger.warn(fields, 'could not re-attach a container\'s dead mount');
      }
      this.#child?.send({ type: 'repairs', totals: Object.fromEntries(this.#repairs) });
    });
  }

  #childExited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.#child !== child) return;
    this.#child = null;
    this.#childReady = false;
    this.#onChildGone?.();
    if (this.#state !== 'serving') return;
    const { logger } = this.#deps;
    if (code === EXIT_CONNECTION_ENDED) {
      logger.info({ mountpoint: this.#held.mountpoint }, 'the kernel ended the FUSE connection (unmounted)');
      this.#end('unmounted');
      return;
    }
    const now = Date.now();
    while (this.#crashes.length > 0 && this.#crashes[0]! < now - CRASH_WINDOW_MS) this.#crashes.shift();
    this.#crashes.push(now);
    const delay = this.#crashes.length > CRASHES_BEFORE_BACKOFF ? CRASH_BACKOFF_MS : 0;
    logger.warn({ code, signal, restartInMs: delay, generation: this.#held.generation }, 'serving process died; starting another on the same connection');
    this.#spare.crashed();
    setTimeout(() => { if (this.#state === 'serving' && this.#child === null) this.#replaceChild(); }, delay);
  }

  /** After a crash: the spare if one is ready (already booted), else a fresh child. */
  #replaceChild(): void {
    const spare = this.#spare.take();
    if (spare === null) {
      this.#spawn();
    } else {
      this.#child = spare;
      this.#childReady = false;
      this.#deps.logger.info({ pid: spare.pid }, 'the spare serving process takes over');
      spare.send(START); // a channel closed meanwhile: its exit is a crash like any other
    }
    if (this.#held.negotiated !== null) this.#spare.ensure();
  }

  /** Offers the connection to a successor; without the socket this instance just cannot hand over. */
  #listen(): void {
    const { logger, native } = this.#deps;
    try {
      this.#listener = new HandOverListener(handOverSocketPath(this.#options.pidfile), {
        api: native,
        current: () => {
          const state = this.#connectionState();
          // The successor's handles start at this generation; ours, if we serve on, after it.
          if (state.negotiated !== null) this.#held.generation += GENERATIONS_HANDED_OVER;
          return { state, fds: this.#held.fds };
        },
        release: () => this.#releaseChild(),
        resend: () => this.#resend(),
        resume: () => this.#resume(),
        onHandedOver: (successor) => {
          this.#state = 'handed-over';
          for (const fd of this.#held.fds) closeQuietly(fd);
          this.#pidfile?.unlock();
          this.#pidfile = null;
          logger.info({ successor }, 'connection handed over; waiting for a signal to exit (the mount stays)');
        },
        log: (level, fields, message) => logger[level](fields, message),
      });
    } catch (err) {
      logger.error({ err, pidfile: this.#options.pidfile }, 'cannot offer the connection for hand-over; serving on without');
    }
  }

  /** The successor went away after our child stopped reading: serve again, on a fresh child. */
  #resume(): void {
    if (this.#state !== 'serving') return;
    this.#deps.logger.warn({}, 'the successor went away during the hand-over; serving on');
    const released = this.#child;
    this.#child = null;
    released?.kill('SIGKILL');
    this.#spawn();
  }

  #connectionState(): ConnectionState {
    const held = this.#held;
    return { protocol: HAND_OVER_PROTOCOL, version: this.#deps.version, mountpoint: held.mountpoint, device: held.device, negotiated: held.negotiated, generation: held.generation };
  }

  async #acquirePidfile(timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      try {
        this.#pidfile = Pidfile.acquire(this.#options.pidfile, this.#deps.native);
        return;
      } catch (err) {
        if (!(err instanceof LxcfsError && err.code === 'LXCFS_PIDFILE_LOCKED')) throw err;
        if (Date.now() > until) throw new LxcfsError('LXCFS_HAND_OVER_FAILED', `the previous instance still holds ${this.#options.pidfile}`);
        await new Promise((resolve) => setTimeout(resolve, PIDFILE_RETRY_MS));
      }
    }
  }

  /** Tells the child to stop reading; resolves once it did (or is gone). */
  async #releaseChild(): Promise<void> {
    this.#spare.drop(); // the successor serves from here; a spare of ours would only hold the fds
    // A child that does not serve yet (just restarted after a crash, or not even started in a
    // crash back-off) may not have replayed what its dead predecessor left in our journal, and
    // a successor never sees our journal: hand over from a serving child only.
    for (const until = Date.now() + SERVING_BEFORE_RELEASE_MS; !this.#childReady && Date.now() < until;) {
      await this.#nextMessage('serving', until - Date.now()).catch(() => new Promise((r) => setTimeout(r, 50)));
    }
    if (this.#child === null) return;
    const released = this.#nextMessage('released', CHILD_STOP_GRACE_MS).catch(() => this.#killChild());
    this.#child.send(RELEASE);
    return released;
  }

  #nextMessage(type: ChildMessage['type'], timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const settle = (error: string | null): void => {
        clearTimeout(timer);
        this.#onChildMessage = null;
        this.#onChildGone = null;
        if (error === null) resolve();
        else reject(new LxcfsError('LXCFS_HAND_OVER_FAILED', `the serving process ${error} before "${type}"`));
      };
      const timer = setTimeout(() => settle(`sent nothing for ${timeoutMs} ms`), timeoutMs);
      this.#onChildMessage = (message) => { if (message.type === type) settle(null); };
      this.#onChildGone = () => settle('exited');
    });
  }

  #resend(): void {
    try {
      writeSync(this.#held.fds[0]!, encodeNotifyResend());
    } catch (err) {
      this.#deps.logger.warn({ err }, 'the kernel cannot resend requests (Linux < 6.9?)');
    }
  }

  async #stopChild(): Promise<void> {
    const child = this.#child;
    if (child === null || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }

  #killChild(): void {
    const child = this.#child;
    this.#child = null;
    child?.kill('SIGKILL');
  }

  #detachOurs(): void {
    const { mountpoint, mountId } = this.#held;
    try {
      const top = topMountAt(readOwnMountinfo(), mountpoint);
      if (top !== undefined && top.mountId === mountId) this.#deps.native.umount(mountpoint, MNT_DETACH);
      else if (top !== undefined) this.#deps.logger.warn({ mountpoint, covering: top.fsType }, 'our mount is covered; it stays until the next start detaches it');
    } catch (err) {
      this.#deps.logger.warn({ err, mountpoint }, 'unmount failed');
    }
  }
}

function staleKey(m: { readonly namespace: string; readonly target: string; readonly device: string }): string {
  return `${m.namespace} ${m.target} ${m.device}`;
}

/** Without a journal a dead child's requests are lost where the kernel cannot resend them: worth a warning, not a refusal to serve. */
function makeJournal(native: NativeAddon, regions: number, logger: Logger): number | null {
  try {
    return native.createJournal(regions);
  } catch (err) {
    logger.warn({ err }, 'no journal of requests in flight; on kernels without FUSE_NOTIFY_RESEND a crash leaves readers waiting');
    return null;
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // closed already
  }
}
