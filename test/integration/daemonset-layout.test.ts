// The DaemonSet's mount layout, rebuilt without a kubelet: the daemon runs in a mount namespace
// of its own ("the pod") where the host's parent of the mountpoint is bound rshared at
// /host/<parent> — what a hostPath volume with mountPropagation: Bidirectional is — and mounts
// at the path the manifests give it. The host must see the mount and read container values
// through it; SIGTERM must take it off the host; after a SIGKILL the next pod must detach the
// dead mount the host is left with and serve again. The paths come from src/deploy/manifests.ts.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import t, { type Test } from 'tap';
import { CONTAINER_MOUNTPOINT, CONTAINER_PARENT, HOST_MOUNTPOINT, HOST_PARENT } from '../../src/deploy/manifests.js';
import { CLI, isMounted, tempDir } from '../helpers/daemon.js';
import { cleanCommand, requirePrivileges } from '../helpers/env.js';
import { childrenOf, isAlive, killIfStill, servingChildOf } from '../helpers/processes.js';

interface Node {
  /** Stands for the host's HOST_PARENT (/var/lib). */
  readonly hostParent: string;
  /** Stands for the host's HOST_MOUNTPOINT (/var/lib/lxcfs). */
  readonly hostMountpoint: string;
  readonly dir: string;
}

function node(t: Test): Node {
  const dir = tempDir(t);
  const hostParent = join(dir, 'node', HOST_PARENT);
  mkdirSync(hostParent, { recursive: true });
  // The host side of a Bidirectional hostPath is a shared mount (systemd makes / shared).
  spawnSync('mount', ['--bind', hostParent, hostParent], { stdio: 'inherit' });
  spawnSync('mount', ['--make-shared', hostParent], { stdio: 'inherit' });
  return { dir, hostParent, hostMountpoint: join(dir, 'node', HOST_MOUNTPOINT) };
}

/** The daemon as the DaemonSet pod runs it: own mount namespace, the parent bound rshared. */
interface PodOptions {
  readonly args?: readonly string[];
  readonly pidfile?: string;
  /** The container's root below the node's directory (default: the pod's name); two pods of one DaemonSet see the same paths. */
  readonly root?: string;
}

