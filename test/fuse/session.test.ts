import { setImmediate as tick } from 'node:timers/promises';
import t from 'tap';
import { LxcfsError } from '../../src/errors.js';
import type { InitOut, ReadIn, RequestHeader } from '../../src/fuse/protocol.js';
import { FuseSession, type FuseOperations, type ReplyBody } from '../../src/fuse/session.js';
import {
  accessBody, batchForgetBody, flushBody, forgetBody, getattrBody, initBody, interruptBody, nameBody, OP, openBody,
  readBody, RecordingLogger, RecordingSink, releaseBody, request, setattrBody,
} from '../helpers/fuse-requests.js';

const EPROTO = 71;
const ENOSYS = 38;
const EIO = 5;
const ENOENT = 2;
const EACCES = 13;

// INIT flag bits from <linux/fuse.h> (checked against the header in protocol.test.ts).
const ASYNC_READ = 1 << 0;
const BIG_WRITES = 1 << 5;
const DO_READDIRPLUS = 1 << 13;
const PARALLEL_DIROPS = 1 << 18;
const MAX_PAGES = 1 << 22;
const INIT_EXT = 1 << 30;
const OURS = ASYNC_READ | PARALLEL_DIROPS | MAX_PAGES;

type Call = [string, RequestHeader, unknown?];

/** Operations that record their calls and answer with their own name unless overridden. */
function fakeOps(overrides: Partial<Record<keyof FuseOperations, (req: RequestHeader, arg?: unknown) => ReplyBody>> = {}) {
  const calls: Call[] = [];
  const names: (keyof FuseOperations)[] = [
    'lookup', 'getattr', 'modify', 'open', 'read', 'release', 'flush', 'opendir', 'readdir', 'releasedir', 'statfs', 'access',
  ];
  const ops = {} as Record<keyof FuseOperations, (req: RequestHeader, arg?: unknown) => ReplyBody>;
  for (const name of names) {
    ops[name] = (req: RequestHeader, arg?: unknown) => {
      calls.push(arg === undefined ? [name, req] : [name, req, arg]);
      const override = overrides[name];
      return override === undefined ? Buffer.from(name) : override(req, arg);
    };
  }
  return { ops: ops as unknown as FuseOperations, calls };
}

interface Harness {
  session: FuseSession;
  sink: RecordingSink;
  logger: RecordingLogger;
  calls: Call[];
  destroyed: () => number;
}

function harness(options: { overrides?: Parameters<typeof fakeOps>[0]; negotiated?: InitOut; init?: boolean } = {}): Harness {
  const sink = new RecordingSink();
  const logger = new RecordingLogger();
  const { ops, calls } = fakeOps(options.overrides);
  let destroyed = 0;
  const session = new FuseSession({
    sink, logger, operations: ops, onDestroy: () => { destroyed++; },
    ...(options.negotiated === undefined ? {} : { negotiated: options.negotiated }),
  });
  if (options.init !== false && options.negotiated === undefined) {
    session.handle(request(OP.INIT, initBody(7, 38, OURS)));
    sink.take();
  }
  return { session, sink, logger, calls, destroyed: () => destroyed };
}

/** fuse_init_out as the kernel reads it. */
function parseInitOut(body: Buffer) {
  return {
    length: body.length,
    major: body.readUInt32LE(0),
    minor: body.readUInt32LE(4),
    maxReadahead: body.readUInt32LE(8),
    flags: body.readUInt32LE(12),
    maxBackground: body.readUInt16LE(16),
    congestionThreshold: body.readUInt16LE(18),
    maxWrite: body.readUInt32LE(20),
    timeGran: body.length >= 64 ? body.readUInt32LE(24) : undefined,
    maxPages: body.length >= 64 ? body.readUInt16LE(28) : undefined,
  };
}

// ---- INIT --------------------------------------------------------------------------

