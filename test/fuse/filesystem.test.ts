// ReadOnlyFilesystem driven through a FuseSession with raw request buffers, so each case
// exercises decode → dispatch → operation → encode, as the kernel would see it.
import { constants } from 'node:fs';
import t from 'tap';
import { ReadOnlyFilesystem, type ContentSource, type FilesystemOptions } from '../../src/fuse/filesystem.js';
import { FuseSession } from '../../src/fuse/session.js';
import { LxcfsError } from '../../src/errors.js';
import type { GatherContext, VirtualFile } from '../../src/files/types.js';
import {
  accessBody, flushBody, getattrBody, initBody, nameBody, OP, openBody, readBody, RecordingLogger, RecordingSink,
  releaseBody, request, setattrBody, type DecodedReply, type HeaderFields,
} from '../helpers/fuse-requests.js';

const ENOENT = 2;
const EIO = 5;
const EBADF = 9;
const EACCES = 13;
const EISDIR = 21;
const ENOTDIR = 20;
const EINVAL = 22;
const EPERM = 1;

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const DT_DIR = 4;
const DT_REG = 8;
const FOPEN_DIRECT_IO = 1;
const FOPEN_NOFLUSH = 1 << 5;
const NOW = 1_700_000_000_123; // ms

function fakeFile(path: string, size: number): VirtualFile {
  return {
    path, size, summary: `fake ${path}`, host: { root: 'proc', path },
    gather: (_ctx: GatherContext) => { throw new Error('gather must not be called: ContentSource is faked'); },
    render: () => { throw new Error('render must not be called: ContentSource is faked'); },
  };
}

const FILES = [
  fakeFile('proc/cpuinfo', 0),
  fakeFile('proc/meminfo', 0),
  fakeFile('sys/devices/system/cpu/online', 4096),
];

/** Renders "<path> pid=<pid> #<n>\n", n counting renders, so re-renders are visible. */
class FakeContent implements ContentSource {
  readonly calls: { file: VirtualFile; pid: number }[] = [];
  body: ((file: VirtualFile, pid: number, n: number) => string) | undefined;
  fail: Error | undefined;

  render(file: VirtualFile, pid: number): Buffer {
    this.calls.push({ file, pid });
    if (this.fail !== undefined) throw this.fail;
    const n = this.calls.length;
    return Buffer.from(this.body?.(file, pid, n) ?? `${file.path} pid=${pid} #${n}\n`);
  }
}

interface Fs {
  fs: ReadOnlyFilesystem;
  content: FakeContent;
  /** Sends one raw request and returns its one reply. */
  send(opcode: number, body?: Buffer, fields?: HeaderFields): DecodedReply;
}

function mount(options: FilesystemOptions = {}, files: readonly VirtualFile[] = FILES): Fs {
  const content = new FakeContent();
  const fs = new ReadOnlyFilesystem(files, content, () => NOW, options);
  const sink = new RecordingSink();
  const session = new FuseSession({ sink, logger: new RecordingLogger(), operations: fs });
  session.handle(request(OP.INIT, initBody(7, 38, 0)));
  if (sink.take().error !== 0) throw new Error('INIT failed');
  return {
    fs, content,
    send(opcode, body = Buffer.alloc(0), fields = {}) {
      session.handle(request(opcode, body, fields));
      return sink.take();
    },
  };
}

interface ParsedAttr {
  ino: number; size: number; blocks: number; atime: number; mtime: number; ctime: number;
  atimensec: number; mtimensec: number; ctimensec: number; mode: number; nlink: number; uid: number; gid: number;
  rdev: number; blksize: number;
}

function parseAttr(buf: Buffer, at: number): ParsedAttr {
  const u64 = (o: number) => Number(buf.readBigUInt64LE(at + o));
  const u32 = (o: number) => buf.readUInt32LE(at + o);
  return {
    ino: u64(0), size: u64(8), blocks: u64(16), atime: u64(24), mtime: u64(32), ctime: u64(40),
    atimensec: u32(48), mtimensec: u32(52), ctimensec: u32(56), mode: u32(60), nlink: u32(64), uid: u32(68),
    gid: u32(72), rdev: u32(76), blksize: u32(80),
  };
}

