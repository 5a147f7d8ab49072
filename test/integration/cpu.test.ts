// cpuinfo, stat, cpu/online, uptime, loadavg and diskstats through a real mount, for
// readers in real v1 cgroups and pid namespaces: the visible CPU set from cpuset and
// quota, the container's own CPU time, its age, its load, its I/O — and limits written
// in place showing on the next read.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { TestCgroups } from '../helpers/cgroups.js';
import { startLxcfsNode, tempDir, type MountedFs } from '../helpers/daemon.js';
import { requirePrivileges } from '../helpers/env.js';
import { sh, shOk } from '../helpers/run.js';

const CONTROLLERS = ['cpuset', 'cpu', 'cpuacct', 'blkio', 'memory'] as const;

/** A container cgroup `rel` in every controller; cpuset needs cpus and mems before tasks join. */
function container(cg: TestCgroups, rel: string, cpus = '0-1'): void {
  for (const c of CONTROLLERS) cg.create(c, rel);
  cg.write('cpuset', rel, 'cpuset.mems', '0');
  cg.write('cpuset', rel, 'cpuset.cpus', cpus);
}

/** Shell that moves the current shell into `rel` in every controller. */
const enter = (cg: TestCgroups, rel: string) =>
  CONTROLLERS.map((c) => `echo $$ > ${cg.dir(c, rel)}/cgroup.procs`).join(' && ');

async function setup(t: Test, flags: string[] = []): Promise<{ fs: MountedFs; cg: TestCgroups; cat: (f: string) => string }> {
  const fs = await startLxcfsNode(t, flags);
  const cg = new TestCgroups(t);
  for (const c of CONTROLLERS) cg.create(c);
  cg.write('cpuset', '', 'cpuset.mems', '0');
  cg.write('cpuset', '', 'cpuset.cpus', '0-1');
  return { fs, cg, cat: (file) => `cat ${join(fs.mountpoint, file)}` };
}

const processors = (cpuinfo: string) => [...cpuinfo.matchAll(/^processor\t: (\d+)$/gm)].map((m) => Number(m[1]));
const cpuLabels = (stat: string) => [...stat.matchAll(/^(cpu\d+) /gm)].map((m) => m[1]);
const userTicks = (stat: string) => Number(/^cpu  (\d+) /m.exec(stat)![1]);

t.test('cpuset 1: one CPU in cpuinfo, stat and online', async (t) => {
  if (!requirePrivileges(t)) return;
  const { cg, cat } = await setup(t);
  container(cg, 'one', '1');
  const out = await shOk(t, `${enter(cg, 'one')} && ${cat('proc/cpuinfo')} && echo @@ && ${cat('proc/stat')} && echo @@ && ${cat('sys/devices/system/cpu/online')}`);
  const [cpuinfo, stat, online] = out.split('@@\n');
  t.same(processors(cpuinfo!), [0], 'one processor, renumbered 0');
  t.match(cpuinfo!, /^core id\t\t: 1$/m, 'the host CPU 1 block');
  t.same(cpuLabels(stat!), ['cpu1'], 'one cpu line, the physical id (lxcfs)');
  t.equal(online, '1\n');
});

t.test('quota 0.5 with --enable-cfs: one CPU everywhere', async (t) => {
  if (!requirePrivileges(t)) return;
  const { cg, cat } = await setup(t, ['--enable-cfs']);
  container(cg, 'half');
  cg.write('cpu', 'half', 'cpu.cfs_quota_us', 50000);
  const out = await shOk(t, `${enter(cg, 'half')} && ${cat('proc/cpuinfo')} && echo @@ && ${cat('proc/stat')} && echo @@ && ${cat('sys/devices/system/cpu/online')}`);
  const [cpuinfo, stat, online] = out.split('@@\n');
  t.same(processors(cpuinfo!), [0]);
  t.same(cpuLabels(stat!), ['cpu0']);
  t.equal(online, '0\n');
});

t.test('limits written in place show on the next read', async (t) => {
  if (!requirePrivileges(t)) return;
  const { cg, cat } = await setup(t, ['--enable-cfs']);
  container(cg, 'live', '1');
  const widen = `echo 0-1 > ${cg.dir('cpuset', 'live')}/cpuset.cpus`;
  const quota = `echo 50000 > ${cg.dir('cpu', 'live')}/cpu.cfs_quota_us`;
  const out = await shOk(t, `${enter(cg, 'live')} && ${cat('proc/cpuinfo')} && echo @@ && ${widen} && ${cat('proc/cpuinfo')} && echo @@ && ${quota} && ${cat('proc/cpuinfo')}`);
  const [one, two, halved] = out.split('@@\n');
  t.same(processors(one!), [0], 'cpuset 1');
  t.same(processors(two!), [0, 1], 'cpuset widened to 0-1');
  t.same(processors(halved!), [0], 'quota 0.5 then cuts to one CPU');
});

