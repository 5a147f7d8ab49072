// The serving threads beside the main one: each worker reads its own clone of the mount's
// /dev/fuse fd (FUSE_DEV_IOC_CLONE) and answers what it reads, so rendering uses more than
// one core. Open files live in the native table every thread shares (src/fuse/handles.ts).
// The main thread owns each clone's fd — it opens it, answers the requests a worker hands
// over (those needing the stateful services) on it, and closes it only once that worker has
// exited, so a reply never goes to a closed or reused fd. A worker that dies is replaced
// (at most RESTARTS_PER_MINUTE times a minute). On a clone the pool made itself, the kernel
// fails the requests the dead worker held (ECONNABORTED) when its fd closes; on a keeper's
// clone, which outlives the worker, they are resent by the kernel or replayed from the
// worker's journal region (region index + 1; the main thread's fd has region 0) and answered
// on the main thread before the replacement starts reading.
import { Worker } from 'node:worker_threads';
import type { Logger } from '../log.js';
import { FuseDevice, type Recovery } from '../fuse/device.js';
import type { InitOut } from '../fuse/protocol.js';
import type { NativeAddon } from '../native/addon.js';
import { STOP, type WorkerData, type WorkerSettings } from './worker-data.js';

const RESTARTS_PER_MINUTE = 5;
const RESTART_DELAY_MS = 100;
const STOP_GRACE_MS = 2000;
/** Young generation per worker; requests make only short-lived garbage (see bin.ts). */
const YOUNG_GENERATION_MB = 6;

export interface PoolDeps {
  readonly native: NativeAddon;
  readonly logger: Logger;
  /** The mount's own /dev/fuse fd and the device it was opened from. */
  readonly fd: number;
  readonly devicePath: string;
  readonly tableId: number;
  readonly settings: WorkerSettings;
  /** Read counters shared by every thread; worker i (a replacement too) writes slot i + 1. */
  readonly stats: SharedArrayBuffer;
  /**
   * One clone per worker, opened and kept by a keeper process (src/keeper/): a worker's fd is
   * then never closed here but reused by its replacement, and the kernel is asked to resend
   * what the dead worker held. Without them each worker gets a clone of its own, closed when
   * it exits (the kernel then fails the requests it held).
   */
  readonly fds?: readonly number[];
  /** The keeper's journal of requests in flight (with `fds`): worker i records in region i + 1. */
  readonly journal?: number;
  /** Ask the kernel to resend before replaying the journal (DaemonOptions.kernelResend). */
  readonly kernelResend: boolean;
  /** Answers on the main thread a request a worker handed over; replies go to `sink`. */
  answer(raw: Buffer, sink: FuseDevice, negotiated: InitOut): void;
  /** The same for a request replayed from the journal (see ReadOnlyFilesystem.replaying). */
  replay(raw: Buffer, sink: FuseDevice, negotiated: InitOut): void;
}

interface Slot {
  readonly index: number;
  worker: Worker | null;
  device: FuseDevice | null;
  /** The keeper's clone this slot serves on, if any. */
  readonly keptFd: number | undefined;
  /** A worker died here: its replacement asks the kernel to resend what it held. */
  replaced: boolean;
}

export class ServingPool {
  readonly #deps: PoolDeps;
  readonly #slots: Slot[];
  readonly #restarts: number[] = [];
  #negotiated: InitOut | undefined;
  /** How the main thread recovered what a predecessor process held: 'replayed' means every worker replays its region first. */
  #recovery: Recovery | 'none' = 'none';
  #stopped = false;

  constructor(workers: number, deps: PoolDeps) {
    this.#deps = deps;
    const kept = deps.fds;
    const count = kept === undefined ? workers : Math.min(workers, kept.length);
    this.#slots = Array.from({ length: count }, (_, index) => ({ index, worker: null, device: null, keptFd: kept?.[index], replaced: false }));
  }

  /** Workers running now. */
  get running(): number {
    return this.#slots.filter((slot) => slot.worker !== null).length;
  }

