import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import t, { type Test } from 'tap';
import { parseCommandLine, usage, type Command } from '../src/cli.js';
import { DEFAULT_SPIN_MICROS } from '../src/config.js';
import { LxcfsError } from '../src/errors.js';
import { REGISTRY } from '../src/files/registry.js';

const DEFAULTS = {
  mountpoint: '/var/lib/lxcfs',
  pidfile: '/run/lxcfs-node.pid',
  debug: false,
  render: { swap: true, cfs: false, loadavg: false },
  fuseOptions: [],
  procRoot: '/proc',
  sysRoot: '/sys',
  cgroupRoot: '/sys/fs/cgroup',
  spinMicros: DEFAULT_SPIN_MICROS,
  threads: Math.max(1, Math.min(Math.floor(availableParallelism() / 2), 4)),
  deadlineMs: 1000,
  cgroupnsPid: 1,
  kernelResend: true,
};

function run(argv: string[]) {
  const command: Command = parseCommandLine(argv);
  if (command.kind !== 'run') throw new Error(`expected a run command, got ${command.kind}`);
  return command.options;
}

t.test('defaults: /var/lib/lxcfs, /run/lxcfs-node.pid, swap on', async (t) => {
  t.same(parseCommandLine([]), { kind: 'run', options: DEFAULTS, http: null, takeOver: false, reattachEverySeconds: 30, spareAfterCrashSeconds: 60 });
});

t.test('--take-over: take a running instance\'s mount over instead of failing on its pidfile', async (t) => {
  const command = parseCommandLine(['--take-over', '/mnt/x']);
  t.match(command, { kind: 'run', takeOver: true, options: { mountpoint: '/mnt/x' } });
  t.match(usage(), /--take-over/);
});

t.test('--reattach-every: seconds between looks for containers with dead files, 0 never', async (t) => {
  t.match(parseCommandLine(['--reattach-every', '0']), { reattachEverySeconds: 0 });
  t.match(parseCommandLine(['--reattach-every', '600']), { reattachEverySeconds: 600 });
  for (const bad of ['-1', 'x', '86401', '1.5']) t.throws(() => parseCommandLine(['--reattach-every', bad]), { code: 'LXCFS_USAGE' }, bad);
});

t.test('--spare-after-crash: seconds a spare serving process is kept after a crash, 0 never', async (t) => {
  t.match(parseCommandLine(['--spare-after-crash', '0']), { spareAfterCrashSeconds: 0 });
  t.match(parseCommandLine(['--spare-after-crash', '300']), { spareAfterCrashSeconds: 300 });
  for (const bad of ['-1', 'x', '86401', '1.5']) t.throws(() => parseCommandLine(['--spare-after-crash', bad]), { code: 'LXCFS_USAGE' }, bad);
});

t.test('a mountpoint argument', async (t) => {
  t.same(run(['/mnt/lxcfs']), { ...DEFAULTS, mountpoint: '/mnt/lxcfs' });
  t.same(run(['/mnt/lxcfs/']).mountpoint, '/mnt/lxcfs', 'normalised');
  t.same(run(['-l', '/mnt/x', '-u']), { ...DEFAULTS, mountpoint: '/mnt/x', render: { swap: false, cfs: false, loadavg: true } },
    'flags before and after the positional');
  t.equal(run(['--', '-odd']).mountpoint, resolve('-odd'), 'after --, a dash-name is a path');
});

t.test('-f / --foreground: accepted, nothing changes', async (t) => {
  t.same(run(['-f']), DEFAULTS);
  t.same(run(['--foreground']), DEFAULTS);
});

t.test('-d / --debug', async (t) => {
  t.same(run(['-d']), { ...DEFAULTS, debug: true });
  t.same(run(['--debug']), { ...DEFAULTS, debug: true });
});

t.test('-l / --enable-loadavg', async (t) => {
  t.same(run(['-l']), { ...DEFAULTS, render: { swap: true, cfs: false, loadavg: true } });
  t.same(run(['--enable-loadavg']).render, { swap: true, cfs: false, loadavg: true });
});

t.test('-u / --disable-swap', async (t) => {
  t.same(run(['-u']), { ...DEFAULTS, render: { swap: false, cfs: false, loadavg: false } });
  t.same(run(['--disable-swap']).render, { swap: false, cfs: false, loadavg: false });
});

t.test('--enable-cfs', async (t) => {
  t.same(run(['--enable-cfs']), { ...DEFAULTS, render: { swap: true, cfs: true, loadavg: false } });
});

t.test('--enable-pidfd and -s: accepted for compatibility', async (t) => {
  t.same(run(['--enable-pidfd']), DEFAULTS);
  t.same(run(['-s']), DEFAULTS);
});

t.test('-p / --pidfile', async (t) => {
  t.equal(run(['-p', '/tmp/a.pid']).pidfile, '/tmp/a.pid');
  t.equal(run(['--pidfile=/tmp/b.pid']).pidfile, '/tmp/b.pid');
  t.equal(run(['--pidfile', '/tmp/c.pid']).pidfile, '/tmp/c.pid');
  t.equal(run(['-p/tmp/d.pid']).pidfile, '/tmp/d.pid');
});

