// What /metrics reports about reads, counted where they happen without allocating: one
// SharedArrayBuffer of float64 counters with a slot per serving thread. Each thread writes
// only its own slot (one writer per cell; aligned float64 stores do not tear), and the
// main thread sums the slots when /metrics is scraped. Counts stay exact up to 2^53.
// The layout is fixed by the registry and the error table, so every thread agrees on it.
import { ERROR_CODES, type ErrorCode } from '../errors.js';
import { REGISTRY } from '../files/registry.js';
import type { VirtualFile } from '../files/types.js';

/** How a read at offset 0 got its content: rendered for it, shared within its batch, or the host's file. */
export const RENDER_OUTCOMES = ['rendered', 'coalesced', 'fallback'] as const;
export type RenderOutcome = (typeof RENDER_OUTCOMES)[number];

/** How a caller was resolved to its container's init. */
export const CALLER_RESULTS = ['own_namespace', 'cache_hit', 'cache_miss'] as const;
export type CallerResult = (typeof CALLER_RESULTS)[number];

/** Upper bounds (seconds) of the render-time histogram; a render takes tens of µs. */
export const RENDER_BUCKETS: readonly number[] = Object.freeze([
  0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05,
]);

const FILES = REGISTRY.length;
const REASONS = Object.keys(ERROR_CODES) as ErrorCode[];
const OUTCOME_AT = 0;
const REASON_AT = OUTCOME_AT + FILES * RENDER_OUTCOMES.length;
const BUCKET_AT = REASON_AT + FILES * REASONS.length;
const BUCKETS = RENDER_BUCKETS.length + 1; // the last one is +Inf
const SUM_AT = BUCKET_AT + FILES * BUCKETS;
const CALLER_AT = SUM_AT + FILES;
const SLOT = CALLER_AT + CALLER_RESULTS.length;

const FILE_INDEX = new Map<string, number>(REGISTRY.map((file, i) => [file.path, i]));
const REASON_INDEX = new Map<string, number>(REASONS.map((code, i) => [code, i]));
const OUTCOME_INDEX = new Map<RenderOutcome, number>(RENDER_OUTCOMES.map((o, i) => [o, i]));
const CALLER_INDEX = new Map<CallerResult, number>(CALLER_RESULTS.map((r, i) => [r, i]));

/** One file's figures summed over every thread. */
export interface FileTotals {
  readonly path: string;
  readonly outcomes: Readonly<Record<RenderOutcome, number>>;
  /** Host fallbacks by error code; codes never seen are absent. */
  readonly fallbacks: ReadonlyMap<ErrorCode, number>;
  /** Cumulative counts per RENDER_BUCKETS bound, then +Inf (= count). */
  readonly buckets: readonly number[];
  readonly seconds: number;
}

export interface ReadTotals {
  readonly files: readonly FileTotals[];
  readonly callers: Readonly<Record<CallerResult, number>>;
}

export class ReadStats {
  /** Shared with the worker threads (structured clone keeps it shared). */
  readonly buffer: SharedArrayBuffer;
  readonly #all: Float64Array;
  readonly #own: Float64Array;

  private constructor(buffer: SharedArrayBuffer, slot: number) {
    const slots = buffer.byteLength / (SLOT * 8);
    if (!(Number.isInteger(slots) && slot >= 0 && slot < slots)) throw new RangeError(`no stats slot ${slot} of ${slots}`);
    this.buffer = buffer;
    this.#all = new Float64Array(buffer);
    this.#own = new Float64Array(buffer, slot * SLOT * 8, SLOT);
  }

  /** The main thread's stats (slot 0) with room for `threads` serving threads in all. */
  static create(threads: number): ReadStats {
    return new ReadStats(new SharedArrayBuffer(Math.max(1, threads) * SLOT * 8), 0);
  }

  /** A worker thread's view: it writes slot `slot` (1 … threads-1) of the main thread's buffer. */
  static attach(buffer: SharedArrayBuffer, slot: number): ReadStats {
    return new ReadStats(buffer, slot);
  }

  /** One read at offset 0 of a served file (by path); paths outside the registry are not counted. */
  read(file: VirtualFile, outcome: RenderOutcome, seconds: number): void {
    const f = FILE_INDEX.get(file.path);
    if (f === undefined) return;
    this.#own[OUTCOME_AT + f * RENDER_OUTCOMES.length + OUTCOME_INDEX.get(outcome)!]! += 1;
    if (outcome === 'coalesced') return; // no work of its own to time
    let b = 0;
    while (b < RENDER_BUCKETS.length && seconds > RENDER_BUCKETS[b]!) b++;
    this.#own[BUCKET_AT + f * BUCKETS + b]! += 1;
    this.#own[SUM_AT + f]! += seconds;
  }

  /** A read answered with the host's file, by the error that made it fall back. */
  fallback(file: VirtualFile, reason: string): void {
    const f = FILE_INDEX.get(file.path);
    const r = REASON_INDEX.get(reason) ?? REASON_INDEX.get('LXCFS_INTERNAL')!;
    if (f !== undefined) this.#own[REASON_AT + f * REASONS.length + r]! += 1;
  }

  caller(result: CallerResult): void {
    this.#own[CALLER_AT + CALLER_INDEX.get(result)!]! += 1;
  }

  /** Everything summed over every thread's slot. */
  totals(): ReadTotals {
    const slots = this.#all.length / SLOT;
    const sum = (at: number): number => {
      let total = 0;
      for (let s = 0; s < slots; s++) total += this.#all[s * SLOT + at]!;
      return total;
    };
    const files = REGISTRY.map((file, f): FileTotals => {
      const outcomes = Object.fromEntries(RENDER_OUTCOMES.map((o, i) => [o, sum(OUTCOME_AT + f * RENDER_OUTCOMES.length + i)])) as Record<RenderOutcome, number>;
      const fallbacks = new Map<ErrorCode, number>();
      REASONS.forEach((code, r) => {
        const n = sum(REASON_AT + f * REASONS.length + r);
        if (n > 0) fallbacks.set(code, n);
      });
      let cumulative = 0;
      const buckets = Array.from({ length: BUCKETS }, (_, b) => (cumulative += sum(BUCKET_AT + f * BUCKETS + b)));
      return { path: file.path, outcomes, fallbacks, buckets, seconds: sum(SUM_AT + f) };
    });
    const callers = Object.fromEntries(CALLER_RESULTS.map((r, i) => [r, sum(CALLER_AT + i)])) as Record<CallerResult, number>;
    return { files, callers };
  }
}
