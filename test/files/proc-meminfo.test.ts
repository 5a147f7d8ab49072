import { readFileSync } from 'node:fs';
import t from 'tap';
import { prng } from '../helpers/prng.js';
import type { MemorySnapshot, MemoryStat } from '../../src/cgroup/types.js';
import { fakeContext } from '../helpers/fake-context.js';
import { LxcfsError } from '../../src/errors.js';
import { type MeminfoInput, procMeminfo } from '../../src/files/proc-meminfo.js';
import type { GatherContext, HostPath } from '../../src/files/types.js';
import { parseHostMeminfo } from '../../src/host/meminfo.js';

const KiB = 1024n;
const MiB = 1024n * KiB;
const U64 = 1n << 64n;

const fixture = (dir: string): string =>
  readFileSync(new URL(`../fixtures/${dir}/meminfo`, import.meta.url), 'utf8');
const NOSWAP = fixture('host-noswap');
const SWAP = fixture('host-swap');
const HOST_TOTAL = 24684092n;
const HOST_SWAP = 524284n;

function stat(over: Partial<MemoryStat> = {}): MemoryStat {
  return {
    cache: 0n, shmem: 0n, mapped: 0n, dirty: 0n, writeback: 0n, activeAnon: 0n, inactiveAnon: 0n,
    activeFile: 0n, inactiveFile: 0n, unevictable: 0n, anonHuge: 0n, shmemHuge: 0n, slab: 0n,
    slabReclaimable: 0n, slabUnreclaimable: 0n, kernelStack: null, pageTables: null, fileHuge: null,
    ...over,
  };
}

// v1, limit 256 MiB, the usage and cache of spec §14 (43504 kB / 41272 kB), odd bytes
// everywhere to check that kB are truncated before anything is subtracted.
const V1_STAT = stat({
  cache: 41272n * KiB + 512n, shmem: 160n * KiB, mapped: 5120n * KiB + 1n, dirty: 12n * KiB, writeback: 4n * KiB,
  activeAnon: 1200n * KiB + 1023n, inactiveAnon: 1032n * KiB, activeFile: 30000n * KiB, inactiveFile: 11272n * KiB,
  unevictable: 8n * KiB,
});
const V1: MemorySnapshot = { limit: 256n * MiB, usage: 43504n * KiB + 700n, stat: V1_STAT, swap: { max: null, usage: 0n } };

const input = (memory: MemorySnapshot, host = SWAP, swap = true): MeminfoInput =>
  ({ host: parseHostMeminfo(host), memory, swap });
const render = (memory: MemorySnapshot, host = SWAP, swap = true): string => procMeminfo.render(input(memory, host, swap));

function lineOf(text: string, label: string): string {
  const line = text.split('\n').find((l) => l.startsWith(`${label}:`));
  if (line === undefined) throw new Error(`no ${label} line`);
  return line;
}
const valueOf = (text: string, label: string): bigint => BigInt(lineOf(text, label).slice(label.length + 1).replace(' kB', '').trim());

t.test('the VirtualFile entry', async (t) => {
  t.equal(procMeminfo.path, 'proc/meminfo');
  t.same(procMeminfo.host, { root: 'proc', path: 'meminfo' });
  t.equal(procMeminfo.size, 0);
  t.type(procMeminfo.summary, 'string');
  t.notMatch(procMeminfo.summary, /\n/);
  t.ok(Object.isFrozen(procMeminfo));
});