function parseEntry(r: DecodedReply) {
  if (r.error !== 0) throw new Error(`LOOKUP failed: ${r.error}`);
  const b = r.body;
  return {
    length: b.length, nodeid: Number(b.readBigUInt64LE(0)), generation: Number(b.readBigUInt64LE(8)),
    entryValid: Number(b.readBigUInt64LE(16)), attrValid: Number(b.readBigUInt64LE(24)),
    entryValidNsec: b.readUInt32LE(32), attrValidNsec: b.readUInt32LE(36), attr: parseAttr(b, 40),
  };
}

function parseDirents(buf: Buffer) {
  const out: { ino: number; off: number; type: number; name: string }[] = [];
  let at = 0;
  while (at < buf.length) {
    const namelen = buf.readUInt32LE(at + 16);
    out.push({
      ino: Number(buf.readBigUInt64LE(at)), off: Number(buf.readBigUInt64LE(at + 8)), type: buf.readUInt32LE(at + 20),
      name: buf.toString('utf8', at + 24, at + 24 + namelen),
    });
    at += (24 + namelen + 7) & ~7;
  }
  return out;
}

function lookup(fs: Fs, parent: number, name: string) {
  return parseEntry(fs.send(OP.LOOKUP, nameBody(name), { nodeId: parent }));
}

/** Walks a path with LOOKUPs from the root and returns the last entry. */
function walk(fs: Fs, path: string) {
  let entry = undefined as ReturnType<typeof parseEntry> | undefined;
  let parent = 1;
  for (const part of path.split('/')) {
    entry = lookup(fs, parent, part);
    parent = entry.nodeid;
  }
  return entry!;
}

function openFile(fs: Fs, path: string, flags = constants.O_RDONLY): { ino: number; fh: number } {
  const ino = walk(fs, path).nodeid;
  const r = fs.send(OP.OPEN, openBody(flags), { nodeId: ino });
  if (r.error !== 0) throw new Error(`OPEN failed: ${r.error}`);
  return { ino, fh: Number(r.body.readBigUInt64LE(0)) };
}

function read(fs: Fs, ino: number, fh: number | bigint, offset: number | bigint, size: number, pid = 1234): DecodedReply {
  return fs.send(OP.READ, readBody(fh, offset, size), { nodeId: ino, pid });
}

// ---- the tree ---------------------------------------------------------------------------

t.test('readdir of / lists ".", "..", proc, sys in order', async (t) => {
  const fs = mount();
  const open = fs.send(OP.OPENDIR, openBody(constants.O_RDONLY | constants.O_DIRECTORY), { nodeId: 1 });
  t.equal(open.error, 0);
  t.equal(open.body.length, 16);
  const fh = open.body.readBigUInt64LE(0);
  const r = fs.send(OP.READDIR, readBody(fh, 0, 4096), { nodeId: 1 });
  t.equal(r.error, 0);
  const proc = lookup(fs, 1, 'proc').nodeid;
  const sys = lookup(fs, 1, 'sys').nodeid;
  t.same(parseDirents(r.body), [
    { ino: 1, off: 1, type: DT_DIR, name: '.' },
    { ino: 1, off: 2, type: DT_DIR, name: '..' },
    { ino: proc, off: 3, type: DT_DIR, name: 'proc' },
    { ino: sys, off: 4, type: DT_DIR, name: 'sys' },
  ]);
  t.equal(fs.send(OP.READDIR, readBody(fh, 4, 4096), { nodeId: 1 }).body.length, 0, 'resuming at the last cookie: EOF');
  t.equal(fs.send(OP.RELEASEDIR, releaseBody(fh), { nodeId: 1 }).error, 0);
});