  /**
   * Starts every worker; call once INIT is negotiated (a clone must not read INIT).
   * `recovery`: how the main thread had the requests of a dead predecessor process answered —
   * when from the journal (the kernel cannot resend), each worker's region is replayed too.
   */
  start(negotiated: InitOut, recovery: Recovery | 'none' = 'none'): void {
    if (this.#stopped || this.#negotiated !== undefined) return;
    this.#negotiated = negotiated;
    this.#recovery = recovery;
    for (const slot of this.#slots) this.#spawn(slot);
  }

  /**
   * Asks every worker to end; each clone's fd is closed once its worker has exited. A worker
   * still there after STOP_GRACE_MS is terminated. Idempotent; resolves once all have exited.
   */
  stop(): Promise<void> {
    if (!this.#stopped) {
      this.#stopped = true;
      for (const slot of this.#slots) {
        const worker = slot.worker;
        if (worker === null) continue;
        worker.postMessage(STOP);
        setTimeout(() => { if (slot.worker === worker) void worker.terminate(); }, STOP_GRACE_MS).unref();
      }
    }
    return this.#allExited();
  }

  /** Resolves once no worker runs (each answered the batch it was in before it exited). */
  #allExited(): Promise<void> {
    const running = this.#slots.map((slot) => slot.worker).filter((worker) => worker !== null);
    return Promise.all(running.map((worker) => new Promise<void>((resolve) => worker.once('exit', () => resolve())))).then(() => undefined);
  }

  #spawn(slot: Slot): void {
    const { native, logger, fd, devicePath, tableId, settings, stats } = this.#deps;
    const negotiated = this.#negotiated!;
    let device: FuseDevice;
    const journal = slot.keptFd !== undefined && this.#deps.journal !== undefined ? { fd: this.#deps.journal, region: slot.index + 1 } : undefined;
    try {
      device = new FuseDevice(slot.keptFd ?? native.cloneFuseDevice(fd, devicePath), native, logger, journal);
    } catch (err) {
      logger.error({ err }, 'cannot clone the FUSE connection; serving on fewer threads');
      return;
    }
    // Before the replacement reads (and records) anything, while its region still holds what
    // the dead one read. After a dead predecessor process the main thread has already asked
    // the kernel (which resends for every fd of the connection), so only the journal is left.
    if (slot.keptFd !== undefined && (slot.replaced || this.#recovery === 'replayed')) {
      device.recover((raw) => this.#deps.replay(raw, device, negotiated), slot.replaced && this.#deps.kernelResend);
    }
    const workerData: WorkerData = { ...settings, fd: device.fd, tableId, negotiated, stats, statsSlot: slot.index + 1, journal };
    const worker = new Worker(new URL('./serve-worker.js', import.meta.url), {
      workerData,
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    });
    slot.worker = worker;
    slot.device = device;
    worker.on('message', (raw: Uint8Array) => {
      this.#deps.answer(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength), device, negotiated);
      // Answered: the worker holds its journal record until told so (its header names it).
      if (journal !== undefined) worker.postMessage(raw.subarray(0, 16));
    });
    worker.on('error', (err) => logger.error({ err, threadId: worker.threadId }, 'serving thread failed'));
    worker.once('exit', (code) => {
      slot.worker = null;
      slot.device = null;
      if (slot.keptFd === undefined) device.close();
      // 0: its connection ended (unmounted) and its loop ran dry; anything else is a death.
      if (!this.#stopped && code !== 0) this.#replace(slot, code);
    });
  }

  #replace(slot: Slot, code: number): void {
    const now = Date.now();
    while (this.#restarts.length > 0 && this.#restarts[0]! < now - 60_000) this.#restarts.shift();
    if (this.#restarts.length >= RESTARTS_PER_MINUTE) {
      this.#deps.logger.error({ code }, 'serving thread exited again; not replaced (the main thread still serves)');
      return;
    }
    this.#restarts.push(now);
    slot.replaced = true;
    this.#deps.logger.warn({ code }, 'serving thread exited; replacing it');
    setTimeout(() => { if (!this.#stopped) this.#spawn(slot); }, RESTART_DELAY_MS).unref();
  }
}
