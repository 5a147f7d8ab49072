// lxcfs-node mounted for real: tree and modes, the per-open snapshot offsets,
// read-only semantics, clean SIGTERM, replacement of a dead mount, start-up errors.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { CLI, isMounted, startLxcfsNode, tempDir } from '../helpers/daemon.js';
import { cleanCommand, requirePrivileges } from '../helpers/env.js';
import { isAlive } from '../helpers/processes.js';

const PROC_FILES = ['cpuinfo', 'diskstats', 'loadavg', 'meminfo', 'stat', 'swaps', 'uptime'];

t.test('tree, modes and attributes match the lxcfs layout', async (t) => {
  if (!requirePrivileges(t)) return;
  const fs = await startLxcfsNode(t);
  t.same(readdirSync(fs.mountpoint).sort(), ['proc', 'sys']);
  t.same(readdirSync(join(fs.mountpoint, 'proc')).sort(), PROC_FILES);
  t.same(readdirSync(join(fs.mountpoint, 'sys/devices/system/cpu')), ['online']);
  for (const name of PROC_FILES) {
    const st = statSync(join(fs.mountpoint, 'proc', name));
    t.equal(st.mode, 0o100444, `${name} mode`);
    t.equal(st.nlink, 1, `${name} nlink`);
    t.equal(st.uid, 0, `${name} uid`);
    t.ok(readFileSync(join(fs.mountpoint, 'proc', name), 'utf8').length > 0, `${name} has content`);
  }
  t.equal(statSync(join(fs.mountpoint, 'proc')).mode, 0o40555);
  t.equal(statSync(fs.mountpoint).mode, 0o40755);
  t.equal(readFileSync(join(fs.mountpoint, 'sys/devices/system/cpu/online'), 'utf8'),
    readFileSync('/sys/devices/system/cpu/online', 'utf8'));
  const mountLine = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').find((l) => l.split(' ')[4] === fs.mountpoint)!;
  t.match(mountLine, /nosuid,nodev/);
  t.match(mountLine, / - fuse\.lxcfs-node lxcfs-node .*allow_other/);
  t.throws(() => statSync(join(fs.mountpoint, 'proc/slabinfo')), { code: 'ENOENT' });
});

t.test('reads follow the per-open snapshot model', async (t) => {
  if (!requirePrivileges(t)) return;
  const fs = await startLxcfsNode(t);
  const path = join(fs.mountpoint, 'proc/meminfo');
  const whole = readFileSync(path);
  const fd = openSync(path, 'r');
  t.teardown(() => closeSync(fd));
  const buf = Buffer.alloc(whole.length + 100);
  t.equal(readSync(fd, buf, 0, 10, 100), 0, 'fresh fd read at offset 100 is EOF');
  t.equal(readSync(fd, buf, 0, 16, 0), 16, 'offset 0 renders');
  t.equal(buf.subarray(0, 16).toString(), 'MemTotal:       ');
  const rest = readSync(fd, buf, 16, buf.length - 16, 16);
  t.ok(rest > 0, 'offset > 0 slices the snapshot');
  const snapshotLength = 16 + rest;
  t.equal(readSync(fd, buf, 0, 10, snapshotLength), 0, 'offset == length is EOF');
  t.throws(() => readSync(fd, buf, 0, 10, snapshotLength + 1), { code: 'EINVAL' }, 'offset past the end');
  t.ok(readSync(fd, buf, 0, buf.length, 0) > 0, 'seeking back to 0 renders again');
});

t.test('files are read-only', async (t) => {
  if (!requirePrivileges(t)) return;
  const fs = await startLxcfsNode(t);
  const path = join(fs.mountpoint, 'proc/meminfo');
  t.throws(() => openSync(path, 'w'), { code: 'EACCES' });
  t.throws(() => openSync(path, 'r+'), { code: 'EACCES' });
  t.throws(() => writeFileSync(join(fs.mountpoint, 'proc/new'), 'x'), { code: /EACCES|ENOSYS|EPERM/ });
  t.throws(() => mkdirSync(join(fs.mountpoint, 'proc/dir')), { code: /ENOSYS|EPERM|EACCES/ });
  const chmod = spawnSync('chmod', ['0666', path]);
  t.not(chmod.status, 0, 'chmod fails');
});