t.test('readdir of proc: its files in registry order, ".." is the root', async (t) => {
  const fs = mount();
  const proc = lookup(fs, 1, 'proc').nodeid;
  const r = fs.send(OP.READDIR, readBody(0, 0, 4096), { nodeId: proc });
  t.same(parseDirents(r.body), [
    { ino: proc, off: 1, type: DT_DIR, name: '.' },
    { ino: 1, off: 2, type: DT_DIR, name: '..' },
    { ino: lookup(fs, proc, 'cpuinfo').nodeid, off: 3, type: DT_REG, name: 'cpuinfo' },
    { ino: lookup(fs, proc, 'meminfo').nodeid, off: 4, type: DT_REG, name: 'meminfo' },
  ]);
});

t.test('readdir pages through a small buffer with the cookies', async (t) => {
  const fs = mount();
  const proc = lookup(fs, 1, 'proc').nodeid;
  const first = parseDirents(fs.send(OP.READDIR, readBody(0, 0, 64), { nodeId: proc }).body);
  t.same(first.map((d) => d.name), ['.', '..'], '64 bytes hold two 32-byte entries');
  const second = parseDirents(fs.send(OP.READDIR, readBody(0, first.at(-1)!.off, 64), { nodeId: proc }).body);
  t.same(second.map((d) => d.name), ['cpuinfo', 'meminfo']);
  t.equal(fs.send(OP.READDIR, readBody(0, second.at(-1)!.off, 64), { nodeId: proc }).body.length, 0);
  t.equal(fs.send(OP.READDIR, readBody(0, 2n ** 60n, 4096), { nodeId: proc }).body.length, 0, 'an offset past 2^53: EOF');
});

t.test('readdir / opendir errors', async (t) => {
  const fs = mount();
  const cpuinfo = walk(fs, 'proc/cpuinfo').nodeid;
  t.equal(fs.send(OP.READDIR, readBody(0, 0, 4096), { nodeId: cpuinfo }).error, -ENOTDIR, 'readdir of a file');
  t.equal(fs.send(OP.OPENDIR, openBody(0), { nodeId: cpuinfo }).error, -ENOTDIR, 'opendir of a file');
  t.equal(fs.send(OP.READDIR, readBody(0, 0, 4096), { nodeId: 999 }).error, -ENOENT, 'readdir of an unknown inode');
  t.equal(fs.send(OP.OPENDIR, openBody(0), { nodeId: 999 }).error, -ENOENT, 'opendir of an unknown inode');
  t.equal(fs.send(OP.OPENDIR, openBody(0), { nodeId: 2n ** 53n }).error, -ENOENT, 'opendir of a NaN inode');
});

t.test('lookup of a file: S_IFREG|0444, nlink 1, uid/gid 0, size = file.size, timeouts 0.5 s', async (t) => {
  const fs = mount();
  const proc = lookup(fs, 1, 'proc').nodeid;
  const e = lookup(fs, proc, 'meminfo');
  t.equal(e.length, 128);
  t.equal(e.generation, 0);
  t.same([e.entryValid, e.entryValidNsec, e.attrValid, e.attrValidNsec], [0, 500_000_000, 0, 500_000_000]);
  t.same(e.attr, {
    ino: e.nodeid, size: 0, blocks: 0, atime: 1_700_000_000, mtime: 1_700_000_000, ctime: 1_700_000_000,
    atimensec: 123_000_000, mtimensec: 123_000_000, ctimensec: 123_000_000, mode: S_IFREG | 0o444, nlink: 1, uid: 0, gid: 0,
    rdev: 0, blksize: 4096,
  });
  const online = walk(fs, 'sys/devices/system/cpu/online');
  t.equal(online.attr.size, 4096, 'sysfs-style size');
  t.equal(online.attr.blocks, 8);
  t.equal(online.attr.mode, S_IFREG | 0o444);
  t.equal(online.attr.nlink, 1);
});

