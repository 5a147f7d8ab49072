// Per-container state behind /proc/stat's stateful modes, shared by every reader of a
// container: lxcfs's "cpu view" for cgroup v1 with --enable-cfs (spec §7.3) and the
// never-decreasing per-CPU lines synthesised for cgroup v2 from cpu.stat totals. Records
// are keyed by the container's cgroup path, dropped when not read for `ttlMs` (10 min) and
// bounded in number (least recently read dropped first), so memory stays bounded however
// many containers come and go. No I/O; the only clock is the injected `now`. Every stored
// and returned value is within [0, 2^64 − 1] (clampU64, saturatingSub: the shared guards).
import { saturatingSub } from '../cgroup/cgroup-path.js';
import { clampU64 } from '../files/format.js';

/** CPU time in USER_HZ ticks: what one /proc/stat line shows (nice, iowait… are 0). */
export interface CpuTicks {
  readonly user: bigint;
  readonly system: bigint;
  readonly idle: bigint;
}

/** The cgroup's user and system ticks on one CPU. */
export interface CpuBusyTicks {
  readonly user: bigint;
  readonly system: bigint;
}

/** One v1 read for cpuacctView(): everything the lxcfs algorithm consumes. */
export interface CpuacctSample {
  /** CPUs the container may run on (cpuset ∩ host online), ascending host ids. */
  readonly ids: readonly number[];
  /** Parallel to `ids`: the cgroup's user/system ticks and the idle of §7.2a. */
  readonly ticks: readonly CpuTicks[];
  /**
   * The cgroup's user/system ticks on every CPU its accounting lists, by CPU id (those of
   * `ids` included: the same numbers). With it, the user/system baseline of every CPU moves
   * on at each read, so a CPU that (re)joins the cpuset counts the time the container ran
   * there since the previous read (lxcfs does the same); without it, a CPU the record never
   * saw takes its current ticks as baseline.
   */
  readonly byId?: readonly CpuBusyTicks[];
  /** How many of `ids` (the first ones) are shown — max_cpus (§6); clamped to [1, ids.length]. */
  readonly visible: number;
  /** CPU lines in the host's /proc/stat (lxcfs's cpu_cnt): scales the redistribution threshold. */
  readonly hostCpus: number;
  /** CFS quota in CPUs (fractional, at most the host's CPUs); null without one. */
  readonly quota: number | null;
}

/** One v2 read for unifiedView(): container-wide totals. */
export interface UnifiedSample {
  /** Lines to show (visible CPUs); at least 1. */
  readonly visible: number;
  /** cpu.stat user/system converted to ticks. */
  readonly user: bigint;
  readonly system: bigint;
  /** Age of the container (its init) in ticks; null when unknown — idle then holds its last value. */
  readonly ageTicks: bigint | null;
}

export interface CpuViewOptions {
  /** Monotonic milliseconds (default performance.now). */
  readonly now?: () => number;
  /** A record not read for this long is dropped (default 10 min). */
  readonly ttlMs?: number;
  /** At most this many records; the least recently read goes first (default 1024: a node runs a few hundred pods, and a record on a 256-CPU host is ~12 KB). */
  readonly maxRecords?: number;
}

export const DEFAULT_TTL_MS = 10 * 60 * 1000;
export const DEFAULT_MAX_RECORDS = 1024;
const USER = 0;
const SYSTEM = 1;
const IDLE = 2;

/** v1: lxcfs's `usage` (last cgroup ticks seen) and `view` (what was shown), 3 slots per CPU id. */
interface CpuacctRecord {
  readonly kind: 'cpuacct';
  usage: BigUint64Array;
  view: BigUint64Array;
  /** 1 for the CPU ids that were in the container's set at the previous read: their idle baseline is current. */
  online: Uint8Array;
  /** 1 for the CPU ids whose user/system baseline `usage` holds (seen in the set or in `byId` since the record began). */
  tracked: Uint8Array;
  lastRead: number;
}

