import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { LxcfsError } from '../../src/errors.js';
import {
  decodeAccessMask, decodeFh, decodeHeader, decodeInit, decodeName, decodeOpenFlags,
  decodeRead, direntSize, DirentType, encodeAttrOut, encodeDirents, encodeEntryOut, encodeInitOut, encodeOpenOut,
  encodeOutHeader, encodeStatfsOut, FUSE_KERNEL_MINOR_VERSION, FUSE_KERNEL_VERSION, FUSE_MIN_READ_BUFFER,
  FUSE_ROOT_ID, InitFlag, Opcode, OpenFlag, readU64, SIZE, validityOf, type Attr, type Dirent, type InitOut,
} from '../../src/fuse/protocol.js';
import {
  accessBody, batchForgetBody, getattrBody, initBody, nameBody, openBody, readBody, releaseBody, request,
} from '../helpers/fuse-requests.js';

// ---- the C header, compiled ----------------------------------------------------------

const OPCODE_NAMES = [
  'LOOKUP', 'FORGET', 'GETATTR', 'SETATTR', 'READLINK', 'SYMLINK', 'MKNOD', 'MKDIR', 'UNLINK', 'RMDIR',
  'RENAME', 'LINK', 'OPEN', 'READ', 'WRITE', 'STATFS', 'RELEASE', 'FSYNC', 'SETXATTR', 'GETXATTR',
  'LISTXATTR', 'REMOVEXATTR', 'FLUSH', 'INIT', 'OPENDIR', 'READDIR', 'RELEASEDIR', 'FSYNCDIR', 'GETLK',
  'SETLK', 'SETLKW', 'ACCESS', 'CREATE', 'INTERRUPT', 'BMAP', 'DESTROY', 'IOCTL', 'POLL', 'NOTIFY_REPLY',
  'BATCH_FORGET', 'FALLOCATE', 'READDIRPLUS', 'RENAME2', 'LSEEK', 'COPY_FILE_RANGE', 'SETUPMAPPING',
  'REMOVEMAPPING', 'SYNCFS', 'TMPFILE', 'STATX',
];
/** Opcodes added after 7.31, keyed by the minor that introduced them (for #if guards). */
const OPCODE_MINOR: Record<string, number> = { SYNCFS: 34, TMPFILE: 37, STATX: 39 };

const FIELDS: Record<string, string[]> = {
  fuse_in_header: ['len', 'opcode', 'unique', 'nodeid', 'uid', 'gid', 'pid', 'total_extlen', 'padding'],
  fuse_out_header: ['len', 'error', 'unique'],
  fuse_attr: ['ino', 'size', 'blocks', 'atime', 'mtime', 'ctime', 'atimensec', 'mtimensec', 'ctimensec',
    'mode', 'nlink', 'uid', 'gid', 'rdev', 'blksize', 'flags'],
  fuse_entry_out: ['nodeid', 'generation', 'entry_valid', 'attr_valid', 'entry_valid_nsec', 'attr_valid_nsec', 'attr'],
  fuse_attr_out: ['attr_valid', 'attr_valid_nsec', 'dummy', 'attr'],
  fuse_open_in: ['flags', 'open_flags'],
  fuse_open_out: ['fh', 'open_flags', 'padding'],
  fuse_read_in: ['fh', 'offset', 'size', 'read_flags', 'lock_owner', 'flags', 'padding'],
  fuse_release_in: ['fh', 'flags', 'release_flags', 'lock_owner'],
  fuse_getattr_in: ['getattr_flags', 'dummy', 'fh'],
  fuse_init_in: ['major', 'minor', 'max_readahead', 'flags', 'flags2'],
  fuse_init_out: ['major', 'minor', 'max_readahead', 'flags', 'max_background', 'congestion_threshold',
    'max_write', 'time_gran', 'max_pages', 'map_alignment'],
  fuse_kstatfs: ['blocks', 'bfree', 'bavail', 'files', 'ffree', 'bsize', 'namelen', 'frsize', 'padding', 'spare'],
  fuse_statfs_out: ['st', 'st.bsize', 'st.namelen', 'st.frsize'],
  fuse_dirent: ['ino', 'off', 'namelen', 'type', 'name'],
  fuse_forget_one: ['nodeid', 'nlookup'],
  fuse_batch_forget_in: ['count', 'dummy'],
  fuse_access_in: ['mask', 'padding'],
};

const VALUES = [
  'FUSE_KERNEL_VERSION', 'FUSE_KERNEL_MINOR_VERSION', 'FUSE_ROOT_ID', 'FUSE_MIN_READ_BUFFER',
  'FUSE_COMPAT_22_INIT_OUT_SIZE', 'FUSE_NAME_OFFSET',
  'FUSE_ASYNC_READ', 'FUSE_ATOMIC_O_TRUNC', 'FUSE_BIG_WRITES', 'FUSE_DONT_MASK', 'FUSE_AUTO_INVAL_DATA',
  'FUSE_DO_READDIRPLUS', 'FUSE_PARALLEL_DIROPS', 'FUSE_MAX_PAGES', 'FUSE_INIT_EXT',
  'FOPEN_DIRECT_IO', 'FOPEN_KEEP_CACHE', 'FOPEN_NONSEEKABLE', 'DT_DIR', 'DT_REG',
];

