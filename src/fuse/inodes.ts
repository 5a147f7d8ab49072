// The static tree served under the mountpoint, built once from the file registry:
// directories are implied by the files' paths. Inode numbers are assigned in registry
// order and never change or get reused, so FORGET needs no bookkeeping.
import type { VirtualFile } from '../files/types.js';
import { DirentType, FUSE_ROOT_ID, type Dirent } from './protocol.js';

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;

interface NodeBase {
  readonly ino: number;
  readonly name: string;
  readonly parent: number;
  readonly mode: number;
}

export interface DirNode extends NodeBase {
  readonly kind: 'dir';
  readonly children: Map<string, TreeNode>;
  /** '.', '..' and the children, in readdir order. */
  readonly dirents: Dirent[];
}

export interface FileNode extends NodeBase {
  readonly kind: 'file';
  readonly file: VirtualFile;
}

export type TreeNode = DirNode | FileNode;

/** The mountpoint's root is writable by nobody but looks like lxcfs's (0755); the rest 0555. */
function dirMode(isRoot: boolean): number {
  return S_IFDIR | (isRoot ? 0o755 : 0o555);
}

export class InodeTable {
  readonly #nodes: TreeNode[] = [];

  constructor(files: readonly VirtualFile[]) {
    this.#nodes[FUSE_ROOT_ID] = this.#newDir('', FUSE_ROOT_ID);
    for (const file of files) this.#addFile(file);
    for (const node of this.#nodes) {
      if (node?.kind === 'dir') node.dirents.push(...[...node.children.values()].map(direntOf));
    }
  }

  get(ino: number): TreeNode | undefined {
    return Number.isInteger(ino) ? this.#nodes[ino] : undefined;
  }

  /** Every file node, in inode order. */
  get files(): FileNode[] {
    return this.#nodes.filter((node): node is FileNode => node?.kind === 'file');
  }

  get root(): DirNode {
    return this.#nodes[FUSE_ROOT_ID] as DirNode;
  }

  /** Number of directory children of a directory, for nlink. */
  static subdirCount(dir: DirNode): number {
    let count = 0;
    for (const child of dir.children.values()) if (child.kind === 'dir') count++;
    return count;
  }

  #newDir(name: string, parent: number): DirNode {
    const ino = this.#nodes.length === 0 ? FUSE_ROOT_ID : this.#nodes.length;
    const dir: DirNode = {
      kind: 'dir', ino, name, parent, mode: dirMode(ino === FUSE_ROOT_ID), children: new Map(),
      dirents: [{ ino, name: '.', type: DirentType.DIR }, { ino: parent, name: '..', type: DirentType.DIR }],
    };
    this.#nodes[ino] = dir;
    return dir;
  }

  #addFile(file: VirtualFile): void {
    const parts = file.path.split('/');
    const name = parts.pop();
    const invalid = (part: string) => part === '' || part === '.' || part === '..';
    if (name === undefined || invalid(name) || parts.some(invalid)) {
      throw new Error(`invalid virtual file path ${JSON.stringify(file.path)}`);
    }
    let dir = this.root;
    for (const part of parts) {
      const next = dir.children.get(part);
      if (next?.kind === 'file') throw new Error(`${file.path}: ${part} is a file`);
      dir = next ?? this.#adopt(dir, this.#newDir(part, dir.ino));
    }
    if (dir.children.has(name)) throw new Error(`duplicate virtual file ${file.path}`);
    this.#adopt(dir, { kind: 'file', ino: this.#nodes.length, name, parent: dir.ino, mode: S_IFREG | 0o444, file });
  }

  #adopt<T extends TreeNode>(dir: DirNode, node: T): T {
    this.#nodes[node.ino] = node;
    dir.children.set(node.name, node);
    return node;
  }
}

function direntOf(node: TreeNode): Dirent {
  return { ino: node.ino, name: node.name, type: node.kind === 'dir' ? DirentType.DIR : DirentType.REG };
}
