// Turns a virtual file into bytes for one caller: gather, render, and — when either
// fails or yields nothing — the host's own file instead (spec §2.4: never fail a read
// that can be answered, never an empty file). This is the only place that falls back;
// each fallback is counted by reason.
import { LxcfsError } from '../errors.js';
import type { ContentSource } from '../fuse/filesystem.js';
import type { Logger } from '../log.js';
import type { GatherContext, HostPath, VirtualFile } from './types.js';

export interface ContentDeps {
  contextFor(pid: number): GatherContext;
  hostFile(file: HostPath): string;
  readonly logger: Logger;
}

export class FileRenderer implements ContentSource {
  readonly #deps: ContentDeps;
  /** Host fallbacks so far by error code (e.g. LXCFS_CALLER_GONE → 3), for diagnostics. */
  readonly fallbacks = new Map<string, number>();

  constructor(deps: ContentDeps) {
    this.#deps = deps;
  }

  render(file: VirtualFile, pid: number): Buffer {
    let text: string;
    try {
      text = file.render(file.gather(this.#deps.contextFor(pid)));
      if (text.length === 0) throw new LxcfsError('LXCFS_INTERNAL', `${file.path} rendered nothing`);
    } catch (err) {
      this.#countFallback(file, pid, err);
      text = this.#deps.hostFile(file.host);
    }
    return Buffer.from(text, 'utf8');
  }

  #countFallback(file: VirtualFile, pid: number, err: unknown): void {
    const reason = err instanceof LxcfsError ? err.code : 'LXCFS_INTERNAL';
    this.fallbacks.set(reason, (this.fallbacks.get(reason) ?? 0) + 1);
    // Typed errors are expected (callers exit, cgroups vanish); anything else is a bug.
    if (err instanceof LxcfsError && reason !== 'LXCFS_INTERNAL') {
      this.#deps.logger.debug({ file: file.path, pid, reason, err: err.message }, 'served host file');
    } else {
      this.#deps.logger.error({ file: file.path, pid, err }, 'renderer failed; served host file');
    }
  }
}
