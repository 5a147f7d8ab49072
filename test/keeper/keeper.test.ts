// The keeper for real (root, /dev/fuse): the pidfile names it, a serving child answers; the
// child's death (SIGKILL) costs no read — not even on a file opened before it and read on
// after — a stop unmounts and leaves nothing, an external unmount ends the keeper, and a
// second instance either refuses (no --take-over, another mountpoint) or takes over.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { CLI, isMounted, startLxcfsNode } from '../helpers/daemon.js';
import { cleanCommand, requirePrivileges } from '../helpers/env.js';
import { childrenOf, isAlive, killIfStill, servingChildOf, standbyChildOf } from '../helpers/processes.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  for (let waited = 0; !check(); waited += 20) {
    if (waited > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Another lxcfs-node on the same pidfile; stopped (and its child killed) in teardown. */
function another(t: Test, args: string[]) {
  const [command, argv] = cleanCommand(CLI, args);
  const child = spawn(command, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  t.teardown(async () => {
    const children = childrenOf(child.pid!);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    killIfStill(children, 'serve-connection');
  });
  return { child, exited, stderr: () => stderr };
}

t.test('a SIGKILLed serving process is replaced on the same connection; open files read on', async (t) => {
  if (!requirePrivileges(t)) return;
  const fs = await startLxcfsNode(t);
  t.equal(readFileSync(fs.pidfile, 'utf8').trim(), String(fs.pid), 'the pidfile names the keeper');
  const first = fs.servingPid();
  t.ok(first !== undefined, 'a serving child');
  const fd = openSync(join(fs.mountpoint, 'proc/meminfo'), 'r');
  t.teardown(() => closeSync(fd));
  const head = Buffer.alloc(9);
  t.equal(readSync(fd, head, 0, 9, 0), 9);
  process.kill(first!, 'SIGKILL');
  await until('another serving child', () => { const now = fs.servingPid(); return now !== undefined && now !== first; });
  const rest = Buffer.alloc(64 * 1024);
  const n = readSync(fd, rest, 0, rest.length, 9);
  t.equal(`${head.toString()}${rest.subarray(0, n).toString()}`.split('\n')[0]!.replace(/ +/g, ' ').split(' ')[0], 'MemTotal:', 'a read begun before the crash ends after it');
  const again = Buffer.alloc(64 * 1024);
  t.match(again.subarray(0, readSync(fd, again, 0, again.length, 0)).toString(), /^MemTotal:/, 'pread at 0 on the kept fd, like top');
  t.match(readFileSync(join(fs.mountpoint, 'proc/stat'), 'utf8'), /^cpu /, 'new opens work');
  t.match(await fs.waitForStderr(/serving process died/), /"signal":"SIGKILL"/);
});

t.test('after a crash a spare waits booted; the next crash promotes it, and another is kept; SIGTERM ends it too', async (t) => {
  if (!requirePrivileges(t)) return;
  const fs = await startLxcfsNode(t);
  t.equal(standbyChildOf(fs.pid), undefined, 'no spare before any crash');
  const first = fs.servingPid()!;
  process.kill(first, 'SIGKILL');
  await until('a spare beside the replacement', () => standbyChildOf(fs.pid) !== undefined);
  const spare = standbyChildOf(fs.pid)!;
  const second = fs.servingPid()!;
  t.not(second, first, 'replaced');
  t.not(spare, second, 'the spare is not the one serving');
  t.match(await fs.waitForStderr(/a spare serving process is ready/), new RegExp(`"pid":${spare},[^\n]*a spare serving process is ready`));
  process.kill(second, 'SIGKILL');
  await until('the spare to serve', () => fs.servingPid() === spare);
  t.match(readFileSync(join(fs.mountpoint, 'proc/meminfo'), 'utf8'), /^MemTotal:/, 'it answers');
  t.match(await fs.waitForStderr(/the spare serving process takes over/), new RegExp(`"pid":${spare}`));
  await until('another spare', () => standbyChildOf(fs.pid) !== undefined);
  const next = standbyChildOf(fs.pid)!;
  t.equal(await fs.stop(), 0, 'SIGTERM: a clean stop');
  await until('the spare gone with its keeper', () => !isAlive(next) || readFileSync(`/proc/${next}/stat`, 'utf8').split(' ')[2] === 'Z');
});

t.test('--spare-after-crash 0: a crash is followed by a fresh child and no spare', async (t) => {
  if (!requirePrivileges(t)) return;
  const fs = await startLxcfsNode(t, ['--spare-after-crash', '0']);
  const first = fs.servingPid()!;
  process.kill(first, 'SIGKILL');
  await until('a replacement that serves', () => { const now = fs.servingPid(); return now !== undefined && now !== first; });
  t.match(readFileSync(join(fs.mountpoint, 'proc/meminfo'), 'utf8'), /^MemTotal:/);
  await sleep(1000); // a spare would have been started as the replacement served
  t.equal(standbyChildOf(fs.pid), undefined, 'no spare');
  t.same(childrenOf(fs.pid).length, 1, 'one child');
});

t.test('SIGTERM: unmounted, the serving child gone, the pidfile removed', async (t) => {
  if (!requirePrivileges(t)) return;
  const fs = await startLxcfsNode(t);
  const serving = fs.servingPid()!;
  t.equal(await fs.stop('SIGTERM'), 0);
  t.notOk(isMounted(fs.mountpoint));
  await until('the child to exit', () => !isAlive(serving));
  t.notOk(existsSync(fs.pidfile));
  t.notOk(existsSync(`${fs.pidfile}.sock`), 'no hand-over socket left');
});

t.test('an unmount by someone else ends the keeper and its child', async (t) => {
  if (!requirePrivileges(t)) return;
  const fs = await startLxcfsNode(t);
  const serving = fs.servingPid()!;
  const { spawnSync } = await import('node:child_process');
  t.equal(spawnSync('umount', ['-l', fs.mountpoint]).status, 0);
  t.equal(await fs.stop('SIGCONT'), 0, 'the keeper exits 0 by itself');
  t.notOk(isAlive(serving), 'the child is gone too');
  t.match(fs.stderr(), /the kernel ended the FUSE connection/);
  t.notOk(existsSync(fs.pidfile));
});

t.test('a second instance: refused without --take-over and for another mountpoint, the first serving on', async (t) => {
  if (!requirePrivileges(t)) return;
  const fs = await startLxcfsNode(t);
  const plain = another(t, ['-p', fs.pidfile, fs.mountpoint]);
  t.equal(await plain.exited, 1);
  t.match(plain.stderr(), /another instance holds the pidfile.*\[LXCFS_PIDFILE_LOCKED\]/);
  const elsewhere = another(t, ['--take-over', '-p', fs.pidfile, join(fs.mountpoint, '..', 'other')]);
  t.equal(await elsewhere.exited, 1);
  t.match(elsewhere.stderr(), /serves .*, not .*other.*\[LXCFS_HAND_OVER_FAILED\]/);
  t.equal(readFileSync(fs.pidfile, 'utf8').trim(), String(fs.pid), 'the first keeps its pidfile');
  t.match(readFileSync(join(fs.mountpoint, 'proc/meminfo'), 'utf8'), /^MemTotal:/, 'and serves');
});

t.test('--take-over: the new keeper serves and owns the pidfile; the old one waits, then exits leaving the mount', async (t) => {
  if (!requirePrivileges(t)) return;
  const fs = await startLxcfsNode(t);
  const oldServing = fs.servingPid()!;
  const next = another(t, ['--take-over', '-p', fs.pidfile, fs.mountpoint]);
  await until('the new keeper to own the pidfile', () => existsSync(fs.pidfile) && readFileSync(fs.pidfile, 'utf8').trim() === String(next.child.pid));
  // Its child was started in standby and is told to start once the pidfile is ours: a moment later.
  await until('the new keeper to have a serving child', () => servingChildOf(next.child.pid!) !== undefined);
  t.ok(isAlive(fs.pid) && isAlive(oldServing), 'the old keeper and its child wait (a supervisor must not restart them)');
  t.match(fs.stderr(), /connection handed over; waiting for a signal/);
  t.equal(await fs.stop('SIGTERM'), 0);
  t.ok(isMounted(fs.mountpoint), 'the old one leaves the mount');
  t.match(readFileSync(join(fs.mountpoint, 'proc/meminfo'), 'utf8'), /^MemTotal:/, 'served by the new one');
  next.child.kill('SIGTERM');
  t.equal(await next.exited, 0);
  t.notOk(isMounted(fs.mountpoint), 'the new one unmounts at its stop');
  t.notOk(existsSync(fs.pidfile));
});
