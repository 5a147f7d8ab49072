// InitResolver against real pid namespaces on this machine (root required; a non-root run fails
// loudly instead of skipping, so a green suite always means the kernel path was exercised).
// Every process started here, and every process found inside the namespaces, is killed by pid
// in t.teardown — guarded by its recorded starttime so a reused pid is never hit.
import t from 'tap';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { InitResolver } from '../../src/caller/init-resolver.js';
import { startTimeOf } from '../../src/caller/proc-stat.js';
import { parseNsPid, parsePpid } from '../../src/caller/proc-status.js';

function tryRead(path: string): string | null {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return null;
  }
}

function childrenOf(ppid: number): number[] {
  const kids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const status = tryRead(`/proc/${name}/status`);
    if (status !== null && parsePpid(status) === ppid) kids.push(Number(name));
  }
  return kids;
}

const comm = (pid: number): string | undefined => tryRead(`/proc/${pid}/comm`)?.trim();
const startOf = (pid: number): number | null => {
  const stat = tryRead(`/proc/${pid}/stat`);
  return stat === null ? null : startTimeOf(stat);
};
const innermost = (pid: number): number | undefined => {
  const status = tryRead(`/proc/${pid}/status`);
  return status === null ? undefined : parseNsPid(status)?.at(-1);
};

async function waitFor<T>(what: string, probe: () => T | undefined, ms = 5000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

t.test('real pid namespaces', async (t) => {
  if (process.getuid?.() !== 0) {
    t.fail('this test needs root (unshare --pid / nsenter need CAP_SYS_ADMIN); run the suite as root');
    return;
  }
  const found: { pid: number; start: number | null }[] = [];
  t.teardown(() => {
    // Inits first: the kernel then kills everything in their namespaces.
    for (const { pid, start } of found) {
      if (start !== null && startOf(pid) === start) {
        try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
      }
    }
  });
  const track = (pid: number): number => {
    found.push({ pid, start: startOf(pid) });
    return pid;
  };
  const run = (cmd: string, args: string[]): number => {
    const child = spawn(cmd, args, { stdio: 'ignore' });
    child.on('error', (err) => t.fail(`${cmd}: ${err.message}`));
    const pid = child.pid;
    if (pid === undefined) throw new Error(`could not start ${cmd}`);
    // A direct child stays a zombie until libuv reaps it, so its pid cannot be reused first.
    t.teardown(() => { try { process.kill(pid, 'SIGKILL'); } catch { /* exited */ } });
    return pid;
  };

  // Outer namespace: init sh with a plain child, and a nested namespace (unshare inside).
  const unshare = run('unshare', ['--pid', '--fork', '--mount-proc', 'sh', '-c',
    'sleep 60 & unshare --pid --fork sleep 60 & wait']);
  const init = track(await waitFor('the namespace init', () => childrenOf(unshare)[0]));
  t.equal(innermost(init), 1, 'the fork of unshare is pid 1 of its namespace');
  const kids = await waitFor('init\'s children', () => {
    const k = childrenOf(init);
    const inner = k.find((p) => comm(p) === 'unshare');
    const plain = k.find((p) => comm(p) === 'sleep');
    return inner !== undefined && plain !== undefined ? { inner, plain } : undefined;
  });
  track(kids.inner);
  const child = track(kids.plain);
  const nestedInit = track(await waitFor('the nested init', () => childrenOf(kids.inner)[0]));
  t.equal(innermost(nestedInit), 1);

  // Readers that joined by setns: their parent (nsenter) is in the host namespace.
  const nsenter = run('nsenter', ['--target', String(init), '--pid', '--', 'sleep', '60']);
  const joined = track(await waitFor('the nsenter child', () => {
    const c = childrenOf(nsenter)[0];
    return c !== undefined && comm(c) === 'sleep' ? c : undefined;
  }));
  const nsenter2 = run('nsenter', ['--target', String(nestedInit), '--pid', '--', 'sleep', '60']);
  const joinedNested = track(await waitFor('the nested nsenter child', () => {
    const c = childrenOf(nsenter2)[0];
    return c !== undefined && comm(c) === 'sleep' ? c : undefined;
  }));
  t.equal(readlinkSync(`/proc/${joined}/ns/pid`), readlinkSync(`/proc/${init}/ns/pid`));
  t.not(readlinkSync(`/proc/${nsenter}/ns/pid`), readlinkSync(`/proc/${init}/ns/pid`),
    'the joined reader\'s parent is outside the namespace, so only the scan can find the init');

  const scanning = new InitResolver({ procRoot: '/proc' });
  t.equal(scanning.initOf(joined), init, 'setns-joined reader (scan path)');
  t.equal(scanning.initOf(joinedNested), nestedInit, 'setns-joined reader in the nested namespace');

  const r = new InitResolver({ procRoot: '/proc' });
  t.equal(r.initOf(child), init, 'child of the init (walk path)');
  t.equal(r.initOf(init), init, 'the init itself');
  t.equal(r.initOf(nestedInit), nestedInit, 'nested namespace: the innermost init');
  t.equal(r.initOf(joined), init, 'cache hit');
  t.equal(r.size, 2);

  t.equal(r.initOf(process.pid), process.pid, 'the daemon\'s own namespace');
  const thread = readdirSync('/proc/self/task').map(Number).find((tid) => tid !== process.pid);
  if (thread !== undefined) t.equal(r.initOf(thread), thread, 'a thread id in the daemon\'s namespace');
  t.throws(() => r.initOf(0), { code: 'LXCFS_CALLER_INVISIBLE' });

  // Kill the namespace's init: the kernel kills its members. Until a member is reaped its
  // zombie still has an ns link (and may still resolve to the dying init), so wait for reaping.
  process.kill(init, 'SIGKILL');
  for (const pid of [joined, child]) {
    await waitFor(`pid ${pid} to be reaped`, () => (startOf(pid) === null ? true : undefined));
  }
  t.throws(() => r.initOf(joined), { code: 'LXCFS_CALLER_GONE' });
  t.throws(() => scanning.initOf(child), { code: 'LXCFS_CALLER_GONE' });
});
