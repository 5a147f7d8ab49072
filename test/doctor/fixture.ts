// A node for the doctor as a fixture tree (t.testdir): /proc (the doctor's mount table, host
// meminfo, one container process 4242 in its own pid namespace with a 256 MiB memory cgroup
// and its own mount table), a cgroup v2 root, /sys/module/fuse and a mountpoint holding
// plain files. What a tree cannot hold — a device node, a dead or hung mount, another pid
// namespace — is the fixture's DoctorDeps, with knobs for each scenario.
import { mkdirSync, readdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Test } from 'tap';
import type { DoctorOptions } from '../../src/doctor/args.js';
import type { Liveness } from '../../src/doctor/child.js';
import type { DoctorDeps } from '../../src/doctor/deps.js';
import { SERVED_FILES } from '../../src/doctor/files-check.js';

export const PID = 4242;
export const LIMIT_KB = 262144; // 256 MiB
export const HOST_KB = 16384000;
/** The device of the live mount at the mountpoint. */
export const LIVE_DEVICE = '0:60';
/** rdev of the character device 10:229. */
export const FUSE_RDEV = (10 << 8) | 229;

export const HOST_MEMINFO = `MemTotal:       ${HOST_KB} kB\nMemFree:         8000000 kB\nMemAvailable:   12000000 kB\nSwapTotal:             0 kB\nSwapFree:              0 kB\n`;

export function meminfoWith(memTotalKb: number): string {
  return HOST_MEMINFO.replace(/^MemTotal: +\d+/, `MemTotal:       ${memTotalKb}`);
}

export type FsKind = 'ours' | 'reference' | 'tmpfs';

export interface Scenario {
  /** What is mounted at the mountpoint; null: nothing. */
  readonly hostMount?: FsKind | null;
  /** What the probe answers. */
  readonly liveness?: Liveness;
  /** <devRoot>/fuse: present (10:229, opens) or missing (stat ENOENT). */
  readonly device?: 'ok' | 'missing';
  /** How the process's /proc files are mounted: every one, none, all but meminfo. */
  readonly pidCover?: FsKind | 'none' | 'partial';
  /** Device of the process's covering mounts (another one: a previous daemon's). */
  readonly pidDevice?: string;
  /** MemTotal the process sees. */
  readonly viewKb?: number;
  /** Files in the mountpoint that are empty. */
  readonly emptyFiles?: readonly string[];
}

export interface Fixture {
  readonly dir: string;
  readonly mountpoint: string;
  readonly options: DoctorOptions;
  readonly deps: DoctorDeps;
  /** argv giving the same options to doctorCommandWith. */
  readonly argv: string[];
  /** What readAsPid was asked for. */
  readonly pidReads: string[];
}

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** ns links are plain symlinks whose target text readlink returns like the kernel's magic links. */
function nsLink(target: string, path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  symlinkSync(target, path);
}

/** One mountinfo line (proc(5)). */
export function mountLine(id: number, parent: number, device: string, root: string, point: string, fsType: string, source: string): string {
  return `${id} ${parent} ${device} ${root} ${point} rw,nosuid,nodev,relatime shared:${id} - ${fsType} ${source} rw`;
}

const FSTYPE: Record<FsKind, [string, string]> = {
  ours: ['fuse.lxcfs-node', 'lxcfs-node'],
  reference: ['fuse.lxcfs', 'lxcfs'],
  tmpfs: ['tmpfs', 'tmpfs'],
};

export function hostMountinfo(mountpoint: string, kind: FsKind | null): string {
  const lines = [mountLine(22, 1, '8:1', '/', '/', 'ext4', '/dev/sda1'), mountLine(23, 22, '0:21', '/', '/proc', 'proc', 'proc')];
  if (kind !== null) lines.push(mountLine(60, 22, LIVE_DEVICE, '/', mountpoint, ...FSTYPE[kind]));
  return `${lines.join('\n')}\n`;
}