/** v2: the last lines emitted (3 slots per line) and the cgroup totals they came from. */
interface UnifiedRecord {
  readonly kind: 'unified';
  readonly last: BigUint64Array;
  user: bigint;
  system: bigint;
  lastRead: number;
}

type Record_ = CpuacctRecord | UnifiedRecord;

const fromSlots = (a: BigUint64Array, at: number): CpuTicks =>
  ({ user: a[at + USER]!, system: a[at + SYSTEM]!, idle: a[at + IDLE]! });

/** `total` over `n` lines as evenly as integers allow, the remainder to the lowest lines. */
export function spreadEvenly(total: bigint, n: number): bigint[] {
  const count = BigInt(n);
  const base = total / count;
  const rem = Number(total % count);
  return Array.from({ length: n }, (_, i) => (i < rem ? base + 1n : base));
}

export class CpuView {
  readonly #now: () => number;
  readonly #ttlMs: number;
  readonly #maxRecords: number;
  /** Insertion order = least recently read first (every read re-inserts). */
  readonly #records = new Map<string, Record_>();

  constructor(options: CpuViewOptions = {}) {
    this.#now = options.now ?? (() => performance.now());
    this.#ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
    this.#maxRecords = Math.max(1, options.maxRecords ?? DEFAULT_MAX_RECORDS);
  }

  /** Records held now. */
  get size(): number {
    return this.#records.size;
  }

  /** Drop the records not read for ttlMs (also done on every read). */
  prune(): void {
    const now = this.#now();
    for (const [key, record] of this.#records) {
      if (now - record.lastRead < this.#ttlMs) break;
      this.#records.delete(key);
    }
  }

  /**
   * cgroup v1 with --enable-cfs (spec §7.3): `visible` lines cpu0…, renumbered. `key` is the
   * container's cpuacct cgroup path. The first read of a container shows zeros.
   */
  cpuacctView(key: string, sample: CpuacctSample): CpuTicks[] {
    const { ids } = sample;
    if (ids.length === 0) return [];
    const visible = Math.min(Math.max(1, sample.visible), ids.length);
    const record = this.#cpuacctRecord(`cpuacct:${key}`, Math.max(ids[ids.length - 1]! + 1, sample.byId?.length ?? 0));
    const diff = advance(record, sample);
    redistribute(diff, ids.length, visible, BigInt(Math.max(1, sample.hostCpus)));
    const view = record.view;
    let maxIdle = 0;
    let visibleTotal = 0n;
    for (let rank = 0; rank < visible; rank++) {
      const at = ids[rank]! * 3;
      for (let f = USER; f <= IDLE; f++) {
        view[at + f] = clampU64(view[at + f]! + diff[rank * 3 + f]!);
        visibleTotal += diff[rank * 3 + f]!;
      }
      if (diff[rank * 3 + IDLE]! > diff[maxIdle * 3 + IDLE]!) maxIdle = rank;
    }
    // Fractional quota (e.g. 1.5 CPUs shown as 2): take the unusable share of this interval
    // out of idle, permanently, on the CPU that idled most (lxcfs's "partial cpu" revision).
    if (sample.quota !== null && sample.quota < visible) {
      const delta = BigInt(Math.floor(Number(visibleTotal) * (1 - sample.quota / visible)));
      const at = ids[maxIdle]! * 3 + IDLE;
      view[at] = saturatingSub(view[at]!, delta);
    }
    this.#store(`cpuacct:${key}`, record);
    return foldLines(view, ids, visible);
  }

  /**
   * cgroup v2: `visible` lines synthesised from container totals — user and system spread
   * evenly, idle = visible × age − (user + system) spread the same way — and never below what
   * this container was last shown (per line and field). `key` is the container's cpu cgroup path.
   */
  unifiedView(key: string, sample: UnifiedSample): CpuTicks[] {
    const n = Math.max(1, sample.visible);
    const mapKey = `cpu:${key}`;
    let record = this.#take(mapKey, 'unified');
    // A new visible count changes every line's meaning; totals going back mean a new cgroup.
    if (record !== undefined && (record.last.length !== n * 3 || sample.user < record.user || sample.system < record.system)) {
      record = undefined;
    }
    record ??= { kind: 'unified', last: new BigUint64Array(n * 3), user: 0n, system: 0n, lastRead: 0 };
    const user = spreadEvenly(clampU64(sample.user), n);
    const system = spreadEvenly(clampU64(sample.system), n);
    const busy = sample.user + sample.system;
    const idleTotal = sample.ageTicks === null ? 0n : saturatingSub(BigInt(n) * sample.ageTicks, busy);
    const idle = spreadEvenly(clampU64(idleTotal), n);
    const lines: CpuTicks[] = [];
    const last = record.last;
    for (let i = 0; i < n; i++) {
      const at = i * 3;
      if (user[i]! > last[at + USER]!) last[at + USER] = user[i]!;
      if (system[i]! > last[at + SYSTEM]!) last[at + SYSTEM] = system[i]!;
      if (idle[i]! > last[at + IDLE]!) last[at + IDLE] = idle[i]!;
      lines.push(fromSlots(last, at));
    }
    record.user = sample.user;
    record.system = sample.system;
    this.#store(mapKey, record);
    return lines;
  }

  /** The record for `mapKey`, grown to `size` CPU ids; a new one when absent. */
  #cpuacctRecord(mapKey: string, size: number): CpuacctRecord {
    const record = this.#take(mapKey, 'cpuacct');
    if (record === undefined) {
      const slots = size * 3;
      return {
        kind: 'cpuacct', usage: new BigUint64Array(slots), view: new BigUint64Array(slots),
        online: new Uint8Array(size), tracked: new Uint8Array(size), lastRead: 0,
      };
    }
    if (record.online.length < size) {
      // More host CPUs than before (hot-plug): keep the history of the ones we knew.
      const usage = new BigUint64Array(size * 3);
      const view = new BigUint64Array(size * 3);
      const online = new Uint8Array(size);
      const tracked = new Uint8Array(size);
      usage.set(record.usage);
      view.set(record.view);
      online.set(record.online);
      tracked.set(record.tracked);
      Object.assign(record, { usage, view, online, tracked });
    }
    return record;
  }

