// FuseDevice over a FIFO stand-in (opened O_RDWR|O_NONBLOCK, as /dev/fuse is) and over a real
// /dev/fuse connection: one write(2) per reply, close semantics, requests delivered through the
// native reader, and the kernel's ENOENT for an unknown `unique` swallowed silently. The real
// mount is never touched from this process: nobody answers it.
import { spawnSync } from 'node:child_process';
import { closeSync, constants, fstatSync, mkdtempSync, openSync, readFileSync, readSync, rmdirSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { FuseDevice, READ_BUFFER_SIZE } from '../../src/fuse/device.js';
import { MNT_DETACH, MS_NODEV, MS_NOSUID, native } from '../../src/native/addon.js';
import { OP, readBody, RecordingLogger, request } from '../helpers/fuse-requests.js';

const FUSE_INIT = 26;
const ENODEV = 19;

function mkfifo(dir: string, name = 'fifo'): string {
  const path = join(dir, name);
  const res = spawnSync('mkfifo', [path], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`mkfifo failed: ${res.stderr}`);
  return path;
}

/** A FIFO opened like /dev/fuse; closed in teardown unless the test closed it. */
function fifoFd(t: Test, name = 'fifo'): { fd: number; path: string } {
  const path = mkfifo(t.testdir({}), name);
  const fd = openSync(path, constants.O_RDWR | constants.O_NONBLOCK);
  t.teardown(() => { try { closeSync(fd); } catch { /* closed by the test */ } });
  return { fd, path };
}

/** Everything currently in a non-blocking fd ('' when empty). */
function drain(fd: number): Buffer {
  const parts: Buffer[] = [];
  const buf = Buffer.alloc(65536);
  for (;;) {
    try {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      parts.push(Buffer.from(buf.subarray(0, n)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EAGAIN') break;
      throw err;
    }
  }
  return Buffer.concat(parts);
}

/** write(2)-family syscalls made by this thread so far (/proc/thread-self/io `syscw`). */
function writeSyscalls(): number {
  const m = /^syscw: (\d+)$/m.exec(readFileSync('/proc/thread-self/io', 'utf8'));
  if (m === null) throw new Error('no syscw in /proc/thread-self/io');
  return Number(m[1]);
}

/** A fuse_out_header (len, error, unique) followed by `body`, as separate chunks. */
function reply(unique: bigint, body: Buffer, error = 0): Buffer[] {
  const header = Buffer.alloc(16);
  header.writeUInt32LE(16 + body.length, 0);
  header.writeInt32LE(error, 4);
  header.writeBigUInt64LE(unique, 8);
  return body.length === 0 ? [header] : [header, body];
}

function within<T>(ms: number, what: string, executor: (resolve: (v: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    executor((v) => { clearTimeout(timer); resolve(v); });
  });
}

const tick = (ms = 50) => new Promise((r) => setTimeout(r, ms));

t.test('send() writes header and body chunks as one write(2)', async (t) => {
  const { fd } = fifoFd(t);
  const logger = new RecordingLogger();
  const device = new FuseDevice(fd, native, logger);
  t.equal(device.fd, fd);

  const chunks = [...reply(7n, Buffer.from('MemTotal: 1 kB\n')), Buffer.from('second body chunk')];
  const before = writeSyscalls();
  device.send(chunks);
  t.equal(writeSyscalls() - before, 1, 'exactly one write-family syscall for three chunks');
  t.same(drain(fd), Buffer.concat(chunks), 'the bytes, in order');

  const headerOnly = reply(0xfffffffffffffffen, Buffer.alloc(0), -2);
  const before2 = writeSyscalls();
  device.send(headerOnly);
  t.equal(writeSyscalls() - before2, 1);
  const back = drain(fd);
  t.equal(back.length, 16);
  t.same({ len: back.readUInt32LE(0), error: back.readInt32LE(4), unique: back.readBigUInt64LE(8) },
    { len: 16, error: -2, unique: 0xfffffffffffffffen });
  t.same(logger.records, []);
});

t.test('a failed write other than ENOENT is logged at warn, never thrown', async (t) => {
  const file = join(t.testdir({ ro: 'x' }), 'ro');
  const fd = openSync(file, 'r');
  const logger = new RecordingLogger();
  const device = new FuseDevice(fd, native, logger);
  t.teardown(() => device.close());
  t.doesNotThrow(() => device.send(reply(1n, Buffer.from('body'))));
  t.equal(logger.at('warn').length, 1, 'one warning');
  t.match(logger.at('warn')[0], { fields: { code: 'EBADF', err: { code: 'EBADF' } }, message: 'FUSE reply could not be written' });
  t.equal(readFileSync(file, 'utf8'), 'x', 'nothing written');
});

t.test('close(): closes the fd, idempotent; send() afterwards is a no-op', async (t) => {
  const { fd, path } = fifoFd(t);
  const logger = new RecordingLogger();
  const device = new FuseDevice(fd, native, logger);
  device.close();
  t.throws(() => fstatSync(fd), { code: 'EBADF' }, 'the fd is closed');
  t.doesNotThrow(() => device.close(), 'a second close() does not close (or throw on) the fd again');

  // The number may be handed out again: a send() after close() must not write to whoever has it.
  const reused = openSync(path, constants.O_RDWR | constants.O_NONBLOCK);
  t.teardown(() => closeSync(reused));
  const before = writeSyscalls();
  device.send(reply(3n, Buffer.from('late reply'))); // (a throw would fail the test)
  t.equal(writeSyscalls() - before, 0, 'no write attempted');
  t.equal(drain(reused).length, 0, 'nothing reached the FIFO');
  t.same(logger.records, [], 'nothing logged');
  if (reused === fd) {
    device.close();
    t.doesNotThrow(() => fstatSync(reused), 'a later close() leaves the reused fd number alone');
  }
});

t.test('start() delivers every read, in batches, through the native reader', async (t) => {
  const { fd, path } = fifoFd(t);
  const device = new FuseDevice(fd, native, new RecordingLogger());
  let closed = false;
  t.teardown(() => { if (!closed) device.close(); });
  const got: Buffer[] = [];
  let notify: (() => void) | undefined;
  device.start((batch) => { got.push(...batch); notify?.(); }, (errno) => t.fail(`onClose(${errno}) on a FIFO that stays open`));
  const messages = ['first request', 'second', Buffer.alloc(8192, 0xab).toString('latin1')];
  for (const msg of messages) {
    await within(2000, `delivery of a ${msg.length}-byte message`, (resolve) => {
      notify = () => resolve(undefined);
      writeSync(fd, Buffer.from(msg, 'latin1'));
    });
  }
  t.same(got.map((b) => b.toString('latin1')), messages, 'every write delivered once, in order, byte for byte');
  t.ok(READ_BUFFER_SIZE >= 128 * 1024 + 4096, 'reads sized for max_write 128 KiB plus headers');

  // close() stops the reader before closing: bytes written afterwards (through another
  // descriptor of the same FIFO) are not consumed by it.
  const other = openSync(path, constants.O_RDWR | constants.O_NONBLOCK);
  t.teardown(() => closeSync(other));
  device.close();
  closed = true;
  writeSync(other, 'after close');
  await tick();
  t.equal(got.length, messages.length, 'no delivery after close()');
  t.equal(drain(other).toString(), 'after close', 'the bytes are still in the FIFO');
});

t.test('recover(): the kernel first, else the journal replayed through the handler; a record cut short gets EIO', async (t) => {
  const journal = native.createJournal(1);
  t.teardown(() => closeSync(journal));
  const { fd } = fifoFd(t);
  const logger = new RecordingLogger();
  // The predecessor reads three requests and hands two over (returns true): never answered.
  const held = request(OP.READ, readBody(9, 0, 4096), { unique: 7 });
  const long = request(OP.WRITE, Buffer.alloc(1000), { unique: 8 });
  const predecessor = new FuseDevice(fd, native, logger, { fd: journal, region: 0 });
  let notify: (() => void) | undefined;
  let handOver = false;
  predecessor.start(() => { notify?.(); return handOver; }, () => {});
  for (const [raw, handedOver] of [[request(OP.GETATTR, Buffer.alloc(16), { unique: 6 }), false], [held, true], [long, true]] as const) {
    handOver = handedOver;
    await within(2000, 'delivery', (resolve) => { notify = () => setImmediate(resolve); writeSync(fd, raw); });
  }
  predecessor.stopReading();

  const successor = new FuseDevice(fd, native, logger, { fd: journal, region: 0 });
  const replayed: Buffer[] = [];
  t.equal(successor.recover((raw) => replayed.push(raw), false), 'replayed', 'kernelResend false: straight to the journal');
  t.same(replayed, [held], 'the held request, byte for byte; the answered one is not replayed');
  const eio = drain(fd);
  t.equal(eio.length, 16, 'one reply for the record cut short');
  t.equal(eio.readInt32LE(4), -5, 'EIO');
  t.equal(eio.readBigUInt64LE(8), 8n, 'to its unique');
  t.match(logger.at('info').at(-1), { fields: { requests: 2, region: 0 }, message: /replayed/ });

  replayed.length = 0;
  t.equal(successor.recover((raw) => replayed.push(raw), true), 'resent', 'the kernel took the resend notification (here: the FIFO did)');
  t.same(replayed, [], 'nothing replayed then');
  t.equal(drain(fd).readInt32LE(4), 7, 'FUSE_NOTIFY_RESEND (7) written');

  const readOnly = openSync('/dev/null', 'r');
  t.teardown(() => closeSync(readOnly));
  const refused = new FuseDevice(readOnly, native, logger, { fd: journal, region: 0 });
  t.equal(refused.recover((raw) => replayed.push(raw), true), 'replayed', 'refused by the kernel (here: EBADF): the journal');
  t.same(replayed, [], 'which holds nothing now: each record is cleared once replayed, so none is answered twice');
  t.same(native.readJournal(journal, 0), []);
  t.equal(new FuseDevice(readOnly, native, logger).recover(() => t.fail('no journal to replay'), true), 'lost', 'no journal: lost');
  t.match(logger.at('warn').at(-1), { message: /no journal of requests in flight/ });
});

t.test('a real /dev/fuse connection: ENOENT for an unknown unique is ignored silently', async (t) => {
  if (process.getuid?.() !== 0) return t.fail('this test needs root: it mounts a FUSE filesystem');
  let probe: number;
  try {
    probe = native.openFuseDevice();
  } catch (err) {
    return t.fail(`/dev/fuse cannot be opened (${(err as Error).message}); this test needs a kernel with FUSE`);
  }
  // Not t.testdir(): tap removes that before teardowns run, which would walk into a live mount.
  const dir = mkdtempSync(join(tmpdir(), 'lxcfs-node-device-'));
  const logger = new RecordingLogger();
  const device = new FuseDevice(probe, native, logger);
  t.teardown(() => {
    try { native.umount(dir, MNT_DETACH); } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EINVAL') t.fail(`teardown: umount2 ${dir}: ${code}`);
    }
    device.close();
    rmdirSync(dir);
  });

  native.mount('lxcfs-node-test', dir, 'fuse.lxcfs-node-test', MS_NOSUID | MS_NODEV,
    `fd=${device.fd},rootmode=40000,user_id=0,group_id=0,allow_other`);
  t.match(readFileSync('/proc/self/mountinfo', 'utf8'), ` ${dir} `, 'mounted');

  const requests: Buffer[] = [];
  let onFirst: (() => void) | undefined;
  let onClosed: ((errno: number) => void) | undefined;
  const closedWith: number[] = [];
  await within(5000, 'FUSE_INIT', (resolve) => {
    onFirst = () => resolve(undefined);
    device.start((batch) => { requests.push(...batch); onFirst?.(); }, (errno) => { closedWith.push(errno); onClosed?.(errno); });
  });
  t.equal(requests[0]?.readUInt32LE(4), FUSE_INIT, 'the kernel\'s first request arrived through FuseDevice');
  const initUnique = requests[0]!.readBigUInt64LE(8);

  const bogus = 0xdeadbeefn;
  t.not(bogus, initUnique, 'a unique the kernel never issued');
  // The premise: the kernel refuses this reply with ENOENT.
  t.throws(() => writeSync(device.fd, Buffer.concat(reply(bogus, Buffer.alloc(0), -5))), { code: 'ENOENT' },
    'a raw write of the reply gets ENOENT from the kernel');
  t.doesNotThrow(() => device.send(reply(bogus, Buffer.alloc(0), -5)), 'send() swallows it');
  t.doesNotThrow(() => device.send(reply(bogus + 1n, Buffer.from('an orphan body'))));
  t.same(logger.at('warn'), [], 'nothing at warn');
  t.same(logger.records, [], 'nothing at all');

  // Unmounting ends the connection: onClose(ENODEV), once.
  const errno = await within<number>(5000, 'onClose after umount', (resolve) => {
    onClosed = resolve;
    native.umount(dir, MNT_DETACH);
  });
  t.equal(errno, ENODEV);
  await tick(30);
  t.same(closedWith, [ENODEV], 'onClose exactly once');
  t.equal(requests.length, 1, 'only INIT was read');
});