t.test('directories: root 0755, others 0555, nlink = 2 + subdirectories', async (t) => {
  const fs = mount();
  const root = fs.send(OP.GETATTR, getattrBody(), { nodeId: 1 });
  t.equal(root.error, 0);
  t.equal(root.body.length, 104);
  t.equal(root.body.readBigUInt64LE(0), 0n, 'attr_valid sec');
  t.equal(root.body.readUInt32LE(8), 500_000_000, 'attr_valid nsec');
  const rootAttr = parseAttr(root.body, 16);
  t.same([rootAttr.ino, rootAttr.mode, rootAttr.nlink, rootAttr.size, rootAttr.uid, rootAttr.gid],
    [1, S_IFDIR | 0o755, 4, 0, 0, 0], 'root: proc + sys → nlink 4');
  const proc = lookup(fs, 1, 'proc');
  t.same([proc.attr.mode, proc.attr.nlink], [S_IFDIR | 0o555, 2], 'proc: no subdirectories');
  const sys = lookup(fs, 1, 'sys');
  t.same([sys.attr.mode, sys.attr.nlink], [S_IFDIR | 0o555, 3], 'sys: devices');
  const cpu = walk(fs, 'sys/devices/system/cpu');
  t.same([cpu.attr.mode, cpu.attr.nlink], [S_IFDIR | 0o555, 2], 'cpu holds only a file');
  const getattrProc = parseAttr(fs.send(OP.GETATTR, getattrBody(), { nodeId: proc.nodeid }).body, 16);
  t.same(getattrProc, proc.attr, 'getattr agrees with lookup');
});

t.test('ENOENT for unknown names and inodes', async (t) => {
  const fs = mount();
  t.equal(fs.send(OP.LOOKUP, nameBody('nope'), { nodeId: 1 }).error, -ENOENT, 'unknown name');
  t.equal(fs.send(OP.LOOKUP, nameBody('.'), { nodeId: 1 }).error, -ENOENT, '"." is not a child');
  t.equal(fs.send(OP.LOOKUP, nameBody('meminfo'), { nodeId: 1 }).error, -ENOENT, 'name from another directory');
  t.equal(fs.send(OP.LOOKUP, nameBody('Proc'), { nodeId: 1 }).error, -ENOENT, 'case-sensitive');
  t.equal(fs.send(OP.LOOKUP, nameBody('proc'), { nodeId: 999 }).error, -ENOENT, 'unknown parent');
  t.equal(fs.send(OP.LOOKUP, nameBody('proc'), { nodeId: 0 }).error, -ENOENT, 'parent 0');
  t.equal(fs.send(OP.LOOKUP, nameBody('proc'), { nodeId: 2n ** 53n }).error, -ENOENT, 'NaN parent');
  const meminfo = walk(fs, 'proc/meminfo').nodeid;
  t.equal(fs.send(OP.LOOKUP, nameBody('x'), { nodeId: meminfo }).error, -ENOTDIR, 'lookup under a file');
  for (const nodeId of [0, 999, 2n ** 53n, 2n ** 64n - 1n]) {
    t.equal(fs.send(OP.GETATTR, getattrBody(), { nodeId }).error, -ENOENT, `getattr of ${nodeId}`);
    t.equal(fs.send(OP.OPEN, openBody(0), { nodeId }).error, -ENOENT, `open of ${nodeId}`);
    t.equal(fs.send(OP.ACCESS, accessBody(constants.R_OK), { nodeId }).error, -ENOENT, `access of ${nodeId}`);
    t.equal(fs.send(OP.SETATTR, setattrBody(), { nodeId }).error, -ENOENT, `setattr of ${nodeId}`);
  }
});

// ---- open -------------------------------------------------------------------------------

