// Per-open state of virtual files: which file an fh names and the snapshot rendered by
// the last read at offset 0 (lxcfs's per-open snapshot model, spec §1.4). State is
// created at OPEN and dropped at RELEASE; all changes happen before the reply is
// sent, so a RELEASE racing a READ of the same fh cannot see half-updated state.
import type { FileNode } from './inodes.js';

export interface OpenFile {
  readonly node: FileNode;
  /** Content rendered at the last offset-0 read; null until the first one. */
  snapshot: Buffer | null;
}

export class OpenFiles {
  readonly #open = new Map<number, OpenFile>();
  #next = 1;

  open(node: FileNode): number {
    const fh = this.#next;
    // fh values stay exact as JS numbers; wrapping after 2^53 opens is theoretical.
    this.#next = this.#next >= Number.MAX_SAFE_INTEGER ? 1 : this.#next + 1;
    this.#open.set(fh, { node, snapshot: null });
    return fh;
  }

  get(fh: number): OpenFile | undefined {
    return this.#open.get(fh);
  }

  release(fh: number): void {
    this.#open.delete(fh);
  }

  get size(): number {
    return this.#open.size;
  }
}
