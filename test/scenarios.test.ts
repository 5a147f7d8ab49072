// Whole-host scenarios on fixture trees, through the daemon's own wiring (buildRenderer,
// src/daemon.ts): a host /proc and /sys (8 CPUs) and a cgroup tree, a caller pid 4242 that
// is the init of a container's pid namespace, and every virtual file rendered for it — snapshotted, with
// the cross-file invariants asserted and no file allowed to fall back to the host's.
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import t, { type Test } from 'tap';
import { buildRenderer } from '../src/daemon.js';
import { REGISTRY } from '../src/files/registry.js';
import type { RenderOptions } from '../src/files/types.js';
import { parseCpuList } from '../src/parse/cpu-list.js';
import { RecordingLogger } from './helpers/fuse-requests.js';

const FIXTURES = resolve(import.meta.dirname, 'fixtures');
const fixture = (...parts: string[]) => readFileSync(join(FIXTURES, ...parts), 'utf8');
const PID = 4242;
const DOCKER = '/docker/3f9c2a7d1b8e4c6f0a5d9e2b7c1f8a4d6e3b0c9f2a5d8e1b4c7f0a3d6e9b2c5f';
const KUBE_POD = 'kubepods-burstable-pod0f1e2d3c_4b5a_4978_8695_a4b3c2d1e0f9.slice';
const KUBE_CPUSET = `/${KUBE_POD}/cri-containerd-6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d.scope`;
const KUBE_CPU = `/system.slice/containerd.service/${KUBE_POD}:cri-containerd:6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d`;
const V2_POD = '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod7c1e4f2a_93b8_4d5e_a6f1_2b9c8d7e6f50.slice';
const V2_CONTAINER = `${V2_POD}/cri-containerd-1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f809.scope`;

/** Block devices of the fixture cgroups' I/O (sda 8:0, nvme 259:0, a dm and a loop). */
const DISKSTATS = [
  '   7       2 loop2 50 0 700 10 0 0 0 0 0 20 10 0 0 0 0 0 0',
  '   8       0 sda 81234 1201 9876540 40120 61234 3402 7654320 80230 0 61020 120350 0 0 0 0 5400 230',
  ' 253       0 dm-0 80111 0 9800000 40000 64000 0 7600000 81000 0 60000 121000 0 0 0 0 0 0',
  ' 259       0 nvme0n1 120034 220 18034568 30210 98211 4411 12004588 60220 0 50112 90430 0 0 0 0 2100 120',
].join('\n') + '\n';

interface Scenario {
  readonly name: string;
  readonly cgroupTree: string;
  /** /proc/4242/cgroup */
  readonly procCgroup: string;
  readonly options: RenderOptions;
}

const v1Cgroup = (cpuset: string, cpu: string, other: string) =>
  `12:cpuset:${cpuset}\n5:cpu,cpuacct:${cpu}\n4:memory:${other}\n3:blkio:${other}\n1:name=systemd:${other}\n`;

const SCENARIOS: Scenario[] = [
  { name: 'v1 docker: sparse cpuset 0,2-3, quota 0.5', cgroupTree: 'cgroup-v1', procCgroup: v1Cgroup(DOCKER, DOCKER, DOCKER), options: { swap: true, cfs: false, loadavg: false } },
  { name: 'v1 docker with --enable-cfs', cgroupTree: 'cgroup-v1', procCgroup: v1Cgroup(DOCKER, DOCKER, DOCKER), options: { swap: true, cfs: true, loadavg: false } },
  { name: 'v1 Kubernetes: cpu and cpuset at different paths, quota 1.5, --enable-cfs', cgroupTree: 'cgroup-v1', procCgroup: v1Cgroup(KUBE_CPUSET, KUBE_CPU, DOCKER), options: { swap: true, cfs: true, loadavg: false } },
  { name: 'v2 Kubernetes container under a 512 MiB, 0.5-CPU pod', cgroupTree: 'cgroup-v2', procCgroup: `0::${V2_CONTAINER}\n`, options: { swap: true, cfs: false, loadavg: false } },
  { name: 'v2 Kubernetes container with --enable-cfs and -u', cgroupTree: 'cgroup-v2', procCgroup: `0::${V2_CONTAINER}\n`, options: { swap: false, cfs: true, loadavg: false } },
];

/** A host: /proc with the caller 4242 as the init of its own pid namespace, /sys, cgroups. */
function host(t: Test, scenario: Scenario) {
  const root = t.testdir();
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

for (const scenario of SCENARIOS) {
  t.test(scenario.name, async (t) => {
    const logger = new RecordingLogger();
    const { renderer } = buildRenderer({ ...host(t, scenario), render: scenario.options }, logger);
    const files = new Map(REGISTRY.map((file) => [file.path, renderer.render(file, PID).toString()]));
    t.same([...renderer.fallbacks], [], 'every file computed, none fell back to the host\'s');
    t.same(logger.at('error'), []);
    for (const [path, text] of files) t.matchSnapshot(text, path);

    const processors = files.get('proc/cpuinfo')!.match(/^processor\t: \d+$/gm)?.length ?? 0;
    t.ok(processors > 0 && processors < 8, `cpuinfo shows ${processors} of the host's 8 CPUs`);
    t.equal(files.get('proc/stat')!.match(/^cpu\d+ /gm)?.length, processors, 'stat: a cpuN line per processor');
    t.equal(parseCpuList(files.get('sys/devices/system/cpu/online')!)?.length, processors, 'online: the same count');
    t.not(files.get('proc/meminfo'), fixture('host-swap/meminfo'), 'meminfo is the container\'s');
    t.match(files.get('proc/uptime'), /^\d+\.\d\d \d+\.\d\d\n$/);
  });
}

t.test('the scenarios see their limits', async (t) => {
  const render = (scenario: Scenario, path: string) => {
    const { renderer } = buildRenderer({ ...host(t, scenario), render: scenario.options }, new RecordingLogger());
    return renderer.render(REGISTRY.find((f) => f.path === path)!, PID).toString();
  };
  t.equal(render(SCENARIOS[0]!, 'sys/devices/system/cpu/online'), '0,2-3\n', 'v1 docker: the sparse cpuset');
  t.equal(render(SCENARIOS[1]!, 'sys/devices/system/cpu/online'), '0\n', '--enable-cfs: quota 0.5 → one CPU');
  t.equal(render(SCENARIOS[2]!, 'sys/devices/system/cpu/online'), '0-1\n', 'Kubernetes: quota 1.5 from the cpu path → two CPUs');
  t.match(render(SCENARIOS[0]!, 'proc/meminfo'), /^MemTotal: +262144 kB$/m, 'v1 docker: 256 MiB');
  t.match(render(SCENARIOS[3]!, 'proc/meminfo'), /^MemTotal: +524288 kB$/m, 'v2: the pod\'s 512 MiB');
  t.equal(render(SCENARIOS[3]!, 'sys/devices/system/cpu/online'), '0,2-3\n', 'v2: cpuset.cpus.effective');
  t.equal(render(SCENARIOS[4]!, 'sys/devices/system/cpu/online'), '0\n', 'v2 --enable-cfs: the pod\'s 0.5 CPU bounds the container\'s 1.5');
  t.match(render(SCENARIOS[4]!, 'proc/swaps'), /^Filename\t\t\t\tType\t\tSize\tUsed\tPriority\n$/, '-u: header only');
});
