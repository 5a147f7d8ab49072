// The native fast path (native/fast-path.cc) on a real /dev/fuse mount served in this
// process: a ReadOnlyFilesystem with fixed content, whose session records every request
// that reaches TypeScript. Readers are child processes started asynchronously (this
// process must keep serving). Checks that OPEN, later-offset READs, RELEASE and FLUSH are
// answered natively with what TypeScript would answer, and that everything unusual still
// reaches TypeScript.
import t, { type Test } from 'tap';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { VirtualFile } from '../../src/files/types.js';
import { FuseDevice } from '../../src/fuse/device.js';
import { ReadOnlyFilesystem, type FilesystemOptions } from '../../src/fuse/filesystem.js';
import { FuseSession } from '../../src/fuse/session.js';
import { mountRequest } from '../../src/mount-options.js';
import { MNT_DETACH, MS_NODEV, MS_NOSUID, native } from '../../src/native/addon.js';
import { requirePrivileges } from '../helpers/env.js';
import { OP } from '../helpers/fuse-requests.js';
import { silentLogger } from '../../src/log.js';

const run = promisify(execFile);
const CONTENT = Buffer.from('line one of the virtual file\nline two, a little longer\nthird\n');

const FILE: VirtualFile = Object.freeze({
  path: 'proc/meminfo', host: { root: 'proc' as const, path: 'meminfo' }, size: 0, summary: 'test',
  gather: () => undefined, render: () => CONTENT.toString(),
});

interface Served {
  readonly path: string;
  readonly fs: ReadOnlyFilesystem;
  /** [opcode, offset of a READ or -1] of every request that reached TypeScript. */
  readonly seen: Array<[number, number]>;
}

function serve(t: Test, options: FilesystemOptions = {}): Served {
  const dir = mkdtempSync(join(tmpdir(), 'lxcfs-node-fast-'));
  const fs = new ReadOnlyFilesystem([FILE], { render: () => Buffer.from(CONTENT) }, Date.now, options);
  const device = new FuseDevice(native.openFuseDevice(), native, silentLogger);
  const session = new FuseSession({ sink: device, operations: fs, logger: silentLogger });
  const seen: Array<[number, number]> = [];
  const request = mountRequest(device.fd, []);
  native.mount('lxcfs-node-test', dir, 'fuse.lxcfs-node-test', MS_NOSUID | MS_NODEV | request.flags, request.data);
  t.teardown(() => {
    try {
      native.umount(dir, MNT_DETACH);
    } catch {
      // already gone
    }
    device.close();
    fs.close();
    rmSync(dir, { recursive: true, force: true });
  });
  device.start((batch) => {
    for (const raw of batch) {
      const opcode = raw.readUInt32LE(4);
      seen.push([opcode, opcode === OP.READ ? Number(raw.readBigUInt64LE(48)) : -1]);
    }
    session.handleAll(batch);
  }, () => {}, 0, fs.openTableId);
  return { path: join(dir, FILE.path), fs, seen };
}

/** Runs a python3 snippet with the file's path as sys.argv[1]; resolves with its stdout. */
async function python(script: string, path: string): Promise<string> {
  const { stdout } = await run('python3', ['-c', script, path], { timeout: 10_000 });
  return stdout;
}

const opcodes = (s: Served) => new Set(s.seen.map(([op]) => op));

async function released(s: Served): Promise<void> {
  // RELEASE is sent after close(2) returns; give the kernel a moment.
  for (let i = 0; i < 100 && s.fs.openCount > 0; i++) await new Promise((r) => setTimeout(r, 10));
}

t.test('cat: only the read at offset 0 reaches TypeScript', async (t) => {
  if (!requirePrivileges(t)) return;
  const s = serve(t);
  for (let i = 0; i < 3; i++) {
    const { stdout } = await run('cat', [s.path], { timeout: 10_000, encoding: 'buffer' });
    t.same(stdout, CONTENT, `cat ${i + 1} reads the whole content`);
  }
  await released(s);
  t.notOk(opcodes(s).has(OP.OPEN), 'no OPEN reached TypeScript');
  t.notOk(opcodes(s).has(OP.RELEASE), 'no RELEASE reached TypeScript');
  t.same(s.seen.filter(([op]) => op === OP.READ), [[OP.READ, 0], [OP.READ, 0], [OP.READ, 0]], 'one READ each, at 0');
  const stats = s.fs.openStats();
  t.equal(stats.open, 0, 'every handle released');
  t.equal(stats.answered.open, 3);
  t.equal(stats.answered.release, 3);
  t.equal(stats.answered.read, 3, 'the reads at the end of the file');
});

