// A FUSE session: negotiates INIT, decodes each request, dispatches it to the
// filesystem's operations and sends exactly one reply (none for FORGET, BATCH_FORGET
// and INTERRUPT, which the protocol never answers). Operations return the reply body
// or throw; they never touch the reply themselves, so "exactly one reply" is decided
// here and nowhere else. A session can start already initialised (adopting a live
// /dev/fuse connection negotiated by another process) by passing `negotiated`.
import { errnoOf, LxcfsError } from '../errors.js';
import type { Logger } from '../log.js';
import {
  decodeAccessMask, decodeFh, decodeHeader, decodeInit, decodeName, decodeOpenFlags, decodeRead,
  encodeInitOut, FUSE_KERNEL_MINOR_VERSION, FUSE_KERNEL_VERSION, InitFlag, Opcode,
  type InitOut, type ReadIn, type RequestHeader,
} from './protocol.js';
import { Reply, type ReplySink } from './reply.js';
export type ReplyBody = Buffer | readonly Buffer[] | undefined;

/** What a filesystem implements; each returns the reply body or throws. */
export interface FuseOperations {
  lookup(req: RequestHeader, name: string): ReplyBody;
  getattr(req: RequestHeader): ReplyBody;
  /** SETATTR (chmod, chown, truncate), MKDIR, RMDIR: refused with EPERM, as lxcfs does. */
  modify(req: RequestHeader): ReplyBody;
  open(req: RequestHeader, flags: number): ReplyBody;
  read(req: RequestHeader, args: ReadIn): ReplyBody;
  release(req: RequestHeader, fh: number): ReplyBody;
  flush(req: RequestHeader, fh: number): ReplyBody;
  opendir(req: RequestHeader, flags: number): ReplyBody;
  readdir(req: RequestHeader, args: ReadIn): ReplyBody;
  releasedir(req: RequestHeader, fh: number): ReplyBody;
  statfs(req: RequestHeader): ReplyBody;
  access(req: RequestHeader, mask: number): ReplyBody;
}

type Handler = (req: RequestHeader) => ReplyBody;

/** fuse_in_header: len (4), opcode (4), unique (8) — enough to answer a request. */
const UNIQUE_END = 16;

/** INIT flags we ask for; the reply carries only those the kernel offered too. */
const WANTED_FLAGS = InitFlag.ASYNC_READ | InitFlag.PARALLEL_DIROPS | InitFlag.MAX_PAGES;
const MAX_WRITE = 128 * 1024;

export interface SessionOptions {
  readonly sink: ReplySink;
  readonly operations: FuseOperations;
  readonly logger: Logger;
  /** Parameters of a connection initialised elsewhere; the session then skips INIT. */
  readonly negotiated?: InitOut;
  /**
   * The connection may have been initialised by a predecessor whose parameters were lost (it
   * died between answering INIT and telling anyone): a request other than INIT then proves
   * INIT was answered — the kernel sends nothing before — and the session assumes what it
   * would itself have negotiated with a current kernel.
   */
  readonly mayBeInitialised?: boolean;
  /** Called once when the kernel sends DESTROY (unmount). */
  readonly onDestroy?: () => void;
  /** Called once INIT is negotiated and answered, with what a clone of the fd needs. */
  readonly onInit?: (negotiated: InitOut) => void;
  /**
   * Where a request goes whose handler threw LXCFS_MAIN_THREAD (a worker thread's session):
   * the raw request, to be answered exactly once by the main thread. Without it such a
   * request is answered with the error, like any other.
   */
  readonly handOver?: (raw: Buffer) => void;
}

export class FuseSession {
  readonly #sink: ReplySink;
  readonly #logger: Logger;
  readonly #onDestroy: (() => void) | undefined;
  readonly #onInit: ((negotiated: InitOut) => void) | undefined;
  readonly #handOver: ((raw: Buffer) => void) | undefined;
  readonly #handlers: ReadonlyMap<number, Handler>;
  #negotiated: InitOut | undefined;
  readonly #mayBeInitialised: boolean;
  #destroyed = false;

