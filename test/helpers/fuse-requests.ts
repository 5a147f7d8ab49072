// Builds raw FUSE requests the way the kernel writes them to /dev/fuse (fuse_in_header +
// the operation's *_in struct), and records/decodes the replies a session sends. The
// byte offsets here are independent of src/fuse/protocol.ts on purpose; the protocol
// test checks them against <linux/fuse.h> compiled with cc.
import type { Logger } from '../../src/log.js';

export const IN_HEADER_SIZE = 40;
export const OUT_HEADER_SIZE = 16;

/** Opcode numbers from <linux/fuse.h>, restated so tests do not trust the code under test. */
export const OP = Object.freeze({
  LOOKUP: 1, FORGET: 2, GETATTR: 3, SETATTR: 4, READLINK: 5, MKDIR: 9, RMDIR: 11, OPEN: 14, READ: 15, WRITE: 16,
  STATFS: 17, RELEASE: 18, FLUSH: 25, INIT: 26, OPENDIR: 27, READDIR: 28, RELEASEDIR: 29,
  ACCESS: 34, CREATE: 35, INTERRUPT: 36, DESTROY: 38, BATCH_FORGET: 42, READDIRPLUS: 44, LSEEK: 46,
});

export interface HeaderFields {
  /** fuse_in_header.unique (u64) */
  readonly unique?: bigint | number;
  readonly nodeId?: bigint | number;
  readonly uid?: number;
  readonly gid?: number;
  readonly pid?: number;
  /** fuse_in_header.total_extlen, in 8-byte units. */
  readonly totalExtlen?: number;
  /** Overrides fuse_in_header.len (default: the real length). */
  readonly len?: number;
}

let nextUnique = 1n;

/** A full request: fuse_in_header followed by `body`. */
export function request(opcode: number, body: Buffer = Buffer.alloc(0), fields: HeaderFields = {}): Buffer {
  const buf = Buffer.alloc(IN_HEADER_SIZE + body.length);
  buf.writeUInt32LE(fields.len ?? buf.length, 0);
  buf.writeUInt32LE(opcode, 4);
  buf.writeBigUInt64LE(BigInt(fields.unique ?? nextUnique++), 8);
  buf.writeBigUInt64LE(BigInt(fields.nodeId ?? 1), 16);
  buf.writeUInt32LE(fields.uid ?? 0, 24);
  buf.writeUInt32LE(fields.gid ?? 0, 28);
  buf.writeUInt32LE(fields.pid ?? 0, 32);
  buf.writeUInt16LE(fields.totalExtlen ?? 0, 36);
  buf.writeUInt16LE(0, 38); // padding
  body.copy(buf, IN_HEADER_SIZE);
  return buf;
}

/** fuse_init_in (64 bytes since 7.36: major, minor, max_readahead, flags, flags2, unused[11]). */
export function initBody(major: number, minor: number, flags: number, maxReadahead = 131072): Buffer {
  const b = Buffer.alloc(64);
  b.writeUInt32LE(major, 0);
  b.writeUInt32LE(minor, 4);
  b.writeUInt32LE(maxReadahead, 8);
  b.writeUInt32LE(flags >>> 0, 12);
  return b;
}

/** fuse_read_in (40 bytes): fh, offset, size, read_flags, lock_owner, flags, padding. Also READDIR. */
export function readBody(fh: bigint | number, offset: bigint | number, size: number): Buffer {
  const b = Buffer.alloc(40);
  b.writeBigUInt64LE(BigInt(fh), 0);
  b.writeBigUInt64LE(BigInt(offset), 8);
  b.writeUInt32LE(size, 16);
  return b;
}

/** fuse_open_in (8 bytes): flags, open_flags. Also OPENDIR. */
export function openBody(flags: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt32LE(flags >>> 0, 0);
  return b;
}

/** fuse_release_in (24 bytes): fh, flags, release_flags, lock_owner. Also RELEASEDIR. */
export function releaseBody(fh: bigint | number): Buffer {
  const b = Buffer.alloc(24);
  b.writeBigUInt64LE(BigInt(fh), 0);
  return b;
}

