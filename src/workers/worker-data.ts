// What the main thread tells a serving worker thread (structured-cloned into workerData).
import type { Roots } from '../config.js';
import type { RenderOptions } from '../files/types.js';
import type { JournalRegion } from '../fuse/device.js';
import type { InitOut } from '../fuse/protocol.js';

/** The same for every worker: what the daemon was started with. */
export interface WorkerSettings extends Roots {
  readonly render: RenderOptions;
  readonly spinMicros: number;
  readonly deadlineMs: number;
  readonly cgroupnsPid: number;
  readonly debug: boolean;
}

/** Main → worker: stop reading and exit (code 0). */
export const STOP = 'stop';

export interface WorkerData extends WorkerSettings {
  /** This worker's clone of the mount's /dev/fuse fd; the main thread owns (and closes) it. */
  readonly fd: number;
  /** The mount's open-file table (native, shared by every thread). */
  readonly tableId: number;
  /** INIT as the main thread negotiated it. */
  readonly negotiated: InitOut;
  /** The daemon's read counters (src/agent/read-stats.ts) and the slot this worker writes. */
  readonly stats: SharedArrayBuffer;
  readonly statsSlot: number;
  /** Where this worker records the requests it holds (a keeper's journal), if anywhere. */
  readonly journal?: JournalRegion;
}
