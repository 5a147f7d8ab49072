// Crash survival and upgrade hand-over under load (issue: never break a container's /proc).
// 32 readers — each the init of its own pid namespace, in a private mount namespace with our
// files bind-mounted over /proc as a container has them, in one of four memory cgroups with
// different limits — read every file in a loop while the serving child is SIGKILLed 20 times
// and the connection is handed over to a freshly started keeper 5 times (the old one then
// SIGTERMed, as Kubernetes ends a DaemonSet's old pod). Required: no failed read, no value
// from another cgroup, no read stalled 2 s or more, with the kernel resending what a dead child
// held (FUSE_NOTIFY_RESEND), and again with --no-kernel-resend, where the journal of requests
// in flight is all there is, as on kernels before 6.9. A reader stuck in a lost request is
// reported with the system call and kernel stack it waits in. Bounded in time; cleans up by pid.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { TestCgroups } from '../helpers/cgroups.js';
import { CLI, startLxcfsNode, tempDir } from '../helpers/daemon.js';
import { cleanCommand, requirePrivileges } from '../helpers/env.js';
import { childrenOf, commandLine, isAlive, killIfStill, servingChildOf } from '../helpers/processes.js';

const MiB = 1024 * 1024;
const LIMITS_MIB = [200, 300, 400, 500];
const READERS = 32;
const KILLS = Number(process.env.LXCFS_CHAOS_KILLS ?? 20);
const HAND_OVERS = Number(process.env.LXCFS_CHAOS_HAND_OVERS ?? 5);
/** Readers finish their round of files well within this once told to stop. */
const READERS_EXIT_MS = 15_000;
const FILES = ['proc/meminfo', 'proc/cpuinfo', 'proc/stat', 'proc/uptime', 'proc/diskstats', 'proc/swaps', 'proc/loadavg', 'sys/devices/system/cpu/online'];

/**
 * The reader: loops over the files until `stop` exists, then writes its counts to `out`. It
 * says `ready` after its first round; stalls count once `go` exists — 32 node processes
 * booting on two CPUs stall each other's first reads for a second or more, with no crash.
 */
const READER = `
const fs = require('fs');
const [expectKiB, ready, go, stop, out, ...files] = process.argv.slice(2);
const r = { reads: 0, failed: 0, wrong: 0, maxStallMs: 0, stalledAt: 0, stalledOn: '', errors: {} };
let measuring = false;
while (!fs.existsSync(stop)) {
  if (!measuring && r.reads > 0) {
    if (!fs.existsSync(ready)) fs.writeFileSync(ready, '');
    measuring = fs.existsSync(go);
  }
  for (const f of files) {
    const t0 = process.hrtime.bigint();
    try {
      const text = fs.readFileSync(f, 'utf8');
      if (!text.endsWith('\\n')) r.failed++;
      if (f === '/proc/meminfo') {
        const m = /^MemTotal:\\s+(\\d+) kB$/m.exec(text);
        if (m === null || m[1] !== expectKiB) r.wrong++;
      }
      r.reads++;
    } catch (err) {
      r.failed++;
      r.errors[err.code] = (r.errors[err.code] || 0) + 1;
    }
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (measuring && ms > r.maxStallMs) Object.assign(r, { maxStallMs: ms, stalledAt: Date.now() - ms, stalledOn: f });
  }
}
fs.writeFileSync(out, JSON.stringify(r));
`;