t.test('-o a,b', async (t) => {
  t.same(run(['-o', 'allow_other,ro,max_read=4096']).fuseOptions, ['allow_other', 'ro', 'max_read=4096']);
  t.same(run(['-o', ' a , b ,']).fuseOptions, ['a', 'b']);
  t.same(run(['-oro']).fuseOptions, ['ro']);
});

t.test('everything at once', async (t) => {
  t.same(run(['-l', '-u', '--enable-cfs', '--enable-pidfd', '-s', '-d', '-p', '/x.pid', '-o', 'ro', '/mnt/m']), {
    ...DEFAULTS, mountpoint: '/mnt/m', pidfile: '/x.pid', debug: true,
    render: { swap: false, cfs: true, loadavg: true }, fuseOptions: ['ro'],
  });
});

t.test('-v / --version and -h / --help', async (t) => {
  t.same(parseCommandLine(['-v']), { kind: 'version' });
  t.same(parseCommandLine(['--version']), { kind: 'version' });
  t.same(parseCommandLine(['-h']), { kind: 'help' });
  t.same(parseCommandLine(['--help']), { kind: 'help' });
  t.same(parseCommandLine(['-h', '-v']), { kind: 'help' }, 'help wins');
  t.same(parseCommandLine(['-d', '-f', '-h']), { kind: 'help' }, 'help even with otherwise invalid flags');
});

t.test('testing roots', async (t) => {
  const o = run(['--proc-root', '/fx/proc', '--sys-root=/fx/sys', '--cgroup-root', '/fx/cg']);
  t.same([o.procRoot, o.sysRoot, o.cgroupRoot], ['/fx/proc', '/fx/sys', '/fx/cg']);
});

t.test('relative paths are resolved against the working directory', async (t) => {
  const o = run(['-p', 'run/x.pid', '--proc-root', 'fixtures/proc', '--sys-root', '../sys', '--cgroup-root', '.', 'mnt']);
  t.equal(o.mountpoint, resolve(process.cwd(), 'mnt'));
  t.equal(o.pidfile, resolve(process.cwd(), 'run/x.pid'));
  t.equal(o.procRoot, resolve(process.cwd(), 'fixtures/proc'));
  t.equal(o.sysRoot, resolve(process.cwd(), '../sys'));
  t.equal(o.cgroupRoot, process.cwd());
});

function usageError(t: Test, argv: string[], message: RegExp): void {
  try {
    parseCommandLine(argv);
    t.fail(`${argv.join(' ')}: accepted`);
  } catch (err) {
    t.ok(err instanceof LxcfsError, `${argv.join(' ')}: an LxcfsError`);
    t.equal((err as LxcfsError).code, 'LXCFS_USAGE');
    t.equal((err as LxcfsError).errno, 22, 'EINVAL');
    t.match((err as LxcfsError).message, message);
  }
}

t.test('-d with -f: LXCFS_USAGE', async (t) => {
  usageError(t, ['-d', '-f'], /-d and -f are mutually exclusive/);
  usageError(t, ['--foreground', '--debug'], /mutually exclusive/);
});

t.test('two -o: LXCFS_USAGE', async (t) => {
  usageError(t, ['-o', 'a', '-o', 'b'], /only one -o is allowed/);
});

t.test('unknown flags: LXCFS_USAGE', async (t) => {
  usageError(t, ['--bogus'], /^invalid command line: .*--bogus/);
  usageError(t, ['-x'], /-x/);
  usageError(t, ['--enable-cfs=yes'], /enable-cfs/);
});

t.test('a missing option value: LXCFS_USAGE', async (t) => {
  usageError(t, ['-p'], /pidfile/);
  usageError(t, ['-o'], /-o/);
});

t.test('two positionals: LXCFS_USAGE', async (t) => {
  usageError(t, ['/a', '/b'], /one mountpoint expected, got 2/);
  usageError(t, ['/a', '-f', '/b', '/c'], /got 3/);
});

t.test('--spin-us: 0 to 1000 µs, default 50 (0 on one CPU)', async (t) => {
  t.equal(run(['--spin-us', '0']).spinMicros, 0);
  t.equal(run(['--spin-us=1000']).spinMicros, 1000);
  t.equal(run([]).spinMicros, availableParallelism() > 1 ? 50 : 0);
  for (const bad of ['-1', '1001', '1.5', 'x', '', '99999']) {
    t.throws(() => parseCommandLine(['--spin-us', bad]), { code: 'LXCFS_USAGE' }, JSON.stringify(bad));
  }
  t.match(usage(), /--spin-us N/);
});

