// The one table of lxcfs-node's error codes. Every failure the daemon reports or
// handles is an LxcfsError with a stable code from this table; errnoOf() is the only
// place where an error becomes a FUSE errno. The README's error table is checked
// against this file by test/errors.test.ts.
import { constants } from 'node:os';

const E = constants.errno;

export const ERROR_CODES = Object.freeze({
  // start-up and command line (exit code 1, one line on stderr)
  LXCFS_USAGE: { errno: E.EINVAL, message: 'invalid command line' },
  LXCFS_NOT_ROOT: { errno: E.EPERM, message: 'lxcfs-node must run as root' },
  LXCFS_NO_FUSE: { errno: E.ENODEV, message: '/dev/fuse is not available' },
  LXCFS_MOUNTPOINT_NOT_DIR: { errno: E.ENOTDIR, message: 'mountpoint is not a directory' },
  LXCFS_MOUNTPOINT_BUSY: { errno: E.EBUSY, message: 'mountpoint already holds a live filesystem' },
  LXCFS_MOUNTPOINT_NOT_EMPTY: { errno: E.ENOTEMPTY, message: 'mountpoint is a non-empty directory' },
  LXCFS_MOUNT_FAILED: { errno: E.EIO, message: 'mount(2) failed' },
  LXCFS_PIDFILE_LOCKED: { errno: E.EAGAIN, message: 'another instance holds the pidfile' },
  LXCFS_HAND_OVER_FAILED: { errno: E.EAGAIN, message: 'the running instance did not hand its mount over' },
  LXCFS_NO_LIVE_MOUNT: { errno: E.ENOENT, message: 'no lxcfs-node mount to re-attach from' },
  LXCFS_HTTP_LISTEN: { errno: E.EADDRINUSE, message: 'the --http address cannot be listened on' },
  // the injector (an admission request it cannot read is answered 400, never a crash)
  LXCFS_ADMISSION_INVALID: { errno: E.EINVAL, message: 'not a valid AdmissionReview' },
  LXCFS_INJECTOR_CERTS: { errno: E.EIO, message: 'the injector\'s certificates cannot be loaded' },
  // serving a request (never fatal; reads fall back to the host file)
  LXCFS_CALLER_GONE: { errno: E.ESRCH, message: 'the calling process no longer exists' },
  LXCFS_CALLER_INVISIBLE: { errno: E.ESRCH, message: 'the caller is outside the daemon\'s pid namespace' },
  LXCFS_NO_CGROUP: { errno: E.ENOENT, message: 'no cgroup for the controller' },
  LXCFS_CGROUP_OUTSIDE_NS: { errno: E.ENOENT, message: 'cgroup path lies outside the daemon\'s cgroup namespace' },
  LXCFS_CGROUP_UNREADABLE: { errno: E.EIO, message: 'a cgroup file could not be read' },
  LXCFS_HOST_UNREADABLE: { errno: E.EIO, message: 'a host file could not be read' },
  LXCFS_PARSE: { errno: E.EIO, message: 'a kernel file had unexpected content' },
  LXCFS_DEADLINE: { errno: E.EIO, message: 'the request\'s reads ran past their deadline' },
  // FUSE protocol
  LXCFS_FUSE_PROTOCOL: { errno: E.EPROTO, message: 'malformed FUSE request' },
  LXCFS_FUSE_VERSION: { errno: E.EPROTO, message: 'unsupported FUSE protocol version' },
  LXCFS_NOT_IMPLEMENTED: { errno: E.ENOSYS, message: 'operation not supported by lxcfs-node' },
  LXCFS_NOT_FOUND: { errno: E.ENOENT, message: 'no such file' },
  LXCFS_READ_ONLY: { errno: E.EACCES, message: 'lxcfs-node files are read-only' },
  LXCFS_NOT_PERMITTED: { errno: E.EPERM, message: 'attributes of lxcfs-node files cannot be changed' },
  LXCFS_IS_DIR: { errno: E.EISDIR, message: 'is a directory' },
  LXCFS_NOT_DIR: { errno: E.ENOTDIR, message: 'not a directory' },
  LXCFS_BAD_OFFSET: { errno: E.EINVAL, message: 'read offset beyond the end of the snapshot' },
  LXCFS_BAD_HANDLE: { errno: E.EBADF, message: 'unknown file handle' },
  LXCFS_DOUBLE_REPLY: { errno: E.EIO, message: 'a FUSE request was answered twice' },
  LXCFS_NO_REPLY: { errno: E.EIO, message: 'a FUSE handler returned without replying' },
  LXCFS_MAIN_THREAD: { errno: E.EIO, message: 'the request needs state only the main thread holds' },
  LXCFS_INTERNAL: { errno: E.EIO, message: 'internal error' },
} as const);

export type ErrorCode = keyof typeof ERROR_CODES;

export class LxcfsError extends Error {
  readonly code: ErrorCode;
  readonly errno: number;

  constructor(code: ErrorCode, detail?: string, options?: { cause?: unknown }) {
    const base = ERROR_CODES[code].message;
    super(detail === undefined ? base : `${base}: ${detail}`, options);
    this.name = 'LxcfsError';
    this.code = code;
    this.errno = ERROR_CODES[code].errno;
  }
}

/** The positive errno a FUSE reply carries for any thrown value. */
export function errnoOf(err: unknown): number {
  if (err instanceof LxcfsError) return err.errno;
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (typeof code === 'string' && code in E) return E[code as keyof typeof E];
  return E.EIO;
}

/** True for Node system errors that mean "this path or process is gone". */
export function isGone(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ESRCH' || code === 'ENOTDIR';
}
