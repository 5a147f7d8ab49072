// Per-container load averages for -l/--enable-loadavg (spec §10.2): one entry per cpu cgroup
// path, registered by its first read, sampled every 5 s with the kernel's fixed-point EWMA.
// Invariants: read() is O(1) and does no I/O (it returns stored numbers). A pass (one tick's
// work) runs in slices of at most `sliceReads` /proc reads with the event loop free between
// them, so FUSE requests wait for one slice, never for a whole cgroup; a cgroup's sample keeps
// a cursor across slices and its figures change once, when it completes. A pass starts cgroups
// while it has done fewer than `budget` reads (always finishing the one it started), those it
// skipped go first next time, and only one pass runs at a time. An entry whose cgroup is gone or
// empty, or that nobody read for `idleMs`, is dropped; at most `maxCgroups` entries (least
// recently read evicted). Loads are never negative.
import { opendirSync } from 'node:fs';
import { withoutTrailingSlash } from '../cgroup/cgroup-path.js';
import { readProcText } from '../caller/proc-read.js';
import { LxcfsError } from '../errors.js';
import { parseUint } from '../parse/kernel-text.js';

/** The kernel's sampling period (LOAD_FREQ): the EXP_* constants below assume it. */
export const LOAD_FREQ_MS = 5000;
export const FSHIFT = 11;
export const FIXED_1 = 1 << FSHIFT;
/** 1/exp(5 s / 1 min), 1/exp(5 s / 5 min), 1/exp(5 s / 15 min) in fixed point. */
export const EXP_1 = 1884;
export const EXP_5 = 2014;
export const EXP_15 = 2037;
const EXPS = [EXP_1, EXP_5, EXP_15] as const;

/** cgroup.procs of the cgroup and 3 generations below it, as lxcfs (Q11: the depth-3 limit). */
export const PROCS_DEPTH = 3;

/** The kernel's calc_load(): rounds up while rising, so one busy thread is visible at once. */
export function calcLoad(load: number, exp: number, active: number): number {
  let next = load * exp + active * (FIXED_1 - exp);
  if (active >= load) next += FIXED_1 - 1;
  return Math.floor(next / FIXED_1);
}

export type Loads = readonly [number, number, number];

/** What /proc/loadavg shows for one cgroup; loads are fixed point (FIXED_1 = 1.0). */
export interface LoadavgFigures {
  readonly loads: Loads;
  /** Threads in state R or D at the last sample. */
  readonly running: number;
  /** Threads at the last sample. */
  readonly total: number;
  /** Largest host tid seen at the last sample (the init's host pid before the first one). */
  readonly lastPid: number;
}

/** Where the sampler finds a cgroup's processes: CgroupReader.procs. Throws when the cgroup is gone. */
export interface ProcsSource {
  procs(path: string, depth: number): number[];
}

/** A directory read a few entries at a time, so a huge one can be walked across slices. */
export interface DirListing {
  /** The next entry's name; null at the end. */
  next(): string | null;
  close(): void;
}

/** The /proc reads of a sample (default: the real files; tests count them). All throw like fs. */
export interface ProcFiles {
  /** Opens a directory (`<procRoot>/<pid>/task`) for listing. */
  openDir(path: string): DirListing;
  /** Text of a small procfs file (`…/task/<tid>/stat`). */
  read(path: string): string;
}

/** Runs fn every ms milliseconds until the returned cancel is called; must not keep the process alive. */
export type Schedule = (fn: () => void, ms: number) => () => void;

/** Runs fn once on a later turn of the event loop (never synchronously); returns a cancel. */
export type Defer = (fn: () => void) => () => void;