t.test('open: read-only opens succeed with FOPEN_DIRECT_IO and FOPEN_NOFLUSH, others EACCES', async (t) => {
  const fs = mount();
  const ino = walk(fs, 'proc/meminfo').nodeid;
  const ok = fs.send(OP.OPEN, openBody(constants.O_RDONLY), { nodeId: ino });
  t.equal(ok.error, 0);
  t.equal(ok.body.length, 16);
  t.equal(ok.body.readUInt32LE(8), FOPEN_DIRECT_IO | FOPEN_NOFLUSH, 'open_flags = FOPEN_DIRECT_IO | FOPEN_NOFLUSH');
  const fh = Number(ok.body.readBigUInt64LE(0));
  t.ok(fh >= 1, 'a non-zero fh');
  t.equal(fs.fs.openCount, 1);
  const withFlags = fs.send(OP.OPEN, openBody(constants.O_RDONLY | constants.O_NONBLOCK | 0o100000 /* O_LARGEFILE */ | constants.O_NOFOLLOW), { nodeId: ino });
  t.equal(withFlags.error, 0, 'harmless flags accepted');
  t.not(Number(withFlags.body.readBigUInt64LE(0)), fh, 'a distinct fh per open');
  t.equal(fs.fs.openCount, 2);
  for (const [name, flags] of [
    ['O_WRONLY', constants.O_WRONLY], ['O_RDWR', constants.O_RDWR], ['O_TRUNC', constants.O_RDONLY | constants.O_TRUNC],
    ['O_WRONLY|O_APPEND', constants.O_WRONLY | constants.O_APPEND], ['O_ACCMODE=3', 3],
  ] as const) {
    const r = fs.send(OP.OPEN, openBody(flags), { nodeId: ino });
    t.same({ error: r.error, len: r.len }, { error: -EACCES, len: 16 }, name);
  }
  t.equal(fs.fs.openCount, 2, 'refused opens leave no handle');
});

t.test('open of a directory: EISDIR', async (t) => {
  const fs = mount();
  t.equal(fs.send(OP.OPEN, openBody(constants.O_RDONLY), { nodeId: 1 }).error, -EISDIR);
  t.equal(fs.send(OP.OPEN, openBody(constants.O_RDONLY), { nodeId: lookup(fs, 1, 'proc').nodeid }).error, -EISDIR);
  t.equal(fs.send(OP.OPEN, openBody(constants.O_WRONLY), { nodeId: 1 }).error, -EISDIR, 'EISDIR wins over EACCES');
  t.equal(fs.fs.openCount, 0);
});

// ---- read: the snapshot model -------------------------------------------------------------

t.test('offset 0 renders for the request\'s pid', async (t) => {
  const fs = mount();
  const { ino, fh } = openFile(fs, 'proc/meminfo');
  const r = read(fs, ino, fh, 0, 4096, 4242);
  t.equal(r.error, 0);
  t.equal(r.body.toString(), 'proc/meminfo pid=4242 #1\n');
  t.equal(fs.content.calls.length, 1);
  t.equal(fs.content.calls[0]!.file, FILES[1], 'the VirtualFile object itself');
  t.equal(fs.content.calls[0]!.pid, 4242);
});

t.test('offset > 0 slices the same snapshot without re-rendering', async (t) => {
  const fs = mount();
  fs.content.body = (_f, pid, n) => `0123456789abcdef pid=${pid} n=${n}\n`; // 26 bytes
  const { ino, fh } = openFile(fs, 'proc/cpuinfo');
  t.equal(read(fs, ino, fh, 0, 10, 100).body.toString(), '0123456789', 'size limits the first chunk');
  t.equal(read(fs, ino, fh, 10, 10, 200).body.toString(), 'abcdef pid', 'the next chunk of the same snapshot');
  t.equal(read(fs, ino, fh, 20, 10, 300).body.toString(), '=100 n=1\n', 'the rest; other pids do not matter');
  t.equal(fs.content.calls.length, 1, 'rendered once');
  t.equal(read(fs, ino, fh, 29, 10).body.length, 0, 'offset == length → empty (EOF)');
  const beyond = read(fs, ino, fh, 30, 10);
  t.same({ error: beyond.error, len: beyond.len }, { error: -EINVAL, len: 16 }, 'offset > length → EINVAL');
  t.equal(read(fs, ino, fh, 2n ** 53n, 10).error, -EINVAL, 'offset past 2^53 → EINVAL');
  t.equal(fs.content.calls.length, 1, 'still rendered once');
});