/** A container's table: its root, /proc and /sys, then a bind of each covered file. */
export function containerMountinfo(cover: Scenario['pidCover'], device: string): string {
  const lines = [
    mountLine(100, 90, '0:80', '/', '/', 'overlay', 'overlay'),
    mountLine(101, 100, '0:81', '/', '/proc', 'proc', 'proc'),
    mountLine(102, 100, '0:82', '/', '/sys', 'sysfs', 'sysfs'),
  ];
  if (cover !== 'none') {
    const kind: FsKind = cover === 'reference' || cover === 'tmpfs' ? cover : 'ours';
    SERVED_FILES.forEach((path, i) => {
      if (cover === 'partial' && path === 'proc/meminfo') return;
      const parent = path.startsWith('proc/') ? 101 : 102;
      lines.push(mountLine(110 + i, parent, device, `/${path}`, `/${path}`, ...FSTYPE[kind]));
    });
  }
  return `${lines.join('\n')}\n`;
}

export function buildFixture(t: Test, scenario: Scenario = {}): Fixture {
  const dir = realpathSync(t.testdir({}));
  const mountpoint = join(dir, 'mnt');
  const proc = join(dir, 'proc');
  const cgroup = join(dir, 'cgroup');
  write(join(proc, 'self/mountinfo'), hostMountinfo(mountpoint, scenario.hostMount === undefined ? 'ours' : scenario.hostMount));
  write(join(proc, 'meminfo'), HOST_MEMINFO);
  nsLink('pid:[4026531836]', join(proc, 'self/ns/pid'));
  const pidDir = join(proc, String(PID));
  write(join(pidDir, 'mountinfo'), containerMountinfo(scenario.pidCover ?? 'ours', scenario.pidDevice ?? LIVE_DEVICE));
  write(join(pidDir, 'cgroup'), '0::/pod/ctr\n');
  write(join(pidDir, 'status'), `Name:\tapp\nTgid:\t${PID}\nPid:\t${PID}\nPPid:\t4200\nNSpid:\t${PID}\t1\n`);
  nsLink('pid:[4026532001]', join(pidDir, 'ns/pid'));
  write(join(pidDir, 'root/proc/meminfo'), meminfoWith(scenario.viewKb ?? LIMIT_KB));
  write(join(cgroup, 'cgroup.controllers'), 'cpuset cpu io memory pids\n');
  write(join(cgroup, 'pod/ctr/memory.max'), `${LIMIT_KB * 1024}\n`);
  write(join(cgroup, 'pod/ctr/memory.current'), '104857600\n');
  write(join(cgroup, 'pod/ctr/memory.stat'), 'anon 104857600\nfile 0\n');
  mkdirSync(join(dir, 'sys/module/fuse'), { recursive: true });
  mkdirSync(join(dir, 'dev'));
  for (const path of SERVED_FILES) write(join(mountpoint, path), scenario.emptyFiles?.includes(path) === true ? '' : `${path}\n`);
  const pidReads: string[] = [];
  const deps: DoctorDeps = {
    statDevice: (path) => {
      if (scenario.device === 'missing') throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      return { isCharacterDevice: () => true, rdev: FUSE_RDEV };
    },
    openDevice: () => {},
    probe: async (path) => {
      if (scenario.liveness !== undefined) return scenario.liveness;
      readdirSync(path);
      return { state: 'live' };
    },
    readFiles: async (paths) => paths.map((path) => ({ ok: true, text: readFileSync(path, 'utf8') })),
    readAsPid: async (pid, path) => {
      pidReads.push(`${pid} ${path}`);
      return { ok: true, text: readFileSync(path, 'utf8') };
    },
  };
  const options: DoctorOptions = {
    mountpoint, pid: PID, json: false, timeoutMs: 500, devRoot: join(dir, 'dev'),
    procRoot: proc, sysRoot: join(dir, 'sys'), cgroupRoot: cgroup,
  };
  const argv = ['--pid', String(PID), '--timeout-ms', '500', '--proc-root', proc, '--sys-root', options.sysRoot,
    '--cgroup-root', cgroup, '--dev-root', options.devRoot, mountpoint];
  return { dir, mountpoint, options, deps, argv, pidReads };
}
