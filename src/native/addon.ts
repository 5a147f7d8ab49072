// Typed loader of the lxcfs_node N-API addon (native/*.cc, built by `node-gyp rebuild`): the
// few syscalls Node lacks and the readiness-driven /dev/fuse reader. The binary is loaded on
// first use, so importing the constants or the types never requires a built addon.
// Failing calls throw Errors with `code` ('EBUSY'), `errno` (positive, unlike Node's own
// negative errno), `syscall` and, when relevant, `path`.
import { createRequire } from 'node:module';
import type { OpenTableApi, OpenTableStats } from '../fuse/handles.js';

/** A started reader holds the process open (like a socket) until stop() or onClose. */
export interface DeviceReaderHandle {
  /** Starts polling; a no-op while started; throws after stop() (a reader is single-use). */
  start(): void;
  /**
   * Idempotent; safe inside onRequests (no further batch is delivered, but the requests of
   * the current one were read from the device and must still be answered). Never closes
   * the fd: the owner closes it after stop().
   */
  stop(): void;
  /**
   * A request of the batch being answered, or one handed over from an earlier batch (held
   * until now), was answered: its journal entry is cleared. `header`: the reply's 16-byte
   * header or the request's (the unique is at 8 in both). Others are ignored.
   */
  answered(header: Buffer): void;
}

export interface NativeAddon extends OpenTableApi {
  /** open("/dev/fuse", O_RDWR|O_CLOEXEC|O_NONBLOCK); returns fd. Optional path arg for tests (default /dev/fuse). */
  openFuseDevice(path?: string): number;
  /**
   * A new fd (O_NONBLOCK, O_CLOEXEC) on the FUSE connection of `fd` (ioctl FUSE_DEV_IOC_CLONE):
   * requests are read from either, and each reply must go to the fd its request came from.
   */
  cloneFuseDevice(fd: number, path?: string): number;
  /** mount(2). data is the option string e.g. "fd=5,rootmode=40000,user_id=0,group_id=0,allow_other" */
  mount(source: string, target: string, fstype: string, flags: number, data: string): void;
  /** umount2(2) */
  umount(target: string, flags: number): void;
  /** stat(2)'s st_ino of `path`; undefined when stat fails (no Stats object is made). */
  inodeOf(path: string): number | undefined;
  /** A listening, non-blocking SOCK_SEQPACKET Unix socket bound at `path` (which must not exist). */
  unixListen(path: string): number;
  /** accept4 on a listening socket: a connected blocking socket, or -1 when nobody waits. */
  unixAccept(fd: number): number;
  /** A blocking SOCK_SEQPACKET socket connected to `path`. */
  unixConnect(path: string): number;
  /** SO_PEERCRED of a connected Unix socket: who is at the other end, as the kernel recorded it. */
  peerCredentials(fd: number): { readonly pid: number; readonly uid: number; readonly gid: number };
  /** One message: `data` (1 byte to 64 KiB) and up to 64 fds passed with SCM_RIGHTS (the sender keeps its copies). */
  sendMessage(fd: number, data: Buffer, fds: readonly number[]): void;
  /**
   * The next message within timeoutMs (null when none arrived); `data` is empty at the end of
   * the stream. Received fds are O_CLOEXEC and owned by the caller.
   */
  receiveMessage(fd: number, timeoutMs: number): { readonly data: Buffer; readonly fds: readonly number[] } | null;
  /** open_tree(path, OPEN_TREE_CLONE): an fd of a detached copy of the mount at `path`, to attach elsewhere. */
  openTreeClone(path: string): number;
  /**
   * In a forked child: setns into the mount namespace `nsPath` (/proc/<pid>/ns/mnt); if
   * `target` there is a dead FUSE mount (open: ENOTCONN/ECONNABORTED), detach it and move the
   * tree of `treeFd` onto it. Outcome "replaced", "alive" (left alone), or the failed step
   * ("setns", "not-dead", "umount", "move_mount", "timeout", "failed") with its errno.
   */
  reattachMount(nsPath: string, treeFd: number, target: string, timeoutMs: number): { readonly outcome: string; readonly errno: number };
  /**
   * The in-flight journal (native/journal.h): a memfd (O_CLOEXEC) of one region per /dev/fuse
   * fd, each a ring of 512 slots where that fd's DeviceReader records the requests it has read
   * and not yet answered, and a landing it reads them into. Kept by the keeper, inherited by
   * every serving child.
   */
  createJournal(regions: number): number;
  /**
   * The requests recorded in `region` and never cleared, oldest first, each with its slot and
   * as it was read (a request longer than 496 bytes: its first 496); last, in slot 512, one
   * read into the landing and never recorded. Call it only while nobody reads that fd.
   */
  readJournal(fd: number, region: number): { readonly slot: number; readonly request: Buffer }[];
  /** Empties one slot of `region` (its request was replayed). */
  clearJournal(fd: number, region: number, slot: number): void;
  /** setns(2) of the calling thread into the cgroup namespace at `nsPath` (/proc/1/ns/cgroup). */
  joinCgroupNamespace(nsPath: string): void;
  /** flock(fd, LOCK_EX|LOCK_NB): true if acquired, false if another process holds it (EWOULDBLOCK); throws otherwise */
  lockFile(fd: number): boolean;
  /**
   * Readiness-driven reader of a /dev/fuse-like fd, on the main libuv loop (uv_poll_t), never the thread pool.
   * Each read() becomes a fresh Buffer of exactly the bytes read; everything pending is read before
   * onRequests is called once with them all (at most 64 per call, 16 calls per wakeup). EAGAIN waits
   * for the next wakeup — or, with spinMicros (0..1000, default 0), for that long awake after a
   * batch. EINTR and ENOENT (an interrupted request) are retried.
   * onClose fires once, after polling stopped, with the errno that ended the connection (ENODEV
   * when the filesystem was unmounted or aborted; 0 for end-of-file, which only pipe stand-ins
   * give). A throw from either callback becomes an uncaught exception. bufferSize: 8192 ..64 MiB.
   * openTable: the id of an open-file table (src/fuse/handles.ts); with it, the requests that
   * table alone decides (OPEN of one of its files read-only, READ past offset 0 within the
   * snapshot, RELEASE, FLUSH) are answered natively and never reach onRequests.
   * journalFd/journalRegion: every request read is recorded in that journal region until
   * answered — natively, or by the onRequests call, unless it returns true (it handed a
   * request to another thread): then what is left of that batch is held until answered().
   */
  DeviceReader: new (
    fd: number,
    bufferSize: number,
    onRequests: (requests: Buffer[]) => boolean | void,
    onClose: (errno: number) => void,
    spinMicros?: number,
    openTable?: number,
    journalFd?: number,
    journalRegion?: number,
  ) => DeviceReaderHandle;
}

