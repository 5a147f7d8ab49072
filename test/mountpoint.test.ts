import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { LxcfsError } from '../src/errors.js';
import { prepareMountpoint, probeLiveness, type Liveness } from '../src/mountpoint.js';
import { RecordingLogger } from './helpers/fuse-requests.js';

/** The kernel's escaping of a path in mountinfo (space, tab, newline, backslash). */
function escape(path: string): string {
  return path.replace(/[ \t\n\\]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
}

function mountLine(id: number, path: string, fsType = 'fuse.lxcfs', source = 'lxcfs'): string {
  return `${id} 22 0:${id} / ${escape(path)} rw,nosuid,nodev,relatime shared:${id} - ${fsType} ${source} rw,user_id=0,group_id=0`;
}

const BASE = ['22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw', '23 22 0:21 / /proc rw - proc proc rw'];

interface Env {
  dir: string;
  procRoot: string;
  logger: RecordingLogger;
  detached: string[];
  probed: string[];
  setMounts(lines: string[]): void;
  mounts(): string[];
  /** Runs prepareMountpoint with a liveness answer; detach drops the top mount at the path. */
  prepare(path: string, liveness?: Liveness): void;
}

function env(t: Test, mounts: string[] = []): Env {
  const dir = t.testdir({ proc: { self: {} }, area: {} });
  const procRoot = join(dir, 'proc');
  const file = join(procRoot, 'self/mountinfo');
  const e: Env = {
    dir, procRoot, logger: new RecordingLogger(), detached: [], probed: [],
    setMounts: (lines) => writeFileSync(file, `${[...BASE, ...lines].join('\n')}\n`),
    mounts: () => readFileSync(file, 'utf8').trim().split('\n').slice(BASE.length),
    prepare(path, liveness = 'live') {
      prepareMountpoint(path, {
        procRoot, logger: e.logger,
        detach: (p) => {
          e.detached.push(p);
          // umount2(MNT_DETACH) removes the topmost mount at p from mountinfo.
          const lines = e.mounts();
          const at = lines.map((l) => l.split(' ')[4]).lastIndexOf(escape(p));
          if (at !== -1) lines.splice(at, 1);
          e.setMounts(lines);
        },
      }, (p) => { e.probed.push(p); return liveness; });
    },
  };
  e.setMounts(mounts);
  return e;
}

function umask(): number {
  const old = process.umask(0o022);
  process.umask(old);
  return old;
}

t.test('an absent directory is created (with missing parents)', async (t) => {
  const e = env(t);
  const path = join(e.dir, 'area/deep/lxcfs');
  e.prepare(path);
  t.ok(statSync(path).isDirectory());
  t.equal(statSync(path).mode & 0o777, 0o755 & ~umask(), 'mode 0755 (minus umask)');
  t.same(e.probed, [], 'no liveness probe without a mount');
  t.same(e.detached, []);
});

t.test('an existing empty directory is accepted as is', async (t) => {
  const e = env(t);
  const path = join(e.dir, 'area');
  t.doesNotThrow(() => e.prepare(path));
  t.ok(statSync(path).isDirectory());
  t.same(e.detached, []);
});

t.test('a file: LXCFS_MOUNTPOINT_NOT_DIR', async (t) => {
  const e = env(t);
  const path = join(e.dir, 'area/file');
  writeFileSync(path, 'x');
  t.throws(() => e.prepare(path), { name: 'LxcfsError', code: 'LXCFS_MOUNTPOINT_NOT_DIR', message: `mountpoint is not a directory: ${path}` });
  t.equal(readFileSync(path, 'utf8'), 'x', 'left untouched');
});

t.test('a non-empty directory: LXCFS_MOUNTPOINT_NOT_EMPTY', async (t) => {
  const e = env(t);
  const path = join(e.dir, 'area/full');
  mkdirSync(path);
  writeFileSync(join(path, '.hidden'), '');
  t.throws(() => e.prepare(path), { code: 'LXCFS_MOUNTPOINT_NOT_EMPTY', message: `mountpoint is a non-empty directory: ${path}` });
});

t.test('a path below a file: the system error propagates', async (t) => {
  const e = env(t);
  writeFileSync(join(e.dir, 'area/file'), 'x');
  t.throws(() => e.prepare(join(e.dir, 'area/file/sub')), { code: 'ENOTDIR' });
});

t.test('a live mount: LXCFS_MOUNTPOINT_BUSY, nothing detached', async (t) => {
  const e = env(t);
  const path = join(e.dir, 'area');
  e.setMounts([mountLine(40, path, 'fuse.lxcfs', 'lxcfs')]);
  try {
    e.prepare(path, 'live');
    t.fail('accepted a live mount');
  } catch (err) {
    t.ok(err instanceof LxcfsError);
    t.equal((err as LxcfsError).code, 'LXCFS_MOUNTPOINT_BUSY');
    t.equal((err as LxcfsError).message, `mountpoint already holds a live filesystem: ${path} (fuse.lxcfs from lxcfs)`);
  }
  t.same(e.probed, [path], 'liveness probed for the mountpoint');
  t.same(e.detached, []);
  t.equal(e.mounts().length, 1);
});

t.test('a dead mount is detached, then the directory is accepted', async (t) => {
  const e = env(t);
  const path = join(e.dir, 'area');
  e.setMounts([mountLine(40, path)]);
  t.doesNotThrow(() => e.prepare(path, 'dead'));
  t.same(e.detached, [path], 'detached once');
  t.same(e.mounts(), [], 'mountinfo re-read after the detach');
  t.same(e.probed, [path]);
  const info = e.logger.at('info');
  t.equal(info.length, 1);
  t.same(info[0]!.fields, { mountpoint: path, fsType: 'fuse.lxcfs' });
});

t.test('stacked dead mounts are detached one by one', async (t) => {
  const e = env(t);
  const path = join(e.dir, 'area');
  e.setMounts([mountLine(40, path), mountLine(41, path)]);
  e.prepare(path, 'dead');
  t.same(e.detached, [path, path]);
  t.same(e.mounts(), []);
});

t.test('a dead mount over a non-empty directory: detached, then NOT_EMPTY', async (t) => {
  const e = env(t);
  const path = join(e.dir, 'area');
  writeFileSync(join(path, 'left-over'), '');
  e.setMounts([mountLine(40, path)]);
  t.throws(() => e.prepare(path, 'dead'), { code: 'LXCFS_MOUNTPOINT_NOT_EMPTY' });
  t.same(e.detached, [path]);
});

t.test('a dead mount at an absent directory: detached, then created', async (t) => {
  const e = env(t);
  const path = join(e.dir, 'area/gone');
  e.setMounts([mountLine(40, path)]);
  e.prepare(path, 'dead');
  t.same(e.detached, [path]);
  t.ok(existsSync(path));
});

t.test('paths with spaces (\\040 in mountinfo) are recognised', async (t) => {
  const e = env(t);
  const path = join(e.dir, 'area/my mount');
  mkdirSync(path);
  e.setMounts([mountLine(40, path)]);
  t.match(e.mounts()[0], /my\\040mount/, 'the fixture escapes like the kernel');
  t.throws(() => e.prepare(path, 'live'), { code: 'LXCFS_MOUNTPOINT_BUSY' });
  e.prepare(path, 'dead');
  t.same(e.detached, [path]);
  t.same(e.mounts(), []);
});

t.test('mounts elsewhere do not count', async (t) => {
  const e = env(t);
  const path = join(e.dir, 'area/mnt');
  e.setMounts([mountLine(40, join(e.dir, 'area')), mountLine(41, `${path}2`), mountLine(42, join(path, 'sub'))]);
  e.prepare(path, 'live');
  t.same(e.probed, [], 'no probe: nothing is mounted at the path itself');
  t.ok(statSync(path).isDirectory());
});

t.test('probeLiveness: a healthy path is live (stat succeeds in the child)', async (t) => {
  const dir = t.testdir({});
  t.equal(probeLiveness(dir), 'live');
  t.equal(probeLiveness(join(dir, 'missing')), 'live', 'ENOENT is not a dead FUSE connection');
});