export interface LoadavgSamplerOptions {
  readonly cgroups: ProcsSource;
  readonly procRoot: string;
  /** Monotonic milliseconds (default performance.now). */
  readonly now?: () => number;
  /** Default: setInterval, unref()ed. */
  readonly schedule?: Schedule;
  /** Between the slices of a pass. Default: setImmediate, so pending I/O callbacks (FUSE) run first. */
  readonly defer?: Defer;
  /** Default: opendirSync and readProcText. */
  readonly files?: ProcFiles;
  /**
   * /proc reads per slice, i.e. per stretch the event loop is held (default 500). Measured on
   * the build machine over a real 8000-thread process: ≈6 ms per slice (8 ms at most), where
   * one unsliced pass held the loop 105–130 ms.
   */
  readonly sliceReads?: number;
  /**
   * /proc reads per pass (default 5000): no cgroup is started once a pass has done this many,
   * so a pass costs about budget × 13 µs of CPU every 5 s, spread over its slices. The catch-up
   * in #update keeps the averages right when cgroups wait a tick or two.
   */
  readonly budget?: number;
  /** Entries kept at most (default 4096). */
  readonly maxCgroups?: number;
  /** An entry nobody read for this long is dropped (default 10 min). */
  readonly idleMs?: number;
  /** A pass threw (a bug: per-cgroup failures drop the entry instead). */
  readonly onError?: (err: unknown) => void;
}

export interface LoadavgStats {
  readonly cgroups: number;
  /** Passes started. */
  readonly ticks: number;
  /** /proc reads of the last completed pass (cgroup.procs counted once per cgroup). */
  readonly lastTickReads: number;
  readonly lastTickSampled: number;
  /** Entries left for the next pass because the budget ran out. */
  readonly lastTickDeferred: number;
  /** Slices the last completed pass took. */
  readonly lastTickSlices: number;
  /** tick() calls that found a pass still running (and so started none). */
  readonly overlapped: number;
  /** Entries dropped so far: cgroup gone or empty, unread, or evicted. */
  readonly dropped: number;
}

interface Entry {
  figures: LoadavgFigures;
  lastReadAt: number;
  /** Clock of the last sample (of the registration before the first). */
  sampledAt: number;
  /** Pass number of the last sample: the lowest goes first when the budget is short. */
  sampledTick: number;
}

/** One cgroup's sample in progress: its pid list, taken once, and a position in it. */
interface Cursor {
  readonly path: string;
  readonly entry: Entry;
  /** null until cgroup.procs is read; [] when the cgroup is gone. */
  pids: readonly number[] | null;
  /** Index in pids of the process being walked. */
  pid: number;
  /** Its task directory, and the listing of it in progress (null: open it next). */
  dir: string;
  listing: DirListing | null;
  /** A name taken from the listing whose stat the last slice had no read left for. */
  ahead: string | null;
  running: number;
  total: number;
  lastPid: number;
}

/** One tick's work, run slice by slice. */
interface Pass {
  readonly tick: number;
  /** The entries at the start, in sampling order; ones dropped meanwhile are skipped. */
  readonly order: ReadonlyArray<readonly [string, Entry]>;
  /** Index in order of the next cgroup to start. */
  next: number;
  cursor: Cursor | null;
  reads: number;
  started: number;
  slices: number;
  /** Cancels the deferred next slice; null while a slice runs. */
  cancel: (() => void) | null;
  readonly done: Promise<void>;
  readonly settle: (err?: unknown) => void;
}

const DEFAULTS = { budget: 5000, sliceReads: 500, maxCgroups: 4096, idleMs: 10 * 60_000 } as const;
/** Periods one late sample may catch up on (≈ 2.8 h: every average has long converged). */
const MAX_CATCH_UP = 2000;

const defaultSchedule: Schedule = (fn, ms) => {
  const handle = setInterval(fn, ms);
  handle.unref();
  return () => clearInterval(handle);
};

// Not unref()ed: a pass in progress is finished (milliseconds of work) before the process exits.
const defaultDefer: Defer = (fn) => {
  const handle = setImmediate(fn);
  return () => clearImmediate(handle);
};

