import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import t from 'tap';
import { prng } from '../helpers/prng.js';
import type { CpuLimits } from '../../src/cgroup/types.js';
import { LxcfsError } from '../../src/errors.js';
import { hostFileReader } from '../../src/files/host-files.js';
import { type CpuinfoInput, procCpuinfo } from '../../src/files/proc-cpuinfo.js';
import { sysCpuOnline } from '../../src/files/sys-cpu-online.js';
import type { GatherContext, HostPath } from '../../src/files/types.js';
import { visibleCpus } from '../../src/files/visible-cpus.js';
import { parseHostCpuinfo } from '../../src/host/cpuinfo.js';
import { formatCpuList, parseCpuList } from '../../src/parse/cpu-list.js';
import { hostFiles, type RecordingContext, recordingContext, renderOptions } from '../helpers/fake-context.js';
import { type X86Topology, X86_256, X86_8, x86Block, x86Cpuinfo } from '../fixtures/host-cpuinfo-generated/x86-cpuinfo.js';

const fixtureDir = (name: string): string => new URL(`../fixtures/host-cpuinfo-${name}`, import.meta.url).pathname;
const fixture = (name: string): string => readFileSync(`${fixtureDir(name)}/cpuinfo`, 'utf8');

const limits = (cpus: readonly number[] | null, quota: number | null = null): CpuLimits => ({ cpus, quota });

type Context = RecordingContext;

/** A caller with `cpu` limits on a host whose files come from `hostFile`. */
const context = (hostFile: (file: HostPath) => string, cpu: CpuLimits | (() => CpuLimits), cfs = false): Context =>
  recordingContext(hostFile, { cpuLimits: typeof cpu === 'function' ? cpu : () => cpu, options: renderOptions({ cfs }) });

/** A host from a fixture directory (procRoot = sysRoot = the directory). */
const onFixture = (name: string, cpu: CpuLimits, cfs = false): Context =>
  context(hostFileReader({ procRoot: fixtureDir(name), sysRoot: fixtureDir(name), cgroupRoot: '/nonexistent' }), cpu, cfs);

/** A host from text: its cpuinfo and online list. */
const onText = (cpuinfo: string, online: string, cpu: CpuLimits, cfs = false): Context =>
  context(hostFiles({ 'proc/cpuinfo': cpuinfo, 'sys/devices/system/cpu/online': online }), cpu, cfs);

const read = (ctx: GatherContext): string => procCpuinfo.render(procCpuinfo.gather(ctx));
const readOnline = (ctx: GatherContext): string => sysCpuOnline.render(sysCpuOnline.gather(ctx));

/** The blocks of a rendered file, split before each processor line. */
const blocksOf = (text: string): string[] => text.split(/(?=^processor\t: )/m).filter((b) => b.startsWith('processor'));
const field = (block: string, label: string): string | undefined =>
  new RegExp(`^${label}\\s*: (.*)$`, 'm').exec(block)?.[1];
const processors = (text: string): number[] => [...text.matchAll(/^processor\t: (\d+)$/gm)].map((m) => Number(m[1]));
/** A block without its processor line. */
const tail = (block: string): string => block.slice(block.indexOf('\n'));

/** One line per processor (for the 256-CPU snapshots): the topology fields, then a digest of the whole text. */
function outline(text: string): string {
  const rows = blocksOf(text).map((b) =>
    ['processor', 'physical id', 'core id', 'apicid', 'cpu MHz'].map((l) => `${l}=${field(b, l)}`).join(' '));
  return `${rows.join('\n')}\nbytes=${text.length} sha256=${createHash('sha256').update(text).digest('hex')}\n`;
}

t.test('the VirtualFile entry', async (t) => {
  t.equal(procCpuinfo.path, 'proc/cpuinfo');
  t.same(procCpuinfo.host, { root: 'proc', path: 'cpuinfo' });
  t.equal(procCpuinfo.size, 0);
  t.type(procCpuinfo.summary, 'string');
  t.notMatch(procCpuinfo.summary, /\n/);
  t.ok(Object.isFrozen(procCpuinfo));
});