// The deterministic "caller gone before its request is served" case is
// caller-gone.test.ts; this storm checks that readers killed at random moments around
// their reads (often while the kernel holds their request) leave the daemon serving.
t.test('a storm of readers killed around their reads leaves the daemon serving', async (t) => {
  if (!requirePrivileges(t)) return;
  const fs = await startLxcfsNode(t);
  const path = join(fs.mountpoint, 'proc/meminfo');
  const killed = await Promise.all(Array.from({ length: 40 }, (_, i) => new Promise<void>((resolve) => {
    const child = spawn('cat', [path], { stdio: 'ignore' });
    child.on('spawn', () => setTimeout(() => child.kill('SIGKILL'), i % 4));
    child.on('close', () => resolve());
  })));
  t.equal(killed.length, 40);
  t.match(readFileSync(path, 'utf8'), /^MemTotal:/, 'still serving');
  t.notMatch(fs.stderr(), /"level":50/, 'no error logged');
});

t.test('SIGTERM unmounts cleanly and removes the pidfile', async (t) => {
  if (!requirePrivileges(t)) return;
  const fs = await startLxcfsNode(t);
  t.equal(readFileSync(fs.pidfile, 'utf8').trim(), String(fs.pid));
  t.equal(await fs.stop('SIGTERM'), 0);
  t.notOk(isMounted(fs.mountpoint), 'no mount left');
  t.throws(() => statSync(fs.pidfile), { code: 'ENOENT' });
});

t.test('a dead mount left by a killed daemon (keeper and serving process) is replaced', async (t) => {
  if (!requirePrivileges(t)) return;
  const first = await startLxcfsNode(t);
  const serving = first.servingPid();
  t.equal(await first.stop('SIGKILL'), null);
  t.ok(serving !== undefined && isAlive(serving), 'the keeper\'s death alone leaves its serving process');
  t.match(readFileSync(join(first.mountpoint, 'proc/meminfo'), 'utf8'), /^MemTotal:/, 'which still serves');
  process.kill(serving!, 'SIGKILL');
  await until(() => !isAlive(serving!));
  t.ok(isMounted(first.mountpoint), 'the killed daemon left its mount');
  t.throws(() => statSync(first.mountpoint), { code: /ENOTCONN|ECONNABORTED/ });
  const second = await startLxcfsNode(t, [], { mountpoint: first.mountpoint });
  t.match(readFileSync(join(second.mountpoint, 'proc/meminfo'), 'utf8'), /^MemTotal:/);
  t.match(await second.waitForStderr(/detaching dead mount/), /detaching dead mount/);
});

async function until(check: () => boolean): Promise<void> {
  for (let waited = 0; !check(); waited += 20) {
    if (waited > 5000) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function runCli(args: string[], prefix: string[] = []): Promise<{ code: number | null; stderr: string }> {
  const full = [...prefix, process.execPath, CLI, ...args];
  const [command, argv] = cleanCommand(full[0]!, full.slice(1));
  const child = spawn(command, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
  clearTimeout(timer);
  return { code, stderr };
}

t.test('start-up errors are one line and exit 1', async (t) => {
  if (!requirePrivileges(t)) return;
  const dir = tempDir(t);
  const pidfile = join(dir, 'pid');
  const file = join(dir, 'file');
  writeFileSync(file, 'x');
  const nonEmpty = join(dir, 'non-empty');
  mkdirSync(nonEmpty);
  writeFileSync(join(nonEmpty, 'x'), 'x');
  const live = join(dir, 'live');
  mkdirSync(live);
  t.equal(spawnSync('mount', ['-t', 'tmpfs', 'tmpfs', live]).status, 0, 'tmpfs mounted');
  const cases: Array<[string, string[], RegExp, string[]?]> = [
    ['mountpoint is a file', ['-p', pidfile, file], /LXCFS_MOUNTPOINT_NOT_DIR/],
    ['mountpoint not empty', ['-p', pidfile, nonEmpty], /LXCFS_MOUNTPOINT_NOT_EMPTY/],
    ['mountpoint holds a live filesystem', ['-p', pidfile, live], /LXCFS_MOUNTPOINT_BUSY/],
    ['unknown flag', ['--no-such-flag', join(dir, 'm1')], /LXCFS_USAGE/],
    ['not root', ['-p', pidfile, join(dir, 'm2')], /LXCFS_NOT_ROOT/, ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups']],
    ['no /dev/fuse', ['-p', pidfile, join(dir, 'm3')], /LXCFS_NO_FUSE/,
      ['unshare', '--mount', 'sh', '-c', 'mount -t tmpfs tmpfs /dev && exec "$0" "$@"']],
  ];
  for (const [name, args, expected, prefix] of cases) {
    const { code, stderr } = await runCli(args, prefix);
    t.equal(code, 1, `${name}: exit 1`);
    t.match(stderr, expected, `${name}: ${stderr.trim()}`);
    t.equal(stderr.trim().split('\n').length, 1, `${name}: one line: ${JSON.stringify(stderr)}`);
  }
  t.ok(isMounted(live), 'the live filesystem was left alone');
});