t.test('v1, limit 256 MiB, realistic memory.stat', async (t) => {
  const text = render(V1);
  t.matchSnapshot(text, 'meminfo v1 256 MiB');
  t.equal(lineOf(text, 'MemTotal'), 'MemTotal:         262144 kB');
  t.equal(lineOf(text, 'MemFree'), 'MemFree:          218640 kB');
  t.equal(lineOf(text, 'MemAvailable'), 'MemAvailable:     259912 kB', 'MemFree + active_file + inactive_file');
  t.equal(lineOf(text, 'Buffers'), 'Buffers:               0 kB');
  t.equal(lineOf(text, 'Cached'), 'Cached:            41272 kB');
  t.equal(lineOf(text, 'SwapCached'), 'SwapCached:            0 kB');
  t.equal(lineOf(text, 'Active'), 'Active:            31200 kB');
  t.equal(lineOf(text, 'Inactive'), 'Inactive:          12304 kB');
  t.equal(lineOf(text, 'Active(anon)'), 'Active(anon):       1200 kB');
  t.equal(lineOf(text, 'Inactive(anon)'), 'Inactive(anon):     1032 kB');
  t.equal(lineOf(text, 'Active(file)'), 'Active(file):      30000 kB');
  t.equal(lineOf(text, 'Inactive(file)'), 'Inactive(file):    11272 kB');
  t.equal(lineOf(text, 'Unevictable'), 'Unevictable:           8 kB');
  t.equal(lineOf(text, 'Dirty'), 'Dirty:                12 kB');
  t.equal(lineOf(text, 'Writeback'), 'Writeback:             4 kB');
  t.equal(lineOf(text, 'AnonPages'), 'AnonPages:          2072 kB');
  t.equal(lineOf(text, 'Mapped'), 'Mapped:             5120 kB');
  t.equal(lineOf(text, 'Shmem'), 'Shmem:               160 kB');
  t.equal(lineOf(text, 'Slab'), 'Slab:                  0 kB');
  t.equal(lineOf(text, 'SReclaimable'), 'SReclaimable:          0 kB');
  t.equal(lineOf(text, 'SUnreclaim'), 'SUnreclaim:            0 kB');
  t.equal(lineOf(text, 'AnonHugePages'), 'AnonHugePages:         0 kB');
  t.equal(lineOf(text, 'ShmemHugePages'), 'ShmemHugePages:        0 kB');
  t.equal(lineOf(text, 'ShmemPmdMapped'), 'ShmemPmdMapped:        0 kB');
  t.equal(lineOf(text, 'SwapTotal'), 'SwapTotal:        524284 kB', 'memsw unlimited → host swap');
  t.equal(lineOf(text, 'SwapFree'), 'SwapFree:         524284 kB');
  // host-only lines stay the host's (Q5), v1 has no kernel_stack/pagetables/file_thp
  for (const label of ['Mlocked', 'KReclaimable', 'KernelStack', 'PageTables', 'FileHugePages', 'CommitLimit',
    'Committed_AS', 'Zswap', 'Zswapped', 'HugePages_Total', 'Hugepagesize', 'DirectMap1G']) {
    t.equal(lineOf(text, label), lineOf(SWAP, label), `${label} is the host's`);
  }
  t.equal(text.split('\n').length, SWAP.split('\n').length, 'as many lines as the host');
  t.ok(text.endsWith(' kB\n'));
});

t.test('no limit → host MemTotal', async (t) => {
  const text = render({ ...V1, limit: null });
  t.matchSnapshot(text, 'meminfo no limit');
  t.equal(valueOf(text, 'MemTotal'), HOST_TOTAL);
  t.equal(valueOf(text, 'MemFree'), HOST_TOTAL - 43504n);
  // v1's "unlimited" number is just big: capped the same way
  t.equal(valueOf(render({ ...V1, limit: 9223372036854771712n }), 'MemTotal'), HOST_TOTAL);
});

t.test('limit above host RAM is capped at host MemTotal', async (t) => {
  const text = render({ ...V1, limit: 64n * 1024n * MiB });
  t.matchSnapshot(text, 'meminfo limit above host RAM');
  t.equal(valueOf(text, 'MemTotal'), HOST_TOTAL);
});

t.test('usage above the limit → MemFree 0, no underflow', async (t) => {
  const text = render({ ...V1, limit: 32n * MiB, usage: 40n * MiB });
  t.matchSnapshot(text, 'meminfo usage above limit');
  t.equal(lineOf(text, 'MemTotal'), 'MemTotal:          32768 kB');
  t.equal(lineOf(text, 'MemFree'), 'MemFree:               0 kB');
  t.equal(lineOf(text, 'MemAvailable'), 'MemAvailable:      32768 kB', 'reclaimable file pages, capped at MemTotal');
});

t.test('limit 0 → MemTotal one page (never 0: procps divides by it)', async (t) => {
  const text = render({ ...V1, limit: 0n, usage: 0n });
  t.matchSnapshot(text, 'meminfo limit 0');
  t.equal(lineOf(text, 'MemTotal'), 'MemTotal:              4 kB');
  t.equal(valueOf(text, 'MemFree'), 4n);
  t.ok(valueOf(text, 'MemAvailable') <= 4n);
  t.equal(valueOf(render({ ...V1, limit: 1023n }), 'MemTotal'), 4n, 'below 1 kB too');
  t.equal(valueOf(render({ ...V1, limit: 0n }), 'MemFree'), 0n);
});