t.test('this machine, cpuset 1 → one block, renumbered, host topology kept', async (t) => {
  const ctx = onFixture('x86-2', limits([1]));
  const text = read(ctx);
  t.matchSnapshot(text, 'x86 2 CPUs, cpuset 1');
  const blocks = blocksOf(text);
  t.equal(blocks.length, 1);
  t.ok(text.startsWith('processor\t: 0\n'));
  t.equal(field(blocks[0]!, 'core id'), '1');
  t.equal(field(blocks[0]!, 'apicid'), '1');
  t.equal(field(blocks[0]!, 'siblings'), '2', 'host value (lxcfs)');
  t.equal(field(blocks[0]!, 'cpu cores'), '2', 'host value (lxcfs)');
  const host = parseHostCpuinfo(fixture('x86-2'));
  t.equal(tail(text), host.cpus[1]!.body, 'the rest of the block is the host\'s, blank line included');
  t.same(ctx.reads, [{ root: 'sys', path: 'devices/system/cpu/online' }, { root: 'proc', path: 'cpuinfo' }]);
});

t.test('this machine, no cpuset → the host file', async (t) => {
  t.equal(read(onFixture('x86-2', limits(null))), fixture('x86-2'));
  t.equal(read(onFixture('x86-2', limits([0, 1], 2), true)), fixture('x86-2'), 'a quota of all CPUs cuts nothing');
});

t.test('sparse cpuset 0,2-3 on 8 CPUs → 3 blocks numbered 0-2 with apicids 0,2,3', async (t) => {
  const text = read(onFixture('x86-8', limits([0, 2, 3])));
  t.matchSnapshot(text, 'x86 8 CPUs, cpuset 0,2-3');
  const blocks = blocksOf(text);
  t.same(processors(text), [0, 1, 2]);
  t.same(blocks.map((b) => field(b, 'apicid')), ['0', '2', '3']);
  t.same(blocks.map(tail), [0, 2, 3].map((cpu) => tail(x86Block(X86_8, cpu))));
});

t.test('--enable-cfs: quota 1.5 on cpuset 0-7 → 2 blocks', async (t) => {
  const text = read(onFixture('x86-8', limits([0, 1, 2, 3, 4, 5, 6, 7], 1.5), true));
  t.matchSnapshot(text, 'x86 8 CPUs, cfs quota 1.5');
  t.same(processors(text), [0, 1]);
  t.same(blocksOf(text).map((b) => field(b, 'apicid')), ['0', '1']);
  t.equal(read(onFixture('x86-8', limits([0, 1, 2, 3, 4, 5, 6, 7], 1.5), false)), fixture('x86-8'), 'without --enable-cfs no cut');
  t.same(processors(read(onFixture('x86-8', limits([5, 6, 7], 0.5), true))), [0], 'the first CPU of the cpuset');
});

t.test('256 CPUs', async (t) => {
  const host = x86Cpuinfo(X86_256);
  const all = read(onText(host, '0-255\n', limits(null)));
  t.equal(all, host, 'all visible: the host file');
  t.matchSnapshot(outline(all), '256 CPUs, all visible (outline)');
  const high = read(onText(host, '0-255\n', limits(Array.from({ length: 128 }, (_, i) => 128 + i))));
  t.matchSnapshot(outline(high), '256 CPUs, cpuset 128-255 (outline)');
  t.matchSnapshot(blocksOf(high)[0], '256 CPUs, cpuset 128-255, first block');
  t.same(processors(high), Array.from({ length: 128 }, (_, i) => i));
  t.ok(blocksOf(high).every((b, k) => tail(b) === tail(x86Block(X86_256, 128 + k))), 'every block is its host block');
  t.equal(field(blocksOf(high)[0]!, 'apicid'), '1', 'CPU 128 is the SMT sibling of CPU 0');
});

t.test('arm64: blocks renumbered', async (t) => {
  const text = read(onFixture('arm64', limits([1, 3])));
  t.matchSnapshot(text, 'arm64, cpuset 1,3');
  t.same(processors(text), [0, 1]);
  t.equal(text, `processor\t: 0${tail(blocksOf(fixture('arm64'))[1]!)}processor\t: 1${tail(blocksOf(fixture('arm64'))[3]!)}`);
});