function cProgram(): string {
  const lines = [
    '#include <stddef.h>', '#include <stdio.h>', '#include <dirent.h>', '#include <linux/fuse.h>',
    '#define S(T) printf("sizeof %s %zu\\n", #T, sizeof(struct T));',
    '#define O(T, F) printf("offsetof %s.%s %zu\\n", #T, #F, offsetof(struct T, F));',
    '#define V(X) printf("value %s %lld\\n", #X, (long long)(X));',
    'int main(void) {',
  ];
  for (const [struct, fields] of Object.entries(FIELDS)) {
    lines.push(`  S(${struct})`);
    for (const field of fields) lines.push(`  O(${struct}, ${field})`);
  }
  for (let n = 0; n <= 17; n++) lines.push(`  printf("value FUSE_DIRENT_ALIGN_${n} %zu\\n", (size_t)FUSE_DIRENT_ALIGN(FUSE_NAME_OFFSET + ${n}));`);
  for (const name of VALUES) lines.push(`  V(${name})`);
  for (const name of OPCODE_NAMES) {
    const minor = OPCODE_MINOR[name];
    if (minor !== undefined) lines.push(`#if FUSE_KERNEL_MINOR_VERSION >= ${minor}`);
    lines.push(`  printf("opcode ${name} %d\\n", (int)FUSE_${name});`);
    if (minor !== undefined) lines.push('#endif');
  }
  lines.push('  return 0;', '}');
  return `${lines.join('\n')}\n`;
}

interface CHeader {
  size(struct: string): number;
  offset(struct: string, field: string): number;
  value(name: string): number;
  opcodes: Map<string, number>;
}

function compileHeader(): CHeader {
  const dir = t.testdir();
  const source = join(dir, 'fuse-layout.c');
  const binary = join(dir, 'fuse-layout');
  writeFileSync(source, cProgram());
  try {
    execFileSync('cc', ['-Wall', '-Werror', '-o', binary, source], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: Buffer };
    if (e.code === 'ENOENT') {
      throw new Error('cc is not installed: test/fuse/protocol.test.ts needs a C compiler and <linux/fuse.h> '
        + 'to check struct layouts against the kernel header (apt-get install -y gcc linux-libc-dev)');
    }
    throw new Error(`compiling the <linux/fuse.h> layout probe failed:\n${e.stderr?.toString() ?? String(err)}`);
  }
  const output = execFileSync(binary, { encoding: 'utf8' });
  const table = new Map<string, number>();
  const opcodes = new Map<string, number>();
  for (const line of output.trim().split('\n')) {
    const [kind, name, value] = line.split(' ');
    if (kind === 'opcode') opcodes.set(name!, Number(value));
    else table.set(`${kind} ${name}`, Number(value));
  }
  const get = (key: string): number => {
    const value = table.get(key);
    if (value === undefined) throw new Error(`layout probe printed no "${key}"`);
    return value;
  };
  return {
    size: (s) => get(`sizeof ${s}`),
    offset: (s, f) => get(`offsetof ${s}.${f}`),
    value: (n) => get(`value ${n}`),
    opcodes,
  };
}

let header: CHeader | undefined;
let headerError: Error | undefined;
try {
  header = compileHeader();
} catch (err) {
  headerError = err as Error;
}

/** The compiled header, or a failing assertion explaining why it is missing (never a skip). */
function C(tt: Test): CHeader {
  if (header === undefined) {
    tt.fail(headerError?.message ?? 'no header');
    throw headerError ?? new Error('no header');
  }
  return header;
}

t.test('the C layout probe compiled and ran', async (t) => {
  t.equal(headerError?.message, undefined, 'cc compiled a program including <linux/fuse.h>');
  t.ok(header !== undefined);
});

// ---- constants ------------------------------------------------------------------------

t.test('SIZE constants equal sizeof/offsetof in <linux/fuse.h>', async (t) => {
  const c = C(t);
  t.equal(SIZE.IN_HEADER, c.size('fuse_in_header'), 'IN_HEADER');
  t.equal(SIZE.OUT_HEADER, c.size('fuse_out_header'), 'OUT_HEADER');
  t.equal(SIZE.ATTR, c.size('fuse_attr'), 'ATTR');
  t.equal(SIZE.ENTRY_OUT, c.size('fuse_entry_out'), 'ENTRY_OUT');
  t.equal(SIZE.ATTR_OUT, c.size('fuse_attr_out'), 'ATTR_OUT');
  t.equal(SIZE.OPEN_OUT, c.size('fuse_open_out'), 'OPEN_OUT');
  t.equal(SIZE.OPEN_IN, c.size('fuse_open_in'), 'OPEN_IN');
  t.equal(SIZE.READ_IN, c.size('fuse_read_in'), 'READ_IN');
  t.equal(SIZE.ACCESS_IN, c.size('fuse_access_in'), 'ACCESS_IN');
  t.equal(SIZE.FORGET_ONE, c.size('fuse_forget_one'), 'FORGET_ONE');
  t.equal(SIZE.BATCH_FORGET_IN, c.size('fuse_batch_forget_in'), 'BATCH_FORGET_IN');
  t.equal(SIZE.STATFS_OUT, c.size('fuse_statfs_out'), 'STATFS_OUT');
  t.equal(SIZE.STATFS_OUT, c.size('fuse_kstatfs'), 'STATFS_OUT = fuse_kstatfs');
  t.equal(SIZE.INIT_OUT, c.size('fuse_init_out'), 'INIT_OUT');
  t.equal(SIZE.INIT_OUT_COMPAT_22, c.value('FUSE_COMPAT_22_INIT_OUT_SIZE'), 'INIT_OUT_COMPAT_22');
  t.equal(SIZE.INIT_IN_MIN, c.offset('fuse_init_in', 'flags2'), 'INIT_IN_MIN = the four pre-7.36 fields');
  t.equal(SIZE.DIRENT_BASE, c.value('FUSE_NAME_OFFSET'), 'DIRENT_BASE = FUSE_NAME_OFFSET');
  t.equal(SIZE.DIRENT_BASE, c.size('fuse_dirent'), 'DIRENT_BASE = sizeof(fuse_dirent)');
});