t.test('swap', async (t) => {
  t.test('-u: 0 and 0 even with host swap', async (t) => {
    const text = render(V1, SWAP, false);
    t.matchSnapshot(text, 'meminfo swap off');
    t.equal(lineOf(text, 'SwapTotal'), 'SwapTotal:             0 kB');
    t.equal(lineOf(text, 'SwapFree'), 'SwapFree:              0 kB');
  });
  t.test('swap not accounted (snapshot.swap null): 0 and 0', async (t) => {
    const text = render({ ...V1, swap: null });
    t.equal(valueOf(text, 'SwapTotal'), 0n);
    t.equal(valueOf(text, 'SwapFree'), 0n);
  });
  t.test('memsw-style max: min(host swap, max)', async (t) => {
    const text = render({ ...V1, swap: { max: 384n * MiB, usage: 329035776n - 268021760n } });
    t.matchSnapshot(text, 'meminfo memsw max 384 MiB');
    t.equal(lineOf(text, 'SwapTotal'), 'SwapTotal:        393216 kB');
    t.equal(lineOf(text, 'SwapFree'), 'SwapFree:         333632 kB');
    t.equal(valueOf(render({ ...V1, swap: { max: 1024n * MiB, usage: 0n } }), 'SwapTotal'), HOST_SWAP);
  });
  t.test('swap.max 0 → 0 and 0', async (t) => {
    const text = render({ ...V1, swap: { max: 0n, usage: 0n } });
    t.equal(valueOf(text, 'SwapTotal'), 0n);
    t.equal(valueOf(text, 'SwapFree'), 0n);
  });
  t.test('max null → host swap', async (t) => {
    const text = render({ ...V1, swap: { max: null, usage: 2n * MiB } });
    t.equal(valueOf(text, 'SwapTotal'), HOST_SWAP);
    t.equal(valueOf(text, 'SwapFree'), HOST_SWAP - 2048n);
  });
  t.test('used > total → SwapFree 0, no underflow (lxcfs#695)', async (t) => {
    const text = render({ ...V1, swap: { max: 64n * MiB, usage: 100n * MiB } });
    t.equal(valueOf(text, 'SwapTotal'), 65536n);
    t.equal(lineOf(text, 'SwapFree'), 'SwapFree:              0 kB');
  });
  t.test('host without swap → 0 and 0', async (t) => {
    const text = render({ ...V1, swap: { max: null, usage: 0n } }, NOSWAP);
    t.equal(valueOf(text, 'SwapTotal'), 0n);
    t.equal(valueOf(text, 'SwapFree'), 0n);
  });
});

t.test('v2: kernel_stack, pagetables, file_thp, slab, shmem_thp replace the host lines', async (t) => {
  const v2: MemorySnapshot = {
    limit: 512n * MiB,
    usage: 300n * MiB,
    stat: stat({
      cache: 200n * MiB, shmem: 8n * MiB, mapped: 30n * MiB, dirty: 1n * MiB, writeback: 256n * KiB,
      activeAnon: 40n * MiB, inactiveAnon: 50n * MiB, activeFile: 120n * MiB, inactiveFile: 80n * MiB,
      unevictable: 0n, anonHuge: 16n * MiB, shmemHuge: 2n * MiB, slab: 12n * MiB, slabReclaimable: 9n * MiB,
      slabUnreclaimable: 3n * MiB, kernelStack: 720896n, pageTables: 1974272n, fileHuge: 0n,
    }),
    swap: { max: 256n * MiB, usage: 10n * MiB },
  };
  const text = render(v2);
  t.matchSnapshot(text, 'meminfo v2');
  t.equal(lineOf(text, 'KernelStack'), 'KernelStack:         704 kB');
  t.equal(lineOf(text, 'PageTables'), 'PageTables:         1928 kB');
  t.equal(lineOf(text, 'FileHugePages'), 'FileHugePages:         0 kB');
  t.not(lineOf(SWAP, 'FileHugePages'), lineOf(text, 'FileHugePages'), 'the host line was not 0');
  t.equal(valueOf(text, 'Slab'), 12288n);
  t.equal(valueOf(text, 'SReclaimable'), 9216n);
  t.equal(valueOf(text, 'SUnreclaim'), 3072n);
  t.equal(valueOf(text, 'AnonHugePages'), 16384n);
  t.equal(valueOf(text, 'ShmemHugePages'), 2048n);
  t.equal(valueOf(text, 'Mapped'), 30720n);
  t.equal(valueOf(text, 'MemFree'), 212n * 1024n);
  t.equal(valueOf(text, 'MemAvailable'), 421n * 1024n, 'MemFree 212 + file 120 + 80 + reclaimable slab 9 MiB');
  t.equal(valueOf(text, 'SwapTotal'), 262144n);
  t.equal(valueOf(text, 'SwapFree'), 262144n - 10240n);
  t.equal(lineOf(text, 'Mlocked'), lineOf(SWAP, 'Mlocked'), 'still host-only');
  t.equal(lineOf(text, 'KReclaimable'), lineOf(SWAP, 'KReclaimable'));
});

