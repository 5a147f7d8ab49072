// CallerCgroups: caller pid → init of its pid namespace → that init's cgroup path, read from
// /proc/<init>/cgroup on every call. Fixture /proc trees (as in init-resolver.test.ts: ns/pid
// links are plain symlinks whose target text is "pid:[N]") over the hybrid fixture layout,
// then one real run: a `sleep` moved between v1 memory cgroups, then killed.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { CallerCgroups } from '../../src/caller/cgroups.js';
import { InitResolver } from '../../src/caller/init-resolver.js';
import { detectLayout } from '../../src/cgroup/layout.js';
import { LxcfsError } from '../../src/errors.js';

const fixtures = new URL('../fixtures/', import.meta.url).pathname;
const hybrid = detectLayout(join(fixtures, 'cgroup-hybrid'));

const HOST_NS = 4026531836;
const CONTAINER_NS = 4026532001;

interface Proc {
  pid: number;
  ns: number;
  /** outermost (host) first, innermost last */
  nspid: number[];
  ppid: number;
  /** /proc/<pid>/cgroup text; undefined = no cgroup file */
  cgroup?: string;
}

/** /proc/<pid>/cgroup as this project's hybrid machine writes it, with `memory` at `memoryPath`. */
function hybridCgroup(memoryPath: string, cpuPath = '/'): string {
  return [
    '9:name=systemd:/', '8:pids:/', '7:blkio:/', '6:freezer:/', '5:devices:/',
    `4:memory:${memoryPath}`, '3:cpuset:/', '2:cpuacct:/', `1:cpu:${cpuPath}`, '0::/', '',
  ].join('\n');
}

function writeProc(root: string, p: Proc): void {
  const dir = join(root, String(p.pid));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'ns'), { recursive: true });
  symlinkSync(`pid:[${p.ns}]`, join(dir, 'ns/pid'));
  writeFileSync(join(dir, 'status'), [
    `Name:\tp${p.pid}`, 'State:\tS (sleeping)', `Tgid:\t${p.pid}`, `Pid:\t${p.pid}`, `PPid:\t${p.ppid}`,
    `NStgid:\t${p.nspid.join('\t')}`, `NSpid:\t${p.nspid.join('\t')}`, '',
  ].join('\n'));
  const mid = ['S', p.ppid, 1, 1, 0, -1, 4194560, 79, 0, 0, 0, 0, 0, 0, 0, 20, 0, 1, 0];
  writeFileSync(join(dir, 'stat'), `${p.pid} (p${p.pid}) ${mid.join(' ')} ${5000 + p.pid} 2654208 357 0 0 0\n`);
  if (p.cgroup !== undefined) writeFileSync(join(dir, 'cgroup'), p.cgroup);
}

const CONTAINER = '/process_api/c0149c198bf02f4cb30366c9544e9a2f';

// host: 1 (init), 50 (shim), 70 (a host process); container namespace: init 100, its child 101
// whose own cgroup differs from the init's (so that reading the caller's file would show).
const HOST_INIT: Proc = { pid: 1, ns: HOST_NS, nspid: [1], ppid: 0, cgroup: hybridCgroup('/init.scope') };
const SHIM: Proc = { pid: 50, ns: HOST_NS, nspid: [50], ppid: 1, cgroup: hybridCgroup('/system.slice/shim.service') };
const HOST_PROC: Proc = { pid: 70, ns: HOST_NS, nspid: [70], ppid: 1, cgroup: hybridCgroup('/user.slice/session-1.scope') };
const INIT: Proc = { pid: 100, ns: CONTAINER_NS, nspid: [100, 1], ppid: 50, cgroup: hybridCgroup(`${CONTAINER}/init.scope`, '/quota') };
const CHILD: Proc = { pid: 101, ns: CONTAINER_NS, nspid: [101, 2], ppid: 100, cgroup: hybridCgroup(`${CONTAINER}/worker`) };

function fakeProc(t: Test, procs: Proc[] = [HOST_INIT, SHIM, HOST_PROC, INIT, CHILD]): string {
  const root = t.testdir({ self: { ns: {} } });
  symlinkSync(`pid:[${HOST_NS}]`, join(root, 'self/ns/pid'));
  for (const p of procs) writeProc(root, p);
  return root;
}

