// Daemon.start / stop / closed in this process, with the real native addon, on temp
// mountpoints with temp pidfiles. This process then serves the mount on its own event loop,
// so the mount is only ever read ASYNCHRONOUSLY here (fs.promises runs on the thread pool
// while the main loop answers): a synchronous fs call on it would deadlock the test.
// Teardown always stops the daemon and lazily unmounts whatever is left under the temp dir.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t, { type Test } from 'tap';
import type { DaemonOptions } from '../src/config.js';
import { Daemon } from '../src/daemon.js';
import { LxcfsError } from '../src/errors.js';
import { REGISTRY } from '../src/files/registry.js';
import { MNT_DETACH, native } from '../src/native/addon.js';
import { RecordingLogger } from './helpers/fuse-requests.js';

const ENODEV = 19;
const run = promisify(execFile);

interface Mount {
  readonly mountPoint: string;
  readonly fsType: string;
  readonly source: string;
}

/** Mounts whose mountpoint is `path` or lies under it, from /proc/self/mountinfo. */
function mountsAt(path: string, under = false): Mount[] {
  const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter(Boolean).map((line) => {
    const fields = line.split(' ');
    const dash = fields.indexOf('-');
    return { mountPoint: unescape(fields[4] ?? ''), fsType: fields[dash + 1] ?? '', source: fields[dash + 2] ?? '' };
  }).filter((m) => m.mountPoint === path || (under && m.mountPoint.startsWith(`${path}/`)));
}

/** How many descriptors of this process are open on /dev/fuse. */
function fuseFds(): number {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try { if (readlinkSync(`/proc/self/fd/${fd}`) === '/dev/fuse') n++; } catch { /* closed meanwhile */ }
  }
  return n;
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

/** Fails the test (and returns false) when it cannot run here. */
function privileged(t: Test): boolean {
  if (process.getuid?.() !== 0) {
    t.fail('this test needs root: Daemon.start mounts a FUSE filesystem');
    return false;
  }
  if (!existsSync('/dev/fuse')) {
    t.fail('/dev/fuse is missing; this test needs a kernel with FUSE');
    return false;
  }
  return true;
}

interface Fixture {
  readonly dir: string;
  readonly logger: RecordingLogger;
  options(overrides?: Partial<DaemonOptions>): DaemonOptions;
  /** Daemon.start, stopped in teardown. */
  start(options: DaemonOptions, fuseDevicePath?: string): Daemon;
}

/**
 * A temp dir (not t.testdir(): tap removes that before teardowns run, which could walk into a
 * live mount). Teardowns run last-registered first: daemons stop, then leftovers under the dir
 * are detached, then the dir goes — only once nothing is mounted in it.
 */
function fixture(t: Test): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'lxcfs-node-daemon-'));
  t.teardown(() => {
    for (const m of mountsAt(dir, true).reverse()) {
      try { native.umount(m.mountPoint, MNT_DETACH); } catch { /* raced with the daemon's own stop */ }
    }
    if (mountsAt(dir, true).length === 0) rmSync(dir, { recursive: true, force: true });
    else t.fail(`teardown: still mounted under ${dir}`);
  });
  const logger = new RecordingLogger();
  return {
    dir,
    logger,
    options: (overrides = {}) => ({
      mountpoint: join(dir, 'mnt'),
      pidfile: join(dir, 'run/lxcfs-node.pid'),
      debug: false,
      render: { swap: true, cfs: false, loadavg: false },
      spinMicros: 0,
      threads: 1,
      deadlineMs: 1000,
      cgroupnsPid: 1,
      kernelResend: true,
      fuseOptions: [],
      procRoot: '/proc',
      sysRoot: '/sys',
      cgroupRoot: '/sys/fs/cgroup',
      ...overrides,
    }),
    start(options, fuseDevicePath) {
      const daemon = Daemon.start(options, fuseDevicePath === undefined ? { native, logger } : { native, logger, fuseDevicePath });
      t.teardown(() => {
        try { daemon.stop(); } catch (err) { t.fail(`teardown: stop() threw ${String(err)}`); }
      });
      return daemon;
    },
  };
}