t.test('a fresh handle read at offset > 0 is empty and renders nothing', async (t) => {
  const fs = mount();
  const { ino, fh } = openFile(fs, 'proc/meminfo');
  const r = read(fs, ino, fh, 100, 4096);
  t.same({ error: r.error, len: r.len }, { error: 0, len: 16 });
  t.equal(fs.content.calls.length, 0);
});

t.test('seeking back to 0 re-renders new content', async (t) => {
  const fs = mount();
  const { ino, fh } = openFile(fs, 'proc/meminfo');
  t.equal(read(fs, ino, fh, 0, 4096, 1).body.toString(), 'proc/meminfo pid=1 #1\n');
  t.equal(read(fs, ino, fh, 0, 4096, 2).body.toString(), 'proc/meminfo pid=2 #2\n');
  t.equal(read(fs, ino, fh, 5, 4096, 3).body.toString(), 'meminfo pid=2 #2\n', 'later offsets slice the newest snapshot');
  t.equal(fs.content.calls.length, 2);
});

t.test('each handle has its own snapshot', async (t) => {
  const fs = mount();
  const a = openFile(fs, 'proc/meminfo');
  const b = openFile(fs, 'proc/meminfo');
  t.equal(read(fs, a.ino, a.fh, 0, 4096, 10).body.toString(), 'proc/meminfo pid=10 #1\n');
  t.equal(read(fs, b.ino, b.fh, 0, 4096, 20).body.toString(), 'proc/meminfo pid=20 #2\n');
  t.equal(read(fs, a.ino, a.fh, 13, 4096).body.toString(), 'pid=10 #1\n');
  t.equal(read(fs, b.ino, b.fh, 13, 4096).body.toString(), 'pid=20 #2\n');
});

t.test('the fh decides the file, not the node id', async (t) => {
  const fs = mount();
  const { fh } = openFile(fs, 'sys/devices/system/cpu/online');
  t.equal(read(fs, 1, fh, 0, 4096).body.toString(), 'sys/devices/system/cpu/online pid=1234 #1\n');
});

t.test('release drops the handle and its snapshot', async (t) => {
  const fs = mount();
  const { ino, fh } = openFile(fs, 'proc/meminfo');
  t.equal(read(fs, ino, fh, 0, 4096).error, 0);
  t.equal(fs.fs.openCount, 1);
  const rel = fs.send(OP.RELEASE, releaseBody(fh), { nodeId: ino });
  t.same({ error: rel.error, len: rel.len }, { error: 0, len: 16 });
  t.equal(fs.fs.openCount, 0);
  t.equal(fs.send(OP.RELEASE, releaseBody(fh), { nodeId: ino }).error, 0, 'a second release is harmless');
});

t.test('a handle a predecessor opened is adopted for the file the request names', async (t) => {
  const fs = mount();
  const ino = walk(fs, 'proc/meminfo').nodeid;
  const first = read(fs, ino, 77, 0, 4096);
  t.equal(first.error, 0, 'offset 0 of an unknown fh renders');
  t.equal(fs.content.calls.length, 1);
  t.equal(fs.fs.openCount, 1, 'and keeps it open');
  const later = read(fs, ino, 77, 5, 4096);
  t.same(later.body, first.body.subarray(5), 'a later offset slices the adopted snapshot');
  t.equal(fs.content.calls.length, 1);
  const mid = read(fs, ino, 91, 5, 4096);
  t.equal(mid.error, 0, 'a later offset of an unknown fh renders afresh');
  t.equal(mid.body.toString(), 'meminfo pid=1234 #2\n', 'from its own render');
  t.equal(fs.content.calls.length, 2);
  t.equal(fs.fs.openCount, 2);
  const past = read(fs, ino, 93, 4000, 4096);
  t.same({ error: past.error, len: past.body.length }, { error: 0, len: 0 }, 'past the end of a fresh render: end of file, as the predecessor\'s render was longer');
  const dir = walk(fs, 'proc').nodeid;
  t.equal(read(fs, dir, 99, 0, 4096).error, -EBADF, 'never for a directory');
  for (const fh of [0, 2n ** 53n]) t.equal(read(fs, ino, fh, 0, 4096).error, -EBADF, `never fh ${fh}`);
  t.equal(fs.content.calls.length, 3);
});

