// The FUSE wire protocol (linux/fuse.h, protocol 7.x) spoken in TypeScript: opcodes,
// flags, struct sizes, request decoding and reply encoding. Pure functions over
// Buffers, no I/O. Sizes and offsets are checked against the C header by
// test/fuse/protocol.test.ts. Numbers that are u64 on the wire are read as JS numbers:
// node ids, file handles and offsets of this filesystem stay far below 2^53, and a
// larger value decodes as NaN, which every lookup treats as "no such thing".
import { LxcfsError } from '../errors.js';

export const FUSE_KERNEL_VERSION = 7;
/** Highest minor we speak; the session replies min(kernel's, ours). */
export const FUSE_KERNEL_MINOR_VERSION = 38;
/** Kernel minimum for a read() buffer on /dev/fuse. */
export const FUSE_MIN_READ_BUFFER = 8192;
export const FUSE_ROOT_ID = 1;

export const Opcode = Object.freeze({
  LOOKUP: 1, FORGET: 2, GETATTR: 3, SETATTR: 4, READLINK: 5, SYMLINK: 6, MKNOD: 8,
  MKDIR: 9, UNLINK: 10, RMDIR: 11, RENAME: 12, LINK: 13, OPEN: 14, READ: 15, WRITE: 16,
  STATFS: 17, RELEASE: 18, FSYNC: 20, SETXATTR: 21, GETXATTR: 22, LISTXATTR: 23,
  REMOVEXATTR: 24, FLUSH: 25, INIT: 26, OPENDIR: 27, READDIR: 28, RELEASEDIR: 29,
  FSYNCDIR: 30, GETLK: 31, SETLK: 32, SETLKW: 33, ACCESS: 34, CREATE: 35, INTERRUPT: 36,
  BMAP: 37, DESTROY: 38, IOCTL: 39, POLL: 40, NOTIFY_REPLY: 41, BATCH_FORGET: 42,
  FALLOCATE: 43, READDIRPLUS: 44, RENAME2: 45, LSEEK: 46, COPY_FILE_RANGE: 47,
  SETUPMAPPING: 48, REMOVEMAPPING: 49, SYNCFS: 50, TMPFILE: 51, STATX: 52,
});

/** INIT flags (fuse_init_in/out.flags). */
export const InitFlag = Object.freeze({
  ASYNC_READ: 1 << 0,
  ATOMIC_O_TRUNC: 1 << 3,
  BIG_WRITES: 1 << 5,
  DONT_MASK: 1 << 6,
  AUTO_INVAL_DATA: 1 << 12,
  DO_READDIRPLUS: 1 << 13,
  PARALLEL_DIROPS: 1 << 18,
  MAX_PAGES: 1 << 22,
  INIT_EXT: 1 << 30,
});

/** fuse_notify_code: sent as fuse_out_header.error with unique 0. */
export const NotifyCode = Object.freeze({ RESEND: 7 });

/** fuse_open_out.open_flags */
/** FOPEN_*; NOFLUSH (7.35) is ignored by older kernels, which then send FLUSH as before. */
export const OpenFlag = Object.freeze({ DIRECT_IO: 1 << 0, KEEP_CACHE: 1 << 1, NONSEEKABLE: 1 << 2, NOFLUSH: 1 << 5 });

export const SIZE = Object.freeze({
  IN_HEADER: 40,
  OUT_HEADER: 16,
  ATTR: 88,
  ENTRY_OUT: 128,
  ATTR_OUT: 104,
  OPEN_OUT: 16,
  INIT_IN_MIN: 16,
  INIT_OUT: 64,
  /** fuse_init_out before 7.23 */
  INIT_OUT_COMPAT_22: 24,
  STATFS_OUT: 80,
  READ_IN: 40,
  OPEN_IN: 8,
  ACCESS_IN: 8,
  FORGET_ONE: 16,
  BATCH_FORGET_IN: 8,
  DIRENT_BASE: 24,
});

export const DirentType = Object.freeze({ DIR: 4, REG: 8 });

export interface RequestHeader {
  readonly length: number;
  readonly opcode: number;
  /** The 8 raw bytes of `unique`, copied as-is into the reply header. */
  readonly unique: Buffer;
  readonly nodeId: number;
  readonly uid: number;
  readonly gid: number;
  /** Caller thread id in the daemon's pid namespace; 0 when not visible. */
  readonly pid: number;
  /** The operation's arguments: the bytes after the header. */
  readonly body: Buffer;
}

/** Reads a u64 as a number; values past 2^53 become NaN (never a valid id here). */
export function readU64(buf: Buffer, offset: number): number {
  const high = buf.readUInt32LE(offset + 4);
  if (high >= 0x200000) return Number.NaN;
  return high * 0x1_0000_0000 + buf.readUInt32LE(offset);
}