t.test('version, root id and flag constants equal the header', async (t) => {
  const c = C(t);
  t.equal(FUSE_KERNEL_VERSION, c.value('FUSE_KERNEL_VERSION'));
  t.ok(FUSE_KERNEL_MINOR_VERSION <= c.value('FUSE_KERNEL_MINOR_VERSION'),
    `our minor ${FUSE_KERNEL_MINOR_VERSION} is described by the installed header (7.${c.value('FUSE_KERNEL_MINOR_VERSION')})`);
  t.equal(FUSE_KERNEL_MINOR_VERSION, 38);
  t.equal(FUSE_ROOT_ID, c.value('FUSE_ROOT_ID'));
  t.equal(FUSE_MIN_READ_BUFFER, c.value('FUSE_MIN_READ_BUFFER'));
  t.equal(InitFlag.ASYNC_READ, c.value('FUSE_ASYNC_READ'));
  t.equal(InitFlag.ATOMIC_O_TRUNC, c.value('FUSE_ATOMIC_O_TRUNC'));
  t.equal(InitFlag.BIG_WRITES, c.value('FUSE_BIG_WRITES'));
  t.equal(InitFlag.DONT_MASK, c.value('FUSE_DONT_MASK'));
  t.equal(InitFlag.AUTO_INVAL_DATA, c.value('FUSE_AUTO_INVAL_DATA'));
  t.equal(InitFlag.DO_READDIRPLUS, c.value('FUSE_DO_READDIRPLUS'));
  t.equal(InitFlag.PARALLEL_DIROPS, c.value('FUSE_PARALLEL_DIROPS'));
  t.equal(InitFlag.MAX_PAGES, c.value('FUSE_MAX_PAGES'));
  t.equal(InitFlag.INIT_EXT, c.value('FUSE_INIT_EXT'));
  t.equal(OpenFlag.DIRECT_IO, c.value('FOPEN_DIRECT_IO'));
  t.equal(OpenFlag.KEEP_CACHE, c.value('FOPEN_KEEP_CACHE'));
  t.equal(OpenFlag.NONSEEKABLE, c.value('FOPEN_NONSEEKABLE'));
  t.equal(DirentType.DIR, c.value('DT_DIR'));
  t.equal(DirentType.REG, c.value('DT_REG'));
});

t.test('Opcode values equal enum fuse_opcode', async (t) => {
  const c = C(t);
  const minor = c.value('FUSE_KERNEL_MINOR_VERSION');
  t.ok(c.opcodes.size >= 49, `the probe printed ${c.opcodes.size} opcodes`);
  for (const name of OPCODE_NAMES) {
    const ours = (Opcode as Record<string, number>)[name];
    const theirs = c.opcodes.get(name);
    t.not(ours, undefined, `Opcode.${name} is defined`);
    if (theirs === undefined) {
      t.ok((OPCODE_MINOR[name] ?? 0) > minor, `FUSE_${name} is only missing because the header is 7.${minor}`);
      t.comment(`FUSE_${name} not in the installed header (7.${minor}); Opcode.${name} = ${ours} unchecked`);
    } else {
      t.equal(ours, theirs, `Opcode.${name} = FUSE_${name}`);
    }
  }
  t.same(Object.keys(Opcode).sort(), [...OPCODE_NAMES].sort(), 'no opcode beyond the header\'s list');
  t.ok(Object.isFrozen(Opcode));
});

// ---- decoding requests laid out at the C offsets ------------------------------------

t.test('decodeHeader reads each fuse_in_header field at its C offset', async (t) => {
  const c = C(t);
  const body = Buffer.from('abcdefgh');
  const buf = Buffer.alloc(c.size('fuse_in_header') + body.length);
  buf.writeUInt32LE(buf.length, c.offset('fuse_in_header', 'len'));
  buf.writeUInt32LE(15, c.offset('fuse_in_header', 'opcode'));
  buf.writeBigUInt64LE(0x0102030405060708n, c.offset('fuse_in_header', 'unique'));
  buf.writeBigUInt64LE(0x0000_0012_3456_789an, c.offset('fuse_in_header', 'nodeid'));
  buf.writeUInt32LE(1001, c.offset('fuse_in_header', 'uid'));
  buf.writeUInt32LE(1002, c.offset('fuse_in_header', 'gid'));
  buf.writeUInt32LE(4242, c.offset('fuse_in_header', 'pid'));
  buf.writeUInt16LE(0xffff, c.offset('fuse_in_header', 'padding'));
  body.copy(buf, c.size('fuse_in_header'));
  const h = decodeHeader(buf);
  t.equal(h.length, buf.length);
  t.equal(h.opcode, 15);
  t.same([...h.unique], [8, 7, 6, 5, 4, 3, 2, 1], 'unique: the raw 8 bytes');
  t.equal(h.nodeId, 0x12_3456_789a);
  t.equal(h.uid, 1001);
  t.equal(h.gid, 1002);
  t.equal(h.pid, 4242);
  t.equal(h.body.toString(), 'abcdefgh');
});