function startPod(t: Test, n: Node, name: string, options: PodOptions = {}): { child: ChildProcess; exited: Promise<number | null>; stderr: () => string } {
  const root = options.root ?? name;
  const extra = options.args ?? [];
  const pidfile = options.pidfile ?? join(n.dir, `${name}.pid`);
  const podParent = join(n.dir, root, CONTAINER_PARENT);
  const podMountpoint = join(n.dir, root, CONTAINER_MOUNTPOINT);
  mkdirSync(podParent, { recursive: true });
  const script = [
    `mount --rbind '${n.hostParent}' '${podParent}'`,
    `mount --make-rshared '${podParent}'`,
    `exec ${cleanCommand(CLI, [...extra, '-p', pidfile, podMountpoint]).flat().join(' ')}`,
  ].join(' && ');
  // Without --propagation unchanged, unshare would make every mount private and nothing
  // would reach the host — the same as a hostPath without Bidirectional.
  const child = spawn('unshare', ['-m', '--propagation', 'unchanged', 'sh', '-c', script], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  t.teardown(async () => {
    const children = child.pid === undefined ? [] : childrenOf(child.pid);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    killIfStill(children, 'serve-connection');
  });
  return { child, exited, stderr: () => stderr };
}

/** Reads through the host path from a child (a hung daemon must not hang the test). */
function readOnHost(path: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('cat', [path], { timeout: 3000, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function waitUntil(what: string, cond: () => boolean, stderr: () => string): Promise<void> {
  for (let waited = 0; !cond(); waited += 50) {
    if (waited > 10_000) throw new Error(`${what} did not happen:\n${stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

t.test('the manifests\' paths: the pod mountpoint is the host mountpoint below the shared parent', async (t) => {
  t.equal(posix.relative(CONTAINER_PARENT, CONTAINER_MOUNTPOINT), posix.relative(HOST_PARENT, HOST_MOUNTPOINT));
  t.notOk(posix.relative(CONTAINER_PARENT, CONTAINER_MOUNTPOINT).startsWith('..'));
});

t.test('a pod\'s mount reaches the host, leaves it on SIGTERM, and a dead one is replaced', async (t) => {
  if (!requirePrivileges(t)) return;
  const n = node(t);
  const meminfo = join(n.hostMountpoint, 'proc/meminfo');

  const first = startPod(t, n, 'pod-1');
  await waitUntil('the first pod\'s mount on the host', () => readOnHost(meminfo).status === 0, first.stderr);
  t.match(readOnHost(meminfo).stdout, /^MemTotal: +\d+ kB\n/, 'the host reads the files');
  const line = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').find((l) => l.split(' ')[4] === n.hostMountpoint);
  t.match(line, / - fuse\.lxcfs-node lxcfs-node /, 'the host\'s mount table shows our mount at the host path');

  first.child.kill('SIGTERM');
  t.equal(await first.exited, 0, 'clean exit on SIGTERM');
  t.notOk(isMounted(n.hostMountpoint), 'the unmount propagated to the host');

  const second = startPod(t, n, 'pod-2');
  await waitUntil('the second pod\'s mount', () => readOnHost(meminfo).status === 0, second.stderr);
  // Kubernetes kills every process of a container: the keeper and its serving process.
  const serving = servingChildOf(second.child.pid!);
  t.ok(serving !== undefined, 'the pod\'s keeper has a serving process');
  second.child.kill('SIGKILL');
  process.kill(serving!, 'SIGKILL');
  await second.exited;
  await waitUntil('the serving process to die', () => !isAlive(serving!), second.stderr);
  t.ok(isMounted(n.hostMountpoint), 'SIGKILL leaves the mount on the host');
  t.match(readOnHost(meminfo).stderr, /Transport endpoint is not connected|Software caused connection abort/, 'and it is dead');

  const third = startPod(t, n, 'pod-3');
  await waitUntil('the third pod to replace the dead mount', () => readOnHost(meminfo).status === 0, third.stderr);
  await waitUntil('the detach to be logged', () => /detaching dead mount left at the mountpoint/.test(third.stderr()), third.stderr);
  t.pass('the third pod detached the dead mount');
  const ours = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.split(' ')[4] === n.hostMountpoint);
  t.equal(ours.length, 1, 'one mount at the host path: the dead one went away on the host too');
  third.child.kill('SIGTERM');
  t.equal(await third.exited, 0);
  t.notOk(isMounted(n.hostMountpoint));
});

t.test('a rolling update: the surge pod takes the connection over from the old pod, no read fails', async (t) => {
  if (!requirePrivileges(t)) return;
  const n = node(t);
  const meminfo = join(n.hostMountpoint, 'proc/meminfo');
  // As in the manifests: the pidfile (and the hand-over socket beside it) on a hostPath both pods share.
  const pidfile = join(n.dir, 'run', 'lxcfs-node.pid');
  const pod = { args: ['--take-over'], pidfile, root: 'pod' };
  const old = startPod(t, n, 'pod-old', pod);
  await waitUntil('the old pod\'s mount on the host', () => readOnHost(meminfo).status === 0, old.stderr);
  let reads = 0;
  const failures: string[] = [];
  let reading = true;
  const loop = (async () => {
    while (reading) {
      const r = readOnHost(meminfo);
      if (r.status === 0 && r.stdout.startsWith('MemTotal:')) reads++;
      else failures.push(r.stderr);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  const surge = startPod(t, n, 'pod-new', pod);
  await waitUntil('the surge pod to own the pidfile', () => readFileSync(pidfile, 'utf8').trim() === String(surge.child.pid), surge.stderr);
  await waitUntil('the old pod to let go', () => /connection handed over; waiting for a signal/.test(old.stderr()), old.stderr);
  old.child.kill('SIGTERM'); // Kubernetes deletes the old pod once the new one is ready
  t.equal(await old.exited, 0, 'the old pod exits cleanly');
  t.ok(isMounted(n.hostMountpoint), 'and leaves the mount on the host');
  await new Promise((resolve) => setTimeout(resolve, 300));
  reading = false;
  await loop;
  t.ok(reads > 10, `the host read throughout (${reads} reads)`);
  t.same(failures.slice(0, 3), [], `no read failed (${failures.length} did)`);
  surge.child.kill('SIGTERM');
  t.equal(await surge.exited, 0);
  t.notOk(isMounted(n.hostMountpoint), 'the last pod\'s stop unmounts on the host');
});