function writeU64(buf: Buffer, value: number, offset: number): void {
  buf.writeUInt32LE(value >>> 0, offset);
  buf.writeUInt32LE(Math.floor(value / 0x1_0000_0000), offset + 4);
}

function protocolError(detail: string): LxcfsError {
  return new LxcfsError('LXCFS_FUSE_PROTOCOL', detail);
}

export function decodeHeader(buf: Buffer): RequestHeader {
  if (buf.length < SIZE.IN_HEADER) throw protocolError(`request of ${buf.length} bytes`);
  const length = buf.readUInt32LE(0);
  if (length !== buf.length) throw protocolError(`header says ${length} bytes, got ${buf.length}`);
  // Request extensions (total_extlen 8-byte units) follow the arguments, not the header.
  const bodyEnd = length - buf.readUInt16LE(36) * 8;
  if (bodyEnd < SIZE.IN_HEADER) throw protocolError(`extensions overrun a ${length}-byte request`);
  return {
    length,
    opcode: buf.readUInt32LE(4),
    unique: buf.subarray(8, 16),
    nodeId: readU64(buf, 16),
    uid: buf.readUInt32LE(24),
    gid: buf.readUInt32LE(28),
    pid: buf.readUInt32LE(32),
    body: buf.subarray(SIZE.IN_HEADER, bodyEnd),
  };
}

function need(body: Buffer, bytes: number, what: string): void {
  if (body.length < bytes) throw protocolError(`${what} body of ${body.length} bytes, need ${bytes}`);
}

export interface InitIn {
  readonly major: number;
  readonly minor: number;
  readonly maxReadahead: number;
  readonly flags: number;
}

export function decodeInit(body: Buffer): InitIn {
  need(body, SIZE.INIT_IN_MIN, 'INIT');
  return {
    major: body.readUInt32LE(0),
    minor: body.readUInt32LE(4),
    maxReadahead: body.readUInt32LE(8),
    flags: body.readUInt32LE(12),
  };
}

export interface ReadIn { readonly fh: number; readonly offset: number; readonly size: number }

/** READ and READDIR share fuse_read_in. */
export function decodeRead(body: Buffer): ReadIn {
  need(body, 24, 'READ');
  return { fh: readU64(body, 0), offset: readU64(body, 8), size: body.readUInt32LE(16) };
}

/** OPEN/OPENDIR: the open(2) flags. */
export function decodeOpenFlags(body: Buffer): number {
  need(body, 4, 'OPEN');
  return body.readUInt32LE(0);
}

/** RELEASE/RELEASEDIR/FLUSH/GETATTR-with-fh: the first u64 is the fh (getattr: at 8). */
export function decodeFh(body: Buffer, offset = 0): number {
  need(body, offset + 8, 'fh');
  return readU64(body, offset);
}

export function decodeAccessMask(body: Buffer): number {
  need(body, 4, 'ACCESS');
  return body.readUInt32LE(0);
}

/** LOOKUP: a NUL-terminated name. */
export function decodeName(body: Buffer): string {
  const end = body.indexOf(0);
  return body.toString('utf8', 0, end === -1 ? body.length : end);
}

// ---- replies ----------------------------------------------------------------------

/** fuse_out_header: len, error (negative errno), unique. */
export function encodeOutHeader(unique: Buffer, error: number, bodyLength: number): Buffer {
  const out = Buffer.allocUnsafe(SIZE.OUT_HEADER);
  out.writeUInt32LE(SIZE.OUT_HEADER + bodyLength, 0);
  out.writeInt32LE(error === 0 ? 0 : -Math.abs(error), 4);
  unique.copy(out, 8, 0, 8);
  return out;
}

/** A notification with no body: fuse_out_header { len 16, error = code, unique 0 }. */
export function encodeNotifyResend(): Buffer {
  const out = Buffer.alloc(SIZE.OUT_HEADER);
  out.writeUInt32LE(SIZE.OUT_HEADER, 0);
  out.writeInt32LE(NotifyCode.RESEND, 4);
  return out;
}

export interface InitOut {
  readonly major: number;
  readonly minor: number;
  readonly maxReadahead: number;
  readonly flags: number;
  readonly maxBackground: number;
  readonly congestionThreshold: number;
  readonly maxWrite: number;
  readonly timeGran: number;
  readonly maxPages: number;
}

export function encodeInitOut(init: InitOut): Buffer {
  const out = Buffer.alloc(init.minor < 23 ? SIZE.INIT_OUT_COMPAT_22 : SIZE.INIT_OUT);
  out.writeUInt32LE(init.major, 0);
  out.writeUInt32LE(init.minor, 4);
  out.writeUInt32LE(init.maxReadahead, 8);
  out.writeUInt32LE(init.flags >>> 0, 12);
  out.writeUInt16LE(init.maxBackground, 16);
  out.writeUInt16LE(init.congestionThreshold, 18);
  out.writeUInt32LE(init.maxWrite, 20);
  if (out.length > SIZE.INIT_OUT_COMPAT_22) {
    out.writeUInt32LE(init.timeGran, 24);
    out.writeUInt16LE(init.maxPages, 28);
  }
  return out;
}