t.test('INIT 7.38: minor 38, flags = ours ∩ kernel\'s, limits', async (t) => {
  const h = harness({ init: false });
  t.equal(h.session.negotiated, undefined, 'not negotiated before INIT');
  const kernelFlags = ASYNC_READ | BIG_WRITES | DO_READDIRPLUS | PARALLEL_DIROPS | MAX_PAGES | INIT_EXT;
  h.session.handle(request(OP.INIT, initBody(7, 38, kernelFlags, 65536), { unique: 77 }));
  const r = h.sink.take();
  t.equal(r.error, 0);
  t.equal(r.unique, 77n);
  t.equal(r.len, 16 + 64);
  t.same(parseInitOut(r.body), {
    length: 64, major: 7, minor: 38, maxReadahead: 65536, flags: ASYNC_READ | PARALLEL_DIROPS | MAX_PAGES,
    maxBackground: 64, congestionThreshold: 48, maxWrite: 131072, timeGran: 1, maxPages: 32,
  });
  t.ok(r.body.subarray(30).equals(Buffer.alloc(34)), 'map_alignment, flags2, unused: zero');
  t.same(h.session.negotiated, {
    major: 7, minor: 38, maxReadahead: 65536, flags: ASYNC_READ | PARALLEL_DIROPS | MAX_PAGES,
    maxBackground: 64, congestionThreshold: 48, maxWrite: 131072, timeGran: 1, maxPages: 32,
  });
  t.same(h.calls, [], 'INIT reaches no operation');
  t.equal(h.logger.at('info').length, 1, 'one info line for the session start');
});

t.test('INIT: minor = min(kernel, 38)', async (t) => {
  for (const [kernel, expected, size] of [[45, 38, 64], [39, 38, 64], [38, 38, 64], [31, 31, 64], [23, 23, 64], [22, 22, 24], [12, 12, 24]] as const) {
    const h = harness({ init: false });
    h.session.handle(request(OP.INIT, initBody(7, kernel, OURS)));
    const r = h.sink.take();
    t.equal(r.error, 0, `7.${kernel} accepted`);
    const out = parseInitOut(r.body);
    t.equal(out.major, 7);
    t.equal(out.minor, expected, `7.${kernel} → 7.${expected}`);
    t.equal(out.length, size, `7.${kernel}: ${size}-byte fuse_init_out`);
    t.equal(h.session.negotiated?.minor, expected);
  }
});

t.test('INIT: flags are only those both sides have', async (t) => {
  const cases: [number, number][] = [
    [0, 0],
    [ASYNC_READ, ASYNC_READ],
    [BIG_WRITES | DO_READDIRPLUS | INIT_EXT, 0],
    [0xffff_ffff, OURS],
    [(PARALLEL_DIROPS | 0x8000_0000) >>> 0, PARALLEL_DIROPS],
  ];
  for (const [kernel, expected] of cases) {
    const h = harness({ init: false });
    h.session.handle(request(OP.INIT, initBody(7, 38, kernel)));
    t.equal(parseInitOut(h.sink.take().body).flags, expected, `kernel 0x${kernel.toString(16)} → 0x${expected.toString(16)}`);
  }
});

t.test('INIT with a newer major: answered with major 7 only, not negotiated', async (t) => {
  const h = harness({ init: false });
  h.session.handle(request(OP.INIT, initBody(8, 2, 0xffff_ffff), { unique: 5 }));
  const r = h.sink.take();
  t.equal(r.error, 0);
  t.equal(r.unique, 5n);
  const out = parseInitOut(r.body);
  t.equal(out.major, 7);
  t.equal(out.minor, 38, 'our highest minor');
  t.equal(out.flags, 0, 'no flags: the rest of the INIT is ignored');
  t.equal(out.maxWrite, 0);
  t.equal(h.session.negotiated, undefined, 'the kernel must re-send INIT');
  h.session.handle(request(OP.GETATTR, getattrBody()));
  t.equal(h.sink.take().error, -EPROTO, 'still no requests before a real INIT');
  h.session.handle(request(OP.INIT, initBody(7, 38, OURS)));
  t.equal(h.sink.take().error, 0, 'the re-sent 7.x INIT is accepted');
  t.equal(h.session.negotiated?.minor, 38);
});