t.test('replaying a journal: a read of a handle this process does not know renders for the reply and adopts nothing', async (t) => {
  const fs = mount();
  const ino = walk(fs, 'proc/meminfo').nodeid;
  const replayed = fs.fs.replaying(() => [read(fs, ino, 77, 0, 4096), read(fs, ino, 78, 13, 4096), read(fs, ino, 79, 4000, 4096)]);
  t.equal(replayed[0]!.body.toString(), 'proc/meminfo pid=1234 #1\n', 'offset 0: a render');
  t.equal(replayed[1]!.body.toString(), 'pid=1234 #2\n', 'a later offset: sliced from a render of its own');
  t.same({ error: replayed[2]!.error, len: replayed[2]!.body.length }, { error: 0, len: 0 }, 'past its end: end of file');
  t.equal(fs.fs.openCount, 0, 'no handle adopted: perhaps the predecessor had answered, and the reader holds its snapshot');
  const later = read(fs, ino, 77, 13, 4096);
  t.equal(later.body.toString(), 'pid=1234 #4\n', 'the reader\'s next read adopts as usual, from a fresh render');
  t.equal(fs.fs.openCount, 1);
  const known = openFile(fs, 'proc/cpuinfo');
  t.equal(fs.fs.replaying(() => read(fs, known.ino, known.fh, 0, 4096)).error, 0);
  t.equal(read(fs, known.ino, known.fh, 13, 4096).body.toString(), 'pid=1234 #5\n', 'a known handle keeps its snapshot model while replaying');
  t.equal(fs.fs.replaying(() => read(fs, walk(fs, 'proc').nodeid, 99, 0, 4096)).error, -EBADF, 'never for a directory');
});

t.test('a snapshot dropped for the table\'s budget: the next later-offset read renders afresh', async (t) => {
  const fs = mount({ snapshotBudget: 40 });
  fs.content.body = (_f, pid, n) => `0123456789abcdef pid=${pid} n=${n}\n`; // 27 bytes
  const a = openFile(fs, 'proc/cpuinfo');
  const b = openFile(fs, 'proc/cpuinfo');
  t.equal(read(fs, a.ino, a.fh, 0, 10, 1).body.toString(), '0123456789');
  t.equal(read(fs, b.ino, b.fh, 0, 10, 2).body.toString(), '0123456789', '54 bytes > 40: a\'s snapshot goes');
  t.same(fs.fs.openStats().snapshots, { bytes: 27, dropped: 1 });
  t.equal(read(fs, a.ino, a.fh, 10, 100, 3).body.toString(), 'abcdef pid=3 n=3\n', 'the rest of a fresh render');
  t.equal(fs.content.calls.length, 3);
  t.equal(read(fs, a.ino, a.fh, 10, 100, 4).body.toString(), 'abcdef pid=3 n=3\n', 'and that render is the snapshot now');
  t.equal(read(fs, a.ino, a.fh, 27, 100).body.length, 0, 'past a fresh render\'s end: end of file');
  t.equal(fs.content.calls.length, 3);
  t.same(fs.fs.openStats().snapshots, { bytes: 27, dropped: 2 }, 'b\'s was dropped in turn');
});

t.test('a successor gives out handles from firstFh on', async (t) => {
  const fs = mount({ firstFh: 2 ** 40 + 1 });
  t.equal(openFile(fs, 'proc/meminfo').fh, 2 ** 40 + 1);
  t.equal(openFile(fs, 'proc/cpuinfo').fh, 2 ** 40 + 2);
});