t.test('the test helper builds requests at the C offsets', async (t) => {
  const c = C(t);
  const buf = request(Opcode.READ, readBody(7, 9, 11), { unique: 5n, nodeId: 6, uid: 1, gid: 2, pid: 3, totalExtlen: 4 });
  t.equal(buf.readUInt32LE(c.offset('fuse_in_header', 'len')), buf.length);
  t.equal(buf.readUInt32LE(c.offset('fuse_in_header', 'opcode')), 15);
  t.equal(buf.readBigUInt64LE(c.offset('fuse_in_header', 'unique')), 5n);
  t.equal(buf.readBigUInt64LE(c.offset('fuse_in_header', 'nodeid')), 6n);
  t.equal(buf.readUInt32LE(c.offset('fuse_in_header', 'uid')), 1);
  t.equal(buf.readUInt32LE(c.offset('fuse_in_header', 'gid')), 2);
  t.equal(buf.readUInt32LE(c.offset('fuse_in_header', 'pid')), 3);
  t.equal(buf.readUInt16LE(c.offset('fuse_in_header', 'total_extlen')), 4);
  const body = buf.subarray(c.size('fuse_in_header'));
  t.equal(body.length, c.size('fuse_read_in'));
  t.equal(body.readBigUInt64LE(c.offset('fuse_read_in', 'fh')), 7n);
  t.equal(body.readBigUInt64LE(c.offset('fuse_read_in', 'offset')), 9n);
  t.equal(body.readUInt32LE(c.offset('fuse_read_in', 'size')), 11);
  const init = initBody(7, 38, 0x1234, 4096);
  t.equal(init.length, c.size('fuse_init_in'));
  t.equal(init.readUInt32LE(c.offset('fuse_init_in', 'major')), 7);
  t.equal(init.readUInt32LE(c.offset('fuse_init_in', 'minor')), 38);
  t.equal(init.readUInt32LE(c.offset('fuse_init_in', 'max_readahead')), 4096);
  t.equal(init.readUInt32LE(c.offset('fuse_init_in', 'flags')), 0x1234);
  t.equal(openBody(0o100000).length, c.size('fuse_open_in'));
  t.equal(openBody(0o100000).readUInt32LE(c.offset('fuse_open_in', 'flags')), 0o100000);
  t.equal(accessBody(4).length, c.size('fuse_access_in'));
  t.equal(accessBody(4).readUInt32LE(c.offset('fuse_access_in', 'mask')), 4);
  t.equal(releaseBody(9).length, c.size('fuse_release_in'));
  t.equal(releaseBody(9).readBigUInt64LE(c.offset('fuse_release_in', 'fh')), 9n);
  t.equal(getattrBody(1, 9).length, c.size('fuse_getattr_in'));
  t.equal(getattrBody(1, 9).readBigUInt64LE(c.offset('fuse_getattr_in', 'fh')), 9n);
  const forget = batchForgetBody([[5, 6], [7, 8]]);
  t.equal(forget.length, c.size('fuse_batch_forget_in') + 2 * c.size('fuse_forget_one'));
  t.equal(forget.readUInt32LE(c.offset('fuse_batch_forget_in', 'count')), 2);
  t.equal(forget.readBigUInt64LE(c.size('fuse_batch_forget_in') + c.size('fuse_forget_one') + c.offset('fuse_forget_one', 'nodeid')), 7n);
  t.equal(forget.readBigUInt64LE(c.size('fuse_batch_forget_in') + c.size('fuse_forget_one') + c.offset('fuse_forget_one', 'nlookup')), 8n);
});

t.test('decodeRead reads fuse_read_in at the C offsets', async (t) => {
  const c = C(t);
  const body = Buffer.alloc(c.size('fuse_read_in'), 0xee);
  body.writeBigUInt64LE(77n, c.offset('fuse_read_in', 'fh'));
  body.writeBigUInt64LE(123456789012n, c.offset('fuse_read_in', 'offset'));
  body.writeUInt32LE(65536, c.offset('fuse_read_in', 'size'));
  t.same(decodeRead(body), { fh: 77, offset: 123456789012, size: 65536 });
  t.throws(() => decodeRead(body.subarray(0, c.offset('fuse_read_in', 'read_flags') - 1)), { code: 'LXCFS_FUSE_PROTOCOL' });
  t.same(decodeRead(body.subarray(0, c.offset('fuse_read_in', 'read_flags') + 4)), { fh: 77, offset: 123456789012, size: 65536 },
    'the 24-byte pre-7.9 fuse_read_in is enough');
});

t.test('decodeInit reads the first four fuse_init_in fields at the C offsets', async (t) => {
  const c = C(t);
  const body = Buffer.alloc(c.size('fuse_init_in'), 0xaa);
  body.writeUInt32LE(7, c.offset('fuse_init_in', 'major'));
  body.writeUInt32LE(38, c.offset('fuse_init_in', 'minor'));
  body.writeUInt32LE(131072, c.offset('fuse_init_in', 'max_readahead'));
  body.writeUInt32LE(0x8000_0001, c.offset('fuse_init_in', 'flags'));
  t.same(decodeInit(body), { major: 7, minor: 38, maxReadahead: 131072, flags: 0x8000_0001 });
  t.same(decodeInit(body.subarray(0, SIZE.INIT_IN_MIN)), { major: 7, minor: 38, maxReadahead: 131072, flags: 0x8000_0001 },
    'a pre-7.36 16-byte fuse_init_in decodes');
  t.throws(() => decodeInit(body.subarray(0, SIZE.INIT_IN_MIN - 1)), { code: 'LXCFS_FUSE_PROTOCOL' });
});

t.test('decodeOpenFlags / decodeAccessMask / decodeFh at the C offsets', async (t) => {
  const c = C(t);
  const open = Buffer.alloc(c.size('fuse_open_in'));
  open.writeUInt32LE(0o2101, c.offset('fuse_open_in', 'flags'));
  open.writeUInt32LE(0xffffffff, c.offset('fuse_open_in', 'open_flags'));
  t.equal(decodeOpenFlags(open), 0o2101);
  t.throws(() => decodeOpenFlags(Buffer.alloc(3)), { code: 'LXCFS_FUSE_PROTOCOL' });

  const access = Buffer.alloc(c.size('fuse_access_in'));
  access.writeUInt32LE(6, c.offset('fuse_access_in', 'mask'));
  access.writeUInt32LE(0xffffffff, c.offset('fuse_access_in', 'padding'));
  t.equal(decodeAccessMask(access), 6);
  t.throws(() => decodeAccessMask(Buffer.alloc(2)), { code: 'LXCFS_FUSE_PROTOCOL' });

  const release = Buffer.alloc(c.size('fuse_release_in'), 0xff);
  release.writeBigUInt64LE(31n, c.offset('fuse_release_in', 'fh'));
  t.equal(decodeFh(release), 31);
  const getattr = Buffer.alloc(c.size('fuse_getattr_in'), 0xff);
  getattr.writeBigUInt64LE(32n, c.offset('fuse_getattr_in', 'fh'));
  t.equal(decodeFh(getattr, c.offset('fuse_getattr_in', 'fh')), 32);
  t.throws(() => decodeFh(Buffer.alloc(7)), { code: 'LXCFS_FUSE_PROTOCOL' });
  t.throws(() => decodeFh(Buffer.alloc(15), 8), { code: 'LXCFS_FUSE_PROTOCOL' });
});

