// The doctor against real mounts (root, /dev/fuse, v1 memory cgroups): a healthy node; a
// "container" — its own mount and pid namespaces, our files bound over its /proc, a 256 MiB
// memory cgroup — that is covered and sees its limit; a plain host process that is not
// covered; and the dead mount a SIGKILLed daemon leaves. Every process, cgroup and mount is
// removed in teardown (daemon.ts, cgroups.ts and the kills below), even when a check fails.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { SERVED_FILES } from '../../src/doctor/files-check.js';
import { doctorCommand } from '../../src/doctor/main.js';
import { TestCgroups } from '../helpers/cgroups.js';
import { startLxcfsNode } from '../helpers/daemon.js';
import { requirePrivileges } from '../helpers/env.js';

const MiB = 1024 * 1024;

interface Doctor {
  readonly exit: number;
  readonly report: { findings: Array<{ check: string; status: string; message: string; fix?: string }> };
  readonly status: Record<string, string>;
}

async function doctor(args: string[]): Promise<Doctor> {
  let stdout = '';
  const exit = await doctorCommand(['--json', ...args], { stdout: (s) => { stdout += s; }, stderr: (s) => { stdout += s; } });
  const report = JSON.parse(stdout) as Doctor['report'];
  return { exit, report, status: Object.fromEntries(report.findings.map((f) => [f.check, f.status])) };
}

/** Spawns a long-lived process, SIGKILLed by pid in teardown. */
function spawnTracked(t: Test, command: string, args: string[]): number {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  let exited = false;
  child.on('exit', () => { exited = true; });
  t.teardown(() => { if (!exited) child.kill('SIGKILL'); });
  return child.pid!;
}

async function waitFor<T>(what: string, probe: () => T | undefined): Promise<T> {
  for (let waited = 0; ; waited += 50) {
    const value = probe();
    if (value !== undefined) return value;
    if (waited > 10_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

t.test('a healthy node: every check ok, exit 0', async (t) => {
  if (!requirePrivileges(t)) return;
  const fs = await startLxcfsNode(t);
  const { exit, report, status } = await doctor([fs.mountpoint]);
  t.same(status, { 'fuse-device': 'ok', 'cgroup-layout': 'ok', mount: 'ok', files: 'ok' },
    report.findings.filter((f) => f.status !== 'ok').map((f) => f.message).join('; ') || 'node checks');
  t.equal(exit, 0);
});

t.test('a container with the files bound over its /proc is covered and sees its limit', async (t) => {
  if (!requirePrivileges(t)) return;
  const fs = await startLxcfsNode(t);
  const cgroups = new TestCgroups(t);
  cgroups.create('memory', 'c');
  cgroups.write('memory', 'c', 'memory.limit_in_bytes', 256 * MiB);
  const binds = SERVED_FILES.map((p) => `mount --bind ${join(fs.mountpoint, p)} /${p}`).join(' && ');
  // The outer sh joins the cgroup and execs unshare, whose fork is the namespace's init: it
  // mounts a fresh /proc (--mount-proc), binds our files over it, then becomes `sleep`.
  const unshare = spawnTracked(t, 'sh', ['-c',
    `echo $$ > ${cgroups.dir('memory', 'c')}/cgroup.procs && exec unshare --mount --pid --fork --mount-proc sh -c '${binds} && exec sleep 60'`]);
  const init = await waitFor('the container init to be ready', () => {
    const pid = Number(read(`/proc/${unshare}/task/${unshare}/children`)?.trim().split(' ')[0]);
    return pid > 0 && read(`/proc/${pid}/comm`) === 'sleep\n' ? pid : undefined;
  });
  const { exit, report, status } = await doctor(['--pid', String(init), fs.mountpoint]);
  const pidChecks = report.findings.filter((f) => f.check.startsWith('pid-'));
  t.same(pidChecks.map((f) => `${f.check}=${f.status}`), ['pid-exists=ok', 'pid-covered=ok', 'pid-stale=ok', 'pid-values=ok'],
    pidChecks.filter((f) => f.status !== 'ok').map((f) => f.message).join('; ') || 'pid checks');
  t.match(pidChecks.at(-1)?.message, 'MemTotal 262144 kB (the limit of 256 MiB');
  t.same(status, { ...status, 'fuse-device': 'ok', 'cgroup-layout': 'ok', mount: 'ok', files: 'ok' });
  t.equal(exit, 0);
});

t.test('a plain host process is not covered: exit 1', async (t) => {
  if (!requirePrivileges(t)) return;
  const fs = await startLxcfsNode(t);
  const pid = spawnTracked(t, 'sleep', ['60']);
  await waitFor('sleep to start', () => (read(`/proc/${pid}/comm`) === 'sleep\n' ? true : undefined));
  const { exit, report, status } = await doctor(['--pid', String(pid), fs.mountpoint]);
  t.same(status, { 'fuse-device': 'ok', 'cgroup-layout': 'ok', mount: 'ok', files: 'ok', 'pid-exists': 'ok', 'pid-covered': 'fail' },
    report.findings.filter((f) => f.check !== 'pid-covered' && f.status !== 'ok').map((f) => f.message).join('; ') || 'checks');
  t.match(report.findings.at(-1), { message: /sees none of the files/, fix: /mount --bind|-v / });
  t.equal(exit, 1);
});

t.test('keeper and serving process killed with SIGKILL leave a dead mount: mount fails, exit 1', async (t) => {
  if (!requirePrivileges(t)) return;
  const fs = await startLxcfsNode(t);
  const serving = fs.servingPid();
  t.ok(serving !== undefined, 'a serving child');
  await fs.stop('SIGKILL');
  process.kill(serving!, 'SIGKILL'); // the keeper's death alone leaves it serving
  const { exit, report, status } = await doctor(['--timeout-ms', '2000', fs.mountpoint]);
  t.same(status, { 'fuse-device': 'ok', 'cgroup-layout': 'ok', mount: 'fail' }, 'files are left out');
  t.match(report.findings.at(-1), {
    message: `dead mount at ${fs.mountpoint}: the daemon exited without unmounting`,
    fix: `umount -l ${fs.mountpoint}`,
  });
  t.equal(exit, 1);
});
