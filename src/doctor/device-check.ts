// 'fuse-device': the daemon needs <devRoot>/fuse, the misc character device 10:229, opened
// read-write. When it is missing, /sys/module/fuse tells the two usual causes apart: a kernel
// without FUSE loaded (modprobe) or a container that was not given the device. Gathered by
// gatherDevice (the only I/O), judged by the pure checkFuseDevice.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fail, ok, type Finding } from './findings.js';

/** The part of fs.Stats the check reads. */
export interface DeviceStat {
  isCharacterDevice(): boolean;
  readonly rdev: number;
}

/** How the device is reached; injectable because fixture trees cannot hold device nodes. */
export interface DeviceAccess {
  /** fs.statSync: throws ENOENT when there is nothing. */
  statDevice(path: string): DeviceStat;
  /** Opens read-write and closes again; throws what open(2) failed with. */
  openDevice(path: string): void;
}

export interface DeviceState {
  readonly path: string;
  /** The stat error's code ('ENOENT' when missing), or null when stat succeeded. */
  readonly statError: string | null;
  readonly stat: DeviceStat | null;
  /** The open(2) error's code, null when it opened; not tried when stat failed. */
  readonly openError: string | null;
  /** <sysRoot>/module/fuse exists: the kernel has FUSE (built in or loaded). */
  readonly kernelHasFuse: boolean;
}

const FUSE_MAJOR = 10;
const FUSE_MINOR = 229;
const MKNOD = `mknod -m 0666 /dev/fuse c ${FUSE_MAJOR} ${FUSE_MINOR}`;

/** Linux's new_encode_dev split, as glibc's major()/minor() for 32-bit device numbers. */
export function splitDev(rdev: number): { major: number; minor: number } {
  return { major: (rdev >>> 8) & 0xfff, minor: (rdev & 0xff) | ((rdev >>> 12) & 0xfff00) };
}

function codeOf(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? String(err);
}

export function gatherDevice(devRoot: string, sysRoot: string, access: DeviceAccess): DeviceState {
  const path = join(devRoot, 'fuse');
  const kernelHasFuse = existsSync(join(sysRoot, 'module/fuse'));
  let stat: DeviceStat;
  try {
    stat = access.statDevice(path);
  } catch (err) {
    return { path, statError: codeOf(err), stat: null, openError: null, kernelHasFuse };
  }
  let openError: string | null = null;
  try {
    access.openDevice(path);
  } catch (err) {
    openError = codeOf(err);
  }
  return { path, statError: null, stat, openError, kernelHasFuse };
}

export function checkFuseDevice(state: DeviceState): Finding {
  const { path, stat } = state;
  if (stat === null) {
    if (state.statError !== 'ENOENT') return fail('fuse-device', `${path} cannot be examined (${state.statError})`, 'run the doctor as root');
    return missing(path, state.kernelHasFuse);
  }
  if (!stat.isCharacterDevice()) {
    return fail('fuse-device', `${path} exists but is not a character device`, `remove it and create the device: ${MKNOD}`);
  }
  const { major, minor } = splitDev(stat.rdev);
  if (major !== FUSE_MAJOR || minor !== FUSE_MINOR) {
    return fail('fuse-device', `${path} is the character device ${major}:${minor}, not FUSE's ${FUSE_MAJOR}:${FUSE_MINOR}`,
      `remove it and create the right one: ${MKNOD}`);
  }
  if (state.openError !== null) {
    const fix = state.openError === 'ENXIO' || state.openError === 'ENODEV'
      ? 'the kernel has no FUSE driver behind the device: modprobe fuse'
      // EPERM/EACCES: not root, or a device cgroup that does not allow 10:229 (an unprivileged container)
      : 'run lxcfs-node as root; in a container, run it privileged (or allow the device c 10:229 rwm)';
    return fail('fuse-device', `${path} is the FUSE device but cannot be opened read-write (${state.openError})`, fix);
  }
  return ok('fuse-device', `${path} is the FUSE device (${major}:${minor}) and opens read-write`);
}

function missing(path: string, kernelHasFuse: boolean): Finding {
  if (kernelHasFuse) {
    return fail('fuse-device', `${path} is missing, although the kernel has FUSE`,
      'this container was not given the device: run the lxcfs-node pod privileged, or mount /dev/fuse into it (hostPath, type CharDevice)');
  }
  return fail('fuse-device', `${path} is missing and the kernel has no FUSE module loaded`,
    'load it on the node: modprobe fuse (and add fuse to /etc/modules-load.d/ so it survives a reboot)');
}