t.test('a busy loop raises its own container\'s user ticks, not another\'s', async (t) => {
  if (!requirePrivileges(t)) return;
  const { cg, cat } = await setup(t);
  container(cg, 'busy');
  container(cg, 'idle');
  const statOf = async (rel: string) => userTicks(await shOk(t, `${enter(cg, rel)} && ${cat('proc/stat')}`));
  const [busyBefore, idleBefore] = [await statOf('busy'), await statOf('idle')];
  // One second of a busy loop inside "busy" (it ends by itself; teardown kills leftovers).
  await sh(t, `${enter(cg, 'busy')} && timeout 1 sh -c 'while :; do :; done'`);
  const [busyAfter, idleAfter] = [await statOf('busy'), await statOf('idle')];
  t.ok(busyAfter - busyBefore >= 50, `busy container: +${busyAfter - busyBefore} user ticks (≥ 50 for ~1 s)`);
  t.ok(idleAfter - idleBefore <= 5, `idle container: +${idleAfter - idleBefore} user ticks`);
});

t.test('a fresh pid namespace sees uptime below one second', async (t) => {
  if (!requirePrivileges(t)) return;
  const { cg, cat } = await setup(t);
  container(cg, 'young');
  const out = await shOk(t, `unshare --pid --fork sh -c '${enter(cg, 'young')} && ${cat('proc/uptime')}'`);
  const [uptime, idle] = out.trim().split(' ').map(Number);
  t.ok(uptime! >= 0 && uptime! < 1, `uptime ${uptime}`);
  t.ok(idle! >= 0 && idle! <= uptime! * 2, `idle ${idle} ≤ uptime × 2 CPUs`);
});

/** The kernel's 1-minute EWMA with one running thread after k samples, as printed. */
function expectedLoad1(samples: number): string {
  let load = 0;
  for (let i = 0; i < samples; i++) load = Math.floor((load * 1884 + 2048 * (2048 - 1884) + 2047) / 2048);
  const a = load + 10;
  return `${a >> 11}.${String(((a & 2047) * 100) >> 11).padStart(2, '0')}`;
}

t.test('-l: one busy thread makes the 1-minute load rise as the kernel\'s EWMA predicts', async (t) => {
  if (!requirePrivileges(t)) return;
  const { cg, cat } = await setup(t, ['-l']);
  container(cg, 'load');
  // The busy thread runs before the first read registers the container, so the cgroup
  // is never empty (an empty one is dropped) and every sample after registration sees it.
  await shOk(t, `${enter(cg, 'load')} && (timeout 30 sh -c 'while :; do :; done' >/dev/null 2>&1 &)`);
  const first = await shOk(t, `${enter(cg, 'load')} && ${cat('proc/loadavg')}`);
  t.match(first, /^0\.00 0\.00 0\.00 0\/1 \d+\n$/, 'first read registers the container: 0/1 <init>');
  await new Promise((r) => setTimeout(r, 11_000)); // 11 s hold two or three 5-second samples
  const later = await shOk(t, `${enter(cg, 'load')} && ${cat('proc/loadavg')}`);
  const [load1, , , tasks] = later.trim().split(' ');
  const expected = [2, 3].map(expectedLoad1);
  t.ok(expected.includes(load1!), `1-minute load ${load1} is the EWMA after 2 or 3 samples (${expected.join(', ')})`);
  t.match(tasks, /^[1-9]\d*\/[1-9]\d*$/, `running/total ${tasks}`);
});

t.test('diskstats: the container\'s own I/O in the kernel layout, never the host\'s', async (t) => {
  if (!requirePrivileges(t)) return;
  const { cg, cat } = await setup(t);
  container(cg, 'io');
  container(cg, 'quiet');
  const dir = tempDir(t);
  const dev = statSync(dir).dev;
  const [major, minor] = [Math.floor(dev / 256) & 0xfff, (dev & 0xff) | ((dev >> 12) & 0xfff00)];
  // blk-mq kernels account v1 cgroup I/O only on devices with a throttle rule; a huge one changes nothing else.
  cg.write('blkio', 'io', 'blkio.throttle.write_bps_device', `${major}:${minor} 1099511627776`);
  const write = `dd if=/dev/zero of=${join(dir, 'f')} bs=4k count=256 oflag=direct status=none`;
  const out = await shOk(t, `${enter(cg, 'io')} && ${write} && ${cat('proc/diskstats')} && echo @@ && cat /proc/diskstats`);
  const [ours, host] = out.split('@@\n');
  const line = ours!.split('\n').find((l) => l.startsWith(`${String(major).padStart(4)} ${String(minor).padStart(7)} `));
  t.ok(line, `a line for ${major}:${minor}`);
  const fields = line!.trim().split(/\s+/);
  t.equal(fields.length, 20, 'major, minor, name and 17 counters');
  t.equal(Number(fields[7]), 256, 'writes completed: the 256 direct writes');
  t.equal(Number(fields[9]), 2048, 'sectors written: 1 MiB');
  const hostLine = host!.split('\n').find((l) => l.trim().split(/\s+/)[2] === fields[2])!;
  t.ok(Number(hostLine.trim().split(/\s+/)[7]) >= 256, 'the host counts at least as much');
  const quiet = await shOk(t, `${enter(cg, 'quiet')} && ${cat('proc/diskstats')}`);
  t.ok(quiet.split('\n').filter(Boolean).every((l) => l.trim().split(/\s+/).slice(3).every((v) => v === '0')),
    'a container without I/O sees zero counters, not the host\'s');
});