  constructor(options: SessionOptions) {
    this.#sink = options.sink;
    this.#logger = options.logger;
    this.#onDestroy = options.onDestroy;
    this.#onInit = options.onInit;
    this.#handOver = options.handOver;
    this.#negotiated = options.negotiated;
    this.#mayBeInitialised = options.mayBeInitialised === true;
    this.#handlers = handlersFor(options.operations);
  }

  /** INIT parameters once negotiated (what a successor needs to adopt the fd). */
  get negotiated(): InitOut | undefined {
    return this.#negotiated;
  }

  /**
   * Handles a batch of requests, in order, each as handle() does. handle() never throws
   * (even a failing logger cannot stop it: see #log), and a batch holds up to 64 callers,
   * so one request can never cost the others their replies. True when a request was handed
   * over (answered later, by another thread).
   */
  handleAll(batch: readonly Buffer[]): boolean {
    let handedOver = false;
    for (const raw of batch) if (this.handle(raw)) handedOver = true;
    return handedOver;
  }

  /** Handles one raw request read from the device. Never throws. True: handed over, not answered yet. */
  handle(raw: Buffer): boolean {
    let req: RequestHeader;
    try {
      req = decodeHeader(raw);
    } catch (err) {
      // The kernel never sends such a request. If its `unique` arrived, answer EPROTO so
      // no reader waits forever; without one there is nothing to answer.
      this.#log('error', { err, bytes: raw.length }, 'undecodable FUSE request');
      if (raw.length >= UNIQUE_END) this.#fail(null, new Reply(raw.subarray(8, UNIQUE_END), this.#sink), err);
      return false;
    }
    if (isUnanswered(req.opcode)) return false; // static tree: lookups are never forgotten
    const reply = new Reply(req.unique, this.#sink);
    let handedOver = false;
    try {
      reply.ok(this.#dispatch(req));
    } catch (err) {
      const handOver = this.#handOver;
      if (handOver !== undefined && err instanceof LxcfsError && err.code === 'LXCFS_MAIN_THREAD') {
        handedOver = this.#giveAway(req, reply, handOver, raw);
      } else {
        this.#fail(req, reply, err);
      }
    } finally {
      if (!reply.sent) this.#fail(req, reply, new LxcfsError('LXCFS_NO_REPLY'));
    }
    return handedOver;
  }

  #dispatch(req: RequestHeader): ReplyBody {
    if (req.opcode === Opcode.INIT) return this.#init(req);
    if (this.#negotiated === undefined && this.#mayBeInitialised) this.#assumeInitialised();
    if (this.#negotiated === undefined) throw new LxcfsError('LXCFS_FUSE_PROTOCOL', `opcode ${req.opcode} before INIT`);
    if (req.opcode === Opcode.DESTROY) return this.#destroy();
    const handler = this.#handlers.get(req.opcode);
    if (handler === undefined) throw new LxcfsError('LXCFS_NOT_IMPLEMENTED', `opcode ${req.opcode}`);
    return handler(req);
  }

  #giveAway(req: RequestHeader, reply: Reply, to: (raw: Buffer) => void, raw: Buffer): boolean {
    try {
      reply.handOver(() => to(raw));
      return true;
    } catch (err) {
      this.#fail(req, reply, err); // not handed over: answered here
      return false;
    }
  }

  #fail(req: RequestHeader | null, reply: Reply, err: unknown): void {
    const errno = errnoOf(err);
    const context = { opcode: req?.opcode, pid: req?.pid };
    // Typed errors and system errors are answers; anything else is a bug worth an error line.
    if (err instanceof LxcfsError || typeof (err as NodeJS.ErrnoException | null)?.code === 'string') {
      this.#log('debug', { err, ...context, errno }, 'FUSE request failed');
    } else {
      this.#log('error', { err, ...context }, 'FUSE handler failed');
    }
    if (reply.sent) return;
    try {
      reply.error(errno);
    } catch (sendErr) {
      this.#log('error', { err: sendErr, ...context }, 'FUSE error reply could not be sent');
    }
  }

  /** Logging never stands between a caller and its reply: a throwing logger is ignored. */
  #log(level: 'debug' | 'error', fields: object, message: string): void {
    try {
      this.#logger[level](fields, message);
    } catch {
      // nothing sensible left to do with a log line that cannot be written
    }
  }