t.test('INIT with major < 7 or 7.<12: error reply EPROTO', async (t) => {
  for (const [major, minor] of [[6, 99], [0, 0], [7, 11], [7, 0]] as const) {
    const h = harness({ init: false });
    h.session.handle(request(OP.INIT, initBody(major, minor, OURS), { unique: 9 }));
    const r = h.sink.take();
    t.same({ len: r.len, error: r.error, unique: r.unique }, { len: 16, error: -EPROTO, unique: 9n }, `${major}.${minor} refused`);
    t.equal(h.session.negotiated, undefined);
  }
});

t.test('INIT with a truncated body: error reply EPROTO', async (t) => {
  const h = harness({ init: false });
  h.session.handle(request(OP.INIT, initBody(7, 38, OURS).subarray(0, 15)));
  t.equal(h.sink.take().error, -EPROTO);
  t.equal(h.session.negotiated, undefined);
});

t.test('a request before INIT gets an error reply and reaches no operation', async (t) => {
  const h = harness({ init: false });
  for (const [op, body] of [[OP.LOOKUP, nameBody('proc')], [OP.GETATTR, getattrBody()], [OP.READ, readBody(1, 0, 4096)], [OP.DESTROY, Buffer.alloc(0)]] as const) {
    h.session.handle(request(op, body, { unique: 100 + op }));
    const r = h.sink.take();
    t.same({ error: r.error, unique: r.unique, len: r.len }, { error: -EPROTO, unique: BigInt(100 + op), len: 16 }, `opcode ${op}`);
  }
  t.same(h.calls, []);
  t.equal(h.destroyed(), 0, 'DESTROY before INIT does not destroy');
});

t.test('mayBeInitialised: a request before INIT proves a lost predecessor answered it; the usual INIT is assumed', async (t) => {
  const sink = new RecordingSink();
  const logger = new RecordingLogger();
  const { ops, calls } = fakeOps();
  const told: InitOut[] = [];
  const session = new FuseSession({ sink, logger, operations: ops, mayBeInitialised: true, onInit: (n) => told.push(n) });
  session.handle(request(OP.GETATTR, getattrBody(), { nodeId: 1, unique: 9 }));
  const r = sink.take();
  t.same({ error: r.error, unique: r.unique }, { error: 0, unique: 9n }, 'answered, not EPROTO');
  t.equal(calls.length, 1);
  t.match(session.negotiated, { major: 7, minor: 38, maxWrite: 131072, flags: ASYNC_READ | PARALLEL_DIROPS | MAX_PAGES });
  await new Promise((resolve) => setImmediate(resolve));
  t.same(told, [session.negotiated], 'and told, so the keeper hands it on');
  t.match(logger.at('error')[0]?.message, /initialised by a lost predecessor/);
});

t.test('the negotiated option skips INIT', async (t) => {
  const negotiated: InitOut = {
    major: 7, minor: 31, maxReadahead: 4096, flags: ASYNC_READ, maxBackground: 1, congestionThreshold: 1,
    maxWrite: 4096, timeGran: 1, maxPages: 1,
  };
  const h = harness({ negotiated });
  t.equal(h.session.negotiated, negotiated);
  h.session.handle(request(OP.GETATTR, getattrBody(), { nodeId: 1 }));
  const r = h.sink.take();
  t.equal(r.error, 0);
  t.equal(r.body.toString(), 'getattr');
  t.equal(h.calls.length, 1);
});

// ---- dispatch ------------------------------------------------------------------------

