import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { benchPaths } from '../../src/bench/environment.js';
import { createCgroup, enterScript, killReaders, loadgenArgs, removeCgroup, runLoadgen, type LoadSpec } from '../../src/bench/readers.js';
import { requirePrivileges } from '../helpers/env.js';

const LOADGEN = benchPaths().loadgen;

t.test('the loadgen joins every hierarchy before its first read', async (t) => {
  t.equal(enterScript(['/sys/fs/cgroup/memory/b', '/sys/fs/cgroup/cpu/b']),
    `echo $$ > '/sys/fs/cgroup/memory/b/cgroup.procs' && echo $$ > '/sys/fs/cgroup/cpu/b/cgroup.procs' && exec "$@"`);
  const spec: LoadSpec = { loadgen: LOADGEN, mode: 'pread', procs: 8, ms: 300, warmupMs: 0, files: ['/a', '/b'] };
  t.same(loadgenArgs(spec), ['--mode', 'pread', '--procs', '8', '--ms', '300', '--warmup-ms', '0', '/a', '/b']);
});

t.test('v1: memory limited to 1 GiB, CFS quota unlimited, cpuacct once when co-mounted', async (t) => {
  const root = t.testdir({ memory: { 'memory.limit_in_bytes': '' }, 'cpu,cpuacct': {} });
  symlinkSync('cpu,cpuacct', join(root, 'cpu'));
  symlinkSync('cpu,cpuacct', join(root, 'cpuacct'));
  const cg = createCgroup('bench', root);
  t.same(cg, { version: 1, dirs: [join(root, 'memory/bench'), join(root, 'cpu/bench')] });
  t.equal(readFileSync(join(root, 'memory/bench/memory.limit_in_bytes'), 'utf8'), '1073741824');
  t.equal(readFileSync(join(root, 'cpu,cpuacct/bench/cpu.cfs_quota_us'), 'utf8'), '-1');
  t.throws(() => createCgroup('bench', root), /cannot create the readers' cgroup: .*EEXIST/);
});

t.test('v2: one directory', async (t) => {
  const root = t.testdir({ 'cgroup.controllers': 'cpu memory' });
  t.same(createCgroup('bench', root), { version: 2, dirs: [join(root, 'bench')] });
  t.equal(readFileSync(join(root, 'bench/memory.max'), 'utf8'), '1073741824');
  t.throws(() => createCgroup('x', t.testdir({})), /no cgroup hierarchy/);
});

t.test('readers run in the cgroup; the window opens and closes once; removal leaves nothing', async (t) => {
  if (!requirePrivileges(t)) return;
  const cg = createCgroup(`lxcfs-node-test-bench-${process.pid}`);
  t.teardown(() => removeCgroup(cg));
  const file = join(t.testdir(), 'f');
  writeFileSync(file, 'x'.repeat(5000));
  const events: string[] = [];
  let members = 0;
  const result = await runLoadgen(cg, { loadgen: LOADGEN, mode: 'cat', procs: 4, ms: 300, warmupMs: 100, files: [file] }, {
    onStart: () => {
      events.push('start');
      members = readFileSync(join(cg.dirs[0]!, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).length;
    },
    onEnd: () => { events.push('end'); },
  });
  t.same(events, ['start', 'end']);
  t.equal(members, 5, 'the loadgen and its 4 readers');
  t.equal(result.procs, 4);
  t.ok(result.ops > 0);
  t.equal(result.errors, 0);
  t.equal(result.bytes, result.ops * 5000);
  t.same(await removeCgroup(cg), []);
  for (const dir of cg.dirs) t.notOk(existsSync(dir), dir);
});

t.test('failures reject: a bad file counts, a dead window callback and killReaders() reject', async (t) => {
  if (!requirePrivileges(t)) return;
  const cg = createCgroup(`lxcfs-node-test-bench-${process.pid}`);
  t.teardown(() => removeCgroup(cg));
  const spec: LoadSpec = { loadgen: LOADGEN, mode: 'cat', procs: 2, ms: 200, warmupMs: 0, files: ['/nonexistent'] };
  const failed = await runLoadgen(cg, spec);
  t.equal(failed.ops, 0);
  t.ok(failed.errors > 0);
  t.equal(failed.firstErrno, 2, 'ENOENT');
  await t.rejects(runLoadgen(cg, spec, { onStart: () => { throw new Error('daemon gone'); }, onEnd: () => {} }), /daemon gone/);
  const long = runLoadgen(cg, { ...spec, ms: 60_000 });
  await new Promise((r) => setTimeout(r, 300));
  killReaders();
  await t.rejects(long, /loadgen failed \(SIGKILL\)/);
  t.same(await removeCgroup(cg), []);
});
