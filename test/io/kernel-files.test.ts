// KernelFiles: kept fds re-read with pread at 0 for kernel pseudo-files, never for fixture
// files; kept from the second read; stale fds (removed cgroup, dead process) dropped and the
// path re-opened; bounded; 'single' vs 'records' vs 'scan'. The real-kernel cases use a
// v1 memory cgroup and a child process, so they need root (and fail without it).
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, renameSync, rmdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { ReadDeadline } from '../../src/io/deadline.js';
import { KernelFiles } from '../../src/io/kernel-files.js';
import { TestCgroups } from '../helpers/cgroups.js';
import { requirePrivileges } from '../helpers/env.js';

t.test('fixture files are read afresh and never kept', async (t) => {
  const dir = t.testdir({ 'memory.max': '100\n' });
  const files = new KernelFiles();
  const path = join(dir, 'memory.max');
  t.equal(files.read(path, 'single'), '100\n');
  t.equal(files.read(path, 'single'), '100\n');
  t.equal(files.keptCount, 0, 'not a kernel filesystem');
  // Replaced under a new inode, as a test fixture may be: the new content is read.
  unlinkSync(path);
  writeFileSync(path, '200\n');
  t.equal(files.read(path, 'single'), '200\n');
  rmSync(path);
  t.throws(() => files.read(path), { code: 'ENOENT' });
});

t.test('a file bigger than the buffer is read whole in every shape', async (t) => {
  const big = 'x'.repeat(200 * 1024 + 17);
  const dir = t.testdir({ big });
  const files = new KernelFiles();
  for (const shape of ['single', 'records', 'scan'] as const) {
    t.equal(files.read(join(dir, 'big'), shape).length, big.length, shape);
  }
});

t.test('UTF-8 content (cgroup names may be any bytes) decodes as UTF-8', async (t) => {
  const dir = t.testdir({ cgroup: '0::/système.slice\n' });
  t.equal(new KernelFiles().read(join(dir, 'cgroup'), 'single'), '0::/système.slice\n');
});

t.test('procfs files are kept from their second read and stay current', async (t) => {
  const files = new KernelFiles();
  t.match(files.read('/proc/self/status', 'single'), /^Name:/);
  t.equal(files.keptCount, 0, 'a path read once is not kept');
  const first = files.read('/proc/self/stat', 'single');
  t.equal(files.keptCount, 0);
  files.read('/proc/self/stat', 'single');
  t.equal(files.keptCount, 1, 'kept from the second read');
  // /proc/self/stat's utime moves as we burn CPU: the kept fd sees the kernel regenerate it.
  let now = first;
  const deadline = Date.now() + 5000;
  while (now === first && Date.now() < deadline) {
    for (let i = 0; i < 1e6; i++) Math.sqrt(i);
    now = files.read('/proc/self/stat', 'single');
  }
  t.not(now, first, 'a pread at 0 regenerates the content');
  t.equal(files.keptCount, 1);
  files.closeAll();
  t.equal(files.keptCount, 0);
});

t.test("'records' reads every record of /proc/cpuinfo; 'scan' never keeps", async (t) => {
  const files = new KernelFiles();
  const expected = readFileSync('/proc/cpuinfo', 'utf8').match(/^processor\s*:/gm)?.length;
  for (let i = 0; i < 3; i++) {
    t.equal(files.read('/proc/cpuinfo', 'records').match(/^processor\s*:/gm)?.length, expected, `read ${i}`);
  }
  t.equal(files.keptCount, 1);
  files.read('/proc/self/cgroup', 'scan');
  files.read('/proc/self/cgroup', 'scan');
  t.equal(files.keptCount, 1, 'scan reads are never kept');
  files.closeAll();
});

t.test('the table is bounded: the oldest kept fd is closed first', async (t) => {
  const files = new KernelFiles(2);
  for (const path of ['/proc/uptime', '/proc/loadavg', '/proc/meminfo']) {
    files.read(path, 'single');
    files.read(path, 'single');
  }
  t.equal(files.keptCount, 2);
  const none = new KernelFiles(0);
  none.read('/proc/uptime', 'single');
  none.read('/proc/uptime', 'single');
  t.equal(none.keptCount, 0, 'maxKept 0 keeps nothing');
  t.throws(() => new KernelFiles(-1), RangeError);
  t.throws(() => new KernelFiles(1.5), RangeError);
  files.closeAll();
});

