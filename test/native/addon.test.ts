// The native addon against the real kernel: system-style errors from mount/umount/open,
// flock across processes, the DeviceReader pump over a FIFO stand-in (one write = one read
// when written one at a time) and over a real /dev/fuse mount (first request is FUSE_INIT;
// umount ends the connection with ENODEV). Never touches the mounted dir: nobody answers.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MNT_DETACH, MNT_FORCE, MS_NODEV, MS_NOEXEC, MS_NOSUID, native, type DeviceReaderHandle } from '../../src/native/addon.js';

const ADDON = fileURLToPath(new URL('../../build/Release/lxcfs_node.node', import.meta.url));
const FUSE_INIT = 26;
const ENODEV = 19;

interface SystemError extends Error {
  code?: string;
  errno?: number;
  syscall?: string;
  path?: string;
}

function caught(fn: () => unknown): SystemError {
  try {
    fn();
  } catch (err) {
    return err as SystemError;
  }
  throw new Error('expected a throw');
}

/** Rejects instead of hanging when the kernel or the reader does not deliver. */
function within<T>(ms: number, what: string, executor: (resolve: (v: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    executor((v) => {
      clearTimeout(timer);
      resolve(v);
    });
  });
}

const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));

function mkfifo(dir: string, name = 'fifo'): string {
  const path = join(dir, name);
  const res = spawnSync('mkfifo', [path], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`mkfifo failed: ${res.stderr}`);
  return path;
}

/** Runs a CommonJS script in a fresh node with the addon as `addon`. */
function runChild(script: string, args: string[] = [], flags: string[] = []) {
  const prelude = `const addon = require(${JSON.stringify(ADDON)}); const fs = require('fs');\n`;
  return spawnSync(process.execPath, [...flags, '-e', prelude + script, ...args], { encoding: 'utf8', timeout: 20_000 });
}

t.test('constants', async (t) => {
  t.same({ MS_NOSUID, MS_NODEV, MS_NOEXEC, MNT_FORCE, MNT_DETACH }, { MS_NOSUID: 2, MS_NODEV: 4, MS_NOEXEC: 8, MNT_FORCE: 1, MNT_DETACH: 2 });
});

t.test('syscall failures are system-style errors', async (t) => {
  const dir = t.testdir({ plain: {} });
  const plain = join(dir, 'plain');
  const umountErr = caught(() => native.umount(plain, 0));
  t.match(umountErr, { code: 'EINVAL', errno: 22, syscall: 'umount2', path: plain });
  t.match(umountErr.message, /^umount2 .*plain: Invalid argument \(EINVAL\)$/);

  const missing = join(dir, 'missing');
  t.match(caught(() => native.mount('none', missing, 'tmpfs', MS_NOSUID, '')),
    { code: 'ENOENT', errno: 2, syscall: 'mount', path: missing });
  t.match(caught(() => native.openFuseDevice(missing)), { code: 'ENOENT', errno: 2, syscall: 'open', path: missing });
  t.match(caught(() => native.lockFile(987654)), { code: 'EBADF', errno: 9, syscall: 'flock' });
  t.notOk('path' in caught(() => native.lockFile(987654)), 'no path for fd-only syscalls');
});

t.test('bad arguments are TypeErrors, not syscalls', async (t) => {
  t.throws(() => native.umount(42 as unknown as string, 0), TypeError);
  t.throws(() => native.umount('/tmp\0/x', 0), TypeError);
  t.throws(() => native.mount('a', '/tmp', 'tmpfs', -1, ''), TypeError);
  t.throws(() => native.lockFile(1.5), TypeError);
});

t.test('openFuseDevice opens O_RDWR|O_NONBLOCK|O_CLOEXEC', async (t) => {
  const fd = native.openFuseDevice('/dev/null');
  t.teardown(() => closeSync(fd));
  const flags = parseInt(/^flags:\s+(\d+)/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))![1]!, 8);
  t.equal(flags & 3, constants.O_RDWR, "O_RDWR (O_ACCMODE is 3)");
  t.ok(flags & constants.O_NONBLOCK, 'O_NONBLOCK');
  t.ok(flags & 0o2000000, 'O_CLOEXEC');
});

t.test('lockFile: exclusive across processes', async (t) => {
  const file = join(t.testdir({ 'pid': '' }), 'pid');
  const fd = openSync(file, 'r+');
  let open = true;
  t.teardown(() => { if (open) closeSync(fd); });
  t.equal(native.lockFile(fd), true, 'acquired');
  t.equal(native.lockFile(fd), true, 're-locking our own open file description succeeds');

  t.equal(spawnSync('flock', ['-n', file, 'true']).status, 1, 'flock(1) -n cannot take it');
  const child = runChild(`process.stdout.write(String(addon.lockFile(fs.openSync(process.argv[1], 'r+'))))`, [file]);
  t.equal(child.stdout, 'false', `another process gets false (stderr: ${child.stderr})`);

  closeSync(fd);
  open = false;
  t.equal(spawnSync('flock', ['-n', file, 'true']).status, 0, 'free once our fd is closed');
});