t.test('AnonHugePages is real (exact keys; lxcfs always shows 0, Q1)', async (t) => {
  const text = render({ ...V1, stat: { ...V1_STAT, anonHuge: 6n * MiB } });
  t.equal(lineOf(text, 'AnonHugePages'), 'AnonHugePages:      6144 kB');
});

t.test('AnonPages saturates when shmem exceeds anon', async (t) => {
  const text = render({ ...V1, stat: { ...V1_STAT, shmem: 100n * MiB } });
  t.equal(valueOf(text, 'AnonPages'), 0n);
});

t.test('unknown host lines are copied verbatim, in order', async (t) => {
  const host = fixture('host-extra-lines');
  const text = render(V1, host);
  t.matchSnapshot(text, 'meminfo extra host lines');
  const out = text.split('\n');
  const inp = host.split('\n');
  t.equal(out.length, inp.length);
  for (const label of ['MemTotalish', 'Mlocked2', 'FutureCounter', 'Unaccepted', 'GpuMem']) {
    const i = inp.findIndex((l) => l.startsWith(`${label}:`));
    t.ok(i > 0, label);
    t.equal(out[i], inp[i], `${label} at the same place`);
  }
  t.equal(out[out.length - 2], 'this line has no colon');
  t.equal(lineOf(text, 'MemTotal'), 'MemTotal:         262144 kB', 'MemTotalish did not match MemTotal');
});

t.test('a truncated host file still renders; its partial line is copied', async (t) => {
  const text = render(V1, fixture('host-truncated'));
  t.matchSnapshot(text, 'meminfo truncated host');
  t.ok(text.endsWith('\nSwapFr\n'));
  t.equal(valueOf(text, 'MemTotal'), 262144n);
});

t.test('render is pure: same input, same text; input untouched', async (t) => {
  const inp = input(V1);
  const lines = [...inp.host.lines];
  t.equal(procMeminfo.render(inp), procMeminfo.render(inp));
  t.same(inp.host.lines, lines);
});

function context(over: { memory?: () => MemorySnapshot; host?: string; swap?: boolean } = {}): GatherContext & { reads: HostPath[] } {
  const reads: HostPath[] = [];
  const ctx = fakeContext({
    options: { swap: over.swap ?? true, cfs: false, loadavg: false },
    hostFile(file: HostPath): string {
      reads.push(file);
      if (file.root !== 'proc' || file.path !== 'meminfo') throw new LxcfsError('LXCFS_HOST_UNREADABLE', file.path);
      return over.host ?? SWAP;
    },
    memory: over.memory ?? (() => V1),
  });
  return Object.assign(ctx, { reads });
}

t.test('gather: host meminfo + snapshot + the swap option', async (t) => {
  const ctx = context({ swap: false });
  const got = procMeminfo.gather(ctx);
  t.equal(got.memory, V1);
  t.equal(got.swap, false);
  t.equal(got.host.memTotalKb, HOST_TOTAL);
  t.same(ctx.reads, [{ root: 'proc', path: 'meminfo' }]);
  t.equal(valueOf(procMeminfo.render(got), 'SwapTotal'), 0n);
});

t.test('gather throws (→ the caller serves the host file)', async (t) => {
  t.throws(() => procMeminfo.gather(context({ host: fixture('host-malformed') })), { name: 'LxcfsError', code: 'LXCFS_PARSE' });
  const gone = (): MemorySnapshot => { throw new LxcfsError('LXCFS_CALLER_GONE'); };
  const ctx = context({ memory: gone });
  t.throws(() => procMeminfo.gather(ctx), { code: 'LXCFS_CALLER_GONE' });
  t.same(ctx.reads, [], 'the host file is not read for a caller that is gone');
});

// ---- property check -----------------------------------------------------------------