t.test('a removed and re-created cgroup is read afresh, never through the stale fd', async (t) => {
  if (!requirePrivileges(t)) return;
  const cgroups = new TestCgroups(t);
  cgroups.create('memory', 'kept');
  cgroups.write('memory', 'kept', 'memory.limit_in_bytes', 64 * 1024 * 1024);
  const files = new KernelFiles();
  const path = join(cgroups.dir('memory', 'kept'), 'memory.limit_in_bytes');
  files.read(path, 'single');
  t.equal(files.read(path, 'single'), `${64 * 1024 * 1024}\n`);
  t.equal(files.keptCount, 1);
  cgroups.write('memory', 'kept', 'memory.limit_in_bytes', 32 * 1024 * 1024);
  t.equal(files.read(path, 'single'), `${32 * 1024 * 1024}\n`, 'a live resize is seen through the kept fd');
  await cgroups.removeAll();
  t.throws(() => files.read(path, 'single'), { code: 'ENOENT' }, 'the removed cgroup fails, not its old value');
  t.equal(files.keptCount, 0, 'the stale fd was dropped');
  cgroups.create('memory', 'kept');
  cgroups.write('memory', 'kept', 'memory.limit_in_bytes', 16 * 1024 * 1024);
  files.read(path, 'single');
  t.equal(files.keptCount, 1);
  await cgroups.removeAll();
  cgroups.create('memory', 'kept');
  cgroups.write('memory', 'kept', 'memory.limit_in_bytes', 8 * 1024 * 1024);
  t.equal(files.read(path, 'single'), `${8 * 1024 * 1024}\n`, 're-created under the same path: the new cgroup');
  files.closeAll();
});

t.test("a dead process's kept /proc file fails instead of showing the old process", async (t) => {
  if (!requirePrivileges(t)) return;
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  t.teardown(() => { child.kill('SIGKILL'); });
  const pid = child.pid!;
  const files = new KernelFiles();
  const path = `/proc/${pid}/cgroup`;
  files.read(path, 'single');
  t.match(files.read(path, 'single'), /memory:/);
  t.equal(files.keptCount, 1);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  t.throws(() => files.read(path, 'single'), { code: 'ENOENT' });
  t.equal(files.keptCount, 0);
});

t.test('readIfExists: undefined for a missing path, the text otherwise, errors otherwise', async (t) => {
  const dir = t.testdir({ present: 'yes\n', file: 'x' });
  const files = new KernelFiles();
  t.equal(files.readIfExists(join(dir, 'absent')), undefined, 'ENOENT');
  t.equal(files.readIfExists(join(dir, 'file/below')), undefined, 'ENOTDIR');
  t.equal(files.readIfExists(join(dir, 'present'), 'single'), 'yes\n');
  t.throws(() => files.readIfExists(dir), { code: 'EISDIR' }, 'other errors are thrown');
  files.read('/proc/uptime', 'single');
  files.read('/proc/uptime', 'single');
  t.match(files.readIfExists('/proc/uptime', 'single'), /^\d+\.\d\d /, 'a kept file is read without a stat');
  files.closeAll();
});

t.test('the least recently read fd goes first when the table is full', async (t) => {
  const files = new KernelFiles(2);
  const twice = (path: string) => { files.read(path, 'single'); files.read(path, 'single'); };
  twice('/proc/uptime');
  twice('/proc/loadavg');
  files.read('/proc/uptime', 'single'); // uptime is now the most recently read
  twice('/proc/meminfo'); // evicts loadavg, not uptime
  const before = files.keptCount;
  files.read('/proc/uptime', 'single');
  t.equal(files.keptCount, before, 'uptime still kept');
  files.read('/proc/loadavg', 'single');
  files.read('/proc/loadavg', 'single');
  t.equal(files.keptCount, 2, 'loadavg had to be kept again (and pushed meminfo out)');
  files.closeAll();
});