t.test('DeviceReader over a FIFO', async (t) => {
  const dir = t.testdir({});
  const fifo = mkfifo(dir);
  const fd = openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK);
  const readers: DeviceReaderHandle[] = [];
  t.teardown(() => {
    for (const r of readers) r.stop();
    closeSync(fd);
  });
  // Most cases look at requests one by one; the batch tests below look at the batches.
  const make = (size: number, onRequest: (b: Buffer) => void, onClose: (e: number) => void = () => t.fail('onClose')) =>
    makeBatched(size, (batch) => batch.forEach(onRequest), onClose);
  const makeBatched = (size: number, onBatch: (batch: Buffer[]) => void, onClose: (e: number) => void = () => t.fail('onClose'), spin?: number) => {
    const r = new native.DeviceReader(fd, size, onBatch, onClose, spin);
    readers.push(r);
    return r;
  };

  t.test('argument checks', async (t) => {
    t.throws(() => make(8191, () => {}), RangeError, 'below FUSE_MIN_READ_BUFFER');
    t.throws(() => make(1 << 30, () => {}), RangeError, 'absurdly large');
    t.throws(() => new native.DeviceReader(fd, 8192, 'x' as never, () => {}), TypeError);
    t.throws(() => new native.DeviceReader(-1, 8192, () => {}, () => {}), TypeError);
    t.throws(() => new native.DeviceReader(fd, 8192, () => {}, () => {}, -1), TypeError, 'negative spin');
    t.throws(() => new native.DeviceReader(fd, 8192, () => {}, () => {}, 1001), RangeError, 'spin over 1 ms');
    t.throws(() => new native.DeviceReader(fd, 8192, () => {}, () => {}, 'x' as never), TypeError);
    const file = join(dir, 'regular');
    writeFileSync(file, 'x');
    const regular = openSync(file, 'r');
    t.teardown(() => closeSync(regular));
    const r = new native.DeviceReader(regular, 8192, () => {}, () => {});
    t.match(caught(() => r.start()), { code: 'EPERM', syscall: 'uv_poll_init' }, 'epoll refuses regular files');
  });

  t.test('one read per request, each in a fresh buffer; stop() is idempotent', async (t) => {
    const got: Buffer[] = [];
    let notify: (() => void) | undefined;
    const r = make(8192, (b) => { got.push(b); notify?.(); });
    r.start();
    r.start(); // no-op while started
    for (const msg of ['first request', 'second', 'third, longer request']) {
      await within(2000, `delivery of "${msg}"`, (resolve) => {
        notify = () => resolve(undefined);
        writeSync(fd, msg);
      });
    }
    t.same(got.map((b) => b.toString()), ['first request', 'second', 'third, longer request']);
    t.ok(got.every((b) => Buffer.isBuffer(b)));
    t.not(got[0]!.buffer, got[1]!.buffer, 'copies, not views of one shared buffer');

    r.stop();
    r.stop();
    writeSync(fd, 'after stop');
    await tick(50);
    t.equal(got.length, 3, 'no callback after stop()');
    t.throws(() => r.start(), /cannot be restarted/);

    // drain what the stopped reader left, through a new reader
    const rest = await within<Buffer>(2000, 'a new reader on the same fd', (resolve) => make(8192, resolve).start());
    t.equal(rest.toString(), 'after stop');
    readers.at(-1)!.stop();
  });

  t.test('every pending request arrives in one batch; stop() inside the callback ends delivery', async (t) => {
    const batches: number[][] = [];
    const r = makeBatched(8192, (batch) => { batches.push(batch.map((b) => b.length)); r.stop(); });
    writeSync(fd, Buffer.alloc(3 * 8192, 1)); // three full reads are ready at once
    r.start();
    await tick(50);
    t.same(batches, [[8192, 8192, 8192]], 'one batch of three, read before the callback ran');
    writeSync(fd, 'after stop');
    await tick(50);
    t.equal(batches.length, 1, 'nothing after stop()');
    const rest = await within<Buffer>(2000, 'drain', (resolve) => make(8192, resolve).start());
    t.equal(rest.toString(), 'after stop');
    readers.at(-1)!.stop();
  });

  t.test('with spinMicros, requests that arrive while spinning are delivered too', async (t) => {
    const got: string[] = [];
    let notify: (() => void) | undefined;
    const r = makeBatched(8192, (batch) => { for (const b of batch) got.push(b.toString()); notify?.(); }, undefined, 1000);
    r.start();
    for (let i = 0; i < 20; i++) {
      await within(2000, `request ${i}`, (resolve) => {
        notify = () => resolve(undefined);
        writeSync(fd, `r${i}`);
      });
    }
    t.same(got, Array.from({ length: 20 }, (_, i) => `r${i}`));
    r.stop();
  });
});

