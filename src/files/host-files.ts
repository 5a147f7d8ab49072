// Reads host kernel files under the configured roots (fixture trees in tests).
// Kernel pseudo-files never block on disk, so they are read synchronously.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Roots } from '../config.js';
import { LxcfsError } from '../errors.js';
import type { HostPath } from './types.js';

export function hostFileReader(roots: Roots): (file: HostPath) => string {
  return (file) => {
    const path = join(file.root === 'proc' ? roots.procRoot : roots.sysRoot, file.path);
    try {
      return readFileSync(path, 'utf8');
    } catch (err) {
      throw new LxcfsError('LXCFS_HOST_UNREADABLE', path, { cause: err });
    }
  };
}
