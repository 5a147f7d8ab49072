// Per-open state of virtual files: which file an fh names and the snapshot rendered by
// its last read at offset 0 (lxcfs's per-open snapshot model, spec §1.4). The state lives in
// a native open-file table (native/open-table.cc) because two more readers share it: the
// native fast path, which answers OPEN, later-offset READs, RELEASE and FLUSH where they
// are read, and every serving thread of the mount (a table is named by its id across
// threads). TypeScript still owns the tree: it declares the file inodes and OPEN's reply
// flags when it creates the table. Changes happen before the reply is sent, so a RELEASE
// racing a READ of the same fh cannot see half-updated state.
import type { FileNode } from './inodes.js';

/** The native calls behind a table (NativeAddon implements them). */
export interface OpenTableApi {
  createOpenTable(fileInodes: readonly number[], openFlags: number, firstFh?: number, snapshotBudget?: number): number;
  destroyOpenTable(id: number): void;
  openTableOpen(id: number, node: number): number;
  openTableNode(id: number, fh: number): number | undefined;
  openTableAdopt(id: number, fh: number, node: number): boolean;
  openTableSetSnapshot(id: number, fh: number, snapshot: Buffer): boolean;
  openTableSnapshot(id: number, fh: number): Buffer | null | undefined;
  openTableRelease(id: number, fh: number): void;
  openTableStats(id: number): OpenTableStats;
}

export interface OpenTableStats {
  /** Handles open now. */
  readonly open: number;
  /** Requests the native fast path answered so far, by kind. */
  readonly answered: { readonly open: number; readonly read: number; readonly release: number; readonly flush: number };
  /** Bytes held in snapshots now, and snapshots dropped so far to stay within the budget. */
  readonly snapshots: { readonly bytes: number; readonly dropped: number };
}

const isHandle = (fh: number): boolean => Number.isSafeInteger(fh) && fh > 0;

export class OpenFiles {
  /** Names this table to device readers, in any thread of the process. */
  readonly id: number;
  readonly #api: OpenTableApi;
  readonly #nodes: ReadonlyMap<number, FileNode>;
  /** Only the table's creator destroys it; the other threads of the mount attach to it. */
  readonly #owner: boolean;
  #closed = false;

  /**
   * A new table (`openFlags`: FOPEN_* flags of every OPEN reply, the fast path's included;
   * `firstFh`: the first handle it gives out), or with `existing`, the table of that id, made
   * by another thread over the same files.
   */
  constructor(api: OpenTableApi, files: readonly FileNode[], openFlags: number, existing?: number, firstFh = 1, snapshotBudget?: number) {
    this.#api = api;
    this.#nodes = new Map(files.map((node) => [node.ino, node]));
    this.#owner = existing === undefined;
    this.id = existing ?? api.createOpenTable(files.map((node) => node.ino), openFlags, firstFh, snapshotBudget);
  }

  open(node: FileNode): number {
    return this.#api.openTableOpen(this.id, node.ino);
  }

  /** The file an open fh names; undefined for an fh that is not open. */
  nodeOf(fh: number): FileNode | undefined {
    if (!isHandle(fh)) return undefined;
    const ino = this.#api.openTableNode(this.id, fh);
    return ino === undefined ? undefined : this.#nodes.get(ino);
  }

  /**
   * Takes over an fh a predecessor opened on `node` (a file of this tree) before it died or
   * handed the connection over; false when `node` is not a file. Already open: unchanged.
   */
  adopt(fh: number, node: FileNode): boolean {
    return isHandle(fh) && this.#api.openTableAdopt(this.id, fh, node.ino);
  }

  /**
   * Keeps `content` (copied) as the fh's snapshot; a released fh keeps nothing. Past the
   * table's budget of snapshot bytes (32 MiB unless given), other handles' snapshots are dropped.
   */
  setSnapshot(fh: number, content: Buffer): void {
    this.#api.openTableSetSnapshot(this.id, fh, content);
  }

  /**
   * The fh's snapshot: null before its first offset-0 read, undefined when not open or when
   * the table dropped it to stay within its snapshot budget (the caller renders afresh).
   */
  snapshot(fh: number): Buffer | null | undefined {
    return isHandle(fh) ? this.#api.openTableSnapshot(this.id, fh) : undefined;
  }

  release(fh: number): void {
    if (isHandle(fh)) this.#api.openTableRelease(this.id, fh);
  }

  get size(): number {
    return this.stats().open;
  }

  stats(): OpenTableStats {
    return this.#api.openTableStats(this.id);
  }

  /** Frees the table if this one made it; idempotent. Device readers that hold it keep it until they stop. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#owner) this.#api.destroyOpenTable(this.id);
  }
}
