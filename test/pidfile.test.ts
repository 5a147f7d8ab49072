import { existsSync, fstatSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { Pidfile, type FileLocker } from '../src/pidfile.js';

/** A fake flock(2): records the fds it was asked to lock and answers `grant`. */
function locker(grant: boolean | (() => boolean)) {
  const fds: number[] = [];
  const l: FileLocker & { fds: number[] } = {
    fds,
    lockFile(fd) {
      fds.push(fd);
      return typeof grant === 'function' ? grant() : grant;
    },
  };
  return l;
}

function umask(): number {
  const old = process.umask(0o022);
  process.umask(old);
  return old;
}

function isOpen(fd: number): boolean {
  try {
    fstatSync(fd);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EBADF') return false;
    throw err;
  }
}

t.test('acquire writes "<pid>\\n", creating missing directories, mode 0644', async (t) => {
  const dir = t.testdir({});
  const path = join(dir, 'run/sub/lxcfs-node.pid');
  const l = locker(true);
  const pidfile = Pidfile.acquire(path, l, 4242);
  t.equal(readFileSync(path, 'utf8'), '4242\n');
  t.equal(l.fds.length, 1, 'locked once');
  t.ok(isOpen(l.fds[0]!), 'the locked fd stays open while held');
  t.equal(statSync(path).mode & 0o777, 0o644 & ~umask(), 'mode 0644 (minus umask)');
  pidfile.release();
});

t.test('acquire defaults to our own pid', async (t) => {
  const path = join(t.testdir({}), 'p.pid');
  const pidfile = Pidfile.acquire(path, locker(true));
  t.equal(readFileSync(path, 'utf8'), `${process.pid}\n`);
  pidfile.release();
});

t.test('a stale pidfile with a longer pid is truncated, not appended to', async (t) => {
  const path = join(t.testdir({}), 'p.pid');
  writeFileSync(path, '1234567\nstale\n');
  const pidfile = Pidfile.acquire(path, locker(true), 42);
  t.equal(readFileSync(path, 'utf8'), '42\n');
  pidfile.release();
});

t.test('a held lock: LXCFS_PIDFILE_LOCKED, the holder\'s content kept, our fd closed', async (t) => {
  const path = join(t.testdir({}), 'p.pid');
  writeFileSync(path, '999\n');
  const l = locker(false);
  t.throws(() => Pidfile.acquire(path, l, 42),
    { name: 'LxcfsError', code: 'LXCFS_PIDFILE_LOCKED', errno: 11, message: `another instance holds the pidfile: ${path}` });
  t.equal(readFileSync(path, 'utf8'), '999\n', 'not truncated by the loser');
  t.equal(l.fds.length, 1);
  t.notOk(isOpen(l.fds[0]!), 'the fd opened for the attempt is closed');
  t.ok(existsSync(path), 'not removed');
});

t.test('a locker that throws: the error propagates and the fd is closed', async (t) => {
  const path = join(t.testdir({}), 'p.pid');
  const l = locker(() => { throw Object.assign(new Error('flock: ENOLCK'), { code: 'ENOLCK' }); });
  t.throws(() => Pidfile.acquire(path, l), { code: 'ENOLCK' });
  t.notOk(isOpen(l.fds[0]!));
});

t.test('release removes the file and closes the fd', async (t) => {
  const path = join(t.testdir({}), 'p.pid');
  const l = locker(true);
  const pidfile = Pidfile.acquire(path, l, 7);
  pidfile.release();
  t.notOk(existsSync(path));
  t.notOk(isOpen(l.fds[0]!));
});

t.test('release never throws: a pidfile already removed still closes the fd, twice is harmless', async (t) => {
  const path = join(t.testdir({}), 'p.pid');
  const l = locker(true);
  const pidfile = Pidfile.acquire(path, l, 7);
  unlinkSync(path);
  t.doesNotThrow(() => pidfile.release(), 'file already gone');
  t.notOk(isOpen(l.fds[0]!), 'the fd (and so the lock) is closed');
  t.doesNotThrow(() => pidfile.release(), 'a second release');
});

t.test('a pidfile path that is a directory: the open error propagates', async (t) => {
  const dir = t.testdir({ 'p.pid': {} });
  const l = locker(true);
  t.throws(() => Pidfile.acquire(join(dir, 'p.pid'), l), { code: 'EISDIR' });
  t.same(l.fds, [], 'nothing to lock');
});

t.test('unlock keeps the file for a successor and closes the fd; the successor writes its pid', async (t) => {
  const path = join(t.testdir({}), 'p.pid');
  const l = locker(true);
  const pidfile = Pidfile.acquire(path, l, 7);
  pidfile.unlock();
  t.equal(readFileSync(path, 'utf8'), '7\n', 'still there');
  t.notOk(isOpen(l.fds[0]!), 'the lock went with the fd');
  t.doesNotThrow(() => pidfile.unlock(), 'twice is harmless');
  Pidfile.acquire(path, l, 12345);
  t.equal(readFileSync(path, 'utf8'), '12345\n');
});

t.test('a lock won on a file the holder just removed is taken again on the file now at the path', async (t) => {
  const path = join(t.testdir({}), 'p.pid');
  let calls = 0;
  const racing: FileLocker = {
    lockFile() {
      calls++;
      if (calls === 1) unlinkSync(path); // the holder's release() between our open and our lock
      return true;
    },
  };
  const pidfile = Pidfile.acquire(path, racing, 4242);
  t.equal(calls, 2, 'locked twice');
  t.equal(readFileSync(path, 'utf8'), '4242\n', 'our pid is in the file others will see');
  pidfile.release();
});
