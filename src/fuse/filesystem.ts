// The read-only tree of virtual files as FUSE operations. Directory structure and
// attributes come from the InodeTable; file content comes from a ContentSource that
// renders for the calling pid. Reads follow lxcfs's per-open snapshot model (spec
// §1.4): offset 0 renders afresh, later offsets slice that snapshot. Every open file
// uses direct I/O, so the kernel never serves one container's content to another.
// Open files live in a native table (handles.ts) that a device reader given `openTableId`
// uses to answer OPEN, later-offset READs, RELEASE and FLUSH itself, exactly as the
// methods below would; those methods still answer whatever reaches them.
import { constants } from 'node:fs';
import { LxcfsError } from '../errors.js';
import type { VirtualFile } from '../files/types.js';
import { InodeTable, type DirNode, type FileNode, type TreeNode } from './inodes.js';
import { native } from '../native/addon.js';
import { OpenFiles, type OpenTableApi, type OpenTableStats } from './handles.js';
import {
  encodeAttrOut, encodeDirents, encodeEntryOut, encodeOpenOut, encodeStatfsOut, OpenFlag, validityOf,
  type Attr, type ReadIn, type RequestHeader,
} from './protocol.js';
import type { FuseOperations, ReplyBody } from './session.js';

/** Renders a virtual file for a caller; never throws for a file that can be answered. */
export interface ContentSource {
  render(file: VirtualFile, pid: number): Buffer;
}

export interface FilesystemOptions {
  /** Where open-file tables live (default: the native addon). */
  readonly tables?: OpenTableApi;
  /** Attach to this existing table instead of making one. */
  readonly tableId?: number;
  /**
   * The first fh a new table gives out: a process taking over a live connection starts past
   * every handle its predecessors gave out, so the handles it adopts never collide.
   */
  readonly firstFh?: number;
  /** Bytes of snapshots the table keeps at most (default 32 MiB; tests make it small). */
  readonly snapshotBudget?: number;
}

/** lxcfs's entry and attribute timeouts. */
const TIMEOUT = validityOf(0.5);
const EMPTY = Buffer.alloc(0);
/** NOFLUSH: close(2) of a read-only virtual file has nothing to flush; without it every
 * `cat` waits for one more round trip (FLUSH) that lxcfs answers with nothing. */
const OPEN_FLAGS = OpenFlag.DIRECT_IO | OpenFlag.NOFLUSH;
/** Linux's O_ACCMODE (absent from Node's fs.constants). */
const O_ACCMODE = 3;

export class ReadOnlyFilesystem implements FuseOperations {
  readonly #inodes: InodeTable;
  readonly #content: ContentSource;
  readonly #open: OpenFiles;
  readonly #now: () => number;
  #replaying = false;

  /** `options.tableId`: serve the open files of that table (another thread's, same files). */
  constructor(files: readonly VirtualFile[], content: ContentSource, now: () => number = Date.now, options: FilesystemOptions = {}) {
    this.#inodes = new InodeTable(files);
    this.#content = content;
    this.#now = now;
    this.#open = new OpenFiles(options.tables ?? native, this.#inodes.files, OPEN_FLAGS, options.tableId, options.firstFh, options.snapshotBudget);
  }

  /** The open-file table, for device readers that answer its requests natively. */
  get openTableId(): number {
    return this.#open.id;
  }

  /** Open file handles (for tests and metrics). */
  get openCount(): number {
    return this.#open.size;
  }

  /** Handles open and the requests the native fast path answered. */
  openStats(): OpenTableStats {
    return this.#open.stats();
  }

  /** Frees the open-file table; call once no device reader serves this filesystem. */
  close(): void {
    this.#open.close();
  }