  #init(req: RequestHeader): ReplyBody {
    const init = decodeInit(req.body);
    if (init.major < FUSE_KERNEL_VERSION || (init.major === FUSE_KERNEL_VERSION && init.minor < 12)) {
      throw new LxcfsError('LXCFS_FUSE_VERSION', `kernel speaks ${init.major}.${init.minor}`);
    }
    // A newer major: answer with ours only; the kernel then re-sends INIT or gives up.
    if (init.major > FUSE_KERNEL_VERSION) {
      return encodeInitOut({ ...emptyInit(), major: FUSE_KERNEL_VERSION, minor: FUSE_KERNEL_MINOR_VERSION });
    }
    const negotiated: InitOut = {
      major: FUSE_KERNEL_VERSION,
      minor: Math.min(init.minor, FUSE_KERNEL_MINOR_VERSION),
      maxReadahead: init.maxReadahead,
      flags: init.flags & WANTED_FLAGS,
      maxBackground: 64,
      congestionThreshold: 48,
      maxWrite: MAX_WRITE,
      timeGran: 1,
      maxPages: MAX_WRITE / 4096,
    };
    this.#negotiated = negotiated;
    // After this batch, so the INIT reply is written before anyone clones the connection.
    if (this.#onInit !== undefined) queueMicrotask(() => this.#onInit?.(negotiated));
    this.#logger.info({ kernel: `${init.major}.${init.minor}`, minor: negotiated.minor, flags: negotiated.flags }, 'FUSE session initialised');
    return encodeInitOut(negotiated);
  }

  #assumeInitialised(): void {
    const negotiated: InitOut = {
      major: FUSE_KERNEL_VERSION, minor: FUSE_KERNEL_MINOR_VERSION, maxReadahead: MAX_WRITE, flags: WANTED_FLAGS,
      maxBackground: 64, congestionThreshold: 48, maxWrite: MAX_WRITE, timeGran: 1, maxPages: MAX_WRITE / 4096,
    };
    this.#negotiated = negotiated;
    this.#log('error', { negotiated }, 'requests arrive on a connection initialised by a lost predecessor; assuming the usual INIT');
    if (this.#onInit !== undefined) queueMicrotask(() => this.#onInit?.(negotiated));
  }

  #destroy(): ReplyBody {
    if (!this.#destroyed) {
      this.#destroyed = true;
      queueMicrotask(() => this.#onDestroy?.());
    }
    return undefined;
  }
}

function isUnanswered(opcode: number): boolean {
  return opcode === Opcode.FORGET || opcode === Opcode.BATCH_FORGET || opcode === Opcode.INTERRUPT;
}

function emptyInit(): InitOut {
  return { major: 0, minor: 0, maxReadahead: 0, flags: 0, maxBackground: 0, congestionThreshold: 0, maxWrite: 0, timeGran: 0, maxPages: 0 };
}

function handlersFor(ops: FuseOperations): ReadonlyMap<number, Handler> {
  return new Map<number, Handler>([
    [Opcode.LOOKUP, (r) => ops.lookup(r, decodeName(r.body))],
    [Opcode.GETATTR, (r) => ops.getattr(r)],
    [Opcode.SETATTR, (r) => ops.modify(r)],
    [Opcode.MKDIR, (r) => ops.modify(r)],
    [Opcode.RMDIR, (r) => ops.modify(r)],
    [Opcode.OPEN, (r) => ops.open(r, decodeOpenFlags(r.body))],
    [Opcode.READ, (r) => ops.read(r, decodeRead(r.body))],
    [Opcode.RELEASE, (r) => ops.release(r, decodeFh(r.body))],
    [Opcode.FLUSH, (r) => ops.flush(r, decodeFh(r.body))],
    [Opcode.OPENDIR, (r) => ops.opendir(r, decodeOpenFlags(r.body))],
    [Opcode.READDIR, (r) => ops.readdir(r, decodeRead(r.body))],
    [Opcode.RELEASEDIR, (r) => ops.releasedir(r, decodeFh(r.body))],
    [Opcode.STATFS, (r) => ops.statfs(r)],
    [Opcode.ACCESS, (r) => ops.access(r, decodeAccessMask(r.body))],
  ]);
}