  /** Remove and return the record (the caller re-inserts it as most recent), after expiring old ones. */
  #take<K extends Record_['kind']>(mapKey: string, kind: K): Extract<Record_, { kind: K }> | undefined {
    this.prune();
    const record = this.#records.get(mapKey);
    if (record === undefined) return undefined;
    this.#records.delete(mapKey);
    return record.kind === kind ? (record as Extract<Record_, { kind: K }>) : undefined;
  }

  #store(mapKey: string, record: Record_): void {
    record.lastRead = this.#now();
    this.#records.set(mapKey, record);
    for (const oldest of this.#records.keys()) {
      if (this.#records.size <= this.#maxRecords) break;
      this.#records.delete(oldest);
    }
  }
}

/**
 * Steps 3–5 of §7.3: per CPU rank, how far the cgroup's ticks moved since the last read
 * (never negative) and the record's usage moved along. user/system count from the CPU's
 * baseline whenever the record has one — also for a CPU that (re)joined the cpuset: the
 * cgroup's per-CPU usage is its own, so the time it ran there since the previous read is
 * real (lxcfs counts it too). Only idle, which is derived from the host's line, restarts for
 * a (re)joining CPU: diff 0 this read. A CPU never seen takes its ticks as baseline (diff 0),
 * as does every CPU of a new record. When the first CPU's user ticks went back, the cgroup
 * was re-created: start over (zeros).
 */
