// Slow kernel files through a real mount: a container whose cgroup files each take 300 ms to
// read (symlinks from the v2 fixture tree into a slow FUSE filesystem — how a memory.stat of
// a huge hierarchy or a file behind a contended kernel lock looks to the daemon). With
// --deadline-ms 200, a render makes one slow read, then serves the host's file; without a
// deadline it reads every slow file. Readers of another container read their own values
// throughout. Counted by the opens the daemon makes, not by timing. And a serving child
// killed while it waits in such a read, with --no-kernel-resend (as on kernels before 6.9,
// which cannot resend what it held): the next child answers the reader from the journal.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import t, { type Test } from 'tap';
import { TestCgroups } from '../helpers/cgroups.js';
import { LIMITED, rootedV2Fixture, UNLIMITED } from '../helpers/cgroup-v2-fixture.js';
import { startLxcfsNode, tempDir } from '../helpers/daemon.js';
import { requirePrivileges } from '../helpers/env.js';
import { meminfoValue, shOk } from '../helpers/run.js';

/** 256 MiB: the container that stays fast. */
const FAST = LIMITED;
/** Under the 512 MiB pod: the container whose files turn slow. */
const SLOW = UNLIMITED;
const SLOW_FILES = ['memory.current', 'memory.max', 'memory.stat'] as const;
const OPEN_DELAY_MS = 300;
const SLOW_FS = resolve(import.meta.dirname, '../helpers/slow-fs-main.ts');

interface Setup {
  readonly daemon: Awaited<ReturnType<typeof startLxcfsNode>>;
  /** Reads a file of the mount from a process placed in the unified cgroup `rel`. */
  read(rel: string, file: string): Promise<string>;
  /** Makes SLOW's memory files slow; returns how often the daemon opened each so far. */
  slowDown(): Promise<() => Record<string, number>>;
}

async function setup(t: Test, deadlineArgs: string[]): Promise<Setup> {
  const cgroups = new TestCgroups(t);
  const tmp = tempDir(t);
  const root = join(tmp, 'cgroup');
  const base = rootedV2Fixture(root, cgroups);
  const fs = await startLxcfsNode(t, ['--cgroup-root', root, ...deadlineArgs]);
  return {
    daemon: fs,
    read: (rel, file) => {
      cgroups.create('unified', rel);
      return shOk(t, `echo $$ > ${cgroups.dir('unified', rel)}/cgroup.procs && exec cat ${join(fs.mountpoint, file)}`);
    },
    slowDown: () => slowDown(t, join(base, SLOW), join(tmp, 'slow')),
  };
}

/**
 * Replaces each of SLOW_FILES in `dir` by a symlink to the same content on a FUSE filesystem
 * (test/helpers/slow-fs-main.ts, a child process) that answers each read after
 * OPEN_DELAY_MS. Returns how often the daemon read each file since.
 */
async function slowDown(t: Test, dir: string, mountpoint: string): Promise<() => Record<string, number>> {
  mkdirSync(mountpoint);
  const files = Object.fromEntries(SLOW_FILES.map((name) => [name, readFileSync(join(dir, name), 'utf8')]));
  const child = spawn(process.execPath, [...process.execArgv, SLOW_FS, JSON.stringify({ mountpoint, delayMs: OPEN_DELAY_MS, files })], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await Promise.race([once(child, 'exit'), sleep(5000).then(() => child.kill('SIGKILL'))]);
    }
  });
  const reads: Record<string, number> = Object.fromEntries(SLOW_FILES.map((name) => [name, 0]));
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`slow filesystem exited (${code})`)));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const lines = out.split('\n');
      out = lines.pop()!;
      for (const line of lines) {
        if (line === 'ready') resolve();
        else if (line.startsWith('read ')) reads[line.slice(5)]! += 1;
      }
    });
  });
  for (const name of SLOW_FILES) {
    rmSync(join(dir, name));
    symlinkSync(join(mountpoint, name), join(dir, name));
  }
  return () => ({ ...reads });
}

function hostMemTotal(): number {
  return meminfoValue(readFileSync('/proc/meminfo', 'utf8'), 'MemTotal');
}

t.test('--deadline-ms 200: a render makes one slow read, then serves the host file; another container keeps its values', async (t) => {
  if (!requirePrivileges(t)) return;
  const fs = await setup(t, ['--deadline-ms', '200']);
  t.equal(meminfoValue(await fs.read(SLOW, 'proc/meminfo'), 'MemTotal'), 524288, 'in time while its files are fast');
  const opened = await fs.slowDown();
  const fastReads: number[] = [];
  let reading = true;
  const fastReader = (async () => {
    while (reading) fastReads.push(meminfoValue(await fs.read(FAST, 'proc/meminfo'), 'MemTotal'));
  })();
  const slowReads: number[] = [];
  for (let i = 0; i < 3; i++) slowReads.push(meminfoValue(await fs.read(SLOW, 'proc/meminfo'), 'MemTotal'));
  reading = false;
  await fastReader;
  t.same(slowReads, [hostMemTotal(), hostMemTotal(), hostMemTotal()], 'the host file, never a failed read');
  const counts = opened();
  t.equal(Object.values(counts).reduce((a, b) => a + b, 0), 3, `one slow read per render: ${JSON.stringify(counts)}`);
  t.ok(fastReads.length >= 3, `${fastReads.length} reads of the fast container meanwhile`);
  t.ok(fastReads.every((v) => v === 262144), 'every one of them its own 256 MiB');
});

t.test('--deadline-ms 0: every slow file is read and the container\'s own values are served', async (t) => {
  if (!requirePrivileges(t)) return;
  const fs = await setup(t, ['--deadline-ms', '0']);
  const opened = await fs.slowDown();
  t.equal(meminfoValue(await fs.read(SLOW, 'proc/meminfo'), 'MemTotal'), 524288);
  const counts = opened();
  t.ok(SLOW_FILES.every((name) => counts[name]! >= 1), `each slow file read: ${JSON.stringify(counts)}`);
});

t.test('--no-kernel-resend: the serving child killed inside a slow read; the next one answers the reader from the journal', async (t) => {
  if (!requirePrivileges(t)) return;
  const fs = await setup(t, ['--deadline-ms', '0', '--no-kernel-resend']);
  const opened = await fs.slowDown();
  const slowReads = () => Object.values(opened()).reduce((a, b) => a + b, 0);
  const reading = fs.read(SLOW, 'proc/meminfo');
  for (let waited = 0; slowReads() === 0; waited += 20) {
    if (waited > 5000) throw new Error('the render never reached the slow files');
    await sleep(20);
  }
  const killed = fs.daemon.servingPid();
  t.ok(killed !== undefined, 'a serving child, now inside the render');
  process.kill(killed!, 'SIGKILL');
  // Lost, the read would never return: bounded here, so that failure is a message, not a hang.
  const text = await Promise.race([reading, sleep(15_000).then(() => null)]);
  t.not(text, null, 'the read begun before the crash returned');
  if (text === null) return;
  t.equal(meminfoValue(text, 'MemTotal'), 524288, 'with the container\'s own value');
  t.not(fs.daemon.servingPid(), killed, 'answered by the next serving child');
  t.match(await fs.daemon.waitForStderr(/replayed the requests/), /"requests":[1-9]/, 'from the journal');
  t.notMatch(fs.daemon.stderr(), /cannot resend/, 'the kernel was not asked');
});
