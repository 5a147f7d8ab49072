// cgroup v2 end to end through a real mount. This machine's memory controller is v1,
// so values come from the realistic v2 fixture tree (a Kubernetes node,
// test/fixtures/cgroup-v2) given as --cgroup-root, while membership is real: the reader
// sits in a real cgroup of the unified hierarchy at the same path, so the daemon finds
// it through /proc/<pid>/cgroup's "0::" line exactly as on a v2 host.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { TestCgroups } from '../helpers/cgroups.js';
import { LIMITED, POD, rootedV2Fixture, UNLIMITED } from '../helpers/cgroup-v2-fixture.js';
import { startLxcfsNode, tempDir } from '../helpers/daemon.js';
import { requirePrivileges } from '../helpers/env.js';
import { meminfoValue, shOk } from '../helpers/run.js';
import { withHostSwap } from '../helpers/swap.js';

interface V2Setup {
  readonly cgroupRoot: string;
  readonly cgroups: TestCgroups;
  /** Reads a file of the mount from a process placed in the unified cgroup `rel`. */
  read(rel: string, file: string): Promise<string>;
}

async function setup(t: Test): Promise<V2Setup> {
  const cgroups = new TestCgroups(t);
  const cgroupRoot = join(tempDir(t), 'cgroup');
  const base = rootedV2Fixture(cgroupRoot, cgroups);
  const fs = await startLxcfsNode(t, ['--cgroup-root', cgroupRoot]);
  return {
    cgroupRoot: base,
    cgroups,
    read: (rel, file) => {
      cgroups.create('unified', rel);
      return shOk(t, `echo $$ > ${cgroups.dir('unified', rel)}/cgroup.procs && exec cat ${join(fs.mountpoint, file)}`);
    },
  };
}

t.test('v2: a container capped at 256 MiB with swap.max 0', async (t) => {
  if (!requirePrivileges(t)) return;
  withHostSwap(t, 512);
  const v2 = await setup(t);
  const meminfo = await v2.read(LIMITED, 'proc/meminfo');
  t.equal(meminfoValue(meminfo, 'MemTotal'), 262144);
  t.equal(meminfoValue(meminfo, 'SwapTotal'), 0);
  t.equal(meminfoValue(meminfo, 'SwapFree'), 0);
  t.equal(await v2.read(LIMITED, 'proc/swaps'), 'Filename\t\t\t\tType\t\tSize\tUsed\tPriority\n');
});

t.test('v2: an unlimited container under a 512 MiB pod, swap in use', async (t) => {
  if (!requirePrivileges(t)) return;
  withHostSwap(t, 512);
  const v2 = await setup(t);
  const meminfo = await v2.read(UNLIMITED, 'proc/meminfo');
  t.equal(meminfoValue(meminfo, 'MemTotal'), 524288, 'the pod limit, from an ancestor');
  t.equal(meminfoValue(meminfo, 'MemFree'), 524288 - 110100480 / 1024);
  t.equal(meminfoValue(meminfo, 'Mapped'), 4096, 'file_mapped (lxcfs: 0 on v2)');
  t.equal(meminfoValue(meminfo, 'KernelStack'), 128, 'kernel_stack from memory.stat');
  const hostSwap = meminfoValue(meminfo, 'SwapTotal');
  t.ok(hostSwap > 500_000 && hostSwap <= 524288, `SwapTotal ${hostSwap} = host swap (under the 1 GiB pod swap.max)`);
  t.equal(meminfoValue(meminfo, 'SwapFree'), hostSwap - 51200, '50 MiB of swap used');
  const swaps = await v2.read(UNLIMITED, 'proc/swaps');
  t.equal(swaps.split('\n')[1], `none${' '.repeat(36)}virtual\t\t${hostSwap}\t51200\t0`);
});

t.test('v2: a memory.max written in place shows on the next read', async (t) => {
  if (!requirePrivileges(t)) return;
  const v2 = await setup(t);
  t.equal(meminfoValue(await v2.read(LIMITED, 'proc/meminfo'), 'MemTotal'), 262144);
  writeFileSync(join(v2.cgroupRoot, LIMITED, 'memory.max'), `${128 * 1024 * 1024}\n`);
  t.equal(meminfoValue(await v2.read(LIMITED, 'proc/meminfo'), 'MemTotal'), 131072);
  writeFileSync(join(v2.cgroupRoot, POD, 'memory.max'), `${64 * 1024 * 1024}\n`);
  t.equal(meminfoValue(await v2.read(LIMITED, 'proc/meminfo'), 'MemTotal'), 65536, 'a lower ancestor limit wins');
});