// ---- encoding replies, read back at the C offsets -----------------------------------

const ATTR: Attr = {
  ino: 0x11_2233_4455, size: 0x22_0000_1001, mode: 0o100444, nlink: 7, uid: 1000, gid: 2000,
  timeSec: 0x1_6000_0001, timeNsec: 987654321,
};

/** Checks a fuse_attr encoded at `base` field by field, at the C offsets. */
function checkAttr(t: Test, c: CHeader, buf: Buffer, base: number, attr: Attr): void {
  const u64 = (f: string) => buf.readBigUInt64LE(base + c.offset('fuse_attr', f));
  const u32 = (f: string) => buf.readUInt32LE(base + c.offset('fuse_attr', f));
  t.equal(u64('ino'), BigInt(attr.ino), 'attr.ino');
  t.equal(u64('size'), BigInt(attr.size), 'attr.size');
  t.equal(u64('blocks'), BigInt(Math.ceil(attr.size / 512)), 'attr.blocks = ceil(size / 512)');
  t.equal(u64('atime'), BigInt(attr.timeSec), 'attr.atime');
  t.equal(u64('mtime'), BigInt(attr.timeSec), 'attr.mtime');
  t.equal(u64('ctime'), BigInt(attr.timeSec), 'attr.ctime');
  t.equal(u32('atimensec'), attr.timeNsec, 'attr.atimensec');
  t.equal(u32('mtimensec'), attr.timeNsec, 'attr.mtimensec');
  t.equal(u32('ctimensec'), attr.timeNsec, 'attr.ctimensec');
  t.equal(u32('mode'), attr.mode, 'attr.mode');
  t.equal(u32('nlink'), attr.nlink, 'attr.nlink');
  t.equal(u32('uid'), attr.uid, 'attr.uid');
  t.equal(u32('gid'), attr.gid, 'attr.gid');
  t.equal(u32('rdev'), 0, 'attr.rdev');
  t.equal(u32('blksize'), 4096, 'attr.blksize');
  t.equal(u32('flags'), 0, 'attr.flags');
}

t.test('encodeEntryOut lays out fuse_entry_out and fuse_attr at the C offsets', async (t) => {
  const c = C(t);
  const out = encodeEntryOut(ATTR, { sec: 0x1_0000_0003, nsec: 500_000_000 }, { sec: 4, nsec: 600_000_000 });
  t.equal(out.length, c.size('fuse_entry_out'));
  t.equal(out.readBigUInt64LE(c.offset('fuse_entry_out', 'nodeid')), BigInt(ATTR.ino));
  t.equal(out.readBigUInt64LE(c.offset('fuse_entry_out', 'generation')), 0n);
  t.equal(out.readBigUInt64LE(c.offset('fuse_entry_out', 'entry_valid')), 0x1_0000_0003n);
  t.equal(out.readBigUInt64LE(c.offset('fuse_entry_out', 'attr_valid')), 4n);
  t.equal(out.readUInt32LE(c.offset('fuse_entry_out', 'entry_valid_nsec')), 500_000_000);
  t.equal(out.readUInt32LE(c.offset('fuse_entry_out', 'attr_valid_nsec')), 600_000_000);
  checkAttr(t, c, out, c.offset('fuse_entry_out', 'attr'), ATTR);
});

t.test('encodeEntryOut never leaks stale memory (allocUnsafe) into the reply', async (t) => {
  // Fill Node's pool with 0xff so that any byte the encoder forgets shows up.
  for (let i = 0; i < 64; i++) Buffer.allocUnsafe(128).fill(0xff);
  const zero: Attr = { ino: 0, size: 0, mode: 0, nlink: 0, uid: 0, gid: 0, timeSec: 0, timeNsec: 0 };
  const entry = encodeEntryOut(zero, { sec: 0, nsec: 0 }, { sec: 0, nsec: 0 });
  const attr = encodeAttrOut(zero, { sec: 0, nsec: 0 });
  const blksizeAt = (base: number) => base + 80;
  for (const [name, buf, base] of [['entry', entry, 40], ['attr', attr, 16]] as const) {
    const copy = Buffer.from(buf);
    copy.writeUInt32LE(0, blksizeAt(base)); // the one non-zero field
    t.ok(copy.equals(Buffer.alloc(copy.length)), `${name}_out of zeros is all zero bytes but blksize`);
  }
});

t.test('encodeAttrOut lays out fuse_attr_out at the C offsets', async (t) => {
  const c = C(t);
  const out = encodeAttrOut(ATTR, { sec: 9, nsec: 250_000_000 });
  t.equal(out.length, c.size('fuse_attr_out'));
  t.equal(out.readBigUInt64LE(c.offset('fuse_attr_out', 'attr_valid')), 9n);
  t.equal(out.readUInt32LE(c.offset('fuse_attr_out', 'attr_valid_nsec')), 250_000_000);
  t.equal(out.readUInt32LE(c.offset('fuse_attr_out', 'dummy')), 0);
  checkAttr(t, c, out, c.offset('fuse_attr_out', 'attr'), ATTR);
});

t.test('attr blocks round up to 512-byte units', async (t) => {
  const c = C(t);
  const at = c.offset('fuse_attr_out', 'attr') + c.offset('fuse_attr', 'blocks');
  const blocks = (size: number) => encodeAttrOut({ ...ATTR, size }, { sec: 0, nsec: 0 }).readBigUInt64LE(at);
  t.equal(blocks(0), 0n);
  t.equal(blocks(1), 1n);
  t.equal(blocks(512), 1n);
  t.equal(blocks(513), 2n);
  t.equal(blocks(4096), 8n);
});