t.test('--deadline-ms: 0 (none) to 60000 ms per render, default 1000', async (t) => {
  t.equal(run(['--deadline-ms', '0']).deadlineMs, 0);
  t.equal(run(['--deadline-ms=60000']).deadlineMs, 60_000);
  t.equal(run(['--deadline-ms', '250']).deadlineMs, 250);
  for (const bad of ['-1', 'x', '60001', '1.5', '']) {
    t.throws(() => parseCommandLine(['--deadline-ms', bad]), { code: 'LXCFS_USAGE' }, JSON.stringify(bad));
  }
  t.match(usage(), /--deadline-ms N/);
});

t.test('--cgroupns-pid: whose cgroup namespace to read callers\' paths in, default 1', async (t) => {
  t.equal(run(['--cgroupns-pid', '4242']).cgroupnsPid, 4242);
  for (const bad of ['0', '-1', 'x', '1.5', '', '99999999999']) {
    t.throws(() => parseCommandLine(['--cgroupns-pid', bad]), { code: 'LXCFS_USAGE' }, JSON.stringify(bad));
  }
  t.match(usage(), /--cgroupns-pid PID/);
});

t.test('--no-kernel-resend: replay the in-flight journal without asking the kernel first', async (t) => {
  t.equal(run([]).kernelResend, true);
  t.equal(run(['--no-kernel-resend']).kernelResend, false);
  t.match(usage(), /--no-kernel-resend/);
});

t.test('--threads: 1 to 64 serving threads, default one per two CPUs, 1 to 4', async (t) => {
  t.equal(run(['--threads', '1']).threads, 1);
  t.equal(run(['--threads=64']).threads, 64);
  t.equal(run([]).threads, Math.max(1, Math.min(Math.floor(availableParallelism() / 2), 4)));
  for (const bad of ['0', '65', '1.5', 'x', '', '-2', '100']) {
    t.throws(() => parseCommandLine(['--threads', bad]), { code: 'LXCFS_USAGE' }, JSON.stringify(bad));
  }
  t.match(usage(), /--threads N/);
});

t.test('--http [HOST:]PORT: off by default, loopback unless a host is given', async (t) => {
  const http = (argv: string[]) => {
    const command = parseCommandLine(argv);
    return command.kind === 'run' ? command.http : undefined;
  };
  t.equal(http([]), null);
  t.same(http(['--http', '9558']), { host: '127.0.0.1', port: 9558 });
  t.same(http(['--http', '0.0.0.0:9558']), { host: '0.0.0.0', port: 9558 });
  t.same(http(['--http=[::1]:80']), { host: '::1', port: 80 });
  for (const bad of ['', 'x', '65536', 'host:', ':80', '1.2.3.4:-1', '::1:80']) {
    t.throws(() => parseCommandLine(['--http', bad]), { code: 'LXCFS_USAGE' }, JSON.stringify(bad));
  }
  t.match(usage(), /--http \[HOST:\]PORT/);
});

t.test('usage() lists every registry file with its summary', async (t) => {
  const text = usage();
  t.ok(REGISTRY.length >= 8, `the registry has ${REGISTRY.length} files`);
  for (const file of REGISTRY) {
    t.ok(text.includes(`  ${file.path}`), `mentions ${file.path}`);
    t.ok(text.includes(file.summary), `summary of ${file.path}`);
  }
  t.match(text, /^Usage: lxcfs-node \[options\] \[mountpoint\]/);
  t.match(text, /default mountpoint \/var\/lib\/lxcfs/);
  t.match(text, /default \/run\/lxcfs-node\.pid/);
  for (const flag of ['-f, --foreground', '-d, --debug', '-l, --enable-loadavg', '-u, --disable-swap', '--enable-cfs',
    '--enable-pidfd', '-p, --pidfile', '-o OPT', '-v, --version', '-h, --help', '--proc-root', '--sys-root', '--cgroup-root']) {
    t.ok(text.includes(flag), `documents ${flag}`);
  }
  t.ok(text.endsWith('\n'));
});

t.test('subcommands by first word, through the installed command', async (t) => {
  const { spawnSync } = await import('node:child_process');
  const { CLI } = await import('./helpers/daemon.js');
  const { cleanCommand } = await import('./helpers/env.js');
  const run = (...args: string[]) => {
    const [command, argv] = cleanCommand(CLI, args);
    return spawnSync(command, argv, { encoding: 'utf8', timeout: 20_000 });
  };
  for (const [word, heading] of [['doctor', /^Usage: lxcfs-node doctor/], ['mutate', /^Usage: lxcfs-node mutate/], ['injector', /^Usage: lxcfs-node injector/], ['reattach', /^Usage: lxcfs-node reattach/]] as const) {
    const r = run(word, '--help');
    t.equal(r.status, 0, `${word} --help: ${r.stderr}`);
    t.match(r.stdout, heading);
    t.match(usage(), new RegExp(`lxcfs-node ${word} `), `the daemon's --help names ${word}`);
  }
  const bad = run('doctor', '--nope');
  t.equal(bad.status, 64, 'a doctor usage error');
  t.match(bad.stderr, /--nope/);
});