function generator(seed: number) {
  const rnd = prng(seed);
  const int = (n: number): number => Math.floor(rnd() * n);
  const bits = (n: number): bigint => {
    let v = 0n;
    for (let i = 0; i < n; i += 30) v = (v << 30n) | BigInt(int(2 ** 30));
    return v & ((1n << BigInt(n)) - 1n);
  };
  // Bytes: edge values, small, page-ish, realistic, and absurd (up to and beyond 2^64).
  const bytes = (): bigint => {
    switch (int(8)) {
      case 0: return 0n;
      case 1: return BigInt(int(4096));
      case 2: return [1023n, 1024n, 4096n, 9223372036854771712n, U64 - 1n, U64, 1n << 63n][int(7)]!;
      case 3: return bits(64);
      case 4: return bits(20 + int(60));
      default: return bits(24 + int(14)); // 16 MiB .. 256 GiB
    }
  };
  const maybe = (): bigint | null => (int(4) === 0 ? null : bytes());
  const kbValue = (): bigint => [0n, 1n, 4n, 1024n, 24684092n, 524284n, bits(40), U64 - 1n][int(8)]!;
  const snapshot = (): MemorySnapshot => {
    const v2 = int(2) === 0;
    return {
      limit: maybe(),
      usage: bytes(),
      stat: stat({
        cache: bytes(), shmem: bytes(), mapped: bytes(), dirty: bytes(), writeback: bytes(), activeAnon: bytes(),
        inactiveAnon: bytes(), activeFile: bytes(), inactiveFile: bytes(), unevictable: bytes(), anonHuge: bytes(),
        shmemHuge: v2 ? bytes() : 0n, slab: v2 ? bytes() : 0n, slabReclaimable: v2 ? bytes() : 0n,
        slabUnreclaimable: v2 ? bytes() : 0n, kernelStack: v2 ? bytes() : null, pageTables: v2 ? bytes() : null,
        fileHuge: v2 ? bytes() : null,
      }),
      swap: int(4) === 0 ? null : { max: maybe(), usage: bytes() },
    };
  };
  const hosts = [NOSWAP, SWAP, fixture('host-extra-lines'), fixture('host-truncated')];
  const host = (): string => hosts[int(hosts.length)]!
    .replace(/^MemTotal:.*$/m, `MemTotal:       ${String(kbValue())} kB`)
    .replace(/^SwapTotal:.*$/m, `SwapTotal:      ${String(kbValue())} kB`);
  return { snapshot, host, swap: () => int(5) !== 0 };
}

t.test('property: 1000 random snapshots and hosts keep the invariants', async (t) => {
  const SEED = 20240611;
  const gen = generator(SEED);
  const VALUE = /^([^:]+):\s*(\d+)( kB)?$/;
  let failures = 0;
  for (let n = 0; n < 1000 && failures < 5; n++) {
    const host = gen.host();
    const memory = gen.snapshot();
    const text = render(memory, host, gen.swap());
    const problems: string[] = [];
    const values = new Map<string, bigint>();
    const lines = text.split('\n');
    if (lines.pop() !== '') problems.push('no trailing newline');
    if (lines.length !== parseHostMeminfo(host).lines.length) problems.push('line count differs from the host');
    for (const line of lines) {
      if (line.startsWith('-')) problems.push(`negative: ${line}`);
      const m = VALUE.exec(line);
      if (m === null) continue;
      const value = BigInt(m[2]!);
      if (value >= U64) problems.push(`≥ 2^64: ${line}`);
      if (!values.has(m[1]!)) values.set(m[1]!, value);
    }
    const v = (label: string): bigint => values.get(label) ?? -1n;
    if (!(v('MemTotal') > 0n)) problems.push('MemTotal not > 0');
    if (!(v('MemFree') <= v('MemTotal'))) problems.push('MemFree > MemTotal');
    if (!(v('MemAvailable') <= v('MemTotal'))) problems.push('MemAvailable > MemTotal');
    if (!(v('MemFree') <= v('MemAvailable'))) problems.push('MemFree > MemAvailable');
    if (values.has('SwapFree') && !(v('SwapFree') <= v('SwapTotal'))) problems.push('SwapFree > SwapTotal');
    if (problems.length > 0) {
      failures++;
      t.fail(`seed ${SEED} case ${n}: ${problems.join('; ')}`, { memory: String(JSON.stringify(memory, (_k, x: unknown) => typeof x === 'bigint' ? String(x) : x)) });
    }
  }
  t.equal(failures, 0, '1000 cases without a broken invariant');
});
