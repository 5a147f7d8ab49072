// Re-attach after a lost connection: three containers (own pid and mount namespaces, our files
// bind-mounted over /proc, each in a memory cgroup of its own) read in a loop; keeper and
// serving process are both SIGKILLed, so every read fails with ENOTCONN; a fresh daemon on the
// same mountpoint finds the dead mounts in the containers' namespaces and puts its live files
// in their place — the same reader processes read their own values again, never restarted.
import { spawn, type ChildProcess } from 'node:child_process';
import t from 'tap';
import { TestCgroups } from '../helpers/cgroups.js';
import { startLxcfsNode } from '../helpers/daemon.js';
import { requirePrivileges } from '../helpers/env.js';
import { isAlive } from '../helpers/processes.js';

const MiB = 1024 * 1024;
const LIMITS_MIB = [200, 300, 400];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  for (let waited = 0; !check(); waited += 50) {
    if (waited > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

t.test('a fresh daemon re-attaches containers whose files died with both processes; they read on unrestarted', async (t) => {
  if (!requirePrivileges(t)) return;
  const first = await startLxcfsNode(t, ['--reattach-every', '0']);
  const cgroups = new TestCgroups(t);
  const files = ['proc/meminfo', 'proc/stat'];
  const binds = files.map((f) => `mount --bind ${first.mountpoint}/${f} /${f}`).join(' && ');
  const loop = `while true; do if line=$(head -n1 /proc/meminfo 2>&1); then echo "ok $line"; else echo "fail $line"; fi; sleep 0.05; done`;
  const containers = LIMITS_MIB.map((mib, i) => {
    cgroups.create('memory', `c${i}`);
    cgroups.write('memory', `c${i}`, 'memory.limit_in_bytes', mib * MiB);
    const script = `echo $$ > ${cgroups.dir('memory', `c${i}`)}/cgroup.procs && exec unshare --mount --propagation private --pid --fork sh -c '${binds} && ${loop}'`;
    const child: ChildProcess = spawn('sh', ['-c', script], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => { out += d; });
    t.teardown(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } });
    return { child, expected: `MemTotal: ${mib * 1024} kB`, lines: () => out.split('\n').filter(Boolean) };
  });
  const ownValue = (c: (typeof containers)[number]) => c.lines().at(-1)?.replace(/ +/g, ' ') === `ok ${c.expected}`;
  await until('every container reading its own MemTotal', () => containers.every(ownValue));

  const serving = first.servingPid()!;
  await first.stop('SIGKILL');
  process.kill(serving, 'SIGKILL');
  await until('every container failing', () => containers.every((c) => /^fail .*(Transport endpoint is not connected|Software caused connection abort)/.test(c.lines().at(-1) ?? '')));
  const failedAt = containers.map((c) => c.lines().length);

  const second = await startLxcfsNode(t, ['--reattach-every', '1'], { mountpoint: first.mountpoint });
  await until('every container reading its own MemTotal again', () => containers.every(ownValue));
  for (const [i, c] of containers.entries()) {
    t.ok(isAlive(c.child.pid!), `container ${i}: the same reader, never restarted`);
    const after = c.lines().slice(failedAt[i]);
    const wrong = after.filter((l) => l.startsWith('ok') && l.replace(/ +/g, ' ') !== `ok ${c.expected}`);
    t.same(wrong, [], `container ${i}: only its own values after the re-attach`);
  }
  // Only this test's containers (a node may hold others): the unshare process is in each namespace.
  const ours = new Set(containers.map((c) => c.child.pid));
  const expected = containers.length * (files.length + 1); // per container: its two files and its copy of the mountpoint
  const repairedNow = () => second.stderr().split('\n').filter(Boolean)
    .map((l) => JSON.parse(l) as { msg: string; namespacePid?: number; target?: string })
    .filter((e) => e.msg === 're-attached a container\'s dead mount' && ours.has(e.namespacePid));
  const others = () => second.stderr().split('\n').filter((l) => l.includes('re-attach'));
  await until('every re-attach logged', () => repairedNow().length >= expected, 5000).catch(() => {});
  const repaired = repairedNow();
  const log = second.stderr();
  t.equal(repaired.length, expected, `every dead mount was replaced: ${JSON.stringify(repaired.map((e) => [e.namespacePid, e.target]))}`);
  t.notMatch(log, /could not re-attach/, others().join("\n"));
});