interface ReaderResult { reads: number; failed: number; wrong: number; maxStallMs: number; stalledAt: number; stalledOn: string; errors: Record<string, number> }

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  for (let waited = 0; !check(); waited += 20) {
    if (waited > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const MODES = [['the kernel resends', []], ['the journal replays (--no-kernel-resend)', ['--no-kernel-resend']]] as const;
for (const [how, flags] of MODES) {
  t.test(`${READERS} readers in 4 cgroups: ${KILLS} SIGKILLs of the serving process and ${HAND_OVERS} hand-overs, no failed read; ${how}`, async (t) => {
    if (!requirePrivileges(t)) return;
    await chaos(t, flags);
  });
}

/** What each stuck reader waits in (its syscall and the file it is on) and what the connection holds. */
function stuckReport(mountpoint: string, groups: readonly number[]): string {
  const lines: string[] = [];
  try {
    const dev = statSync(mountpoint).dev;
    const minor = (dev & 0xff) | ((dev >> 12) & 0xfff00);
    lines.push(`connection ${minor}: ${readFileSync(`/sys/fs/fuse/connections/${minor}/waiting`, 'utf8').trim()} requests waiting`);
  } catch (err) {
    lines.push(`connection: ${(err as Error).message}`);
  }
  const descendants = (pid: number): number[] => childrenOf(pid).flatMap((c) => [c, ...descendants(c)]);
  for (const group of groups) {
    for (const pid of descendants(group).filter((p) => commandLine(p).includes('reader.cjs'))) {
      try {
        const syscall = readFileSync(`/proc/${pid}/syscall`, 'utf8').trim().split(' ');
        const fd = Number(syscall[1]);
        let file = '?';
        try { file = readlinkSync(`/proc/${pid}/fd/${fd}`); } catch { /* not an fd argument */ }
        lines.push(`reader ${pid}: syscall ${syscall[0]} fd ${fd} (${file}); ${readFileSync(`/proc/${pid}/stack`, 'utf8').trim().split('\n').slice(0, 4).join(' < ')}`);
      } catch (err) {
        lines.push(`reader ${pid}: ${(err as Error).message}`);
      }
    }
  }
  return lines.join('\n');
}

async function chaos(t: Test, flags: readonly string[]): Promise<void> {
  const fs = await startLxcfsNode(t, ['--threads', '2', ...flags]);
  const dir = tempDir(t);
  const cgroups = new TestCgroups(t);
  const script = join(dir, 'reader.cjs');
  writeFileSync(script, READER);
  const stopFile = join(dir, 'stop');
  const goFile = join(dir, 'go');
  LIMITS_MIB.forEach((mib, i) => {
    cgroups.create('memory', `c${i}`);
    cgroups.write('memory', `c${i}`, 'memory.limit_in_bytes', mib * MiB);
  });

  const started: ChildProcess[] = [];
  const keepers: number[] = [fs.pid];
  t.teardown(() => {
    writeFileSync(stopFile, '');
    for (const child of started) {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL'); // its process group: sh, unshare, the reader
      } catch {
        // gone already
      }
    }
  });

  const binds = FILES.map((f) => `mount --bind ${join(fs.mountpoint, f)} /${f}`).join(' && ');
  const readers = Array.from({ length: READERS }, (_, i) => {
    const group = i % LIMITS_MIB.length;
    const out = join(dir, `reader-${i}.json`);
    const inner = `${binds} && exec node ${script} ${LIMITS_MIB[group]! * 1024} ${join(dir, `ready-${i}`)} ${goFile} ${stopFile} ${out} ${FILES.map((f) => `/${f}`).join(' ')}`;
    const child = spawn('sh', ['-c', `echo $$ > ${cgroups.dir('memory', `c${group}`)}/cgroup.procs && exec unshare --mount --propagation private --pid --fork sh -c '${inner}'`], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    started.push(child);
    return { out, child, exited: new Promise<string>((resolve) => child.on('exit', () => resolve(stderr))) };
  });
  await until('every reader to have read every file once', () => readers.every((_, i) => existsSync(join(dir, `ready-${i}`))), 30_000);
  writeFileSync(goFile, '');
  await sleep(300); // each reader's round in progress ends and the next is measured

  const handOver = async (): Promise<void> => {
    const previous = keepers.at(-1)!;
    const [command, argv] = cleanCommand(CLI, ['--take-over', '--threads', '2', ...flags, '-p', fs.pidfile, fs.mountpoint]);
    const log = process.env.LXCFS_CHAOS_DEBUG ? openSync(join(dir, `keeper-${keepers.length}.log`), 'a') : 'ignore';
    const next = spawn(command, argv, { detached: true, stdio: ['ignore', 'ignore', log] });
    started.push(next);
    await until('the new keeper to own the pidfile', () => existsSync(fs.pidfile) && readFileSync(fs.pidfile, 'utf8').trim() === String(next.pid));
    keepers.push(next.pid!);
    const children = childrenOf(previous);
    process.kill(previous, 'SIGTERM');
    await until('the old keeper to exit', () => !isAlive(previous) || readFileSync(`/proc/${previous}/stat`, 'utf8').split(' ')[2] === 'Z');
    killIfStill(children, 'serve-connection');
  };
  const killServing = async (): Promise<void> => {
    const keeper = keepers.at(-1)!;
    let child: number | undefined;
    await until('a serving child', () => (child = servingChildOf(keeper)) !== undefined);
    process.kill(child!, 'SIGKILL');
  };

  // The hand-overs spread evenly among the kills (20 and 5: four kills, a hand-over, …).
  const events: Array<'kill' | 'hand-over'> = [];
  for (let kills = 0, handOvers = 0; kills < KILLS || handOvers < HAND_OVERS;) {
    const handOverDue = handOvers < HAND_OVERS && (kills >= KILLS || kills >= ((handOvers + 1) * KILLS) / HAND_OVERS);
    if (handOverDue) handOvers++;
    else kills++;
    events.push(handOverDue ? 'hand-over' : 'kill');
  }
  for (const [i, event] of events.entries()) {
    if (event === 'kill') await killServing();
    else await handOver();
    if (process.env.LXCFS_CHAOS_DEBUG) t.comment(`${new Date().toISOString()} ${i} ${event}`);
    await sleep(300);
  }
  await sleep(1000);
  writeFileSync(stopFile, '');
  // A read that never returns is the failure this test exists for: bounded, reported, not a hang.
  const stderrs = await Promise.race([Promise.all(readers.map((r) => r.exited)), sleep(READERS_EXIT_MS).then(() => null)]);
  if (stderrs === null) {
    const stuck = readers.filter((r) => !existsSync(r.out)).length;
    t.fail(`${stuck} of ${READERS} readers are still inside a read ${READERS_EXIT_MS} ms after the last event: requests were lost`);
    t.comment(stuckReport(fs.mountpoint, readers.filter((r) => !existsSync(r.out)).map((r) => r.child.pid!)));
    if (process.env.LXCFS_CHAOS_DEBUG) {
      t.comment(`keeper 0:\n${fs.stderr()}`);
      for (let k = 1; k < keepers.length; k++) t.comment(`keeper ${k}:\n${readFileSync(join(dir, `keeper-${k}.log`), 'utf8')}`);
    }
    return;
  }
  const results = readers.map((r, i) => {
    if (!existsSync(r.out)) throw new Error(`reader ${i} wrote no result: ${stderrs[i]}`);
    return JSON.parse(readFileSync(r.out, 'utf8')) as ReaderResult;
  });
  const total = results.reduce<ReaderResult>((a, r) => ({
    ...(r.maxStallMs > a.maxStallMs ? r : a),
    reads: a.reads + r.reads, failed: a.failed + r.failed, wrong: a.wrong + r.wrong, errors: { ...a.errors, ...r.errors },
  }), { reads: 0, failed: 0, wrong: 0, maxStallMs: 0, stalledAt: 0, stalledOn: '', errors: {} });
  t.comment(`chaos: ${total.reads} reads, ${total.failed} failed, ${total.wrong} wrong-cgroup values, longest stall ${total.maxStallMs.toFixed(0)} ms (${total.stalledOn} from ${new Date(total.stalledAt).toISOString()}); ${KILLS} kills, ${HAND_OVERS} hand-overs`);
  t.ok(results.every((r) => r.reads > 0), 'every reader read');
  t.equal(total.failed, 0, `no failed read (${JSON.stringify(total.errors)})`);
  t.equal(total.wrong, 0, 'no value from another cgroup');
  t.ok(total.maxStallMs < 2000, `longest stall ${total.maxStallMs.toFixed(0)} ms < 2 s`);
  t.equal(keepers.length, HAND_OVERS + 1, 'every hand-over went to a new keeper');
  t.ok(servingChildOf(keepers.at(-1)!) !== undefined, 'the last keeper still serves');
  if (flags.includes('--no-kernel-resend')) t.match(fs.stderr(), /replayed the requests a predecessor left unanswered from the journal/, 'the journal was replayed');
}