t.test('encodeOpenOut lays out fuse_open_out at the C offsets', async (t) => {
  const c = C(t);
  const out = encodeOpenOut(0x1_0000_0002, OpenFlag.DIRECT_IO | OpenFlag.NONSEEKABLE);
  t.equal(out.length, c.size('fuse_open_out'));
  t.equal(out.readBigUInt64LE(c.offset('fuse_open_out', 'fh')), 0x1_0000_0002n);
  t.equal(out.readUInt32LE(c.offset('fuse_open_out', 'open_flags')), 5);
  t.equal(out.readUInt32LE(c.offset('fuse_open_out', 'padding')), 0);
});

const INIT: InitOut = {
  major: 7, minor: 38, maxReadahead: 0x20000, flags: 0x8040_0001, maxBackground: 0x1234,
  congestionThreshold: 0x5678, maxWrite: 0x2_0000, timeGran: 0x9abc, maxPages: 0xdef0,
};

t.test('encodeInitOut lays out fuse_init_out (through max_pages) at the C offsets', async (t) => {
  const c = C(t);
  const out = encodeInitOut(INIT);
  t.equal(out.length, c.size('fuse_init_out'));
  t.equal(out.readUInt32LE(c.offset('fuse_init_out', 'major')), 7);
  t.equal(out.readUInt32LE(c.offset('fuse_init_out', 'minor')), 38);
  t.equal(out.readUInt32LE(c.offset('fuse_init_out', 'max_readahead')), 0x20000);
  t.equal(out.readUInt32LE(c.offset('fuse_init_out', 'flags')), 0x8040_0001, 'flags with bit 31 set');
  t.equal(out.readUInt16LE(c.offset('fuse_init_out', 'max_background')), 0x1234);
  t.equal(out.readUInt16LE(c.offset('fuse_init_out', 'congestion_threshold')), 0x5678);
  t.equal(out.readUInt32LE(c.offset('fuse_init_out', 'max_write')), 0x2_0000);
  t.equal(out.readUInt32LE(c.offset('fuse_init_out', 'time_gran')), 0x9abc);
  t.equal(out.readUInt16LE(c.offset('fuse_init_out', 'max_pages')), 0xdef0);
  t.ok(out.subarray(c.offset('fuse_init_out', 'map_alignment')).equals(Buffer.alloc(out.length - c.offset('fuse_init_out', 'map_alignment'))),
    'map_alignment, flags2 and unused are zero');
});

t.test('encodeInitOut answers a pre-7.23 kernel with the 24-byte compat struct', async (t) => {
  const c = C(t);
  const out = encodeInitOut({ ...INIT, minor: 22 });
  t.equal(out.length, c.value('FUSE_COMPAT_22_INIT_OUT_SIZE'));
  t.equal(out.readUInt32LE(c.offset('fuse_init_out', 'minor')), 22);
  t.equal(out.readUInt32LE(c.offset('fuse_init_out', 'max_write')), 0x2_0000);
  t.equal(encodeInitOut({ ...INIT, minor: 23 }).length, c.size('fuse_init_out'), '7.23 gets the full struct');
});

t.test('encodeStatfsOut lays out fuse_kstatfs at the C offsets', async (t) => {
  const c = C(t);
  const out = encodeStatfsOut({ bsize: 512, namelen: 255, frsize: 1024 });
  t.equal(out.length, c.size('fuse_statfs_out'));
  t.equal(out.readUInt32LE(c.offset('fuse_statfs_out', 'st.bsize')), 512);
  t.equal(out.readUInt32LE(c.offset('fuse_statfs_out', 'st.namelen')), 255);
  t.equal(out.readUInt32LE(c.offset('fuse_statfs_out', 'st.frsize')), 1024);
  for (const f of ['blocks', 'bfree', 'bavail', 'files', 'ffree']) {
    t.equal(out.readBigUInt64LE(c.offset('fuse_kstatfs', f)), 0n, `${f} is 0`);
  }
  t.ok(out.subarray(c.offset('fuse_kstatfs', 'padding')).equals(Buffer.alloc(out.length - c.offset('fuse_kstatfs', 'padding'))),
    'padding and spare are zero');
});

t.test('encodeOutHeader lays out fuse_out_header at the C offsets', async (t) => {
  const c = C(t);
  const unique = Buffer.from([1, 2, 3, 4, 5, 6, 7, 0x88]);
  const ok = encodeOutHeader(unique, 0, 100);
  t.equal(ok.length, c.size('fuse_out_header'));
  t.equal(ok.readUInt32LE(c.offset('fuse_out_header', 'len')), 116, 'len includes the header');
  t.equal(ok.readInt32LE(c.offset('fuse_out_header', 'error')), 0);
  t.same([...ok.subarray(c.offset('fuse_out_header', 'unique'), 16)], [...unique], 'unique copied byte for byte');
  const err = encodeOutHeader(unique, 2, 0);
  t.equal(err.readUInt32LE(0), 16);
  t.equal(err.readInt32LE(c.offset('fuse_out_header', 'error')), -2, 'errno sent negative');
  t.equal(encodeOutHeader(unique, -13, 0).readInt32LE(4), -13, 'an already negative errno stays negative');
  t.same([...encodeOutHeader(Buffer.from([9, 9, 9, 9, 9, 9, 9, 9, 1, 1]), 0, 0).subarray(8)], [9, 9, 9, 9, 9, 9, 9, 9],
    'only 8 bytes of unique are copied');
});