t.test('out of descriptors, kept fds make room instead of failing reads', async (t) => {
  const script = `
    const { KernelFiles } = await import(${JSON.stringify(new URL('../../dist/io/kernel-files.js', import.meta.url).href)});
    const files = new KernelFiles(2048);
    const fs = await import('node:fs');
    const pids = fs.readdirSync('/proc').filter((n) => /^\\d+$/.test(n)).slice(0, 200);
    let read = 0;
    for (const pid of pids) for (let i = 0; i < 2; i++) {
      try { files.read('/proc/' + pid + '/stat', 'single'); read++; } catch (e) { if (e.code === 'EMFILE') throw e; }
    }
    console.log(read > 0 && files.keptCount < 64 ? 'ok' : 'kept ' + files.keptCount);`;
  const child = spawnSync('sh', ['-c', `ulimit -n 64 && exec "${process.execPath}" --input-type=module -e "$0"`, script], { encoding: 'utf8' });
  t.equal(child.stdout.trim(), 'ok', child.stderr);
});

t.test('a v1 cgroup renamed away: its path reads the new cgroup there, not the old fd', async (t) => {
  if (!requirePrivileges(t)) return;
  const cgroups = new TestCgroups(t);
  cgroups.create('memory', 'a');
  cgroups.write('memory', 'a', 'memory.limit_in_bytes', 64 * 1024 * 1024);
  const files = new KernelFiles();
  const path = join(cgroups.dir('memory', 'a'), 'memory.limit_in_bytes');
  files.read(path, 'single');
  files.read(path, 'single');
  t.equal(files.keptCount, 1);
  // mv a b; mkdir a — v1 renames within a parent; b keeps working under the old fd.
  const renamed = cgroups.dir('memory', 'b');
  renameSync(cgroups.dir('memory', 'a'), renamed);
  try {
    cgroups.create('memory', 'a');
    cgroups.write('memory', 'a', 'memory.limit_in_bytes', 16 * 1024 * 1024);
    t.equal(files.read(path, 'single'), `${16 * 1024 * 1024}\n`, 'the cgroup now at the path');
    t.equal(files.read(join(renamed, 'memory.limit_in_bytes'), 'single'), `${64 * 1024 * 1024}\n`, 'the renamed one, by its new path');
  } finally {
    files.closeAll();
    rmdirSync(renamed);
  }
});

t.test('scope(): a v1 cgroup directory is checked once per scope, and afresh in the next', async (t) => {
  if (!requirePrivileges(t)) return;
  const cgroups = new TestCgroups(t);
  cgroups.create('memory', 's');
  cgroups.write('memory', 's', 'memory.limit_in_bytes', 64 * 1024 * 1024);
  const files = new KernelFiles();
  const dir = cgroups.dir('memory', 's');
  const limit = join(dir, 'memory.limit_in_bytes');
  const soft = join(dir, 'memory.soft_limit_in_bytes');
  for (const path of [limit, soft, limit, soft]) files.read(path, 'single');
  t.equal(files.keptCount, 2);
  const renamed = cgroups.dir('memory', 's-old');
  try {
    const inScope = files.scope(() => {
      const first = files.read(limit, 'single');
      // Renamed and replaced mid-scope: the scope already checked the directory (a batch's
      // requests all arrived before it began, so its first check stands for all of them).
      renameSync(dir, renamed);
      cgroups.create('memory', 's');
      cgroups.write('memory', 's', 'memory.limit_in_bytes', 16 * 1024 * 1024);
      return [first, files.read(limit, 'single')];
    });
    t.same(inScope, [`${64 * 1024 * 1024}\n`, `${64 * 1024 * 1024}\n`]);
    t.equal(files.scope(() => files.read(limit, 'single')), `${16 * 1024 * 1024}\n`, 'the next scope checks again');
    t.equal(files.read(limit, 'single'), `${16 * 1024 * 1024}\n`, 'outside a scope, every read checks');
  } finally {
    files.closeAll();
    rmdirSync(renamed);
  }
});

t.test('the deadline is checked before every read: a late read opens nothing', async (t) => {
  const dir = t.testdir({ 'memory.max': '100\n' });
  let now = 0;
  const deadline = new ReadDeadline(() => now);
  const files = new KernelFiles(16, deadline);
  const path = join(dir, 'memory.max');
  deadline.within(10, () => {
    t.equal(files.read(path, 'single'), '100\n');
    now = 11;
    rmSync(path); // had it been opened, this would be ENOENT
    t.throws(() => files.read(path, 'single'), { code: 'LXCFS_DEADLINE', message: /memory\.max/ });
    t.throws(() => files.readIfExists(path, 'single'), { code: 'LXCFS_DEADLINE' });
  });
  t.equal(files.readIfExists(path, 'single'), undefined, 'no deadline outside within()');
});