t.test('arm32: the machine-wide trailer is always printed (deviation: lxcfs only when the last CPU is visible)', async (t) => {
  const trailer = 'Hardware\t: BCM2835\nRevision\t: a02082\nSerial\t\t: 00000000a1b2c3d4\nModel\t\t: Raspberry Pi 3 Model B Rev 1.2\n';
  const first = read(onFixture('arm32', limits([0, 1])));
  t.matchSnapshot(first, 'arm32, cpuset 0-1 (last CPU hidden)');
  t.same(processors(first), [0, 1]);
  t.ok(first.endsWith(`CPU revision\t: 4\n\n${trailer}`));
  const last = read(onFixture('arm32', limits([3])));
  t.matchSnapshot(last, 'arm32, cpuset 3 (last CPU visible: as lxcfs)');
  t.ok(last.endsWith(`CPU revision\t: 4\n\n${trailer}`));
  t.ok(read(onFixture('arm32', limits(null, 0.5), true)).endsWith(trailer), 'also when --enable-cfs cuts the list');
});

t.test('ppc64le: sparse host online, trailer kept', async (t) => {
  const text = read(onFixture('ppc64le', limits([4, 5, 6, 7])));
  t.matchSnapshot(text, 'ppc64le SMT2, cpuset 4-7 (6-7 offline)');
  t.same(processors(text), [0, 1], 'offline CPUs 6 and 7 are not shown');
  t.ok(text.endsWith('timebase\t: 512000000\nplatform\t: pSeries\nmodel\t\t: IBM,9009-42A\nmachine\t\t: CHRP IBM,9009-42A\nMMU\t\t: Radix\n'));
  const all = read(onFixture('ppc64le', limits(null)));
  t.same(processors(all), [0, 1, 2, 3, 4, 5, 6, 7], 'all visible: always renumbered, even without a cpuset');
  t.equal(all.replace(/^processor\t: \d+$/gm, ''), fixture('ppc64le').replace(/^processor\t: \d+$/gm, ''));
});

