import { readFileSync } from 'node:fs';
import t from 'tap';
import type { IoDeviceStats } from '../../src/cgroup/types.js';
import { LxcfsError } from '../../src/errors.js';
import { type DiskstatsInput, diskCounters, diskstatsLine, procDiskstats } from '../../src/files/proc-diskstats.js';
import type { GatherContext, HostPath, Services } from '../../src/files/types.js';
import { parseHostDiskstats } from '../../src/host/diskstats.js';

const fixture = (dir: string): string =>
  readFileSync(new URL(`../fixtures/${dir}/diskstats`, import.meta.url), 'utf8');
const VM = fixture('host-diskstats-vm');
const OLD = fixture('host-diskstats-4.15');

function io(major: number, minor: number, over: Partial<IoDeviceStats> = {}): IoDeviceStats {
  return {
    major, minor, reads: 0n, readBytes: 0n, readsMerged: 0n, readTimeMs: 0n, writes: 0n, writeBytes: 0n,
    writesMerged: 0n, writeTimeMs: 0n, discards: 0n, discardBytes: 0n, discardsMerged: 0n, discardTimeMs: 0n,
    ioTimeMs: 0n, ...over,
  };
}

// v1 blkio.throttle.io_serviced_recursive / io_service_bytes_recursive: operations and bytes only.
const THROTTLE = [io(254, 0, { reads: 1520n, readBytes: 62_914_560n + 100n, writes: 310n, writeBytes: 4_194_304n })];
// v2 io.stat: rios rbytes wios wbytes dios dbytes.
const V2 = [
  io(253, 0, { reads: 3n, readBytes: 12288n, writes: 9n, writeBytes: 36864n }),
  io(254, 0, { reads: 4410n, readBytes: 180_355_072n, writes: 2002n, writeBytes: 98_304_000n, discards: 17n, discardBytes: 1_073_741_824n }),
];
// v1 CFQ-era files: merged counts and service + wait times, Total service time as ms doing I/O.
const CFQ = [io(254, 0, {
  reads: 812n, readsMerged: 40n, readBytes: 33_554_432n, readTimeMs: 1532n, writes: 96n, writesMerged: 211n,
  writeBytes: 8_388_608n, writeTimeMs: 977n, discards: 2n, discardsMerged: 1n, discardBytes: 65536n, discardTimeMs: 3n,
  ioTimeMs: 1204n,
})];

const render = (devices: IoDeviceStats[], host = VM): string =>
  procDiskstats.render({ host: parseHostDiskstats(host), io: devices });

/** The single-space layout after the name: exactly 17 unsigned integers. */
const LINE = /^ {0,3}\d{1,4} {1,7}\d{1,7} \S+( \d+){17}$/;

function ctx(over: Partial<GatherContext> & { reads?: HostPath[] } = {}): GatherContext & { reads: HostPath[] } {
  const reads: HostPath[] = over.reads ?? [];
  const never = (): never => {
    throw new Error('not used');
  };
  return {
    pid: 4242,
    options: { swap: true, cfs: false, loadavg: false },
    services: {} as Services,
    hostFile: (file) => {
      reads.push(file);
      return VM;
    },
    memory: never,
    cpuLimits: never,
    cpuUsage: never,
    io: () => THROTTLE,
    initPid: () => 4242,
    cgroupPath: never,
    containerKey: never,
    ...over,
    reads,
  };
}

t.test('the VirtualFile entry', async (t) => {
  t.equal(procDiskstats.path, 'proc/diskstats');
  t.same(procDiskstats.host, { root: 'proc', path: 'diskstats' });
  t.equal(procDiskstats.size, 0);
  t.notMatch(procDiskstats.summary, /\n/);
  t.ok(Object.isFrozen(procDiskstats));
});

t.test('v1 throttle-like: operations and sectors only, one line for the one device used', async (t) => {
  const text = render(THROTTLE);
  t.matchSnapshot(text, 'diskstats v1 throttle');
  t.equal(text, ' 254       0 vda 1520 0 122880 0 310 0 8192 0 0 0 0 0 0 0 0 0 0\n', 'bytes / 512, truncated');
});

t.test('v2-like: discards, several devices in host order', async (t) => {
  const text = render([...V2].reverse());
  t.matchSnapshot(text, 'diskstats v2 io.stat');
  t.equal(text,
    ' 254       0 vda 4410 0 352256 0 2002 0 192000 0 0 0 0 17 0 2097152 0 0 0\n' +
    ' 253       0 zram0 3 0 24 0 9 0 72 0 0 0 0 0 0 0 0 0 0\n');
});

t.test('CFQ-like: merged counts, times and ms doing I/O in their kernel columns', async (t) => {
  const text = render(CFQ);
  t.matchSnapshot(text, 'diskstats v1 cfq');
  const fields = text.trim().split(' ').filter((w) => w !== '').slice(3);
  t.same(fields, ['812', '40', '65536', '1532', '96', '211', '16384', '977', '0', '1204', '0', '2', '1', '128', '3', '0', '0']);
});

