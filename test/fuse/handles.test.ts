import t, { type Test } from 'tap';
import type { VirtualFile } from '../../src/files/types.js';
import { OpenFiles } from '../../src/fuse/handles.js';
import type { FileNode } from '../../src/fuse/inodes.js';
import { native } from '../../src/native/addon.js';

function node(name: string, ino: number): FileNode {
  const file: VirtualFile = {
    path: `proc/${name}`, size: 0, summary: name, host: { root: 'proc', path: name },
    gather: () => undefined, render: () => '',
  };
  return { kind: 'file', ino, name, parent: 2, mode: 0o100444, file };
}

const A = node('a', 3);
const B = node('b', 4);

function table(t: Test): OpenFiles {
  const files = new OpenFiles(native, [A, B], 0x21);
  t.teardown(() => files.close());
  return files;
}

t.test('open hands out 1, 2, 3 … with a null snapshot', async (t) => {
  const files = table(t);
  t.equal(files.size, 0);
  t.equal(files.open(A), 1);
  t.equal(files.open(B), 2);
  t.equal(files.open(A), 3, 'the same node opened twice gets two handles');
  t.equal(files.size, 3);
  t.equal(files.nodeOf(1), A);
  t.equal(files.nodeOf(2), B);
  t.equal(files.nodeOf(3), A);
  t.equal(files.snapshot(1), null);
});

t.test('every table numbers its own handles', async (t) => {
  const one = table(t);
  const two = table(t);
  t.not(one.id, two.id);
  t.equal(one.open(A), 1);
  t.equal(two.open(A), 1);
  one.release(1);
  t.equal(two.nodeOf(1), A, 'releasing in one table leaves the other alone');
});

t.test('unknown handles are undefined, malformed ones never reach the table', async (t) => {
  const files = table(t);
  files.open(A);
  for (const fh of [0, 2, -1, Number.NaN, 1.5, 2 ** 60]) {
    t.equal(files.nodeOf(fh), undefined, String(fh));
    t.equal(files.snapshot(fh), undefined, String(fh));
    t.doesNotThrow(() => files.release(fh));
  }
});

t.test('snapshots are per handle, copied, and survive until release', async (t) => {
  const files = table(t);
  const fh1 = files.open(A);
  const fh2 = files.open(A);
  const content = Buffer.from('one');
  files.setSnapshot(fh1, content);
  content.write('two');
  t.equal(files.snapshot(fh1)?.toString(), 'one', 'the table keeps its own copy');
  t.equal(files.snapshot(fh2), null);
  files.setSnapshot(fh1, Buffer.from('three'));
  t.equal(files.snapshot(fh1)?.toString(), 'three', 'a new offset-0 read replaces the snapshot');
  files.release(fh1);
  t.equal(files.snapshot(fh1), undefined);
  t.doesNotThrow(() => files.setSnapshot(fh1, Buffer.from('late')), 'a released handle keeps nothing');
  t.equal(files.snapshot(fh1), undefined);
});

t.test('snapshot bytes are bounded: past the budget other handles\' snapshots are dropped, down to half', async (t) => {
  const files = new OpenFiles(native, [A, B], 0x21, undefined, 1, 100);
  t.teardown(() => files.close());
  const fhs = [files.open(A), files.open(B), files.open(A), files.open(B)];
  files.setSnapshot(fhs[0]!, Buffer.alloc(30, 'a'));
  files.setSnapshot(fhs[1]!, Buffer.alloc(30, 'b'));
  files.setSnapshot(fhs[1]!, Buffer.alloc(40, 'b')); // replaced, not added
  t.same(files.stats().snapshots, { bytes: 70, dropped: 0 });
  files.setSnapshot(fhs[2]!, Buffer.alloc(40, 'c')); // 110 > 100: drop others until ≤ 50
  const { bytes, dropped } = files.stats().snapshots;
  t.ok(bytes <= 50, `${bytes} bytes left`);
  t.equal(dropped, 2, 'both other snapshots had to go');
  t.equal(files.snapshot(fhs[2]!)?.toString(), 'c'.repeat(40), 'the one just set is kept');
  t.equal(files.snapshot(fhs[0]!), undefined, 'a dropped snapshot reads as unknown: render afresh');
  t.equal(files.nodeOf(fhs[0]!), A, 'its handle stays open');
  t.equal(files.snapshot(fhs[3]!), null, 'a fresh handle stays fresh');
  files.setSnapshot(fhs[0]!, Buffer.from('again'));
  t.equal(files.snapshot(fhs[0]!)?.toString(), 'again', 'kept again once rendered again');
  t.equal(files.stats().snapshots.bytes, 45);
  files.release(fhs[2]!);
  files.release(fhs[0]!);
  t.same(files.stats().snapshots, { bytes: 0, dropped: 2 }, 'release gives the bytes back');
  const big = files.open(A);
  files.setSnapshot(big, Buffer.alloc(500));
  t.equal(files.snapshot(big)?.length, 500, 'one snapshot over the whole budget is still kept (a read in progress needs it)');
});

t.test('release drops the handle; numbers are not reused', async (t) => {
  const files = table(t);
  const fh1 = files.open(A);
  const fh2 = files.open(B);
  files.release(fh1);
  t.equal(files.nodeOf(fh1), undefined);
  t.equal(files.nodeOf(fh2)?.name, 'b');
  t.equal(files.size, 1);
  files.release(fh1);
  files.release(999);
  t.equal(files.size, 1, 'releasing unknown handles is a no-op');
  t.equal(files.open(B), 3, 'the next fh is new, not the released one');
});

t.test('stats start at zero; close is idempotent and ends the table', async (t) => {
  const files = new OpenFiles(native, [A], 0);
  t.same(files.stats(), { open: 0, answered: { open: 0, read: 0, release: 0, flush: 0 }, snapshots: { bytes: 0, dropped: 0 } });
  files.close();
  files.close();
  t.throws(() => files.open(A), /unknown open-file table/);
});

t.test('the native table refuses bad arguments', async (t) => {
  t.throws(() => native.createOpenTable([0], 0), /positive integers/);
  t.throws(() => native.createOpenTable([1.5], 0), /positive integers/);
  t.throws(() => native.createOpenTable('x' as unknown as number[], 0), /must be an array/);
  t.throws(() => native.createOpenTable([1], 2 ** 33), /out of range/);
  t.throws(() => native.openTableOpen(123456, 1), /unknown open-file table/);
  const id = native.createOpenTable([1], 0);
  t.teardown(() => native.destroyOpenTable(id));
  t.throws(() => native.openTableSetSnapshot(id, 1, 'x' as unknown as Buffer), /must be a Buffer/);
  t.throws(() => native.openTableOpen(id, -1), /non-negative integer/);
  t.throws(() => native.createOpenTable([1], 0, 1, -1), /non-negative integer/);
});
