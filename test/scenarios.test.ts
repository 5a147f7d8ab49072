// Whole-host scenarios on fixture trees, through the daemon's own wiring (buildRenderer,
// src/daemon.ts): a host /proc and /sys (8 CPUs) and a cgroup tree, a caller pid 4242 that
// is the init of a container's pid namespace, and every virtual file rendered for it — snapshotted, with
// the cross-file invariants asserted and no file allowed to fall back to the host's.
import t from 'tap';
import { buildRenderer } from '../src/daemon.js';
import { REGISTRY } from '../src/files/registry.js';
import { parseCpuList } from '../src/parse/cpu-list.js';
import { RecordingLogger } from './helpers/fuse-requests.js';
import { PID, SCENARIOS, fixture, host, type Scenario } from './helpers/fixture-host.js';

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
