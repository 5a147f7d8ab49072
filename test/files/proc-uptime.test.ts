import { readFileSync } from 'node:fs';
import t from 'tap';
import type { CpuLimits, CpuUsage } from '../../src/cgroup/types.js';
import { LxcfsError } from '../../src/errors.js';
import { hostFileReader } from '../../src/files/host-files.js';
import { procUptime, uptimeFigures } from '../../src/files/proc-uptime.js';
import type { GatherContext, HostPath, RenderOptions, Services } from '../../src/files/types.js';
import { reaperOf } from '../../src/host/process-age.js';

const S = 1_000_000_000n; // ns per second
const FORMAT = /^\d+\.\d\d \d+\.\d\d\n$/;

/** A /proc/<pid>/stat line whose field 22 (starttime) is `start`. */
const statLine = (pid: number, start: number): string =>
  `${pid} (sh) S 1 ${pid} ${pid} 0 -1 4194560 101 0 0 0 1 2 0 0 20 0 1 0 ${start} 5881856 230 18446744073709551615\n`;
const status = (nspid: string): string => `Name:\tsh\nState:\tS (sleeping)\nTgid:\t1\nNSpid:\t${nspid}\nNSsid:\t1\n`;

interface Scenario {
  /** Host /proc files by path relative to procRoot (and sys paths prefixed 'sys:'). */
  files: Record<string, string>;
  init: number | (() => number);
  usage?: CpuUsage;
  limits?: CpuLimits;
  options?: Partial<RenderOptions>;
}

const usage = (userNs: bigint, systemNs: bigint, perCpu = true): CpuUsage =>
  ({ perCpu: perCpu ? [{ user: userNs, system: systemNs }] : null, total: { user: userNs, system: systemNs } });

function ctx(s: Scenario): GatherContext & { reads: string[] } {
  const reads: string[] = [];
  const never = (): never => {
    throw new Error('not used');
  };
  return {
    pid: 15300,
    options: { swap: true, cfs: false, loadavg: false, ...s.options },
    services: {} as Services,
    hostFile: (file: HostPath) => {
      const key = file.root === 'sys' ? `sys:${file.path}` : file.path;
      reads.push(key);
      const text = s.files[key];
      if (text === undefined) throw new LxcfsError('LXCFS_HOST_UNREADABLE', key);
      return text;
    },
    memory: never,
    containerKey: never,
    cpuLimits: () => s.limits ?? { cpus: null, quota: null },
    cpuUsage: () => s.usage ?? usage(0n, 0n),
    io: never,
    initPid: typeof s.init === 'function' ? s.init : () => s.init as number,
    cgroupPath: never,
    reads,
  };
}

/** Host: up 1000.00 s, 4 CPUs; the container's init 15217 started at `start` ticks. */
function container(start: number, over: Partial<Scenario> = {}): Scenario {
  return {
    init: 15217,
    ...over,
    files: {
      uptime: '1000.00 3600.00\n',
      '15217/stat': statLine(15217, start),
      '15217/status': status('15217\t1'),
      '1/stat': statLine(1, 26),
      '1/status': status('1'),
      'sys:devices/system/cpu/online': '0-3\n',
      ...over.files,
    },
  };
}

const serve = (s: Scenario): string => procUptime.render(procUptime.gather(ctx(s)));

t.test('the VirtualFile entry', async (t) => {
  t.equal(procUptime.path, 'proc/uptime');
  t.same(procUptime.host, { root: 'proc', path: 'uptime' });
  t.equal(procUptime.size, 0);
  t.notMatch(procUptime.summary, /\n/);
  t.ok(Object.isFrozen(procUptime));
});

t.test('a young container: 0.5 s old, idle summed over its visible CPUs', async (t) => {
  const text = serve(container(99950, { usage: usage(150_000_000n, 50_000_000n) }));
  t.equal(text, '0.50 1.80\n', '0.50 × 4 CPUs − 0.20 s busy');
  t.matchSnapshot(text, 'uptime young container');
});

t.test('a fresh pid namespace with no CPU time: idle = uptime × CPUs (upstream test_proc expects 0.xx)', async (t) => {
  t.equal(serve(container(99990, { limits: { cpus: [2], quota: null } })), '0.10 0.10\n', 'cpuset of one CPU');
});

t.test('busy > uptime × visible CPUs (cgroup history older than its init): idle 0, never negative', async (t) => {
  t.equal(serve(container(99700, { usage: usage(5n * S, 600_000_000n), limits: { cpus: [0], quota: null } })), '3.00 0.00\n',
    'spec §9.1: 5.6 s of history, 3 s old, 1 CPU (lxcfs shows 3.00 3.00)');
  t.equal(serve(container(99700, { usage: usage(6n * S, 0n), limits: { cpus: [0, 1], quota: null } })), '3.00 0.00\n', 'exactly equal');
});

t.test('v2: busy from cpu.stat (lxcfs: 0)', async (t) => {
  const text = serve(container(90000, { usage: usage(12n * S + 345_678_901n, 7n * S, false) }));
  t.equal(text, '100.00 380.66\n', '400.00 − 19.34 (busy truncated to hundredths)');
  t.matchSnapshot(text, 'uptime v2');
});