t.test('start mounts fuse.lxcfs-node and serves proc/meminfo', async (t) => {
  if (!privileged(t)) return;
  const f = fixture(t);
  const options = f.options();
  f.start(options);
  t.same(mountsAt(options.mountpoint), [{ mountPoint: options.mountpoint, fsType: 'fuse.lxcfs-node', source: 'lxcfs-node' }],
    'mountinfo lists exactly one fuse.lxcfs-node mount at the path');
  t.same((await readdir(options.mountpoint)).sort(), ['proc', 'sys']);
  const meminfo = await readFile(join(options.mountpoint, 'proc/meminfo'), 'utf8');
  t.match(meminfo, /^MemTotal: +\d+ kB\n/);
  t.equal(await readFile(join(options.mountpoint, 'sys/devices/system/cpu/online'), 'utf8'),
    readFileSync('/sys/devices/system/cpu/online', 'utf8'));
  const mounted = f.logger.at('info').filter((r) => r.message === 'mounted');
  t.equal(mounted.length, 1, 'one \'mounted\' event');
  t.match(mounted[0]?.fields, { mountpoint: options.mountpoint, files: REGISTRY.length });
  t.same(f.logger.at('warn'), []);
  t.same(f.logger.at('error'), []);
});

t.test('the pidfile holds our pid while running', async (t) => {
  if (!privileged(t)) return;
  const f = fixture(t);
  const options = f.options();
  f.start(options);
  t.equal(readFileSync(options.pidfile, 'utf8'), `${process.pid}\n`);
});

t.test('a second start with the same pidfile: LXCFS_PIDFILE_LOCKED, nothing mounted', async (t) => {
  if (!privileged(t)) return;
  const f = fixture(t);
  const first = f.options({ mountpoint: join(f.dir, 'first') });
  f.start(first);
  const fds = fuseFds();
  const second = f.options({ mountpoint: join(f.dir, 'second') });
  const err = thrown(() => f.start(second));
  t.type(err, LxcfsError);
  t.match(err, { code: 'LXCFS_PIDFILE_LOCKED', message: new RegExp(`${second.pidfile}$`) });
  t.same(mountsAt(second.mountpoint), [], 'nothing mounted on the second path');
  t.equal(fuseFds(), fds, 'no /dev/fuse descriptor opened for it');
  t.equal(readFileSync(first.pidfile, 'utf8'), `${process.pid}\n`, 'the first instance\'s pidfile is untouched');
  t.match(await readFile(join(first.mountpoint, 'proc/meminfo'), 'utf8'), /^MemTotal:/, 'the first still serves');
});

t.test('stop() unmounts, removes the pidfile, and is idempotent', async (t) => {
  if (!privileged(t)) return;
  const f = fixture(t);
  const options = f.options();
  const fds = fuseFds();
  const daemon = f.start(options);
  t.equal(fuseFds(), fds + 1, 'one /dev/fuse descriptor while running');
  daemon.stop();
  t.same(mountsAt(options.mountpoint), [], 'unmounted');
  t.notOk(existsSync(options.pidfile), 'pidfile removed');
  t.equal(fuseFds(), fds, 'the /dev/fuse descriptor is closed');
  t.doesNotThrow(() => daemon.stop(), 'a second stop()');
  t.equal(f.logger.records.filter((r) => r.message === 'unmounted').length, 1, 'the second stop() did nothing');
  t.same(f.logger.at('warn'), []);
  t.same(readdirSync(options.mountpoint), [], 'an empty directory is left, as before the start');
  t.equal(await daemon.closed, 0, 'closed settles with 0 after stop()');
});

t.test('closed resolves with ENODEV after an external umount -l; stop() still succeeds', async (t) => {
  if (!privileged(t)) return;
  const f = fixture(t);
  const options = f.options();
  const daemon = f.start(options);
  t.match(await readFile(join(options.mountpoint, 'proc/meminfo'), 'utf8'), /^MemTotal:/);
  let settled = false;
  void daemon.closed.then(() => { settled = true; });
  await new Promise((r) => setTimeout(r, 50));
  t.equal(settled, false, 'pending while mounted');

  // Asynchronously: umount(8) may look at the mountpoint, which only our loop can answer.
  await run('umount', ['-l', options.mountpoint], { timeout: 10_000 });
  const errno = await Promise.race([
    daemon.closed,
    new Promise<string>((r) => setTimeout(() => r('timed out after 5 s'), 5000)),
  ]);
  t.equal(errno, ENODEV);
  t.same(mountsAt(options.mountpoint), []);

  t.doesNotThrow(() => daemon.stop());
  t.notOk(existsSync(options.pidfile), 'pidfile removed');
  t.same(f.logger.at('warn'), [], 'the missing mount is not worth a warning');
  t.equal(f.logger.records.at(-1)?.message, 'unmounted');
});

