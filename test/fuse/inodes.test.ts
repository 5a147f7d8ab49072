import t from 'tap';
import type { VirtualFile } from '../../src/files/types.js';
import { InodeTable, type DirNode, type TreeNode } from '../../src/fuse/inodes.js';

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;

function file(path: string, size = 0): VirtualFile {
  return {
    path, size, summary: path, host: { root: 'proc', path },
    gather: () => { throw new Error('not used'); },
    render: () => { throw new Error('not used'); },
  };
}

const FILES = [
  file('proc/cpuinfo'),
  file('proc/meminfo'),
  file('sys/devices/system/cpu/online', 4096),
  file('proc/stat'),
];

function shape(node: TreeNode | undefined) {
  if (node === undefined) return undefined;
  return { ino: node.ino, kind: node.kind, name: node.name, parent: node.parent, mode: node.mode };
}

t.test('inode numbers: root 1, then in registry order, directories before their files', async (t) => {
  const table = new InodeTable(FILES);
  t.same(shape(table.get(1)), { ino: 1, kind: 'dir', name: '', parent: 1, mode: S_IFDIR | 0o755 }, 'root is its own parent');
  t.same(shape(table.get(2)), { ino: 2, kind: 'dir', name: 'proc', parent: 1, mode: S_IFDIR | 0o555 });
  t.same(shape(table.get(3)), { ino: 3, kind: 'file', name: 'cpuinfo', parent: 2, mode: S_IFREG | 0o444 });
  t.same(shape(table.get(4)), { ino: 4, kind: 'file', name: 'meminfo', parent: 2, mode: S_IFREG | 0o444 });
  t.same(shape(table.get(5)), { ino: 5, kind: 'dir', name: 'sys', parent: 1, mode: S_IFDIR | 0o555 });
  t.same(shape(table.get(6)), { ino: 6, kind: 'dir', name: 'devices', parent: 5, mode: S_IFDIR | 0o555 });
  t.same(shape(table.get(7)), { ino: 7, kind: 'dir', name: 'system', parent: 6, mode: S_IFDIR | 0o555 });
  t.same(shape(table.get(8)), { ino: 8, kind: 'dir', name: 'cpu', parent: 7, mode: S_IFDIR | 0o555 });
  t.same(shape(table.get(9)), { ino: 9, kind: 'file', name: 'online', parent: 8, mode: S_IFREG | 0o444 });
  t.same(shape(table.get(10)), { ino: 10, kind: 'file', name: 'stat', parent: 2, mode: S_IFREG | 0o444 }, 'proc reused, not duplicated');
  t.equal(table.get(11), undefined);
  const online = table.get(9);
  t.equal(online?.kind === 'file' ? online.file : undefined, FILES[2], 'file nodes carry the VirtualFile');
  t.equal(table.root, table.get(1));
});

t.test('get() of non-inodes is undefined', async (t) => {
  const table = new InodeTable(FILES);
  for (const ino of [0, -1, 1.5, Number.NaN, Infinity, 2 ** 53, 1000]) t.equal(table.get(ino), undefined, String(ino));
});

t.test('dirents: ".", "..", then children in insertion order', async (t) => {
  const table = new InodeTable(FILES);
  t.same(table.root.dirents, [
    { ino: 1, name: '.', type: 4 }, { ino: 1, name: '..', type: 4 },
    { ino: 2, name: 'proc', type: 4 }, { ino: 5, name: 'sys', type: 4 },
  ]);
  const proc = table.get(2) as DirNode;
  t.same(proc.dirents, [
    { ino: 2, name: '.', type: 4 }, { ino: 1, name: '..', type: 4 },
    { ino: 3, name: 'cpuinfo', type: 8 }, { ino: 4, name: 'meminfo', type: 8 }, { ino: 10, name: 'stat', type: 8 },
  ]);
  t.same([...proc.children.keys()], ['cpuinfo', 'meminfo', 'stat']);
  const cpu = table.get(8) as DirNode;
  t.same(cpu.dirents.map((d) => [d.ino, d.name]), [[8, '.'], [7, '..'], [9, 'online']]);
});

t.test('subdirCount counts directory children only', async (t) => {
  const table = new InodeTable([...FILES, file('top-level-file')]);
  t.equal(InodeTable.subdirCount(table.root), 2, 'proc and sys, not the top-level file');
  t.equal(InodeTable.subdirCount(table.get(2) as DirNode), 0);
  t.equal(InodeTable.subdirCount(table.get(5) as DirNode), 1);
  t.equal(InodeTable.subdirCount(new InodeTable([]).root), 0);
});

t.test('an empty registry: just the root', async (t) => {
  const table = new InodeTable([]);
  t.same(table.root.dirents.map((d) => d.name), ['.', '..']);
  t.equal(table.get(2), undefined);
});

t.test('invalid paths are refused', async (t) => {
  for (const path of ['', '/proc/meminfo', 'proc/', 'proc//meminfo', './proc/meminfo', 'proc/../meminfo', 'a/./b']) {
    t.throws(() => new InodeTable([file(path)]), { message: `invalid virtual file path ${JSON.stringify(path)}` }, JSON.stringify(path));
  }
});

t.test('a final path component "." or ".." is refused', async (t) => {
  // The check covers the directory parts but not the file name itself, so 'proc/..'
  // becomes a regular file named ".." that LOOKUP would return instead of the parent.
  for (const path of ['proc/.', 'proc/..', '..', '.']) {
    t.throws(() => new InodeTable([file(path)]), { message: `invalid virtual file path ${JSON.stringify(path)}` }, JSON.stringify(path));
  }
});

t.test('duplicates and file/directory clashes are refused', async (t) => {
  t.throws(() => new InodeTable([file('proc/meminfo'), file('proc/meminfo')]), { message: 'duplicate virtual file proc/meminfo' });
  t.throws(() => new InodeTable([file('proc/meminfo'), file('proc/meminfo/x')]), { message: 'proc/meminfo/x: meminfo is a file' });
  t.throws(() => new InodeTable([file('proc/sys/x'), file('proc/sys')]), { message: 'duplicate virtual file proc/sys' },
    'a file where a directory already is');
});