function callerCgroups(procRoot: string): CallerCgroups {
  return new CallerCgroups(procRoot, new InitResolver({ procRoot }), hybrid);
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

t.test('the fixture layout is hybrid with memory on its own v1 hierarchy', async (t) => {
  t.equal(hybrid.kind, 'hybrid');
  t.equal(hybrid.hierarchyOf('memory')?.version, 1);
});

t.test('a container caller gets its init\'s memory path, /init.scope pruned', async (t) => {
  const cg = callerCgroups(fakeProc(t));
  t.equal(cg.pathOf(101, 'memory'), CONTAINER, 'the child: the init\'s path, not its own /worker');
  t.equal(cg.pathOf(100, 'memory'), CONTAINER, 'the init itself');
  t.equal(cg.pathOf(101, 'cpu'), '/quota', 'other controllers from the same init file');
  t.equal(cg.pathOf(101, 'cpuacct'), '/', 'cpuacct has its own line: not taken from cpu');
});

t.test('resolve(): the init and every controller\'s path from one read of its cgroup file', async (t) => {
  const root = fakeProc(t);
  const resolved = callerCgroups(root).resolve(101);
  t.equal(resolved.initPid, 100, 'the init of the caller\'s namespace');
  rmSync(join(root, '100/cgroup'));
  t.equal(resolved.pathOf('memory'), CONTAINER, 'answered after the file is gone: it was read once');
  t.equal(resolved.pathOf('cpu'), '/quota');
  t.throws(() => resolved.pathOf('io'), { code: 'LXCFS_NO_CGROUP' }, 'a controller the init has no line for');
});

t.test('key: one per container — the init and its cgroups; the own namespace as one', async (t) => {
  const root = fakeProc(t, [HOST_INIT, SHIM, HOST_PROC, INIT, CHILD,
    { ...HOST_PROC, pid: 71, nspid: [71] }, { ...HOST_PROC, pid: 72, nspid: [72], cgroup: hybridCgroup('/elsewhere') }]);
  const cg = callerCgroups(root);
  t.equal(cg.resolve(101).key, cg.resolve(100).key, 'every process of a container');
  t.equal(cg.resolve(71).key, cg.resolve(70).key, 'host processes in the same cgroups, whatever their pid');
  t.not(cg.resolve(72).key, cg.resolve(70).key, 'host processes in other cgroups');
  t.not(cg.resolve(70).key, cg.resolve(101).key);
  // A second container whose init has exactly the same cgroup file is still another container.
  writeProc(root, { ...INIT, pid: 200, ns: CONTAINER_NS + 1 });
  t.not(cg.resolve(200).key, cg.resolve(100).key, 'another init: another key (its own uptime)');
});

t.test('a host-namespace caller gets its own cgroup', async (t) => {
  const cg = callerCgroups(fakeProc(t));
  t.equal(cg.pathOf(70, 'memory'), '/user.slice/session-1.scope');
  t.equal(cg.pathOf(1, 'memory'), '/', '/init.scope alone prunes to the root');
});

t.test('the init\'s cgroup file is read afresh on every call (processes move)', async (t) => {
  const root = fakeProc(t);
  const cg = callerCgroups(root);
  t.equal(cg.pathOf(101, 'memory'), CONTAINER);
  writeFileSync(join(root, '100/cgroup'), hybridCgroup('/moved/elsewhere'));
  t.equal(cg.pathOf(101, 'memory'), '/moved/elsewhere');
  writeFileSync(join(root, '70/cgroup'), hybridCgroup('/user.slice/session-2.scope'));
  t.equal(cg.pathOf(70, 'memory'), '/user.slice/session-2.scope');
});

t.test('the init\'s /proc/<init>/cgroup vanished: LXCFS_CALLER_GONE', async (t) => {
  const root = fakeProc(t);
  const cg = callerCgroups(root);
  t.equal(cg.pathOf(101, 'memory'), CONTAINER, 'resolves while the file is there');
  rmSync(join(root, '100/cgroup'));
  const err = thrown(() => cg.pathOf(101, 'memory'));
  t.type(err, LxcfsError);
  t.match(err, { code: 'LXCFS_CALLER_GONE', errno: 3, message: /pid 100$/ });
  t.match((err as LxcfsError).cause, { code: 'ENOENT' }, 'the read error is kept as the cause');
});

t.test('the caller itself is gone: LXCFS_CALLER_GONE', async (t) => {
  const cg = callerCgroups(fakeProc(t));
  t.throws(() => cg.pathOf(4242, 'memory'), { code: 'LXCFS_CALLER_GONE' });
});

t.test('an unreadable (not missing) cgroup file: LXCFS_HOST_UNREADABLE', async (t) => {
  const root = fakeProc(t);
  rmSync(join(root, '100/cgroup'));
  mkdirSync(join(root, '100/cgroup'));
  const err = thrown(() => callerCgroups(root).pathOf(101, 'memory'));
  t.match(err, { code: 'LXCFS_HOST_UNREADABLE', message: /\/proc\/100\/cgroup$/ });
  t.match((err as LxcfsError).cause, { code: 'EISDIR' });
});

t.test('no memory line: LXCFS_NO_CGROUP', async (t) => {
  const noMemory = hybridCgroup(CONTAINER).split('\n').filter((l) => !l.includes(':memory:')).join('\n');
  const root = fakeProc(t, [HOST_INIT, SHIM, { ...INIT, cgroup: noMemory }, CHILD]);
  const cg = callerCgroups(root);
  t.throws(() => cg.pathOf(101, 'memory'), { code: 'LXCFS_NO_CGROUP', message: /: memory$/ });
  t.equal(cg.pathOf(101, 'cpu'), '/', 'the other controllers still resolve');
  writeFileSync(join(root, '100/cgroup'), '');
  t.throws(() => cg.pathOf(101, 'memory'), { code: 'LXCFS_NO_CGROUP' }, 'an empty file');
  writeFileSync(join(root, '100/cgroup'), '0::/only/unified\n');
  t.throws(() => cg.pathOf(101, 'memory'), { code: 'LXCFS_NO_CGROUP' },
    'the unified line does not stand in for a v1 memory hierarchy');
});

t.test('a memory path outside the cgroup namespace: LXCFS_CGROUP_OUTSIDE_NS', async (t) => {
  const root = fakeProc(t, [HOST_INIT, SHIM, { ...INIT, cgroup: hybridCgroup('/..') }, CHILD]);
  const cg = callerCgroups(root);
  t.throws(() => cg.pathOf(101, 'memory'), { code: 'LXCFS_CGROUP_OUTSIDE_NS', errno: 2 });
  writeFileSync(join(root, '100/cgroup'), hybridCgroup('/../../system.slice/docker-x.scope'));
  t.throws(() => cg.pathOf(101, 'memory'), { code: 'LXCFS_CGROUP_OUTSIDE_NS' });
  t.throws(() => cg.pathOf(101, 'memory'), { code: 'LXCFS_CGROUP_OUTSIDE_NS' }, 'every time: a refusal is never remembered');
});

t.test('a text parsed before is answered alike, and a changed text is parsed anew', async (t) => {
  const root = fakeProc(t);
  const cg = callerCgroups(root);
  for (let i = 0; i < 3; i++) t.equal(cg.pathOf(101, 'memory'), CONTAINER, `read ${i}`);
  writeFileSync(join(root, '100/cgroup'), hybridCgroup('/moved'));
  t.equal(cg.pathOf(101, 'memory'), '/moved');
  for (let i = 0; i < 300; i++) {
    writeFileSync(join(root, '100/cgroup'), hybridCgroup(`/c${i}`));
    t.equal(cg.pathOf(101, 'memory'), `/c${i}`);
  }
  writeFileSync(join(root, '100/cgroup'), hybridCgroup('/moved'));
  t.equal(cg.pathOf(101, 'memory'), '/moved', 'after more texts than are remembered');
});

// ---- the real kernel -------------------------------------------------------------------

const MEMORY_ROOT = '/sys/fs/cgroup/memory';

/** Removes the cgroups deepest first, killing (by pid) whatever is still inside, retrying until empty. */
async function removeCgroups(dirs: readonly string[]): Promise<void> {
  for (const dir of [...dirs].reverse()) {
    for (let attempt = 0; existsSync(dir); attempt++) {
      try {
        rmdirSync(dir);
      } catch (err) {
        if (attempt >= 50) throw new Error(`could not remove cgroup ${dir}`, { cause: err });
        const pids = readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
        for (const pid of pids) {
          try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
}

t.test('a real process moved between v1 memory cgroups, then killed', async (t) => {
  if (process.getuid?.() !== 0) {
    return t.fail('this test needs root: it creates v1 memory cgroups under /sys/fs/cgroup/memory');
  }
  if (!existsSync(join(MEMORY_ROOT, 'cgroup.procs'))) {
    return t.fail(`${MEMORY_ROOT} is not a v1 memory hierarchy; this test needs one`);
  }
  const name = `/lxcfs-node-test-${process.pid}-cg`;
  const outer = join(MEMORY_ROOT, name);
  const inner = join(outer, 'inner');
  const created: string[] = [];
  t.teardown(() => removeCgroups(created));

  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  const pid = child.pid;
  if (pid === undefined) return t.fail('could not spawn sleep');
  let alive = true;
  const exited = new Promise<void>((resolve) => child.on('exit', () => { alive = false; resolve(); }));
  t.teardown(async () => {
    if (alive) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
      await exited;
    }
  });

  const cg = new CallerCgroups('/proc', new InitResolver({ procRoot: '/proc' }), detectLayout('/sys/fs/cgroup'));
  const own = /^\d+:memory:(.*)$/m.exec(readFileSync(`/proc/${pid}/cgroup`, 'utf8'))?.[1];
  t.equal(cg.pathOf(pid, 'memory'), own, 'before the move: the cgroup it was born in');

  mkdirSync(outer);
  created.push(outer);
  writeFileSync(join(outer, 'cgroup.procs'), String(pid));
  t.equal(cg.pathOf(pid, 'memory'), name);

  mkdirSync(inner);
  created.push(inner);
  writeFileSync(join(inner, 'cgroup.procs'), String(pid));
  t.equal(cg.pathOf(pid, 'memory'), `${name}/inner`, 'the very next call sees the move: no stale cache');

  process.kill(pid, 'SIGKILL');
  await exited;
  t.throws(() => cg.pathOf(pid, 'memory'), { code: 'LXCFS_CALLER_GONE' });
});
