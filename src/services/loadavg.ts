// Per-container load averages for -l/--enable-loadavg (spec §10.2): one entry per cpu cgroup
// path, registered by its first read, sampled every 5 s with the kernel's fixed-point EWMA.
// Invariants: read() is O(1) and does no I/O (it returns stored numbers); a tick does at most
// `budget` /proc reads (plus one cgroup's worth) and samples the cgroups it skipped first next
// time; an entry whose cgroup is gone or empty, or that nobody read for `idleMs`, is dropped;
// at most `maxCgroups` entries (least recently read evicted). Loads are never negative.
import { readdirSync } from 'node:fs';
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

/** Runs fn every ms milliseconds until the returned cancel is called; must not keep the process alive. */
export type Schedule = (fn: () => void, ms: number) => () => void;

export interface LoadavgSamplerOptions {
  readonly cgroups: ProcsSource;
  readonly procRoot: string;
  /** Monotonic milliseconds (default performance.now). */
  readonly now?: () => number;
  /** Default: setInterval, unref()ed. */
  readonly schedule?: Schedule;
  /**
   * /proc reads per tick (default 5000). Measured on the build machine: ≈17 µs per read, so
   * a full budget blocks the event loop ≈85 ms every 5 s. Lower it for snappier reads; the
   * catch-up in #update keeps the averages right when cgroups wait a tick or two.
   */
  readonly budget?: number;
  /** Entries kept at most (default 4096). */
  readonly maxCgroups?: number;
  /** An entry nobody read for this long is dropped (default 10 min). */
  readonly idleMs?: number;
  /** A tick threw (a bug: per-cgroup failures drop the entry instead). */
  readonly onError?: (err: unknown) => void;
}

export interface LoadavgStats {
  readonly cgroups: number;
  readonly ticks: number;
  /** /proc reads of the last tick (cgroup.procs counted once per cgroup). */
  readonly lastTickReads: number;
  readonly lastTickSampled: number;
  /** Entries left for the next tick because the budget ran out. */
  readonly lastTickDeferred: number;
  /** Entries dropped so far: cgroup gone or empty, unread, or evicted. */
  readonly dropped: number;
}

interface Entry {
  figures: LoadavgFigures;
  lastReadAt: number;
  /** Clock of the last sample (of the registration before the first). */
  sampledAt: number;
  /** Tick number of the last sample: the lowest goes first when the budget is short. */
  sampledTick: number;
}

interface Sample {
  readonly running: number;
  readonly total: number;
  readonly lastPid: number;
  readonly reads: number;
}

const DEFAULTS = { budget: 5000, maxCgroups: 4096, idleMs: 10 * 60_000 } as const;
/** Periods one late sample may catch up on (≈ 2.8 h: every average has long converged). */
const MAX_CATCH_UP = 2000;

const defaultSchedule: Schedule = (fn, ms) => {
  const handle = setInterval(fn, ms);
  handle.unref();
  return () => clearInterval(handle);
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

export class LoadavgSampler {
  readonly #cgroups: ProcsSource;
  readonly #proc: string;
  readonly #now: () => number;
  readonly #schedule: Schedule;
  readonly #budget: number;
  readonly #max: number;
  readonly #idleMs: number;
  readonly #onError: (err: unknown) => void;
  /** Insertion order = read order: a read re-inserts, so the first key is the least recently read. */
  readonly #entries = new Map<string, Entry>();
  #cancel: (() => void) | null = null;
  #ticks = 0;
  #dropped = 0;
  #last = { reads: 0, sampled: 0, deferred: 0 };

  constructor(opts: LoadavgSamplerOptions) {
    this.#cgroups = opts.cgroups;
    this.#proc = withoutTrailingSlash(opts.procRoot);
    this.#now = opts.now ?? (() => performance.now());
    this.#schedule = opts.schedule ?? defaultSchedule;
    this.#budget = positiveInteger('budget', opts.budget ?? DEFAULTS.budget);
    this.#max = positiveInteger('maxCgroups', opts.maxCgroups ?? DEFAULTS.maxCgroups);
    this.#idleMs = positiveInteger('idleMs', opts.idleMs ?? DEFAULTS.idleMs);
    this.#onError = opts.onError ?? (() => {});
  }

  /** Sample every LOAD_FREQ_MS until stop(). Idempotent. */
  start(): void {
    if (this.#cancel !== null) return;
    this.#cancel = this.#schedule(() => {
      try {
        this.tick();
      } catch (err) {
        this.#onError(err);
      }
    }, LOAD_FREQ_MS);
  }

  /** Stop sampling; entries are kept (a later start() continues from them). Idempotent. */
  stop(): void {
    this.#cancel?.();
    this.#cancel = null;
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

  /** One sampling pass (the timer calls it; tests call it directly). */
  tick(): void {
    const now = this.#now();
    this.#ticks++;
    for (const [path, entry] of this.#entries) {
      if (now - entry.lastReadAt > this.#idleMs) this.#drop(path);
    }
    // Stable sort: within a tick number, least recently read first.
    const order = [...this.#entries].sort((a, b) => a[1].sampledTick - b[1].sampledTick);
    let reads = 0;
    let sampled = 0;
    for (const [path, entry] of order) {
      // At least one cgroup per tick, however big: nothing starves.
      if (sampled > 0 && reads >= this.#budget) break;
      const sample = this.#sample(path);
      reads += sample.reads;
      sampled++;
      if (sample.total === 0) this.#drop(path);
      else this.#update(entry, sample, now);
    }
    this.#last = { reads, sampled, deferred: order.length - sampled };
  }

  get stats(): LoadavgStats {
    return {
      cgroups: this.#entries.size,
      ticks: this.#ticks,
      lastTickReads: this.#last.reads,
      lastTickSampled: this.#last.sampled,
      lastTickDeferred: this.#last.deferred,
      dropped: this.#dropped,
    };
  }

  /** Registered cgroup paths, least recently read first (diagnostics and tests). */
  paths(): string[] {
    return [...this.#entries.keys()];
  }

  #update(entry: Entry, sample: Sample, now: number): void {
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
    entry.sampledTick = this.#ticks;
  }

  /** Threads of the cgroup's processes: total, in R or D, largest tid. total 0 = gone or empty. */
  #sample(path: string): Sample {
    let pids: number[];
    try {
      pids = this.#cgroups.procs(path, PROCS_DEPTH);
    } catch {
      return { running: 0, total: 0, lastPid: 0, reads: 1 };
    }
    let reads = 1;
    let running = 0;
    let total = 0;
    let lastPid = 0;
    for (const pid of pids) {
      const dir = `${this.#proc}/${pid}/task`;
      let tids: string[];
      reads++;
      try {
        tids = readdirSync(dir);
      } catch {
        continue; // exited since cgroup.procs was read
      }
      for (const name of tids) {
        const tid = parseUint(name);
        if (tid === null) continue;
        reads++;
        let state: string | null;
        try {
          state = threadState(readProcText(`${dir}/${name}/stat`));
        } catch {
          continue;
        }
        if (state === null) continue;
        total++;
        if (state === 'R' || state === 'D') running++;
        if (tid > lastPid) lastPid = tid;
      }
    }
    return { running, total, lastPid, reads };
  }

  #evictLeastRecentlyRead(): void {
    const first = this.#entries.keys().next();
    if (first.done !== true) this.#drop(first.value);
  }

  #drop(path: string): void {
    if (this.#entries.delete(path)) this.#dropped++;
  }
}
