// Turns a virtual file into bytes for one caller: gather, render, and — when either
// fails or yields nothing — the host's own file instead (spec §2.4: never fail a read
// that can be answered, never an empty file). This is the only place that falls back;
// each fallback is counted by reason.
// Within batch(), requests for the same file from the same container (equal containerKey)
// are rendered once: every request of a batch had arrived before the batch began, so
// content made during it is as current for each of them as content made just for it —
// never content made before a request arrived, which could miss a limit just changed.
// Each render's reads have a deadline (src/io/deadline.ts): a render past it falls back, and
// so does every later request for that file from the same container in the batch, without
// reading again.
import { performance } from 'node:perf_hooks';
import type { ReadStats } from '../agent/read-stats.js';
import { LxcfsError } from '../errors.js';
import type { ReadDeadline } from '../io/deadline.js';
import type { ContentSource } from '../fuse/filesystem.js';
import type { Logger } from '../log.js';
import type { GatherContext, HostPath, VirtualFile } from './types.js';

export interface ContentDeps {
  contextFor(pid: number): GatherContext;
  hostFile(file: HostPath): string;
  readonly logger: Logger;
  /** Where reads are counted for /metrics (this thread's slot); none in unit tests. */
  readonly stats?: ReadStats;
  /** The reads' deadline and how long each render gets (ms); none: renders take what they take. */
  readonly deadline?: { readonly reads: ReadDeadline; readonly ms: number };
}

/** In the batch memo: this file's render for this container missed its deadline. */
const LATE = Symbol('late');

export class FileRenderer implements ContentSource {
  readonly #deps: ContentDeps;
  /** Host fallbacks so far by error code (e.g. LXCFS_CALLER_GONE → 3), for diagnostics. */
  readonly fallbacks = new Map<string, number>();
  /** Renders answered from the batch's memo instead of rendering again. */
  coalesced = 0;
  /**
   * file path + container key → content, or LATE when that render missed its deadline, for
   * the duration of one batch(); null outside.
   */
  #memo: Map<string, Buffer | typeof LATE> | null = null;
  /** The memo key of the render in progress (render() is never re-entered). */
  #key: string | undefined;

  constructor(deps: ContentDeps) {
    this.#deps = deps;
  }

  /** Runs `requests` (the handling of one batch of requests) with render coalescing. */
  batch<T>(requests: () => T): T {
    const outer = this.#memo;
    this.#memo = new Map();
    try {
      return requests();
    } finally {
      this.#memo = outer;
    }
  }

  render(file: VirtualFile, pid: number): Buffer {
    const stats = this.#deps.stats;
    const started = stats === undefined ? 0 : performance.now();
    const deadline = this.#deps.deadline;
    let text: string | Buffer;
    this.#key = undefined;
    try {
      text = deadline === undefined || deadline.ms === 0
        ? this.#gatherAndRender(file, pid, null)
        : deadline.reads.within(deadline.reads.now() + deadline.ms, () => this.#gatherAndRender(file, pid, deadline.reads));
      if (typeof text !== 'string') {
        this.coalesced++;
        stats?.read(file, 'coalesced', 0);
        return text;
      }
      if (text.length === 0) throw new LxcfsError('LXCFS_INTERNAL', `${file.path} rendered nothing`);
    } catch (err) {
      if (err instanceof LxcfsError && err.code === 'LXCFS_DEADLINE' && this.#key !== undefined) this.#memo?.set(this.#key, LATE);
      // Not a failure: a worker thread hands this request to the main thread (src/workers/),
      // which counts it when it renders it.
      if (err instanceof LxcfsError && err.code === 'LXCFS_MAIN_THREAD') throw err;
      const reason = this.#countFallback(file, pid, err);
      const host = Buffer.from(this.#deps.hostFile(file.host), 'utf8'); // a fallback is never shared
      if (stats !== undefined) {
        stats.fallback(file, reason);
        stats.read(file, 'fallback', (performance.now() - started) / 1000);
      }
      return host;
    }
    const content = Buffer.from(text, 'utf8');
    if (this.#key !== undefined) this.#memo?.set(this.#key, content);
    stats?.read(file, 'rendered', (performance.now() - started) / 1000);
    return content;
  }

  /** The rendered text, or the batch's content for this file and container (a Buffer). */
  #gatherAndRender(file: VirtualFile, pid: number, reads: ReadDeadline | null): string | Buffer {
    const ctx = this.#deps.contextFor(pid);
    const key = this.#memo === null ? undefined : memoKey(file, ctx);
    // A late read swallowed while resolving the caller may have left ctx wrong: no memo for it.
    reads?.throwIfMissed(`resolving pid ${pid}`);
    if (key === undefined) return this.#renderChecked(file, ctx, reads);
    this.#key = key;
    const done = this.#memo?.get(key);
    if (done === LATE) throw new LxcfsError('LXCFS_DEADLINE', `${file.path}: its container already missed the deadline in this batch`);
    return done ?? this.#renderChecked(file, ctx, reads);
  }

  #renderChecked(file: VirtualFile, ctx: GatherContext, reads: ReadDeadline | null): string {
    const text = file.render(file.gather(ctx));
    reads?.throwIfMissed(file.path);
    return text;
  }

  #countFallback(file: VirtualFile, pid: number, err: unknown): string {
    const reason = err instanceof LxcfsError ? err.code : 'LXCFS_INTERNAL';
    this.fallbacks.set(reason, (this.fallbacks.get(reason) ?? 0) + 1);
    // Typed errors are expected (callers exit, cgroups vanish); anything else is a bug.
    if (err instanceof LxcfsError && reason !== 'LXCFS_INTERNAL') {
      this.#deps.logger.debug({ file: file.path, pid, reason, err: err.message }, 'served host file');
    } else {
      this.#deps.logger.error({ file: file.path, pid, err }, 'renderer failed; served host file');
    }
    return reason;
  }
}

/** undefined when the caller cannot be resolved: render() then fails and falls back as usual. */
function memoKey(file: VirtualFile, ctx: GatherContext): string | undefined {
  try {
    return `${file.path}\n${ctx.containerKey()}`;
  } catch {
    return undefined;
  }
}