t.test('encodeDirents lays out fuse_dirent at the C offsets with FUSE_DIRENT_ALIGN', async (t) => {
  const c = C(t);
  for (let n = 0; n <= 17; n++) {
    t.equal(direntSize('x'.repeat(n)), c.value(`FUSE_DIRENT_ALIGN_${n}`), `direntSize of a ${n}-byte name`);
  }
  t.equal(direntSize('é'), c.value('FUSE_DIRENT_ALIGN_2'), 'sized in UTF-8 bytes, not characters');
  const out = encodeDirents([{ ino: 0x1_0000_0005, name: 'meminfo', type: DirentType.REG }], 0, 4096);
  t.equal(out.length, c.value('FUSE_DIRENT_ALIGN_7'));
  t.equal(out.readBigUInt64LE(c.offset('fuse_dirent', 'ino')), 0x1_0000_0005n);
  t.equal(out.readBigUInt64LE(c.offset('fuse_dirent', 'off')), 1n);
  t.equal(out.readUInt32LE(c.offset('fuse_dirent', 'namelen')), 7);
  t.equal(out.readUInt32LE(c.offset('fuse_dirent', 'type')), c.value('DT_REG'));
  t.equal(out.toString('utf8', c.offset('fuse_dirent', 'name'), c.offset('fuse_dirent', 'name') + 7), 'meminfo');
  t.equal(out[c.offset('fuse_dirent', 'name') + 7], 0, 'padding byte is zero');
});

// ---- decodeHeader validation ----------------------------------------------------------

t.test('decodeHeader rejects short buffers and length mismatches', async (t) => {
  const good = request(Opcode.GETATTR, getattrBody());
  t.equal(decodeHeader(good).opcode, Opcode.GETATTR);
  for (const n of [0, 1, 39]) {
    t.throws(() => decodeHeader(Buffer.alloc(n)),
      { name: 'LxcfsError', code: 'LXCFS_FUSE_PROTOCOL', message: `malformed FUSE request: request of ${n} bytes` }, `${n} bytes`);
  }
  t.throws(() => decodeHeader(good.subarray(0, good.length - 1)), { code: 'LXCFS_FUSE_PROTOCOL' }, 'truncated');
  t.throws(() => decodeHeader(request(Opcode.GETATTR, getattrBody(), { len: 1000 })),
    { code: 'LXCFS_FUSE_PROTOCOL', message: 'malformed FUSE request: header says 1000 bytes, got 56' });
  try {
    decodeHeader(Buffer.alloc(3));
    t.fail('did not throw');
  } catch (err) {
    t.ok(err instanceof LxcfsError, 'an LxcfsError');
    t.equal((err as LxcfsError).errno, 71, 'EPROTO');
  }
  t.throws(() => decodeHeader(request(Opcode.GETATTR, getattrBody(), { len: 40 })), { code: 'LXCFS_FUSE_PROTOCOL' }, 'len smaller than buffer');
  t.throws(() => decodeHeader(Buffer.concat([good, Buffer.alloc(1)])), { code: 'LXCFS_FUSE_PROTOCOL' }, 'trailing byte');
  const bare = request(Opcode.STATFS);
  t.equal(decodeHeader(bare).body.length, 0, 'a header-only request has an empty body');
});

t.test('decodeHeader: node ids past 2^53 decode as NaN', async (t) => {
  t.ok(Number.isNaN(decodeHeader(request(Opcode.GETATTR, getattrBody(), { nodeId: 2n ** 53n })).nodeId));
  t.ok(Number.isNaN(decodeHeader(request(Opcode.GETATTR, getattrBody(), { nodeId: 2n ** 64n - 1n })).nodeId));
  t.equal(decodeHeader(request(Opcode.GETATTR, getattrBody(), { nodeId: 2n ** 53n - 1n })).nodeId, Number.MAX_SAFE_INTEGER);
});

t.test('decodeHeader: the body excludes request extensions (total_extlen), which follow the arguments', async (t) => {
  // fs/fuse/dir.c get_create_ext(): the extension is appended as the LAST in-arg
  // (args->ext_idx = args->in_numargs++), after e.g. MKDIR's fuse_mkdir_in + name;
  // total_extlen counts its 8-byte units. libfuse reads it from the end of the request.
  const args = Buffer.concat([Buffer.alloc(8, 0x11), nameBody('dir')]); // fuse_mkdir_in + "dir\0"
  const extension = Buffer.alloc(16, 0xee); // 2 × 8 bytes
  const raw = request(9 /* MKDIR */, Buffer.concat([args, extension]), { totalExtlen: 2 });
  const h = decodeHeader(raw);
  t.same([...h.body], [...args], 'body = the arguments, without the trailing extension');
});

// ---- small decoders ------------------------------------------------------------------------

t.test('readU64', async (t) => {
  const buf = Buffer.alloc(16);
  buf.writeBigUInt64LE(0x1f_ffff_ffff_ffffn, 0);
  t.equal(readU64(buf, 0), 2 ** 53 - 1);
  buf.writeBigUInt64LE(2n ** 53n, 0);
  t.ok(Number.isNaN(readU64(buf, 0)), '2^53 → NaN');
  buf.writeBigUInt64LE(2n ** 53n + 1n, 0);
  t.ok(Number.isNaN(readU64(buf, 0)), '2^53 + 1 → NaN');
  buf.writeBigUInt64LE(0xffff_ffff_ffff_ffffn, 8);
  t.ok(Number.isNaN(readU64(buf, 8)), '2^64 - 1 → NaN');
  buf.writeBigUInt64LE(0x1_0000_0000n, 8);
  t.equal(readU64(buf, 8), 0x1_0000_0000, 'the high word counts');
  buf.writeBigUInt64LE(0xffff_ffffn, 8);
  t.equal(readU64(buf, 8), 0xffff_ffff, 'low word read unsigned');
  t.throws(() => readU64(Buffer.alloc(7), 0), RangeError, 'out of range');
});

t.test('decodeName', async (t) => {
  t.equal(decodeName(nameBody('meminfo')), 'meminfo', 'NUL-terminated');
  t.equal(decodeName(Buffer.from('meminfo')), 'meminfo', 'without NUL: the whole body');
  t.equal(decodeName(Buffer.from('cpu\0garbage')), 'cpu', 'stops at the first NUL');
  t.equal(decodeName(Buffer.from([0])), '', 'empty name');
  t.equal(decodeName(Buffer.alloc(0)), '', 'empty body');
  t.equal(decodeName(nameBody('répertoire')), 'répertoire', 'UTF-8');
});