t.test('mount(2) fails: LXCFS_MOUNT_FAILED, no pidfile, no descriptor left', async (t) => {
  if (!privileged(t)) return;
  const f = fixture(t);
  const options = f.options({ fuseOptions: ['bogus_option_xyz'] });
  const fds = fuseFds();
  const err = thrown(() => f.start(options));
  t.type(err, LxcfsError);
  t.match(err, { code: 'LXCFS_MOUNT_FAILED', errno: 5, message: new RegExp(`^mount\\(2\\) failed: ${options.mountpoint}: `) });
  t.match((err as LxcfsError).cause, { code: 'EINVAL', syscall: 'mount' }, 'the kernel refused the option');
  t.notOk(existsSync(options.pidfile), 'no pidfile left behind');
  t.same(mountsAt(options.mountpoint), []);
  t.equal(fuseFds(), fds, 'the /dev/fuse descriptor is closed');
  // and the pidfile is free again: a correct start now works
  const daemon = f.start(f.options());
  t.equal(readFileSync(options.pidfile, 'utf8'), `${process.pid}\n`);
  daemon.stop();
});

t.test('a missing FUSE device: LXCFS_NO_FUSE before anything is created', async (t) => {
  if (!privileged(t)) return;
  const f = fixture(t);
  const options = f.options();
  const missing = join(f.dir, 'no-such-fuse');
  const err = thrown(() => f.start(options, missing));
  t.match(err, { name: 'LxcfsError', code: 'LXCFS_NO_FUSE', errno: ENODEV, message: `/dev/fuse is not available: ${missing}` });
  t.notOk(existsSync(options.pidfile), 'no pidfile');
  t.notOk(existsSync(options.mountpoint), 'the mountpoint was not even created');
});

t.test('not root: LXCFS_NOT_ROOT before anything is created', async (t) => {
  const f = fixture(t);
  const options = f.options();
  const getuid = process.getuid;
  process.getuid = () => 1000;
  let err: unknown;
  try {
    err = thrown(() => f.start(options));
  } finally {
    process.getuid = getuid;
  }
  t.match(err, { code: 'LXCFS_NOT_ROOT' });
  t.notOk(existsSync(options.pidfile));
  t.notOk(existsSync(options.mountpoint));
});

t.test('an unreadable cgroup root: LXCFS_CGROUP_UNREADABLE, nothing mounted, no pidfile', async (t) => {
  if (!privileged(t)) return;
  const f = fixture(t);
  const options = f.options({ cgroupRoot: join(f.dir, 'no-such-cgroup-root') });
  const fds = fuseFds();
  const err = thrown(() => f.start(options));
  t.type(err, LxcfsError);
  t.match(err, { code: 'LXCFS_CGROUP_UNREADABLE' });
  t.same(mountsAt(options.mountpoint), [], 'no dead mount left at the mountpoint');
  t.notOk(existsSync(options.pidfile), 'no pidfile');
  t.equal(fuseFds(), fds, 'no /dev/fuse descriptor');
});

t.test('an unreadable proc root: LXCFS_HOST_UNREADABLE, nothing mounted, no pidfile', async (t) => {
  if (!privileged(t)) return;
  const f = fixture(t);
  const options = f.options({ procRoot: join(f.dir, 'no-such-proc') });
  const fds = fuseFds();
  const err = thrown(() => f.start(options));
  t.type(err, LxcfsError);
  t.match(err, { code: 'LXCFS_HOST_UNREADABLE' });
  t.same(mountsAt(options.mountpoint), [], 'no dead mount left at the mountpoint');
  t.notOk(existsSync(options.pidfile), 'no pidfile');
  t.equal(fuseFds(), fds, 'no /dev/fuse descriptor');
});