t.test('the kernel layout, compared with a real kernel line', async (t) => {
  const real = VM.split('\n').find((l) => l.includes(' vda '))!;
  const ours = render(CFQ).trimEnd();
  const prefix = (line: string): string => line.slice(0, line.indexOf('vda'));
  t.equal(prefix(ours), prefix(real), '`%4d %7d ` before the name');
  t.equal(ours.split(' ').filter((w) => w !== '').length, real.split(' ').filter((w) => w !== '').length, 'as many columns as a 6.18 kernel');
  t.match(ours, LINE);
  t.match(real, LINE);
  t.equal(diskstatsLine(8, 0, 'sda', new Array<bigint>(17).fill(1n)), '   8       0 sda 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1\n');
  t.equal(diskstatsLine(65535, 12345678, 'x', []), '65535 12345678 x\n', 'wide numbers push right, as seq_printf does');
});

t.test('17 columns on a host whose kernel prints 11 (documented: the columns of kernel ≥ 5.5)', async (t) => {
  const text = render([io(259, 0, { reads: 5n, readBytes: 4096n }), io(8, 1, { writes: 7n, writeBytes: 512n })], OLD);
  t.matchSnapshot(text, 'diskstats on a 4.15 host');
  t.equal(text,
    '   8       1 sda1 0 0 0 0 7 0 1 0 0 0 0 0 0 0 0 0 0\n' +
    ' 259       0 nvme0n1 5 0 8 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n');
});

t.test('devices the container did no I/O on are omitted', async (t) => {
  const text = render([io(254, 0, { writes: 1n, writeBytes: 4096n }), io(7, 3), io(9, 9, { reads: 1n })]);
  t.equal(text, ' 254       0 vda 0 0 0 0 1 0 8 0 0 0 0 0 0 0 0 0 0\n',
    'all-zero entry (loop3) and a device not on the host (9:9) left out');
  t.equal(render([io(254, 0, { reads: 1n }), io(254, 0, { reads: 99n })]), ' 254       0 vda 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n',
    'a device listed twice: the first entry');
});

t.test('a container that did no I/O: every host device with zero counters, never an empty file', async (t) => {
  const expected = parseHostDiskstats(VM).map((d) => diskstatsLine(d.major, d.minor, d.name, new Array<bigint>(17).fill(0n))).join('');
  for (const devices of [[], [io(254, 0)], [io(8, 0, { reads: 5n })]]) {
    const text = render(devices);
    t.equal(text, expected, JSON.stringify(devices.map((d) => `${d.major}:${d.minor}`)));
    t.not(text, '');
    t.notMatch(text, /vda 120427/, 'no host counter');
  }
  t.matchSnapshot(render([]), 'diskstats of an idle container');
  t.equal(render([], ''), '', 'a host without block devices: empty, like its kernel file');
});

t.test('no value negative or ≥ 2^64', async (t) => {
  const huge = (1n << 70n);
  const text = render([io(254, 0, { reads: -5n, readBytes: -4096n, writes: huge, writeBytes: huge, ioTimeMs: 3n })]);
  t.equal(text, ` 254       0 vda 0 0 0 0 ${(1n << 64n) - 1n} 0 ${1n << 61n} 0 0 3 0 0 0 0 0 0 0\n`, 'sectors are bytes / 512 before the clamp');
  t.same(diskCounters(io(1, 1, { readBytes: 1023n })).slice(0, 3), [0n, 0n, 1n], 'sectors truncate');
});

t.test('property: random I/O always gives kernel-layout lines in host order', async (t) => {
  let seed = 12345;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const host = parseHostDiskstats(VM + OLD);
  const order = host.map((d) => `${d.major}:${d.minor}`);
  for (let round = 0; round < 200; round++) {
    const devices = host.filter(() => rnd(3) === 0).map((d) => io(d.major, d.minor, {
      reads: BigInt(rnd(1000)), readBytes: BigInt(rnd(1 << 30)), writes: BigInt(rnd(1000)), discards: BigInt(rnd(3)),
    }));
    const text = render(devices, VM + OLD);
    t.not(text, '', `round ${round}`);
    const lines = text.trimEnd().split('\n');
    for (const line of lines) if (!LINE.test(line)) t.fail(`round ${round}: ${line}`);
    const seen = lines.map((l) => l.trim().split(/ +/).slice(0, 2).join(':'));
    t.same(seen, order.filter((key) => seen.includes(key)), `round ${round}: host order`);
  }
});

t.test('gather: the container\'s I/O first, then the host file', async (t) => {
  const c = ctx();
  const input: DiskstatsInput = procDiskstats.gather(c);
  t.same(c.reads, [{ root: 'proc', path: 'diskstats' }]);
  t.equal(input.io, THROTTLE);
  t.equal(input.host.length, 10);

  const gone = ctx({ io: () => { throw new LxcfsError('LXCFS_CALLER_GONE'); } });
  t.throws(() => procDiskstats.gather(gone), { code: 'LXCFS_CALLER_GONE' }, 'the host file is served instead');
  t.same(gone.reads, [], 'and the host file is not read for nothing');

  t.throws(() => procDiskstats.gather(ctx({ hostFile: () => 'garbage\n' })), { code: 'LXCFS_PARSE' });
});