// Listing /proc/<pid>/task of an 8000-thread process in one readdirSync costs ≈9 ms on the
// build machine, as much as 600 stat reads: listed incrementally, it spreads over the slices.
const defaultFiles: ProcFiles = {
  openDir: (path) => {
    const dir = opendirSync(path);
    return { next: () => dir.readSync()?.name ?? null, close: () => dir.closeSync() };
  },
  read: readProcText,
};

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new LxcfsError('LXCFS_USAGE', `${name} must be a positive integer, got ${value}`);
  }
  return value;
}

/** State letter of a /proc/<pid>/task/<tid>/stat line (after the last ')': comm may hold any). */
export function threadState(statText: string): string | null {
  const close = statText.lastIndexOf(')');
  if (close < 0 || statText.charCodeAt(close + 1) !== 32) return null;
  const state = statText[close + 2];
  return state === undefined || state === ' ' || state === '\n' ? null : state;
}

/** Every process of the cursor's cgroup walked. */
function walked(c: Cursor): boolean {
  return c.pids !== null && c.pid >= c.pids.length;
}

/** The next name of a listing; null at its end or when it failed (the process exited). */
function nextName(listing: DirListing): string | null {
  try {
    return listing.next();
  } catch {
    return null;
  }
}

function closeListing(c: Cursor): void {
  const listing = c.listing;
  c.listing = null;
  try {
    listing?.close();
  } catch {
    // Already closed or failed: nothing is held any more.
  }
}

export class LoadavgSampler {
  readonly #cgroups: ProcsSource;
  readonly #proc: string;
  readonly #now: () => number;
  readonly #schedule: Schedule;
  readonly #defer: Defer;
  readonly #files: ProcFiles;
  readonly #sliceReads: number;
  readonly #budget: number;
  readonly #max: number;
  readonly #idleMs: number;
  readonly #onError: (err: unknown) => void;
  /** Insertion order = read order: a read re-inserts, so the first key is the least recently read. */
  readonly #entries = new Map<string, Entry>();
  #cancel: (() => void) | null = null;
  #pass: Pass | null = null;
  #ticks = 0;
  #dropped = 0;
  #overlapped = 0;
  #last = { reads: 0, sampled: 0, deferred: 0, slices: 0 };

  constructor(opts: LoadavgSamplerOptions) {
    this.#cgroups = opts.cgroups;
    this.#proc = withoutTrailingSlash(opts.procRoot);
    this.#now = opts.now ?? (() => performance.now());
    this.#schedule = opts.schedule ?? defaultSchedule;
    this.#defer = opts.defer ?? defaultDefer;
    this.#files = opts.files ?? defaultFiles;
    this.#sliceReads = positiveInteger('sliceReads', opts.sliceReads ?? DEFAULTS.sliceReads);
    this.#budget = positiveInteger('budget', opts.budget ?? DEFAULTS.budget);
    this.#max = positiveInteger('maxCgroups', opts.maxCgroups ?? DEFAULTS.maxCgroups);
    this.#idleMs = positiveInteger('idleMs', opts.idleMs ?? DEFAULTS.idleMs);
    this.#onError = opts.onError ?? (() => {});
  }

  /** Sample every LOAD_FREQ_MS until stop(). Idempotent. */
  start(): void {
    if (this.#cancel !== null) return;
    this.#cancel = this.#schedule(() => {
      this.tick().catch(this.#onError);
    }, LOAD_FREQ_MS);
  }

  /** Stop sampling and abandon a pass in progress (its pending slice never runs; figures
   * keep their last complete sample). Entries are kept: a later start() continues. Idempotent. */
  stop(): void {
    this.#cancel?.();
    this.#cancel = null;
    const pass = this.#pass;
    if (pass === null) return;
    this.#abandon(pass);
    pass.cancel?.();
    pass.cancel = null;
    pass.settle();
  }

  get running(): boolean {
    return this.#cancel !== null;
  }

