// The one reader the rest of the daemon sees: picks the v1 or v2 implementation by where
// the memory controller lives, so callers never branch on the cgroup version. With no
// memory hierarchy every read throws LXCFS_NO_CGROUP (the file falls back to the host's).
import { LxcfsError } from '../errors.js';
import type { CgroupLayoutInfo } from './layout.js';
import type { MemorySnapshot } from './types.js';
import { CgroupV1Reader } from './v1.js';
import { CgroupV2Reader } from './v2.js';

export interface CgroupReader {
  /** `path` is the memory cgroup's path relative to its hierarchy root. */
  memory(path: string): MemorySnapshot;
}

export function cgroupReaderFor(layout: CgroupLayoutInfo): CgroupReader {
  const hierarchy = layout.hierarchyOf('memory');
  if (hierarchy === null) {
    return {
      memory(): MemorySnapshot {
        throw new LxcfsError('LXCFS_NO_CGROUP', `no memory hierarchy under ${layout.cgroupRoot}`);
      },
    };
  }
  return hierarchy.version === 1 ? new CgroupV1Reader(hierarchy) : new CgroupV2Reader(hierarchy);
}