t.test('each opcode reaches its operation with decoded arguments and the header', async (t) => {
  const h = harness();
  const fields = { nodeId: 5, uid: 1000, gid: 1001, pid: 4242 };
  const cases: [number, Buffer, string, unknown][] = [
    [OP.LOOKUP, nameBody('meminfo'), 'lookup', 'meminfo'],
    [OP.GETATTR, getattrBody(), 'getattr', undefined],
    [OP.SETATTR, setattrBody(), 'modify', undefined],
    [OP.MKDIR, Buffer.concat([Buffer.alloc(8), nameBody('dir')]), 'modify', undefined],
    [OP.RMDIR, nameBody('dir'), 'modify', undefined],
    [OP.OPEN, openBody(0o100000), 'open', 0o100000],
    [OP.READ, readBody(3, 4096, 8192), 'read', { fh: 3, offset: 4096, size: 8192 } satisfies ReadIn],
    [OP.RELEASE, releaseBody(3), 'release', 3],
    [OP.FLUSH, flushBody(4), 'flush', 4],
    [OP.OPENDIR, openBody(0o200000), 'opendir', 0o200000],
    [OP.READDIR, readBody(0, 2, 4096), 'readdir', { fh: 0, offset: 2, size: 4096 }],
    [OP.RELEASEDIR, releaseBody(0), 'releasedir', 0],
    [OP.STATFS, Buffer.alloc(0), 'statfs', undefined],
    [OP.ACCESS, accessBody(4), 'access', 4],
  ];
  for (const [op, body, name, arg] of cases) {
    h.calls.length = 0;
    h.session.handle(request(op, body, { ...fields, unique: 1000 + op }));
    const r = h.sink.take();
    t.same({ error: r.error, unique: r.unique, body: r.body.toString(), len: r.len },
      { error: 0, unique: BigInt(1000 + op), body: name, len: 16 + name.length }, `opcode ${op} answered by ${name}`);
    t.equal(h.calls.length, 1, `${name} called once`);
    const [called, req, got] = h.calls[0]!;
    t.equal(called, name);
    t.same({ opcode: req.opcode, nodeId: req.nodeId, uid: req.uid, gid: req.gid, pid: req.pid },
      { opcode: op, nodeId: 5, uid: 1000, gid: 1001, pid: 4242 }, `${name} sees the request header`);
    t.same(got, arg, `${name} argument`);
  }
});

t.test('reply bodies: undefined → empty, arrays concatenated', async (t) => {
  const h = harness({
    overrides: {
      release: () => undefined,
      statfs: () => [Buffer.from('ab'), Buffer.from('cd')],
    },
  });
  h.session.handle(request(OP.RELEASE, releaseBody(1)));
  t.same((({ len, error, body }) => ({ len, error, body: body.length }))(h.sink.take()), { len: 16, error: 0, body: 0 });
  h.session.handle(request(OP.STATFS));
  const r = h.sink.take();
  t.equal(r.len, 20);
  t.equal(r.body.toString(), 'abcd');
  t.equal(r.chunks, 3, 'one send: header + the two chunks');
});

t.test('the reply echoes the request\'s unique, even past 2^53', async (t) => {
  const h = harness();
  h.session.handle(request(OP.STATFS, Buffer.alloc(0), { unique: 0xfedc_ba98_7654_3210n }));
  t.equal(h.sink.take().unique, 0xfedc_ba98_7654_3210n);
});

t.test('unknown and unimplemented opcodes → ENOSYS', async (t) => {
  const h = harness();
  for (const op of [OP.READLINK, OP.WRITE, OP.CREATE, OP.READDIRPLUS, OP.LSEEK, 9999]) {
    h.session.handle(request(op, Buffer.alloc(16), { unique: op }));
    const r = h.sink.take();
    t.same({ error: r.error, unique: r.unique, len: r.len }, { error: -ENOSYS, unique: BigInt(op), len: 16 }, `opcode ${op}`);
  }
  t.same(h.calls, []);
});

t.test('FORGET, BATCH_FORGET and INTERRUPT are never answered', async (t) => {
  for (const init of [true, false]) {
    const h = harness({ init });
    h.session.handle(request(OP.FORGET, forgetBody(1), { nodeId: 5 }));
    h.session.handle(request(OP.BATCH_FORGET, batchForgetBody([[5, 1], [6, 2]])));
    h.session.handle(request(OP.BATCH_FORGET, batchForgetBody([], 1000)));
    h.session.handle(request(OP.INTERRUPT, interruptBody(12)));
    h.session.handle(request(OP.FORGET, Buffer.alloc(0)));
    t.equal(h.sink.sends.length, 0, `no reply (${init ? 'after' : 'before'} INIT)`);
    t.same(h.calls, []);
  }
});

