// The FUSE request path under hostile input: a session (the real ReadOnlyFilesystem over the
// registry's tree, content faked) fed sequences of requests with random opcodes, node ids,
// handles, offsets, sizes, lying length fields and random bodies, plus raw garbage. handle()
// never throws; every request the protocol answers gets exactly one reply, with its unique, a
// length field equal to the bytes sent and an error of 0 or a negated errno; garbage gets at
// most one reply (EPROTO when its unique arrived).
import fc from 'fast-check';
import t from 'tap';
import { ReadOnlyFilesystem, type ContentSource } from '../../src/fuse/filesystem.js';
import { Opcode } from '../../src/fuse/protocol.js';
import { FuseSession } from '../../src/fuse/session.js';
import { REGISTRY } from '../../src/files/registry.js';
import {
  flushBody, getattrBody, initBody, nameBody, OP, openBody, readBody, RecordingLogger, RecordingSink, releaseBody, request,
} from '../helpers/fuse-requests.js';
import { runTargets, target } from '../helpers/fuzz.js';

const content: ContentSource = { render: (file, pid) => Buffer.from(`${file.path} for ${pid}\n`.repeat(1 + (pid % 50))) };
const UNANSWERED = new Set<number>([Opcode.FORGET, Opcode.BATCH_FORGET, Opcode.INTERRUPT]);
const OPCODES = [...Object.values(Opcode), 0, 99, 4096, 0xffffffff];

const body = fc.oneof(
  fc.uint8Array({ maxLength: 96 }).map((a) => Buffer.from(a)),
  fc.tuple(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.nat()).map(([fh, off, size]) => readBody(fh, off, size)),
  fc.integer().map((flags) => openBody(flags >>> 0)),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((fh) => releaseBody(fh)),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((fh) => flushBody(fh)),
  fc.constantFrom('proc', 'meminfo', 'sys', 'devices', 'online', '..', '.', '', 'x'.repeat(300)).map((n) => nameBody(n)),
  fc.constant(getattrBody()),
);

const req = fc.record({
  opcode: fc.constantFrom(...OPCODES),
  nodeId: fc.oneof(fc.integer({ min: 0, max: 12 }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })),
  pid: fc.nat(),
  body,
  lie: fc.option(fc.nat({ max: 1 << 20 }), { freq: 8, nil: undefined }),
});

/** One empty filesystem for the garbage target: each ReadOnlyFilesystem owns a native table. */
const empty = new ReadOnlyFilesystem([], content);
t.teardown(() => empty.close());

const garbage = fc.uint8Array({ maxLength: 120 }).map((a) => Buffer.from(a));

runTargets(t, [
  target('request sequences after INIT', fc.array(fc.oneof({ weight: 9, arbitrary: req }, { weight: 1, arbitrary: garbage }), { maxLength: 20 }), (steps) => {
    const sink = new RecordingSink();
    const fs = new ReadOnlyFilesystem(REGISTRY, content, () => 1_700_000_000_000);
    try {
      const session = new FuseSession({ sink, logger: new RecordingLogger(), operations: fs });
      session.handle(request(OP.INIT, initBody(7, 38, 0)));
      sink.take();
      for (const step of steps) {
        if (Buffer.isBuffer(step)) {
          session.handle(step);
          if (sink.sends.length > 1) throw new Error('garbage got more than one reply');
          sink.sends.length = 0;
          continue;
        }
        const unique = BigInt(sink.sends.length + 1000);
        const raw = request(step.opcode, step.body, { unique, nodeId: step.nodeId, pid: step.pid, ...(step.lie === undefined ? {} : { len: step.lie }) });
        session.handle(raw);
        if (UNANSWERED.has(step.opcode) && step.lie === undefined) {
          if (sink.sends.length !== 0) throw new Error(`opcode ${step.opcode} is never answered`);
          continue;
        }
        if (sink.sends.length > 1) throw new Error(`opcode ${step.opcode}: ${sink.sends.length} replies`);
        if (sink.sends.length === 0) {
          if (step.lie !== undefined) continue; // a lying length may make it unanswerable (no unique trusted)
          throw new Error(`opcode ${step.opcode}: no reply`);
        }
        const bytes = Buffer.concat(sink.sends[0]!);
        sink.sends.length = 0;
        if (bytes.readUInt32LE(0) !== bytes.length) throw new Error('reply length field differs from its size');
        const error = bytes.readInt32LE(4);
        if (error > 0 || error < -4095) throw new Error(`error ${error}`);
        if (step.lie === undefined && bytes.readBigUInt64LE(8) !== unique) throw new Error('reply to another request');
      }
    } finally {
      fs.close();
    }
  }),
  target('raw garbage before INIT', garbage, (raw) => {
    const sink = new RecordingSink();
    const session = new FuseSession({ sink, logger: new RecordingLogger(), operations: empty });
    session.handle(raw);
    if (sink.sends.length > 1) throw new Error('more than one reply');
  }),
], 61206);