t.test('validityOf splits seconds into sec + nsec', async (t) => {
  t.same(validityOf(0.5), { sec: 0, nsec: 500_000_000 });
  t.same(validityOf(1), { sec: 1, nsec: 0 });
  t.same(validityOf(2.25), { sec: 2, nsec: 250_000_000 });
  t.same(validityOf(0), { sec: 0, nsec: 0 });
});

// ---- readdir paging ---------------------------------------------------------------------

interface ParsedDirent { ino: bigint; off: bigint; namelen: number; type: number; name: string; at: number; size: number }

function parseDirents(buf: Buffer): ParsedDirent[] {
  const out: ParsedDirent[] = [];
  let at = 0;
  while (at < buf.length) {
    const namelen = buf.readUInt32LE(at + 16);
    const size = (24 + namelen + 7) & ~7;
    out.push({
      ino: buf.readBigUInt64LE(at), off: buf.readBigUInt64LE(at + 8), namelen, type: buf.readUInt32LE(at + 20),
      name: buf.toString('utf8', at + 24, at + 24 + namelen), at, size,
    });
    at += size;
  }
  if (at !== buf.length) throw new Error(`dirents end at ${at}, buffer has ${buf.length} bytes`);
  return out;
}

const ENTRIES: Dirent[] = [
  { ino: 1, name: '.', type: DirentType.DIR }, // 32 bytes
  { ino: 1, name: '..', type: DirentType.DIR }, // 32
  { ino: 5, name: 'cpuinfo', type: DirentType.REG }, // 24+7 → 32
  { ino: 6, name: 'meminfo1', type: DirentType.REG }, // 24+8 → 32
  { ino: 7, name: 'diskstats', type: DirentType.REG }, // 24+9 → 40
  { ino: 8, name: 'a-much-longer-name-here', type: DirentType.REG }, // 24+23 → 48
];

t.test('encodeDirents: all entries, cookies = index + 1, 8-byte padding', async (t) => {
  const out = encodeDirents(ENTRIES, 0, 4096);
  t.equal(out.length, 32 + 32 + 32 + 32 + 40 + 48);
  const parsed = parseDirents(out);
  t.same(parsed.map((d) => d.name), ENTRIES.map((e) => e.name));
  t.same(parsed.map((d) => d.off), [1n, 2n, 3n, 4n, 5n, 6n]);
  t.same(parsed.map((d) => d.ino), [1n, 1n, 5n, 6n, 7n, 8n]);
  t.same(parsed.map((d) => d.type), [4, 4, 8, 8, 8, 8]);
  t.same(parsed.map((d) => d.at), [0, 32, 64, 96, 128, 168]);
  for (const d of parsed) {
    t.ok(out.subarray(d.at + 24 + d.namelen, d.at + d.size).equals(Buffer.alloc(d.size - 24 - d.namelen)), `${d.name}: zero padding`);
  }
});

t.test('encodeDirents: stops before exceeding maxBytes and resumes at the cookie', async (t) => {
  const first = encodeDirents(ENTRIES, 0, 100);
  t.equal(first.length, 96, 'three 32-byte entries fit in 100, the fourth would exceed');
  t.same(parseDirents(first).map((d) => d.name), ['.', '..', 'cpuinfo']);
  const exact = encodeDirents(ENTRIES, 0, 128);
  t.equal(exact.length, 128, 'an entry that ends exactly at maxBytes is included');
  const cookie = Number(parseDirents(first).at(-1)!.off);
  t.equal(cookie, 3);
  const second = encodeDirents(ENTRIES, cookie, 80);
  t.same(parseDirents(second).map((d) => [d.name, d.off]), [['meminfo1', 4n], ['diskstats', 5n]], '32 + 40 = 72 ≤ 80');
  const third = encodeDirents(ENTRIES, 5, 47);
  t.equal(third.length, 0, 'a 48-byte entry does not fit in 47: nothing, not a partial entry');
  const fourth = encodeDirents(ENTRIES, 5, 48);
  t.same(parseDirents(fourth).map((d) => [d.name, d.off]), [['a-much-longer-name-here', 6n]]);
  t.equal(encodeDirents(ENTRIES, 6, 4096).length, 0, 'at the end: empty (EOF)');
  t.equal(encodeDirents(ENTRIES, 600, 4096).length, 0, 'past the end: empty');
  t.equal(encodeDirents(ENTRIES, Infinity, 4096).length, 0, 'Infinity: empty');
  t.equal(encodeDirents(ENTRIES, 0, 0).length, 0, 'maxBytes 0: empty');
  t.equal(encodeDirents([], 0, 4096).length, 0, 'no entries: empty');
});

t.test('encodeDirents: paging through with any buffer size yields every entry once', async (t) => {
  for (const max of [48, 56, 64, 100, 200]) { // 48 = the largest entry
    const names: string[] = [];
    let cookie = 0;
    for (let rounds = 0; rounds < 20; rounds++) {
      const page = parseDirents(encodeDirents(ENTRIES, cookie, max));
      if (page.length === 0) break;
      names.push(...page.map((d) => d.name));
      cookie = Number(page.at(-1)!.off);
    }
    t.same(names, ENTRIES.map((e) => e.name), `maxBytes ${max}`);
  }
});

t.test('encodeDirents: UTF-8 names use byte length', async (t) => {
  const out = encodeDirents([{ ino: 3, name: 'ünï', type: DirentType.REG }], 0, 4096);
  const [d] = parseDirents(out);
  t.equal(d!.namelen, 5);
  t.equal(d!.name, 'ünï');
  t.equal(out.length, 32);
});
