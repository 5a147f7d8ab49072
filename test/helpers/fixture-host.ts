// A whole fixture host for rendering every virtual file through the daemon's own wiring: a host
// /proc (8 CPUs) and /sys, a cgroup tree copied from test/fixtures, and a caller pid 4242 that
// is the init of a container's pid namespace. Shared by the scenario snapshots and the render fuzz.
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Test } from 'tap';
import type { RenderOptions } from '../../src/files/types.js';

export const FIXTURES = resolve(import.meta.dirname, '../fixtures');
export const fixture = (...parts: string[]) => readFileSync(join(FIXTURES, ...parts), 'utf8');
export const PID = 4242;
export const DOCKER = '/docker/3f9c2a7d1b8e4c6f0a5d9e2b7c1f8a4d6e3b0c9f2a5d8e1b4c7f0a3d6e9b2c5f';
const KUBE_POD = 'kubepods-burstable-pod0f1e2d3c_4b5a_4978_8695_a4b3c2d1e0f9.slice';
const KUBE_CPUSET = `/${KUBE_POD}/cri-containerd-6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d.scope`;
const KUBE_CPU = `/system.slice/containerd.service/${KUBE_POD}:cri-containerd:6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d`;
const V2_POD = '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod7c1e4f2a_93b8_4d5e_a6f1_2b9c8d7e6f50.slice';
export const V2_CONTAINER = `${V2_POD}/cri-containerd-1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f809.scope`;

/** Block devices of the fixture cgroups' I/O (sda 8:0, nvme 259:0, a dm and a loop). */
const DISKSTATS = [
  '   7       2 loop2 50 0 700 10 0 0 0 0 0 20 10 0 0 0 0 0 0',
  '   8       0 sda 81234 1201 9876540 40120 61234 3402 7654320 80230 0 61020 120350 0 0 0 0 5400 230',
  ' 253       0 dm-0 80111 0 9800000 40000 64000 0 7600000 81000 0 60000 121000 0 0 0 0 0 0',
  ' 259       0 nvme0n1 120034 220 18034568 30210 98211 4411 12004588 60220 0 50112 90430 0 0 0 0 2100 120',
].join('\n') + '\n';

export interface Scenario {
  readonly name: string;
  readonly cgroupTree: string;
  /** /proc/4242/cgroup */
  readonly procCgroup: string;
  readonly options: RenderOptions;
}

const v1Cgroup = (cpuset: string, cpu: string, other: string) =>
  `12:cpuset:${cpuset}\n5:cpu,cpuacct:${cpu}\n4:memory:${other}\n3:blkio:${other}\n1:name=systemd:${other}\n`;

export const SCENARIOS: Scenario[] = [
  { name: 'v1 docker: sparse cpuset 0,2-3, quota 0.5', cgroupTree: 'cgroup-v1', procCgroup: v1Cgroup(DOCKER, DOCKER, DOCKER), options: { swap: true, cfs: false, loadavg: false } },
  { name: 'v1 docker with --enable-cfs', cgroupTree: 'cgroup-v1', procCgroup: v1Cgroup(DOCKER, DOCKER, DOCKER), options: { swap: true, cfs: true, loadavg: false } },
  { name: 'v1 Kubernetes: cpu and cpuset at different paths, quota 1.5, --enable-cfs', cgroupTree: 'cgroup-v1', procCgroup: v1Cgroup(KUBE_CPUSET, KUBE_CPU, DOCKER), options: { swap: true, cfs: true, loadavg: false } },
  { name: 'v2 Kubernetes container under a 512 MiB, 0.5-CPU pod', cgroupTree: 'cgroup-v2', procCgroup: `0::${V2_CONTAINER}\n`, options: { swap: true, cfs: false, loadavg: false } },
  { name: 'v2 Kubernetes container with --enable-cfs and -u', cgroupTree: 'cgroup-v2', procCgroup: `0::${V2_CONTAINER}\n`, options: { swap: false, cfs: true, loadavg: false } },
];

/** A host: /proc with the caller 4242 as the init of its own pid namespace, /sys, cgroups. */
/** Built in `root` (default: the test's own testdir, which a second call would replace). */
export function host(t: Test, scenario: Scenario, root = t.testdir()) {
  const procRoot = join(root, 'proc');
  mkdirSync(join(procRoot, 'self/ns'), { recursive: true });
  mkdirSync(join(procRoot, `${PID}/ns`), { recursive: true });
  symlinkSync('pid:[4026531836]', join(procRoot, 'self/ns/pid'));
  symlinkSync('pid:[4026532501]', join(procRoot, `${PID}/ns/pid`));
  writeFileSync(join(procRoot, `${PID}/cgroup`), scenario.procCgroup);
  writeFileSync(join(procRoot, `${PID}/status`), `Name:\tinit\nTgid:\t${PID}\nPid:\t${PID}\nPPid:\t1\nNSpid:\t${PID}\t1\n`);
  writeFileSync(join(procRoot, `${PID}/stat`), fixture('host-stat-8cpu/proc/4242/stat'));
  writeFileSync(join(procRoot, 'stat'), fixture('host-stat-8cpu/proc/stat'));
  writeFileSync(join(procRoot, 'uptime'), fixture('host-stat-8cpu/proc/uptime'));
  writeFileSync(join(procRoot, 'cpuinfo'), fixture('host-cpuinfo-x86-8/cpuinfo'));
  writeFileSync(join(procRoot, 'meminfo'), fixture('host-swap/meminfo'));
  writeFileSync(join(procRoot, 'swaps'), fixture('host-swap/swaps'));
  writeFileSync(join(procRoot, 'diskstats'), DISKSTATS);
  writeFileSync(join(procRoot, 'loadavg'), '0.52 0.31 0.20 3/412 98231\n');
  const sysRoot = join(root, 'sys');
  mkdirSync(join(sysRoot, 'devices/system/cpu'), { recursive: true });
  writeFileSync(join(sysRoot, 'devices/system/cpu/online'), '0-7\n');
  const cgroupRoot = join(root, 'cgroup');
  cpSync(join(FIXTURES, scenario.cgroupTree), cgroupRoot, { recursive: true, verbatimSymlinks: true });
  return { procRoot, sysRoot, cgroupRoot };
}