t.test('--enable-cfs: the quota cuts the CPUs idle is summed over', async (t) => {
  const s = container(90000, { limits: { cpus: null, quota: 1.5 }, options: { cfs: true } });
  t.equal(serve(s), '100.00 200.00\n', 'ceil(1.5) = 2 CPUs');
  t.equal(serve({ ...s, options: { cfs: false } }), '100.00 400.00\n', 'without --enable-cfs all 4');
  const offline = container(90000, { limits: { cpus: [0, 7], quota: null } });
  t.equal(serve(offline), '100.00 100.00\n', 'cpuset CPUs that are offline do not count');
});

t.test('in the daemon\'s pid namespace: the host\'s uptime (pid 1\'s age), as lxcfs', async (t) => {
  const host = container(0, {
    files: { uptime: '665.68 1125.98\n', '4242/status': status('4242'), '4242/stat': statLine(4242, 60000) },
    init: 4242,
    usage: usage(196n * S + 700_000_000n, 0n),
    limits: { cpus: [0], quota: null },
  });
  const c = ctx(host);
  t.equal(reaperOf(c), 1);
  t.equal(procUptime.render(procUptime.gather(c)), '665.42 468.72\n', 'spec §9.1: 665.68 − 0.26 s; idle 665.42 − 196.70');
  t.notOk(c.reads.includes('4242/stat'), 'the reader\'s own start is not used');
});

t.test('a container init reading its own uptime: its own start (it is pid 1 of its namespace)', async (t) => {
  const s = container(99000, { files: { '15300/status': status('15300\t1'), '15300/stat': statLine(15300, 99000) }, init: 15300 });
  const c = ctx(s);
  t.equal(reaperOf(c), 15300);
  t.equal(procUptime.render(procUptime.gather(c)), '10.00 40.00\n');
});

t.test('nested pid namespaces: the innermost init', async (t) => {
  const s = container(99000, { files: { '15217/status': status('15217\t40\t1') } });
  t.equal(reaperOf(ctx(s)), 15217);
  t.equal(serve(s), '10.00 40.00\n');
});

t.test('a kernel without NSpid (< 4.1): the resolver\'s answer is used as is', async (t) => {
  const s = container(99000, { files: { '15217/status': 'Name:\tsh\nTgid:\t15217\n' } });
  t.equal(reaperOf(ctx(s)), 15217);
});

t.test('the init vanished or never was: gather throws, the host file is served — never negative or huge', async (t) => {
  const gone = container(99000, { files: { '15217/status': undefined as unknown as string, '15217/stat': undefined as unknown as string } });
  t.throws(() => procUptime.gather(ctx(gone)), { code: 'LXCFS_HOST_UNREADABLE' });
  const statGone = container(99000, { files: { '15217/stat': undefined as unknown as string } });
  t.throws(() => procUptime.gather(ctx(statGone)), { code: 'LXCFS_HOST_UNREADABLE' }, 'exited between status and stat');
  const noInit = container(99000, { init: () => { throw new LxcfsError('LXCFS_CALLER_GONE'); } });
  t.throws(() => procUptime.gather(ctx(noInit)), { code: 'LXCFS_CALLER_GONE' });
  const cut = container(99000, { files: { '15217/stat': '15217 (sh) S 1 2 3' } });
  t.throws(() => procUptime.gather(ctx(cut)), { code: 'LXCFS_PARSE' });
  const future = container(100500);
  t.equal(serve(future), '0.00 0.00\n', 'a start after "now" (a race): age 0');
  const badOnline = container(99000, { files: { 'sys:devices/system/cpu/online': 'x\n' } });
  t.throws(() => procUptime.gather(ctx(badOnline)), { code: 'LXCFS_PARSE' });
  const noOnline = container(99000, { files: { 'sys:devices/system/cpu/online': '\n' } });
  t.throws(() => procUptime.gather(ctx(noOnline)), { code: 'LXCFS_PARSE' });
});

t.test('uptimeFigures: defensive arithmetic', async (t) => {
  t.same(uptimeFigures({ ageTicks: -5, busyNs: -1n, cpus: 0 }), [0n, 0n]);
  t.same(uptimeFigures({ ageTicks: 50.9, busyNs: 9_999_999n, cpus: 2 }), [50n, 100n], 'busy under a tick counts 0');
  t.same(uptimeFigures({ ageTicks: 2 ** 40, busyNs: 0n, cpus: 256 }), [2n ** 40n, 2n ** 48n], 'exact for long uptimes × many CPUs');
});

t.test('property: never negative, idle ≤ uptime × CPUs, always the kernel format', async (t) => {
  let seed = 99;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (let i = 0; i < 2000; i++) {
    const input = { ageTicks: rnd(1e9), busyNs: BigInt(rnd(1e9)) * BigInt(rnd(1e9)), cpus: 1 + rnd(256) };
    const [uptime, idle] = uptimeFigures(input);
    if (idle < 0n || uptime < 0n || idle > uptime * BigInt(input.cpus)) t.fail(JSON.stringify({ ...input, busyNs: String(input.busyNs) }));
    const text = procUptime.render(input);
    if (!FORMAT.test(text)) t.fail(text);
  }
  t.pass('2000 random inputs');
});

t.test('live: this machine\'s /proc and /sys', async (t) => {
  const hostFile = hostFileReader({ procRoot: '/proc', sysRoot: '/sys', cgroupRoot: '/sys/fs/cgroup' });
  const c: GatherContext = { ...ctx(container(0)), hostFile, initPid: () => process.pid };
  const hostUptime = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  const text = procUptime.render(procUptime.gather(c));
  t.match(text, FORMAT);
  const shown = Number(text.split(' ')[0]);
  t.ok(shown >= 0 && shown <= hostUptime + 0.02, `${shown} within the host's ${hostUptime}`);
});