t.test('a ContentSource failure becomes its errno', async (t) => {
  const fs = mount();
  const { ino, fh } = openFile(fs, 'proc/meminfo');
  fs.content.fail = new LxcfsError('LXCFS_HOST_UNREADABLE', '/proc/meminfo');
  t.equal(read(fs, ino, fh, 0, 4096).error, -EIO);
  fs.content.fail = undefined;
  t.equal(read(fs, ino, fh, 0, 4096).error, 0, 'the handle still works');
});

t.test('flush is a no-op success', async (t) => {
  const fs = mount();
  const { ino, fh } = openFile(fs, 'proc/meminfo');
  const r = fs.send(OP.FLUSH, flushBody(fh), { nodeId: ino });
  t.same({ error: r.error, len: r.len }, { error: 0, len: 16 });
  t.equal(fs.fs.openCount, 1, 'flush does not release');
});

// ---- access, setattr, statfs ------------------------------------------------------------------

t.test('access: W_OK denied everywhere, X_OK denied on files, R_OK allowed', async (t) => {
  const fs = mount();
  const file = walk(fs, 'proc/meminfo').nodeid;
  const dir = lookup(fs, 1, 'proc').nodeid;
  const { R_OK, W_OK, X_OK, F_OK } = constants;
  const cases: [string, number | bigint, number, number][] = [
    ['file R_OK', file, R_OK, 0], ['file F_OK', file, F_OK, 0], ['file W_OK', file, W_OK, -EACCES],
    ['file X_OK', file, X_OK, -EACCES], ['file R_OK|W_OK', file, R_OK | W_OK, -EACCES], ['file R_OK|X_OK', file, R_OK | X_OK, -EACCES],
    ['dir R_OK', dir, R_OK, 0], ['dir X_OK', dir, X_OK, 0], ['dir R_OK|X_OK', dir, R_OK | X_OK, 0],
    ['dir W_OK', dir, W_OK, -EACCES], ['root W_OK', 1, W_OK, -EACCES], ['root R_OK|X_OK', 1, R_OK | X_OK, 0],
  ];
  for (const [name, nodeId, mask, error] of cases) {
    const r = fs.send(OP.ACCESS, accessBody(mask), { nodeId });
    t.same({ error: r.error, len: r.len }, { error, len: 16 }, name);
  }
});

t.test('setattr, mkdir, rmdir: EPERM, as lxcfs', async (t) => {
  const fs = mount();
  t.equal(fs.send(OP.SETATTR, setattrBody(), { nodeId: walk(fs, 'proc/meminfo').nodeid }).error, -EPERM);
  t.equal(fs.send(OP.SETATTR, setattrBody(), { nodeId: 1 }).error, -EPERM);
  t.equal(fs.send(OP.MKDIR, Buffer.concat([Buffer.alloc(8), nameBody('d')]), { nodeId: 1 }).error, -EPERM);
  t.equal(fs.send(OP.RMDIR, nameBody('proc'), { nodeId: 1 }).error, -EPERM);
});

t.test('statfs: namelen 255, bsize 512', async (t) => {
  const fs = mount();
  const r = fs.send(OP.STATFS, Buffer.alloc(0), { nodeId: 1 });
  t.equal(r.error, 0);
  t.equal(r.len, 16 + 80);
  t.equal(r.body.readUInt32LE(40), 512, 'bsize');
  t.equal(r.body.readUInt32LE(44), 255, 'namelen');
  t.equal(r.body.readUInt32LE(48), 0, 'frsize');
  t.equal(r.body.readBigUInt64LE(0), 0n, 'blocks');
});

t.test('an empty tree still serves the root', async (t) => {
  const fs = mount({}, []);
  const r = fs.send(OP.READDIR, readBody(0, 0, 4096), { nodeId: 1 });
  t.same(parseDirents(r.body).map((d) => d.name), ['.', '..']);
  t.equal(parseAttr(fs.send(OP.GETATTR, getattrBody(), { nodeId: 1 }).body, 16).nlink, 2);
});
