// Container-correct /proc/meminfo and /proc/swaps on real v1 memory cgroups and pid
// namespaces: the reader's limit, the pid-namespace init's cgroup winning over the
// reader's own, hierarchical limits, limits changed in place, and `free` inside a
// private mount namespace with the file bind-mounted over /proc/meminfo.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { TestCgroups } from '../helpers/cgroups.js';
import { startLxcfsNode, type MountedFs } from '../helpers/daemon.js';
import { requirePrivileges } from '../helpers/env.js';
import { meminfoValue, shOk } from '../helpers/run.js';

const MiB = 1024 * 1024;

/** A shell line that moves the current shell into a memory cgroup. */
const enter = (cgroups: TestCgroups, rel: string) => `echo $$ > ${cgroups.dir('memory', rel)}/cgroup.procs`;

async function setup(t: Test, args: string[] = []): Promise<{ fs: MountedFs; cgroups: TestCgroups; meminfo: string }> {
  const fs = await startLxcfsNode(t, args);
  const cgroups = new TestCgroups(t);
  cgroups.create('memory');
  return { fs, cgroups, meminfo: join(fs.mountpoint, 'proc/meminfo') };
}

t.test('a process in a 256 MiB cgroup sees MemTotal 262144 kB', async (t) => {
  if (!requirePrivileges(t)) return;
  const { cgroups, meminfo } = await setup(t);
  cgroups.create('memory', 'a');
  cgroups.write('memory', 'a', 'memory.limit_in_bytes', 256 * MiB);
  const text = await shOk(t, `${enter(cgroups, 'a')} && exec cat ${meminfo}`);
  t.equal(meminfoValue(text, 'MemTotal'), 262144);
  t.ok(meminfoValue(text, 'MemFree') <= 262144);
  t.ok(meminfoValue(text, 'MemAvailable') <= 262144);
  const host = readFileSync('/proc/meminfo', 'utf8');
  t.equal(text.split('\n').length, host.split('\n').length, 'same lines as the host file');
});

t.test('the init of the reader\'s pid namespace decides, not the reader', async (t) => {
  if (!requirePrivileges(t)) return;
  const { cgroups, meminfo } = await setup(t);
  cgroups.create('memory', 'A');
  cgroups.create('memory', 'B');
  cgroups.write('memory', 'A', 'memory.limit_in_bytes', 200 * MiB);
  cgroups.write('memory', 'B', 'memory.limit_in_bytes', 300 * MiB);
  const inner = `${enter(cgroups, 'B')} && cat ${meminfo}`;
  const text = await shOk(t, `unshare --pid --fork sh -c '${enter(cgroups, 'A')} && sh -c "${inner.replaceAll('$', '\\$')}"'`);
  t.equal(meminfoValue(text, 'MemTotal'), 204800, 'A\'s limit, from the namespace init');
  const own = await shOk(t, `${enter(cgroups, 'B')} && exec cat ${meminfo}`);
  t.equal(meminfoValue(own, 'MemTotal'), 307200, 'a host-namespace reader gets its own cgroup');
});

t.test('the lowest limit up the hierarchy wins', async (t) => {
  if (!requirePrivileges(t)) return;
  const { cgroups, meminfo } = await setup(t);
  cgroups.create('memory', 'parent/child');
  cgroups.write('memory', 'parent', 'memory.limit_in_bytes', 200 * MiB);
  cgroups.write('memory', 'parent/child', 'memory.limit_in_bytes', 300 * MiB);
  const text = await shOk(t, `${enter(cgroups, 'parent/child')} && exec cat ${meminfo}`);
  t.equal(meminfoValue(text, 'MemTotal'), 204800);
});

t.test('a limit changed in place shows on the very next read', async (t) => {
  if (!requirePrivileges(t)) return;
  const { cgroups, meminfo } = await setup(t);
  cgroups.create('memory', 'live');
  cgroups.write('memory', 'live', 'memory.limit_in_bytes', 256 * MiB);
  const setLimit = `echo ${128 * MiB} > ${cgroups.dir('memory', 'live')}/memory.limit_in_bytes`;
  const text = await shOk(t, `${enter(cgroups, 'live')} && cat ${meminfo} && ${setLimit} && cat ${meminfo}`);
  const [before, after] = text.split(/(?=^MemTotal:)/m);
  t.equal(meminfoValue(before!, 'MemTotal'), 262144);
  t.equal(meminfoValue(after!, 'MemTotal'), 131072);
});

t.test('free -k in a container with meminfo bind-mounted over /proc/meminfo', async (t) => {
  if (!requirePrivileges(t)) return;
  const { cgroups, meminfo } = await setup(t);
  cgroups.create('memory', 'c');
  cgroups.write('memory', 'c', 'memory.limit_in_bytes', 256 * MiB);
  const container = `${enter(cgroups, 'c')} && mount --bind ${meminfo} /proc/meminfo && exec free -k`;
  const out = await shOk(t, `unshare --mount --pid --fork --mount-proc sh -c '${container}'`);
  const mem = out.split('\n').find((l) => l.startsWith('Mem:'));
  t.ok(mem, `free printed a Mem: line\n${out}`);
  t.equal(Number(mem!.split(/\s+/)[1]), 262144, 'free shows the container limit');
  t.match(readFileSync('/proc/meminfo', 'utf8'), /^MemTotal:/, 'host /proc/meminfo untouched');
});

t.test('a reader with no memory limit sees the host total', async (t) => {
  if (!requirePrivileges(t)) return;
  const { cgroups, meminfo } = await setup(t);
  cgroups.create('memory', 'free');
  const text = await shOk(t, `${enter(cgroups, 'free')} && exec cat ${meminfo}`);
  t.equal(meminfoValue(text, 'MemTotal'), meminfoValue(readFileSync('/proc/meminfo', 'utf8'), 'MemTotal'));
});

t.test('swaps: the header, and no swap with -u', async (t) => {
  if (!requirePrivileges(t)) return;
  const { cgroups, fs } = await setup(t, ['-u']);
  cgroups.create('memory', 's');
  const swaps = await shOk(t, `${enter(cgroups, 's')} && exec cat ${join(fs.mountpoint, 'proc/swaps')}`);
  t.equal(swaps, 'Filename\t\t\t\tType\t\tSize\tUsed\tPriority\n');
  const meminfo = await shOk(t, `${enter(cgroups, 's')} && exec cat ${join(fs.mountpoint, 'proc/meminfo')}`);
  t.equal(meminfoValue(meminfo, 'SwapTotal'), 0);
  t.equal(meminfoValue(meminfo, 'SwapFree'), 0);
});