export interface Attr {
  readonly ino: number;
  readonly size: number;
  readonly mode: number;
  readonly nlink: number;
  readonly uid: number;
  readonly gid: number;
  /** Seconds and nanoseconds used for atime, mtime and ctime alike. */
  readonly timeSec: number;
  readonly timeNsec: number;
}

function writeAttr(out: Buffer, offset: number, attr: Attr): void {
  out.fill(0, offset, offset + SIZE.ATTR);
  writeU64(out, attr.ino, offset);
  writeU64(out, attr.size, offset + 8);
  writeU64(out, Math.ceil(attr.size / 512), offset + 16);
  for (const at of [24, 32, 40]) writeU64(out, attr.timeSec, offset + at);
  for (const at of [48, 52, 56]) out.writeUInt32LE(attr.timeNsec, offset + at);
  out.writeUInt32LE(attr.mode, offset + 60);
  out.writeUInt32LE(attr.nlink, offset + 64);
  out.writeUInt32LE(attr.uid, offset + 68);
  out.writeUInt32LE(attr.gid, offset + 72);
  out.writeUInt32LE(4096, offset + 80); // blksize
}

/** A validity period split as FUSE wants it: whole seconds + nanoseconds. */
export interface Validity { readonly sec: number; readonly nsec: number }

export function validityOf(seconds: number): Validity {
  const sec = Math.floor(seconds);
  return { sec, nsec: Math.round((seconds - sec) * 1e9) };
}

export function encodeEntryOut(attr: Attr, entryValid: Validity, attrValid: Validity): Buffer {
  const out = Buffer.allocUnsafe(SIZE.ENTRY_OUT);
  writeU64(out, attr.ino, 0);
  writeU64(out, 0, 8); // generation: inode numbers are never reused in a static tree
  writeU64(out, entryValid.sec, 16);
  writeU64(out, attrValid.sec, 24);
  out.writeUInt32LE(entryValid.nsec, 32);
  out.writeUInt32LE(attrValid.nsec, 36);
  writeAttr(out, 40, attr);
  return out;
}

export function encodeAttrOut(attr: Attr, attrValid: Validity): Buffer {
  const out = Buffer.allocUnsafe(SIZE.ATTR_OUT);
  writeU64(out, attrValid.sec, 0);
  out.writeUInt32LE(attrValid.nsec, 8);
  out.writeUInt32LE(0, 12);
  writeAttr(out, 16, attr);
  return out;
}

export function encodeOpenOut(fh: number, openFlags: number): Buffer {
  const out = Buffer.alloc(SIZE.OPEN_OUT);
  writeU64(out, fh, 0);
  out.writeUInt32LE(openFlags, 8);
  return out;
}

export interface Statfs { readonly bsize: number; readonly namelen: number; readonly frsize: number }

export function encodeStatfsOut(st: Statfs): Buffer {
  const out = Buffer.alloc(SIZE.STATFS_OUT);
  out.writeUInt32LE(st.bsize, 40);
  out.writeUInt32LE(st.namelen, 44);
  out.writeUInt32LE(st.frsize, 48);
  return out;
}

export interface Dirent {
  readonly ino: number;
  readonly name: string;
  readonly type: number;
}

/** Size of one encoded fuse_dirent (padded to 8 bytes). */
export function direntSize(name: string): number {
  return (SIZE.DIRENT_BASE + Buffer.byteLength(name) + 7) & ~7;
}

/**
 * Encodes entries[start..] into at most maxBytes; each entry's `off` is the cookie
 * of the entry after it (its index + 1), which the kernel hands back as the next
 * READDIR offset.
 */
export function encodeDirents(entries: readonly Dirent[], start: number, maxBytes: number): Buffer {
  let total = 0;
  let end = start;
  while (end < entries.length) {
    const size = direntSize(entries[end]!.name);
    if (total + size > maxBytes) break;
    total += size;
    end++;
  }
  const out = Buffer.alloc(total);
  let at = 0;
  for (let i = start; i < end; i++) {
    const entry = entries[i]!;
    const nameLength = Buffer.byteLength(entry.name);
    writeU64(out, entry.ino, at);
    writeU64(out, i + 1, at + 8);
    out.writeUInt32LE(nameLength, at + 16);
    out.writeUInt32LE(entry.type, at + 20);
    out.write(entry.name, at + SIZE.DIRENT_BASE, 'utf8');
    at += direntSize(entry.name);
  }
  return out;
}
