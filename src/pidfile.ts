// The pidfile: holds our pid under an exclusive flock(2) for the daemon's lifetime, so a
// second instance with the same pidfile refuses to start (lxcfs semantics: run extra
// instances with their own -p). Removed at a clean stop.
import { closeSync, fstatSync, ftruncateSync, mkdirSync, openSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { LxcfsError } from './errors.js';

export interface FileLocker {
  lockFile(fd: number): boolean;
}

export class Pidfile {
  readonly #path: string;
  readonly #fd: number;

  private constructor(path: string, fd: number) {
    this.#path = path;
    this.#fd = fd;
  }

  static acquire(path: string, locker: FileLocker, pid = process.pid): Pidfile {
    mkdirSync(dirname(path), { recursive: true });
    // A holder that releases unlinks the file: a lock taken on the unlinked inode meanwhile
    // would be a lock nobody else can see. Locked, the file must still be the one at `path`.
    for (let attempt = 0; ; attempt++) {
      const fd = openSync(path, 'a+', 0o644);
      try {
        if (!locker.lockFile(fd)) throw new LxcfsError('LXCFS_PIDFILE_LOCKED', path);
        if (!isAt(fd, path) && attempt < 3) {
          closeSync(fd);
          continue;
        }
        ftruncateSync(fd, 0);
        writeSync(fd, `${pid}\n`);
      } catch (err) {
        closeSync(fd);
        throw err;
      }
      return new Pidfile(path, fd);
    }
  }

  /**
   * Drops the lock but leaves the file: a successor that took our connection over (waiting on
   * this very file) locks it and writes its pid. Never throws.
   */
  unlock(): void {
    try {
      closeSync(this.#fd);
    } catch {
      // Already closed.
    }
  }

  /** Removes the pidfile and drops the lock. Never throws: it runs on every exit path. */
  release(): void {
    try {
      unlinkSync(this.#path);
    } catch {
      // Already removed by someone else; the lock still goes with the fd.
    }
    try {
      closeSync(this.#fd);
    } catch {
      // Already closed.
    }
  }
}

/** The open file `fd` is the file now at `path` (same inode). */
function isAt(fd: number, path: string): boolean {
  try {
    const open = fstatSync(fd);
    const now = statSync(path);
    return open.ino === now.ino && open.dev === now.dev;
  } catch {
    return false;
  }
}