t.test('s390x: own vendor and count, host summary, visible CPUs renumbered', async (t) => {
  const text = read(onFixture('s390x', limits([1, 3])));
  t.matchSnapshot(text, 's390x, cpuset 1,3');
  t.ok(text.startsWith('vendor_id       : IBM/S390\n# processors    : 2\nbogomips per cpu: 3241.00\n'));
  t.equal(text.match(/^# processors/gm)?.length, 1, 'the host count is dropped');
  t.same([...text.matchAll(/^processor (\d+): version/gm)].map((m) => Number(m[1])), [0, 1]);
  t.same([...text.matchAll(/^cpu number {6}: (\d+)$/gm)].map((m) => Number(m[1])), [0, 1], 'per-CPU blocks filtered and renumbered');
  t.same([...text.matchAll(/^address {9}: (\d+)$/gm)].map((m) => Number(m[1])), [1, 3], 'host fields kept');
  const all = read(onFixture('s390x', limits(null)));
  t.equal(all, fixture('s390x'), 'all visible: the host file, byte for byte');
  const cut = read(onFixture('s390x', limits([0, 1, 2, 3], 1.2), true));
  t.match(cut, /^# processors {4}: 2$/m, '--enable-cfs cut');
  t.equal(cut.match(/^cpu number/gm)?.length, 2);
});

t.test('gather reads the limits first and throws for what cannot be answered', async (t) => {
  const gone = context(() => 'unused', () => {
    throw new LxcfsError('LXCFS_CALLER_GONE');
  });
  t.throws(() => procCpuinfo.gather(gone), { code: 'LXCFS_CALLER_GONE' });
  t.same(gone.reads, [], 'no host file read for a caller that is gone');
  t.throws(() => procCpuinfo.gather(onText('cpu\t\t: UltraSparc T2\nncpus probed\t: 64\n', '0-63\n', limits(null))),
    { name: 'LxcfsError', code: 'LXCFS_PARSE' }, 'host cpuinfo without processor lines');
  t.throws(() => procCpuinfo.gather(onText(fixture('x86-2'), '0-\n', limits(null))), { code: 'LXCFS_PARSE' }, 'malformed online');
  t.throws(() => procCpuinfo.gather(onText(fixture('x86-2'), '', limits(null))), { code: 'LXCFS_PARSE' }, 'empty online');
  t.same(procCpuinfo.gather(onText(fixture('x86-2'), '0-1\n', limits([]))).visible.ids, [0, 1], 'an empty cpuset shows the host online CPUs');
  t.throws(() => procCpuinfo.gather(context(() => {
    throw new LxcfsError('LXCFS_HOST_UNREADABLE');
  }, limits(null))), { code: 'LXCFS_HOST_UNREADABLE' });
});

t.test('a cpuset of offline CPUs only shows the host online CPUs; a block-less visible CPU makes render throw', async (t) => {
  const input = procCpuinfo.gather(onFixture('x86-2', limits([5])));
  t.same(input.visible.ids, [0, 1], 'visibleCpus falls back to the online CPUs');
  t.equal(procCpuinfo.render(input).match(/^processor\t: /gm)?.length, 2);
  const missing: CpuinfoInput = { host: input.host, visible: { ids: [5], quota: null } };
  t.throws(() => procCpuinfo.render(missing), { name: 'LxcfsError', code: 'LXCFS_PARSE' });
  const s390: CpuinfoInput = { host: parseHostCpuinfo(fixture('s390x')), visible: { ids: [9], quota: null } };
  t.throws(() => procCpuinfo.render(s390), { code: 'LXCFS_PARSE' });
});

// ---- property check: cpuinfo, online and visibleCpus agree -------------------------------

interface Case {
  readonly topology: X86Topology;
  readonly online: number[];
  readonly trailer: string;
  readonly limits: CpuLimits;
  readonly cfs: boolean;
}

function randomCase(rnd: () => number): Case {
  const int = (n: number): number => Math.floor(rnd() * n);
  const cpus = 1 + int(256);
  const threads = cpus % 2 === 0 && int(2) === 0 ? 2 : 1;
  const sockets = (cpus / threads) % 2 === 0 && int(3) === 0 ? 2 : 1;
  const topology: X86Topology = { sockets, cores: cpus / threads / sockets, threads, profile: int(2) === 0 ? 'intel' : 'amd' };
  // CPU 0 always online; a few others offline now and then.
  const offlineRate = int(3) === 0 ? rnd() / 2 : 0;
  const online = Array.from({ length: cpus }, (_, i) => i).filter((i) => i === 0 || rnd() >= offlineRate);
  // A cpuset: none, or a random subset of the possible CPUs naming at least one online CPU.
  let cpuset: number[] | null = null;
  if (int(5) !== 0) {
    const density = [0.02, 0.2, 0.5, 0.9, 1][int(5)]!;
    const set = new Set(Array.from({ length: cpus }, (_, i) => i).filter(() => rnd() < density));
    set.add(online[int(online.length)]!);
    cpuset = [...set].sort((a, b) => a - b);
  }
  const quota = int(3) === 0 ? null : [0.01, 0.5, 1, 1.5, 2, cpus, cpus + 3][int(7)]! * (int(2) === 0 ? 1 : 1 + rnd());
  const trailer = int(4) === 0 ? 'Hardware\t: Generated\nSerial\t\t: 0000\n' : '';
  return { topology, online, trailer, limits: { cpus: cpuset, quota }, cfs: int(2) === 0 };
}

t.test('property: processors in cpuinfo = CPUs in online = visible ids; blocks are the host\'s', async (t) => {
  const CASES = 400;
  const rnd = prng(0xc9a1);
  let failures = 0;
  for (let n = 0; n < CASES && failures < 5; n++) {
    const c = randomCase(rnd);
    const onlineText = `${formatCpuList(c.online)}\n`;
    const ctx = onText(x86Cpuinfo(c.topology, c.online) + c.trailer, onlineText, c.limits, c.cfs);
    const visible = visibleCpus(c.online, c.limits, c.cfs);
    const cpuinfo = read(ctx);
    const online = parseCpuList(readOnline(ctx));
    const label = JSON.stringify({ n, ...c, online: onlineText.trim() });
    const expected = visible.ids.map((cpu, k) => `processor\t: ${k}${tail(x86Block(c.topology, cpu))}`).join('') + c.trailer;
    const ok = online !== null
      && processors(cpuinfo).length === visible.ids.length
      && online.length === visible.ids.length
      && processors(cpuinfo).every((p, k) => p === k)
      && cpuinfo === expected
      && (c.cfs ? online.every((id, k) => id === k) : formatCpuList(online) === formatCpuList(visible.ids));
    if (!ok) {
      failures++;
      t.fail(label);
    }
  }
  t.equal(failures, 0, `${CASES} generated hosts, cpusets and quotas`);
});
