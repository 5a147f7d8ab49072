import t from 'tap';
import { LxcfsError } from '../../src/errors.js';
import { Reply } from '../../src/fuse/reply.js';
import { RecordingSink } from '../helpers/fuse-requests.js';

const UNIQUE = Buffer.from([0x2a, 0, 0, 0, 0x01, 0, 0, 0]); // 0x1_0000_002a

t.test('ok(buffer): one send of header + body', async (t) => {
  const sink = new RecordingSink();
  const reply = new Reply(UNIQUE, sink);
  t.equal(reply.sent, false);
  reply.ok(Buffer.from('hello'));
  t.equal(reply.sent, true);
  t.equal(sink.sends.length, 1);
  const [header, body] = sink.sends[0]!;
  t.equal(sink.sends[0]!.length, 2, 'header and body as separate chunks (one writev)');
  t.same([...header!], [21, 0, 0, 0, 0, 0, 0, 0, 0x2a, 0, 0, 0, 1, 0, 0, 0]);
  t.equal(body!.toString(), 'hello');
});

t.test('ok(chunks): len is the sum of all chunks', async (t) => {
  const sink = new RecordingSink();
  new Reply(UNIQUE, sink).ok([Buffer.from('ab'), Buffer.alloc(0), Buffer.from('cde')]);
  const r = sink.take();
  t.equal(r.len, 16 + 5);
  t.equal(r.error, 0);
  t.equal(r.unique, 0x1_0000_002an);
  t.equal(r.body.toString(), 'abcde');
  t.equal(r.chunks, 3, 'the empty chunk is left out of the writev');
});

t.test('ok(empty buffer): a bare header, no empty iovec', async (t) => {
  const sink = new RecordingSink();
  new Reply(UNIQUE, sink).ok(Buffer.alloc(0));
  t.equal(sink.sends[0]!.length, 1);
  t.equal(sink.take().len, 16);
});

t.test('ok() with no body: a bare 16-byte header', async (t) => {
  const sink = new RecordingSink();
  new Reply(UNIQUE, sink).ok();
  t.equal(sink.sends[0]!.length, 1);
  const r = sink.take();
  t.equal(r.len, 16);
  t.equal(r.error, 0);
  t.equal(r.body.length, 0);
});

t.test('error(errno): negative errno, no body', async (t) => {
  const sink = new RecordingSink();
  new Reply(UNIQUE, sink).error(2);
  const r = sink.take();
  t.same(r, { len: 16, error: -2, unique: 0x1_0000_002an, body: Buffer.alloc(0), chunks: 1 });
  new Reply(UNIQUE, sink).error(-13);
  t.equal(sink.take().error, -13, 'an already negative errno is sent as is');
});

t.test('a second reply throws LXCFS_DOUBLE_REPLY and sends nothing', async (t) => {
  const sink = new RecordingSink();
  const reply = new Reply(UNIQUE, sink);
  reply.ok(Buffer.from('x'));
  t.throws(() => reply.ok(Buffer.from('y')), { name: 'LxcfsError', code: 'LXCFS_DOUBLE_REPLY', message: /unique 4294967338/ });
  t.throws(() => reply.error(5), { code: 'LXCFS_DOUBLE_REPLY' });
  t.equal(sink.sends.length, 1, 'still exactly one send');
  const errFirst = new Reply(UNIQUE, sink);
  errFirst.error(5);
  t.throws(() => errFirst.ok(), LxcfsError);
  t.equal(sink.sends.length, 2);
});

t.test('a failing sink still marks the reply sent (no retry as a second reply)', async (t) => {
  let calls = 0;
  const reply = new Reply(UNIQUE, { send() { calls++; throw new Error('EBADF'); } });
  t.throws(() => reply.ok(Buffer.from('x')), { message: 'EBADF' });
  t.equal(reply.sent, true);
  t.throws(() => reply.error(5), { code: 'LXCFS_DOUBLE_REPLY' });
  t.equal(calls, 1);
});

t.test('the unique is the caller\'s 8 bytes, even when given a longer view', async (t) => {
  const sink = new RecordingSink();
  const raw = Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 7, 6, 5, 4, 3, 2, 1, 0, 9, 9]);
  new Reply(raw.subarray(8, 16), sink).ok();
  t.equal(sink.take().unique, 0x0001020304050607n);
});

t.test('handOver: the one answer is given away; a throwing receiver gives nothing away', async (t) => {
  const sink = new RecordingSink();
  const failing = new Reply(UNIQUE, sink);
  t.throws(() => failing.handOver(() => { throw new Error('port closed'); }), /port closed/);
  t.equal(failing.sent, false, 'still unanswered: the session can answer it with an error');
  failing.error(5);
  t.equal(sink.sends.length, 1);

  const reply = new Reply(UNIQUE, sink);
  let given = 0;
  reply.handOver(() => { given++; });
  t.equal(given, 1);
  t.equal(reply.sent, true);
  t.throws(() => reply.ok(Buffer.from('x')), { code: 'LXCFS_DOUBLE_REPLY' });
  t.throws(() => reply.handOver(() => { given++; }), { code: 'LXCFS_DOUBLE_REPLY' });
  t.equal(given, 1, 'never handed over twice');
  t.equal(sink.sends.length, 1, 'nothing written for the handed-over request');
});