  lookup(req: RequestHeader, name: string): ReplyBody {
    const child = this.#dir(req.nodeId).children.get(name);
    if (child === undefined) throw new LxcfsError('LXCFS_NOT_FOUND', name);
    return encodeEntryOut(this.#attr(child), TIMEOUT, TIMEOUT);
  }

  getattr(req: RequestHeader): ReplyBody {
    return encodeAttrOut(this.#attr(this.#node(req.nodeId)), TIMEOUT);
  }

  modify(req: RequestHeader): ReplyBody {
    this.#node(req.nodeId);
    throw new LxcfsError('LXCFS_NOT_PERMITTED');
  }

  open(req: RequestHeader, flags: number): ReplyBody {
    const node = this.#node(req.nodeId);
    if (node.kind === 'dir') throw new LxcfsError('LXCFS_IS_DIR');
    // O_TRUNC reaches OPEN only if FUSE_ATOMIC_O_TRUNC is negotiated (otherwise the
    // kernel truncates through SETATTR, which modify() refuses); refused here either way.
    if ((flags & O_ACCMODE) !== constants.O_RDONLY || (flags & constants.O_TRUNC) !== 0) {
      throw new LxcfsError('LXCFS_READ_ONLY', node.file.path);
    }
    return encodeOpenOut(this.#open.open(node), OPEN_FLAGS);
  }

  /**
   * Runs `requests` as replays of a dead predecessor's journal: each may have been answered
   * already (the kernel then refuses the reply), so a READ of a handle this process does not
   * know renders for the reply alone and adopts nothing — a stale replay must not leave a
   * snapshot that the reader's next real READ would be sliced from.
   */
  replaying<T>(requests: () => T): T {
    const outer = this.#replaying;
    this.#replaying = true;
    try {
      return requests();
    } finally {
      this.#replaying = outer;
    }
  }

  read(req: RequestHeader, args: ReadIn): ReplyBody {
    const known = this.#open.nodeOf(args.fh);
    if (known === undefined && this.#replaying) {
      const content = this.#content.render(this.#replayedFile(req).file, req.pid);
      return args.offset >= content.length ? EMPTY : content.subarray(args.offset, args.offset + args.size);
    }
    if (args.offset === 0) {
      const node = known ?? this.#adopt(req, args.fh);
      const content = this.#content.render(node.file, req.pid);
      this.#open.setSnapshot(args.fh, content);
      return content.subarray(0, args.size);
    }
    // lxcfs: a later offset never re-renders; on a fresh handle it reads as EOF.
    let snapshot = this.#open.snapshot(args.fh);
    if (snapshot === undefined) {
      // Opened under a predecessor whose snapshot died with it, or its snapshot was dropped to
      // keep the table within its budget: the rest of the file comes from a fresh render (the
      // one place a reader can see two renders in one file). The earlier render may have been
      // longer: past this one's end is the end of file.
      const content = this.#content.render(this.#adopt(req, args.fh).file, req.pid);
      this.#open.setSnapshot(args.fh, content);
      if (args.offset >= content.length) return EMPTY;
      snapshot = content;
    }
    if (snapshot === null) return EMPTY;
    if (!(args.offset <= snapshot.length)) throw new LxcfsError('LXCFS_BAD_OFFSET', `${args.offset} > ${snapshot.length}`);
    return snapshot.subarray(args.offset, args.offset + args.size);
  }

  /**
   * An fh this process never gave out is one a predecessor on the same connection opened
   * (the kernel only sends handles it got from OPEN replies): it is adopted for the file the
   * request names, or refused when that is no file of ours.
   */
  #adopt(req: RequestHeader, fh: number): FileNode {
    const node = this.#node(req.nodeId);
    if (node.kind !== 'file' || !this.#open.adopt(fh, node)) throw new LxcfsError('LXCFS_BAD_HANDLE');
    return node;
  }

  #replayedFile(req: RequestHeader): FileNode {
    const node = this.#node(req.nodeId);
    if (node.kind !== 'file') throw new LxcfsError('LXCFS_BAD_HANDLE');
    return node;
  }

  release(_req: RequestHeader, fh: number): ReplyBody {
    this.#open.release(fh);
    return undefined;
  }

  flush(): ReplyBody {
    return undefined;
  }

  opendir(req: RequestHeader): ReplyBody {
    this.#dir(req.nodeId);
    return encodeOpenOut(0, 0); // stateless: the tree never changes while listed
  }

  readdir(req: RequestHeader, args: ReadIn): ReplyBody {
    return encodeDirents(this.#dir(req.nodeId).dirents, Number.isInteger(args.offset) ? args.offset : Infinity, args.size);
  }

  releasedir(): ReplyBody {
    return undefined;
  }

  statfs(): ReplyBody {
    // What libfuse answers for a filesystem without statfs, as lxcfs does.
    return encodeStatfsOut({ bsize: 512, namelen: 255, frsize: 0 });
  }

  access(req: RequestHeader, mask: number): ReplyBody {
    const node = this.#node(req.nodeId);
    const denied = node.kind === 'dir' ? constants.W_OK : constants.W_OK | constants.X_OK;
    if ((mask & denied) !== 0) throw new LxcfsError('LXCFS_READ_ONLY', `access mask ${mask}`);
    return undefined;
  }

  #node(ino: number): TreeNode {
    const node = this.#inodes.get(ino);
    if (node === undefined) throw new LxcfsError('LXCFS_NOT_FOUND', `inode ${ino}`);
    return node;
  }

  #dir(ino: number): DirNode {
    const node = this.#node(ino);
    if (node.kind !== 'dir') throw new LxcfsError('LXCFS_NOT_DIR');
    return node;
  }

  #attr(node: TreeNode): Attr {
    const now = this.#now();
    const base = { ino: node.ino, mode: node.mode, uid: 0, gid: 0, timeSec: Math.floor(now / 1000), timeNsec: (now % 1000) * 1e6 };
    if (node.kind === 'dir') return { ...base, size: 0, nlink: 2 + InodeTable.subdirCount(node) };
    return { ...base, size: node.file.size, nlink: 1 };
  }
}