/** fuse_flush_in (24 bytes): fh, unused, padding, lock_owner. */
export function flushBody(fh: bigint | number): Buffer {
  return releaseBody(fh);
}

/** fuse_access_in (8 bytes): mask, padding. */
export function accessBody(mask: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt32LE(mask, 0);
  return b;
}

/** fuse_getattr_in (16 bytes): getattr_flags, dummy, fh. */
export function getattrBody(getattrFlags = 0, fh: bigint | number = 0): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt32LE(getattrFlags, 0);
  b.writeBigUInt64LE(BigInt(fh), 8);
  return b;
}

/** fuse_setattr_in is 88 bytes; its content does not matter to a read-only filesystem. */
export function setattrBody(): Buffer {
  return Buffer.alloc(88);
}

/** LOOKUP: the name, NUL-terminated. */
export function nameBody(name: string): Buffer {
  return Buffer.concat([Buffer.from(name, 'utf8'), Buffer.from([0])]);
}

/** fuse_forget_in (8 bytes): nlookup. */
export function forgetBody(nlookup: bigint | number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(nlookup), 0);
  return b;
}

/** fuse_batch_forget_in (count, dummy) + count × fuse_forget_one (nodeid, nlookup). */
export function batchForgetBody(entries: readonly (readonly [number, number])[], count = entries.length): Buffer {
  const b = Buffer.alloc(8 + entries.length * 16);
  b.writeUInt32LE(count, 0);
  entries.forEach(([nodeId, nlookup], i) => {
    b.writeBigUInt64LE(BigInt(nodeId), 8 + i * 16);
    b.writeBigUInt64LE(BigInt(nlookup), 16 + i * 16);
  });
  return b;
}

/** fuse_interrupt_in (8 bytes): unique of the interrupted request. */
export function interruptBody(unique: bigint | number): Buffer {
  return forgetBody(unique);
}

// ---- replies ------------------------------------------------------------------------

export interface DecodedReply {
  /** fuse_out_header.len */
  readonly len: number;
  /** fuse_out_header.error: 0 or a negative errno. */
  readonly error: number;
  readonly unique: bigint;
  /** The bytes after the header. */
  readonly body: Buffer;
  /** How many chunks the sink received for this reply (one writev). */
  readonly chunks: number;
}

export function decodeReply(chunks: readonly Buffer[]): DecodedReply {
  const all = Buffer.concat(chunks);
  if (all.length < OUT_HEADER_SIZE) throw new Error(`reply of ${all.length} bytes`);
  return {
    len: all.readUInt32LE(0),
    error: all.readInt32LE(4),
    unique: all.readBigUInt64LE(8),
    body: all.subarray(OUT_HEADER_SIZE),
    chunks: chunks.length,
  };
}

/** A ReplySink that keeps every send() call. */
export class RecordingSink {
  readonly sends: Buffer[][] = [];

  send(chunks: readonly Buffer[]): void {
    // Copies: a sink must not rely on the caller keeping the buffers unchanged.
    this.sends.push(chunks.map((c) => Buffer.from(c)));
  }

  get replies(): DecodedReply[] {
    return this.sends.map(decodeReply);
  }

  /** The only reply sent since the last take(); fails loudly otherwise. */
  take(): DecodedReply {
    if (this.sends.length !== 1) throw new Error(`expected exactly one reply, got ${this.sends.length}`);
    const reply = decodeReply(this.sends[0]!);
    this.sends.length = 0;
    return reply;
  }
}

export interface LogRecord {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly fields: Record<string, unknown>;
  readonly message: string;
}

/** A Logger that records every call. */
export class RecordingLogger implements Logger {
  readonly records: LogRecord[] = [];
  debug(fields: object, message: string): void { this.#push('debug', fields, message); }
  info(fields: object, message: string): void { this.#push('info', fields, message); }
  warn(fields: object, message: string): void { this.#push('warn', fields, message); }
  error(fields: object, message: string): void { this.#push('error', fields, message); }

  at(level: LogRecord['level']): LogRecord[] {
    return this.records.filter((r) => r.level === level);
  }

  #push(level: LogRecord['level'], fields: object, message: string): void {
    this.records.push({ level, fields: fields as Record<string, unknown>, message });
  }
}