  /**
   * The figures of the cpu cgroup `path`. The first read registers it and answers
   * `0.00 0.00 0.00 0/1 <initPid>` as lxcfs does (Q11). No I/O.
   */
  read(path: string, initPid: number): LoadavgFigures {
    const now = this.#now();
    let entry = this.#entries.get(path);
    if (entry === undefined) {
      if (this.#entries.size >= this.#max) this.#evictLeastRecentlyRead();
      const figures: LoadavgFigures = Object.freeze({ loads: Object.freeze([0, 0, 0] as const), running: 0, total: 1, lastPid: initPid });
      entry = { figures, lastReadAt: now, sampledAt: now, sampledTick: this.#ticks };
    } else {
      this.#entries.delete(path);
    }
    entry.lastReadAt = now;
    this.#entries.set(path, entry);
    return entry.figures;
  }

  /**
   * Start a sampling pass (the timer calls it; tests call it directly). Its first slice runs
   * now, the rest on later turns of the event loop. While a pass runs, tick() starts none and
   * returns that pass's promise. Resolves when the pass completes or stop() abandons it;
   * rejects when it threw (it is abandoned, the next tick starts afresh).
   */
  tick(): Promise<void> {
    if (this.#pass !== null) {
      this.#overlapped++;
      return this.#pass.done;
    }
    let pass: Pass;
    try {
      pass = this.#begin();
    } catch (err) {
      return Promise.reject(err);
    }
    this.#pass = pass;
    this.#run(pass);
    return pass.done;
  }

  get stats(): LoadavgStats {
    return {
      cgroups: this.#entries.size,
      ticks: this.#ticks,
      lastTickReads: this.#last.reads,
      lastTickSampled: this.#last.sampled,
      lastTickDeferred: this.#last.deferred,
      lastTickSlices: this.#last.slices,
      overlapped: this.#overlapped,
      dropped: this.#dropped,
    };
  }

  /** Registered cgroup paths, least recently read first (diagnostics and tests). */
  paths(): string[] {
    return [...this.#entries.keys()];
  }

  #begin(): Pass {
    const now = this.#now();
    const tick = ++this.#ticks;
    for (const [path, entry] of this.#entries) {
      if (now - entry.lastReadAt > this.#idleMs) this.#drop(path);
    }
    // Stable sort: within a pass number, least recently read first.
    const order = [...this.#entries].sort((a, b) => a[1].sampledTick - b[1].sampledTick);
    let settle!: (err?: unknown) => void;
    const done = new Promise<void>((resolve, reject) => {
      settle = (err) => (err === undefined ? resolve() : reject(err));
    });
    return { tick, order, next: 0, cursor: null, reads: 0, started: 0, slices: 0, cancel: null, done, settle };
  }

  /** One slice of `pass`, then the next one deferred, or the pass settled. */
  #run(pass: Pass): void {
    pass.cancel = null;
    if (this.#pass !== pass) return; // abandoned by stop() after this slice was deferred
    try {
      pass.slices++;
      if (!this.#slice(pass)) {
        pass.cancel = this.#defer(() => this.#run(pass));
        return;
      }
      this.#last = { reads: pass.reads, sampled: pass.started, deferred: pass.order.length - pass.next, slices: pass.slices };
      this.#pass = null;
      pass.settle();
    } catch (err) {
      this.#abandon(pass);
      pass.settle(err ?? new Error('loadavg pass failed'));
    }
  }

  #abandon(pass: Pass): void {
    this.#pass = null;
    if (pass.cursor !== null) closeListing(pass.cursor);
  }

  /** At most #sliceReads reads of the pass; true when the pass is over. */
  #slice(pass: Pass): boolean {
    let left = this.#sliceReads;
    for (;;) {
      const cursor = pass.cursor ?? this.#startNext(pass);
      if (cursor === null) return true;
      if (walked(cursor)) {
        pass.cursor = null;
        this.#complete(cursor, pass.tick);
        continue;
      }
      const reads = this.#walk(cursor, left);
      left -= reads;
      pass.reads += reads;
      if (reads === 0 && !walked(cursor)) return false; // the next step needs a read: next slice
    }
  }

  /** The cursor of the next cgroup of the pass, or null when the order or the budget is done. */
  #startNext(pass: Pass): Cursor | null {
    // A cgroup is started while budget remains, at least one per pass: nothing starves.
    while (pass.next < pass.order.length && (pass.started === 0 || pass.reads < this.#budget)) {
      const [path, entry] = pass.order[pass.next++]!;
      if (this.#entries.get(path) !== entry) continue; // dropped (evicted) since the pass began
      pass.started++;
      pass.cursor = { path, entry, pids: null, pid: 0, dir: '', listing: null, ahead: null, running: 0, total: 0, lastPid: 0 };
      return pass.cursor;
    }
    return null;
  }

  /**
   * Up to `max` reads of the cursor's cgroup, counting its threads; returns the reads done. A
   * read is cgroup.procs, opening a task directory or one stat file (directory entries come in
   * batches with the stat reads, so they are not counted apart). Steps that need no read (the
   * end of a listing, a name that is no tid) go on past `max`, so a sample whose last read fits
   * in the slice also completes in it.
   */
  #walk(c: Cursor, max: number): number {
    let reads = 0;
    if (c.pids === null) {
      if (max < 1) return 0;
      reads++;
      try {
        c.pids = this.#cgroups.procs(c.path, PROCS_DEPTH);
      } catch {
        c.pids = []; // gone: total 0, so it is dropped
      }
    }
    while (c.pid < c.pids.length) {
      if (c.listing === null) {
        if (reads >= max) break;
        c.dir = `${this.#proc}/${c.pids[c.pid]}/task`;
        reads++;
        try {
          c.listing = this.#files.openDir(c.dir);
        } catch {
          c.pid++; // exited since cgroup.procs was read
        }
        continue;
      }
      const name = c.ahead ?? nextName(c.listing);
      c.ahead = null;
      if (name === null) {
        closeListing(c);
        c.pid++;
        continue;
      }
      const tid = parseUint(name);
      if (tid === null) continue;
      if (reads >= max) {
        c.ahead = name; // read it first next slice
        break;
      }
      reads++;
      this.#countThread(c, name, tid);
    }
    return reads;
  }

  #countThread(c: Cursor, name: string, tid: number): void {
    let state: string | null;
    try {
      state = threadState(this.#files.read(`${c.dir}/${name}/stat`));
    } catch {
      return; // exited meanwhile
    }
    if (state === null) return;
    c.total++;
    if (state === 'R' || state === 'D') c.running++;
    if (tid > c.lastPid) c.lastPid = tid;
  }

  /** A finished sample: total 0 = gone or empty, dropped; else the EWMA moves, once. */
  #complete(c: Cursor, tick: number): void {
    if (this.#entries.get(c.path) !== c.entry) return; // evicted while it was sampled
    if (c.total === 0) this.#drop(c.path);
    else this.#update(c.entry, c, this.#now(), tick);
  }

  #update(entry: Entry, sample: Cursor, now: number, tick: number): void {
    // A sample the budget delayed covers several periods: apply them all (the kernel's
    // calc_load_n for missed ticks), so the time constants stay 1, 5 and 15 minutes.
    const periods = Math.min(MAX_CATCH_UP, Math.max(1, Math.round((now - entry.sampledAt) / LOAD_FREQ_MS)));
    const active = sample.running * FIXED_1;
    const loads = entry.figures.loads.map((load, i) => {
      let value = load;
      for (let n = 0; n < periods; n++) value = calcLoad(value, EXPS[i]!, active);
      return value;
    }) as unknown as Loads;
    entry.figures = Object.freeze({ loads: Object.freeze(loads), running: sample.running, total: sample.total, lastPid: sample.lastPid });
    entry.sampledAt = now;
    entry.sampledTick = tick;
  }

  #evictLeastRecentlyRead(): void {
    const first = this.#entries.keys().next();
    if (first.done !== true) this.#drop(first.value);
  }

  #drop(path: string): void {
    if (this.#entries.delete(path)) this.#dropped++;
  }
}
