import t from 'tap';
import type { VirtualFile } from '../../src/files/types.js';
import { OpenFiles } from '../../src/fuse/handles.js';
import type { FileNode } from '../../src/fuse/inodes.js';

function node(name: string): FileNode {
  const file: VirtualFile = {
    path: `proc/${name}`, size: 0, summary: name, host: { root: 'proc', path: name },
    gather: () => undefined, render: () => '',
  };
  return { kind: 'file', ino: 3, name, parent: 2, mode: 0o100444, file };
}

t.test('open hands out 1, 2, 3 … with a null snapshot', async (t) => {
  const files = new OpenFiles();
  const a = node('a');
  const b = node('b');
  t.equal(files.size, 0);
  t.equal(files.open(a), 1);
  t.equal(files.open(b), 2);
  t.equal(files.open(a), 3, 'the same node opened twice gets two handles');
  t.equal(files.size, 3);
  t.equal(files.get(1)?.node, a);
  t.equal(files.get(2)?.node, b);
  t.equal(files.get(3)?.node, a);
  t.equal(files.get(1)?.snapshot, null);
  t.not(files.get(1), files.get(3), 'separate state per handle');
});

t.test('get of unknown handles is undefined', async (t) => {
  const files = new OpenFiles();
  files.open(node('a'));
  for (const fh of [0, 2, -1, Number.NaN, 1.5]) t.equal(files.get(fh), undefined, String(fh));
});

t.test('snapshots are per handle and survive until release', async (t) => {
  const files = new OpenFiles();
  const fh1 = files.open(node('a'));
  const fh2 = files.open(node('a'));
  files.get(fh1)!.snapshot = Buffer.from('one');
  t.equal(files.get(fh1)?.snapshot?.toString(), 'one');
  t.equal(files.get(fh2)?.snapshot, null);
});

t.test('release drops the handle; numbers are not reused', async (t) => {
  const files = new OpenFiles();
  const fh1 = files.open(node('a'));
  const fh2 = files.open(node('b'));
  files.release(fh1);
  t.equal(files.get(fh1), undefined);
  t.equal(files.get(fh2)?.node.name, 'b');
  t.equal(files.size, 1);
  files.release(fh1);
  files.release(999);
  t.equal(files.size, 1, 'releasing unknown handles is a no-op');
  t.equal(files.open(node('c')), 3, 'the next fh is new, not the released one');
});