t.test('small reads: later offsets are sliced natively from the snapshot', async (t) => {
  if (!requirePrivileges(t)) return;
  const s = serve(t);
  const out = await python(`
import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
parts = []
while True:
    b = os.read(fd, 7)
    if not b: break
    parts.append(b)
os.close(fd)
sys.stdout.write(b''.join(parts).decode())
print('|%d' % len(parts))`, s.path);
  t.equal(out, `${CONTENT.toString()}|${Math.ceil(CONTENT.length / 7)}\n`, 'the same bytes, 7 at a time');
  t.same(s.seen.filter(([op]) => op === OP.READ), [[OP.READ, 0]], 'only the first read rendered');
  t.equal(s.fs.openStats().answered.read, Math.ceil(CONTENT.length / 7), 'every later read, the empty last one included');
});

t.test('a fresh handle read past 0 is EOF, and reading again at 0 renders anew', async (t) => {
  if (!requirePrivileges(t)) return;
  const s = serve(t);
  const out = await python(`
import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
a = os.pread(fd, 100, 5)
b = os.pread(fd, 10, 0)
c = os.pread(fd, 10, 10)
d = os.pread(fd, 10, 0)
print(len(a), b.decode(), c.decode(), d.decode(), sep='|')`, s.path);
  t.equal(out, `0|${CONTENT.subarray(0, 10)}|${CONTENT.subarray(10, 20)}|${CONTENT.subarray(0, 10)}\n`);
  t.same(s.seen.filter(([op]) => op === OP.READ), [[OP.READ, 0], [OP.READ, 0]]);
});

t.test('a snapshot dropped for the budget: its next later-offset read goes to TypeScript, which renders afresh', async (t) => {
  if (!requirePrivileges(t)) return;
  const s = serve(t, { snapshotBudget: CONTENT.length + 10 });
  const out = await python(`
import os, sys
one = os.open(sys.argv[1], os.O_RDONLY)
two = os.open(sys.argv[1], os.O_RDONLY)
a = os.pread(one, 10, 0)
b = os.pread(two, 10, 0)
c = os.pread(one, 10, 10)
d = os.pread(one, 10, 20)
print(a.decode(), b.decode(), c.decode(), d.decode(), sep='|')`, s.path);
  const at = (o: number) => CONTENT.subarray(o, o + 10).toString();
  t.equal(out, `${at(0)}|${at(0)}|${at(10)}|${at(20)}\n`);
  t.same(s.seen.filter(([op]) => op === OP.READ), [[OP.READ, 0], [OP.READ, 0], [OP.READ, 10]],
    'the read after the drop rendered in TypeScript; the next one was sliced natively from that render');
  await released(s);
  t.same(s.fs.openStats().snapshots, { bytes: 0, dropped: 2 });
});

t.test('what the table cannot decide reaches TypeScript and gets its answer', async (t) => {
  if (!requirePrivileges(t)) return;
  const s = serve(t);
  const out = await python(`
import errno, os, sys
def code(f):
    try:
        f(); return 'ok'
    except OSError as e:
        return errno.errorcode[e.errno]
print(code(lambda: os.open(sys.argv[1], os.O_RDWR)), code(lambda: os.open(sys.argv[1], os.O_WRONLY)))
fd = os.open(sys.argv[1], os.O_RDONLY)
os.pread(fd, 8, 0)
print(code(lambda: os.pread(fd, 8, 100000)))
os.close(fd)`, s.path);
  t.equal(out, 'EACCES EACCES\nEINVAL\n', 'write opens refused, an offset past the snapshot refused');
  t.equal(s.seen.filter(([op]) => op === OP.OPEN).length, 2, 'the refused opens were decided by TypeScript');
  t.same(s.seen.filter(([op, offset]) => op === OP.READ && offset > 0), [[OP.READ, 100000]]);
  await released(s);
  t.equal(s.fs.openCount, 0);
});

t.test('directories never take the fast path', async (t) => {
  if (!requirePrivileges(t)) return;
  const s = serve(t);
  const { stdout } = await run('ls', ['-a', join(s.path, '..')], { timeout: 10_000 });
  t.equal(stdout, '.\n..\nmeminfo\n');
  t.ok(opcodes(s).has(OP.OPENDIR) && opcodes(s).has(OP.READDIR) && opcodes(s).has(OP.RELEASEDIR));
  t.equal(s.fs.openStats().answered.open, 0);
});