t.test('DeviceReader: end of file closes with 0', async (t) => {
  const fifo = mkfifo(t.testdir({}));
  const rd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  const wr = openSync(fifo, constants.O_WRONLY);
  t.teardown(() => closeSync(rd));
  const events: string[] = [];
  let onClosed: (() => void) | undefined;
  const r = new native.DeviceReader(rd, 8192, (batch) => { events.push(...batch.map(String)); }, (e) => { events.push(`close ${e}`); onClosed?.(); });
  r.start();
  await within(2000, 'onClose', (resolve) => {
    onClosed = () => resolve(undefined);
    writeSync(wr, 'last words');
    closeSync(wr);
  });
  await tick(30);
  t.same(events, ['last words', 'close 0'], 'onClose exactly once');
  r.stop(); // still safe after onClose
});

t.test('DeviceReader in a child process', async (t) => {
  const dir = t.testdir({});
  let fifos = 0;
  const fifo = () => mkfifo(dir, `fifo${++fifos}`); // one per child: a FIFO's buffer is shared by all openers
  const setup = `const fd = fs.openSync(process.argv[1], fs.constants.O_RDWR | fs.constants.O_NONBLOCK);\n`;

  t.test('a throw in onRequest is an uncaught exception', async (t) => {
    const handled = runChild(`${setup}
      process.on('uncaughtException', (e) => { console.log('caught', e.message); process.exit(0); });
      new addon.DeviceReader(fd, 8192, () => { throw new Error('boom from onRequest'); }, () => {}).start();
      fs.writeSync(fd, 'x');`, [fifo()]);
    t.equal(handled.stdout.trim(), 'caught boom from onRequest', handled.stderr);

    const unhandled = runChild(`${setup}
      new addon.DeviceReader(fd, 8192, () => { throw new Error('boom from onRequest'); }, () => {}).start();
      fs.writeSync(fd, 'x');`, [fifo()]);
    t.not(unhandled.status, 0, 'the process dies');
    t.match(unhandled.stderr, /boom from onRequest/);
  });

  t.test('nextTicks and microtasks run after each callback', async (t) => {
    const res = runChild(`${setup}
      const r = new addon.DeviceReader(fd, 8192, ([b]) => {
        process.nextTick(() => console.log('tick', b.toString()));
        Promise.resolve().then(() => console.log('micro', b.toString()));
        console.log('req', b.toString());
        r.stop(); fs.closeSync(fd);
      }, () => {});
      r.start(); fs.writeSync(fd, 'a');`, [fifo()]);
    t.same(res.stdout.trim().split('\n'), ['req a', 'tick a', 'micro a'], res.stderr);
  });

  t.test('a started reader survives GC without a JS reference', async (t) => {
    const res = runChild(`${setup}
      (() => { new addon.DeviceReader(fd, 8192, ([b]) => { console.log('got', b.toString()); process.exit(0); }, () => {}).start(); })();
      global.gc(); global.gc();
      setTimeout(() => { global.gc(); fs.writeSync(fd, 'late'); }, 50);
      setTimeout(() => { console.log('lost'); process.exit(1); }, 5000);`, [fifo()], ['--expose-gc']);
    t.equal(res.stdout.trim(), 'got late', res.stderr);
  });

  t.test('a started reader keeps the loop alive; stop() lets the process exit', async (t) => {
    const res = runChild(`${setup}
      const r = new addon.DeviceReader(fd, 8192, () => {}, () => {}); r.start();
      setTimeout(() => { r.stop(); fs.closeSync(fd); console.log('stopped'); }, 50);`, [fifo()]);
    t.equal(res.status, 0, res.stderr);
    t.equal(res.stdout.trim(), 'stopped');
  });

  t.test('a worker thread with an active reader exits cleanly', async (t) => {
    const res = runChild(`
      const { Worker } = require('worker_threads');
      const w = new Worker(${JSON.stringify(`const addon = require(${JSON.stringify(ADDON)}); const fs = require('fs');
        const fd = fs.openSync(${JSON.stringify(fifo())}, fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
        new addon.DeviceReader(fd, 8192, () => {}, () => {}).start();
        require('worker_threads').parentPort.postMessage('started');`)}, { eval: true });
      w.on('message', () => w.terminate().then(() => console.log('terminated')));`);
    t.equal(res.status, 0, res.stderr);
    t.equal(res.stdout.trim(), 'terminated');
  });
});

t.test('a real /dev/fuse mount', async (t) => {
  if (process.getuid?.() !== 0) return t.fail('this test needs root (mount(2) of a FUSE filesystem); run it as root');
  const device = (() => { try { return openSync('/dev/fuse', 'r'); } catch { return undefined; } })();
  if (device === undefined) return t.fail('/dev/fuse cannot be opened; this test needs a kernel with FUSE');
  closeSync(device);

  const mountpoint = join(t.testdir({}), 'mnt');
  mkdirSync(mountpoint);
  let fd: number | undefined = native.openFuseDevice();
  let reader: DeviceReaderHandle | undefined;
  t.teardown(() => {
    reader?.stop();
    try { native.umount(mountpoint, MNT_DETACH); } catch { /* already gone */ }
    if (fd !== undefined) closeSync(fd);
    rmSync(mountpoint, { recursive: false, force: true });
  });

  native.mount('lxcfs-node-test', mountpoint, 'fuse.lxcfs-node-test', MS_NOSUID | MS_NODEV,
    `fd=${fd},rootmode=40000,user_id=0,group_id=0,allow_other`);
  t.match(readFileSync('/proc/self/mountinfo', 'utf8'), ` ${mountpoint} `, 'mounted');

  const requests: Buffer[] = [];
  let closedWith: number | undefined;
  let onFirst: (() => void) | undefined;
  let onClosed: (() => void) | undefined;
  reader = new native.DeviceReader(fd, 1024 * 1024 + 4096,
    (batch) => { requests.push(...batch); onFirst?.(); },
    (errno) => { closedWith = errno; onClosed?.(); });

  // mount(2) queues FUSE_INIT itself; nothing touches the mountpoint (it would hang unanswered).
  await within(5000, 'FUSE_INIT', (resolve) => { onFirst = () => resolve(undefined); reader!.start(); });
  const init = requests[0]!;
  t.equal(init.readUInt32LE(0), init.length, 'len covers exactly the bytes of one read');
  t.equal(init.readUInt32LE(4), FUSE_INIT, 'opcode FUSE_INIT');
  t.ok(init.length >= 40 + 16, 'header (40) + fuse_init_in');
  t.equal(init.readUInt32LE(40), 7, 'fuse_init_in.major = 7');

  // Observed on Linux 6.x: umount2(MNT_DETACH) of an unused FUSE mount kills the superblock,
  // which aborts the connection: epoll reports EPOLLERR (libuv hands the poll callback
  // UV_EBADF and stops the watcher), and read(2) returns ENODEV. The reader drains on that
  // error status, so onClose gets the kernel's ENODEV, without any reply to INIT and before
  // the fd is closed. Closing the fd afterwards produces no further callback.
  await within(5000, 'onClose after umount', (resolve) => {
    onClosed = () => resolve(undefined);
    native.umount(mountpoint, MNT_DETACH);
  });
  t.equal(closedWith, ENODEV, 'onClose(ENODEV)');
  t.notMatch(readFileSync('/proc/self/mountinfo', 'utf8'), ` ${mountpoint} `, 'unmounted');
  reader.stop();
  closeSync(fd);
  fd = undefined;
  await tick(30);
  t.equal(requests.length, 1, 'only INIT was ever read');
});

t.test('cloneFuseDevice refuses what is not a FUSE connection', async (t) => {
  const dir = t.testdir({ plain: 'x' });
  const fd = openSync(join(dir, 'plain'), 'r');
  t.teardown(() => closeSync(fd));
  t.match(caught(() => native.cloneFuseDevice(fd)), { code: 'EINVAL', syscall: 'ioctl(FUSE_DEV_IOC_CLONE)' });
  t.match(caught(() => native.cloneFuseDevice(fd, join(dir, 'missing'))), { code: 'ENOENT', syscall: 'open' });
  t.throws(() => native.cloneFuseDevice(-1), TypeError);
});

t.test('inodeOf: stat(2)\'s st_ino, undefined when stat fails', async (t) => {
  const dir = t.testdir({ plain: 'x' });
  t.equal(native.inodeOf(join(dir, 'plain')), Number(spawnSync('stat', ['-c', '%i', join(dir, 'plain')], { encoding: 'utf8' }).stdout.trim()));
  t.equal(native.inodeOf('/proc'), 1, 'procfs root');
  t.equal(native.inodeOf(join(dir, 'missing')), undefined);
  t.equal(native.inodeOf(join(dir, 'plain', 'below')), undefined, 'ENOTDIR');
  t.throws(() => native.inodeOf('/tmp\0x'), TypeError);
});