t.test('a malformed body gets EPROTO and reaches no operation', async (t) => {
  const h = harness();
  for (const [op, body] of [[OP.READ, Buffer.alloc(23)], [OP.OPEN, Buffer.alloc(3)], [OP.ACCESS, Buffer.alloc(0)], [OP.RELEASE, Buffer.alloc(7)], [OP.READDIR, Buffer.alloc(8)]] as const) {
    h.session.handle(request(op, body));
    t.equal(h.sink.take().error, -EPROTO, `opcode ${op} with ${body.length} body bytes`);
  }
  t.same(h.calls, []);
});

// ---- failures: exactly one reply ------------------------------------------------------

t.test('an operation throwing a plain Error: EIO, logged at error, one reply', async (t) => {
  const boom = new Error('boom');
  const h = harness({ overrides: { getattr: () => { throw boom; } } });
  h.session.handle(request(OP.GETATTR, getattrBody(), { unique: 31, pid: 77 }));
  const r = h.sink.take();
  t.same({ len: r.len, error: r.error, unique: r.unique }, { len: 16, error: -EIO, unique: 31n });
  const errors = h.logger.at('error');
  t.equal(errors.length, 1);
  t.equal(errors[0]!.fields.err, boom);
  t.equal(errors[0]!.fields.opcode, OP.GETATTR);
  t.equal(errors[0]!.fields.pid, 77);
  t.equal(h.logger.at('debug').length, 0);
});

t.test('an operation throwing an LxcfsError: its errno, logged at debug only', async (t) => {
  const h = harness({
    overrides: {
      lookup: () => { throw new LxcfsError('LXCFS_NOT_FOUND', 'nope'); },
      open: () => { throw new LxcfsError('LXCFS_READ_ONLY'); },
    },
  });
  h.session.handle(request(OP.LOOKUP, nameBody('nope')));
  t.equal(h.sink.take().error, -ENOENT);
  h.session.handle(request(OP.OPEN, openBody(1)));
  t.equal(h.sink.take().error, -EACCES);
  t.equal(h.logger.at('error').length, 0);
  t.equal(h.logger.at('debug').length, 2);
  t.equal(h.logger.at('debug')[0]!.fields.errno, ENOENT);
});

t.test('an operation throwing a Node system error: its errno, logged at debug', async (t) => {
  const h = harness({ overrides: { read: () => { throw Object.assign(new Error('gone'), { code: 'ESRCH' }); } } });
  h.session.handle(request(OP.READ, readBody(1, 0, 10)));
  t.equal(h.sink.take().error, -3);
  t.equal(h.logger.at('error').length, 0);
  t.equal(h.logger.at('debug').length, 1);
});

t.test('an operation throwing a non-Error value: EIO', async (t) => {
  const h = harness({ overrides: { statfs: () => { throw 'a string'; } } });
  t.doesNotThrow(() => h.session.handle(request(OP.STATFS)));
  t.equal(h.sink.take().error, -EIO);
  h.session.handle(request(OP.STATFS));
  t.equal(h.sink.take().error, -EIO, 'again: the session keeps serving');
});

t.test('a sink that throws: handle() does not throw, no second send', async (t) => {
  const logger = new RecordingLogger();
  let sends = 0;
  const { ops } = fakeOps({ lookup: () => { throw new LxcfsError('LXCFS_NOT_FOUND'); } });
  const session = new FuseSession({
    sink: { send() { sends++; throw Object.assign(new Error('write'), { code: 'EBADF' }); } },
    logger, operations: ops,
  });
  t.doesNotThrow(() => session.handle(request(OP.INIT, initBody(7, 38, 0))));
  t.equal(sends, 1, 'INIT: one attempt');
  t.not(session.negotiated, undefined, 'INIT was still processed');
  sends = 0;
  t.doesNotThrow(() => session.handle(request(OP.GETATTR, getattrBody())));
  t.equal(sends, 1, 'ok reply: one attempt');
  sends = 0;
  t.doesNotThrow(() => session.handle(request(OP.LOOKUP, nameBody('x'))));
  t.equal(sends, 1, 'error reply: one attempt');
  t.ok(logger.at('error').some((r) => r.message === 'FUSE error reply could not be sent'), 'the failed error reply is logged');
});