export const MS_NOSUID = 2;
export const MS_NODEV = 4;
export const MS_NOEXEC = 8;
export const MNT_FORCE = 1;
export const MNT_DETACH = 2;

// Resolves to <package>/build/Release from both src/native/ and dist/native/.
const ADDON_PATH = '../../build/Release/lxcfs_node.node';

let loaded: NativeAddon | undefined;

function addon(): NativeAddon {
  if (loaded === undefined) {
    try {
      loaded = createRequire(import.meta.url)(ADDON_PATH) as NativeAddon;
    } catch (err) {
      throw new Error(`cannot load the lxcfs-node native addon (run \`npm run build:native\`): ${(err as Error).message}`, { cause: err });
    }
  }
  return loaded;
}

export const native: NativeAddon = Object.freeze({
  openFuseDevice: (path?: string) => addon().openFuseDevice(path),
  cloneFuseDevice: (fd: number, path?: string) => addon().cloneFuseDevice(fd, path),
  mount: (source: string, target: string, fstype: string, flags: number, data: string) =>
    addon().mount(source, target, fstype, flags, data),
  umount: (target: string, flags: number) => addon().umount(target, flags),
  lockFile: (fd: number) => addon().lockFile(fd),
  inodeOf: (path: string) => addon().inodeOf(path),
  createOpenTable: (fileInodes: readonly number[], openFlags: number, firstFh?: number, snapshotBudget?: number) =>
    addon().createOpenTable(fileInodes, openFlags, firstFh, snapshotBudget),
  destroyOpenTable: (id: number) => addon().destroyOpenTable(id),
  openTableOpen: (id: number, node: number) => addon().openTableOpen(id, node),
  openTableNode: (id: number, fh: number) => addon().openTableNode(id, fh),
  openTableAdopt: (id: number, fh: number, node: number) => addon().openTableAdopt(id, fh, node),
  openTableSetSnapshot: (id: number, fh: number, snapshot: Buffer) => addon().openTableSetSnapshot(id, fh, snapshot),
  openTableSnapshot: (id: number, fh: number) => addon().openTableSnapshot(id, fh),
  openTableRelease: (id: number, fh: number) => addon().openTableRelease(id, fh),
  openTableStats: (id: number): OpenTableStats => addon().openTableStats(id),
  unixListen: (path: string) => addon().unixListen(path),
  unixAccept: (fd: number) => addon().unixAccept(fd),
  unixConnect: (path: string) => addon().unixConnect(path),
  peerCredentials: (fd: number) => addon().peerCredentials(fd),
  sendMessage: (fd: number, data: Buffer, fds: readonly number[]) => addon().sendMessage(fd, data, fds),
  receiveMessage: (fd: number, timeoutMs: number) => addon().receiveMessage(fd, timeoutMs),
  openTreeClone: (path: string) => addon().openTreeClone(path),
  reattachMount: (nsPath: string, treeFd: number, target: string, timeoutMs: number) => addon().reattachMount(nsPath, treeFd, target, timeoutMs),
  joinCgroupNamespace: (nsPath: string) => addon().joinCgroupNamespace(nsPath),
  createJournal: (regions: number) => addon().createJournal(regions),
  readJournal: (fd: number, region: number) => addon().readJournal(fd, region),
  clearJournal: (fd: number, region: number, slot: number) => addon().clearJournal(fd, region, slot),
  get DeviceReader() {
    return addon().DeviceReader;
  },
});
