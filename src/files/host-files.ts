// Reads host kernel files under the configured roots (fixture trees in tests), through
// the kept-fd table (src/io/kernel-files.ts). Kernel pseudo-files never block on disk,
// so they are read synchronously.
import { join } from 'node:path';
import type { Roots } from '../config.js';
import { LxcfsError } from '../errors.js';
import { readKernelFile, type FileShape } from '../io/kernel-files.js';
import type { HostPath } from './types.js';

/** Host files the kernel writes in one go; any other (cpuinfo, diskstats, swaps) is read to EOF. */
const SINGLE = new Set(['meminfo', 'stat', 'uptime', 'loadavg', 'devices/system/cpu/online']);
/** /proc/<pid>/stat, status and cgroup: single_open files too. */
const PID_FILE = /^\d+\/(?:stat|status|cgroup)$/;

function shapeOf(file: HostPath): FileShape {
  return SINGLE.has(file.path) || (file.root === 'proc' && PID_FILE.test(file.path)) ? 'single' : 'records';
}

export function hostFileReader(roots: Roots): (file: HostPath) => string {
  return (file) => {
    const path = join(file.root === 'proc' ? roots.procRoot : roots.sysRoot, file.path);
    try {
      return readKernelFile(path, shapeOf(file));
    } catch (err) {
      throw new LxcfsError('LXCFS_HOST_UNREADABLE', path, { cause: err });
    }
  };
}