t.test('handleAll: every request of a batch answered once, in order, even with a throwing logger', async (t) => {
  const h = harness();
  h.session.handleAll([request(OP.GETATTR, getattrBody(), { unique: 41 }), request(OP.STATFS, Buffer.alloc(0), { unique: 42 })]);
  t.same(h.sink.replies.map((r) => r.unique), [41n, 42n]);

  // A logger that throws while a failure is logged: the reply still goes out, exactly once.
  const sink = new RecordingSink();
  let throwing = true;
  const logger = Object.assign(new RecordingLogger(), {
    error: () => { if (throwing) throw new Error('logger down'); },
  });
  const { ops } = fakeOps({ getattr: () => { throw new Error('boom'); } });
  const session = new FuseSession({ sink, logger, operations: ops });
  session.handle(request(OP.INIT, initBody(7, 38, OURS)));
  sink.take();
  t.doesNotThrow(() => session.handleAll([
    request(OP.GETATTR, getattrBody(), { unique: 51 }),
    request(OP.STATFS, Buffer.alloc(0), { unique: 52 }),
    Buffer.alloc(4), // too short to answer: skipped
  ]));
  t.same(sink.replies.map((r) => [r.unique, r.error]), [[51n, -EIO], [52n, 0]], 'the failing one EIO once, the next one served, nothing more');
  throwing = false;
});

// ---- DESTROY and garbage ----------------------------------------------------------------

t.test('DESTROY: reply, then onDestroy exactly once', async (t) => {
  const sink = new RecordingSink();
  const { ops, calls } = fakeOps();
  const order: string[] = [];
  const session = new FuseSession({
    sink: { send: (chunks) => { order.push('reply'); sink.send(chunks); } },
    logger: new RecordingLogger(), operations: ops,
    onDestroy: () => { order.push('destroy'); },
  });
  session.handle(request(OP.INIT, initBody(7, 38, OURS)));
  sink.take();
  order.length = 0;
  session.handle(request(OP.DESTROY, Buffer.alloc(0), { unique: 64 }));
  const r = sink.take();
  t.same({ len: r.len, error: r.error, unique: r.unique }, { len: 16, error: 0, unique: 64n });
  await tick();
  t.same(order, ['reply', 'destroy']);
  session.handle(request(OP.DESTROY));
  t.equal(sink.take().error, 0, 'a second DESTROY is answered too');
  await tick();
  t.same(order, ['reply', 'destroy', 'reply'], 'but onDestroy is not called again');
  t.same(calls, []);
});

t.test('DESTROY without onDestroy does not throw', async (t) => {
  const sink = new RecordingSink();
  const session = new FuseSession({ sink, logger: new RecordingLogger(), operations: fakeOps().ops });
  session.handle(request(OP.INIT, initBody(7, 38, 0)));
  sink.take();
  t.doesNotThrow(() => session.handle(request(OP.DESTROY)));
  await tick();
  t.equal(sink.take().error, 0);
});

t.test('an undecodable buffer: never throws; answered EPROTO when its unique arrived, else dropped', async (t) => {
  const h = harness();
  const good = request(OP.GETATTR, getattrBody(), { unique: 77 });
  for (const raw of [Buffer.alloc(0), Buffer.alloc(15)]) {
    t.doesNotThrow(() => h.session.handle(raw), `${raw.length} bytes`);
    t.equal(h.sink.sends.length, 0, `${raw.length} bytes: nothing to answer`);
  }
  for (const raw of [good.subarray(0, 39), good.subarray(0, good.length - 1), Buffer.concat([good, Buffer.alloc(8)])]) {
    t.doesNotThrow(() => h.session.handle(raw), `${raw.length} bytes`);
    const reply = h.sink.take();
    t.same({ error: reply.error, unique: reply.unique }, { error: -71, unique: 77n }, `${raw.length} bytes: EPROTO`);
  }
  t.same(h.calls, []);
  const errors = h.logger.at('error').filter((e) => e.message === 'undecodable FUSE request');
  t.same(errors.map((e) => e.fields.bytes), [0, 15, 39, good.length - 1, good.length + 8]);
});