function advance(record: CpuacctRecord, sample: CpuacctSample): bigint[] {
  const { ids, ticks } = sample;
  const { usage, online, tracked } = record;
  if (tracked[ids[0]!] === 1 && ticks[0]!.user < usage[ids[0]! * 3 + USER]!) {
    usage.fill(0n);
    record.view.fill(0n);
    online.fill(0);
    tracked.fill(0);
  }
  /** How far `cur` moved past the baseline at `at` (0 when unknown or behind); the baseline moves along. */
  const step = (at: number, cur: bigint, known: boolean): bigint => {
    const value = clampU64(cur);
    const before = usage[at]!;
    if (known && value <= before) return 0n;
    usage[at] = value;
    return known ? value - before : 0n;
  };
  const diff = new Array<bigint>(ids.length * 3);
  for (let rank = 0; rank < ids.length; rank++) {
    const id = ids[rank]!;
    const t = ticks[rank]!;
    diff[rank * 3 + USER] = step(id * 3 + USER, t.user, tracked[id] === 1);
    diff[rank * 3 + SYSTEM] = step(id * 3 + SYSTEM, t.system, tracked[id] === 1);
    diff[rank * 3 + IDLE] = step(id * 3 + IDLE, t.idle, online[id] === 1);
  }
  online.fill(0);
  for (const id of ids) online[id] = tracked[id] = 1;
  // The other CPUs' user/system baselines move on too (no diff: they are not shown).
  const byId = sample.byId ?? [];
  for (let id = 0; id < byId.length && id < tracked.length; id++) {
    const b = byId[id];
    if (b === undefined || online[id] === 1) continue;
    step(id * 3 + USER, b.user, tracked[id] === 1);
    step(id * 3 + SYSTEM, b.system, tracked[id] === 1);
    tracked[id] = 1;
  }
  return diff;
}

/**
 * Steps 6–7 of §7.3: what hidden CPUs (rank ≥ visible) ran moves onto visible CPUs that ran
 * less than `threshold` this interval, taken out of their idle; what does not fit is dropped.
 */
function redistribute(diff: bigint[], count: number, visible: number, hostCpus: bigint): void {
  let total = 0n;
  for (const d of diff) total += d;
  let userSurplus = 0n;
  let systemSurplus = 0n;
  for (let rank = visible; rank < count; rank++) {
    userSurplus += diff[rank * 3 + USER]!;
    systemSurplus += diff[rank * 3 + SYSTEM]!;
  }
  if (userSurplus === 0n && systemSurplus === 0n) return;
  const threshold = (total / hostCpus) * BigInt(visible);
  const move = (at: number, field: number, surplus: bigint): bigint => {
    const room = threshold - diff[at + USER]! - diff[at + SYSTEM]!;
    let add = room < diff[at + IDLE]! ? room : diff[at + IDLE]!;
    if (add > surplus) add = surplus;
    diff[at + field] = diff[at + field]! + add;
    diff[at + IDLE] = diff[at + IDLE]! - add;
    return surplus - add;
  };
  for (let rank = 0; rank < visible; rank++) {
    const at = rank * 3;
    if (diff[at + USER]! + diff[at + SYSTEM]! >= threshold) continue;
    userSurplus = move(at, USER, userSurplus);
    if (diff[at + USER]! + diff[at + SYSTEM]! >= threshold) continue;
    systemSurplus = move(at, SYSTEM, systemSurplus);
  }
}

/**
 * Step 11 of §7.3: `visible` lines; every CPU id's view is added into the line of the next
 * visible CPU at or after it, and the ids after the last visible one into the last line, so
 * nothing a CPU once showed disappears when it is hidden (lines sum to the whole view).
 */
function foldLines(view: BigUint64Array, ids: readonly number[], visible: number): CpuTicks[] {
  const lines: CpuTicks[] = [];
  const ends = ids.slice(0, visible - 1);
  let acc = [0n, 0n, 0n];
  let next = 0;
  const cpus = view.length / 3;
  for (let id = 0; id < cpus; id++) {
    for (let f = USER; f <= IDLE; f++) acc[f] = acc[f]! + view[id * 3 + f]!;
    if (next < ends.length && id === ends[next]) {
      lines.push({ user: acc[USER]!, system: acc[SYSTEM]!, idle: acc[IDLE]! });
      acc = [0n, 0n, 0n];
      next++;
    }
  }
  lines.push({ user: acc[USER]!, system: acc[SYSTEM]!, idle: acc[IDLE]! });
  return lines;
}
