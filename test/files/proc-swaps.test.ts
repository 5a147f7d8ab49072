import { readFileSync } from 'node:fs';
import t from 'tap';
import { fakeContext } from '../helpers/fake-context.js';
import type { MemorySnapshot, MemoryStat, SwapSnapshot } from '../../src/cgroup/types.js';
import { LxcfsError } from '../../src/errors.js';
import { procMeminfo } from '../../src/files/proc-meminfo.js';
import { procSwaps, SWAPS_HEADER, type SwapsInput } from '../../src/files/proc-swaps.js';
import type { GatherContext, HostPath } from '../../src/files/types.js';
import { parseHostMeminfo } from '../../src/host/meminfo.js';

const MiB = 1024n * 1024n;
const HS = 524284n;
const fixture = (dir: string): string =>
  readFileSync(new URL(`../fixtures/${dir}/meminfo`, import.meta.url), 'utf8');
const SWAP = fixture('host-swap');

const render = (swap: SwapSnapshot | null, enabled = true, hostSwapTotalKb = HS): string =>
  procSwaps.render({ hostSwapTotalKb, swap, enabled });

t.test('the VirtualFile entry', async (t) => {
  t.equal(procSwaps.path, 'proc/swaps');
  t.same(procSwaps.host, { root: 'proc', path: 'swaps' });
  t.equal(procSwaps.size, 0);
  t.notMatch(procSwaps.summary, /\n/);
  t.ok(Object.isFrozen(procSwaps));
});

t.test("lxcfs's exact bytes: header, `none` + 36 spaces, tabs", async (t) => {
  const text = render({ max: null, usage: 0n });
  t.matchSnapshot(text, 'swaps host swap, nothing used');
  t.equal(SWAPS_HEADER, 'Filename\t\t\t\tType\t\tSize\tUsed\tPriority\n');
  t.equal(text, `Filename\t\t\t\tType\t\tSize\tUsed\tPriority\nnone${' '.repeat(36)}virtual\t\t524284\t0\t0\n`);
});

t.test('-u → header only (never empty)', async (t) => {
  const text = render({ max: null, usage: 5n * MiB }, false);
  t.matchSnapshot(text, 'swaps disabled');
  t.equal(text, SWAPS_HEADER);
});

t.test('swap not accounted → header only', async (t) => {
  t.equal(render(null), SWAPS_HEADER);
});

t.test('Size 0 (swap.max 0, or no host swap) → header only', async (t) => {
  t.equal(render({ max: 0n, usage: 0n }), SWAPS_HEADER);
  t.equal(render({ max: 1023n, usage: 0n }), SWAPS_HEADER, 'under 1 kB');
  t.equal(render({ max: null, usage: 0n }, true, 0n), SWAPS_HEADER);
});

t.test('memsw-style max: Size = min(host swap, max), Used from usage', async (t) => {
  const text = render({ max: 384n * MiB, usage: 329035776n - 268021760n });
  t.matchSnapshot(text, 'swaps memsw max 384 MiB');
  t.ok(text.endsWith('virtual\t\t393216\t59584\t0\n'));
});

t.test('used > size → Used = Size', async (t) => {
  t.ok(render({ max: 64n * MiB, usage: 100n * MiB }).endsWith('virtual\t\t65536\t65536\t0\n'));
});

function stat(): MemoryStat {
  return {
    cache: 0n, shmem: 0n, mapped: 0n, dirty: 0n, writeback: 0n, activeAnon: 0n, inactiveAnon: 0n,
    activeFile: 0n, inactiveFile: 0n, unevictable: 0n, anonHuge: 0n, shmemHuge: 0n, slab: 0n,
    slabReclaimable: 0n, slabUnreclaimable: 0n, kernelStack: null, pageTables: null, fileHuge: null,
  };
}
const memory = (swap: SwapSnapshot | null): MemorySnapshot => ({ limit: 256n * MiB, usage: 40n * MiB, stat: stat(), swap });

t.test('Size/Used always agree with meminfo SwapTotal and SwapTotal − SwapFree', async (t) => {
  const host = parseHostMeminfo(SWAP);
  const cases: (SwapSnapshot | null)[] = [null, { max: null, usage: 0n }, { max: 0n, usage: 0n },
    { max: 384n * MiB, usage: 58n * MiB + 123n }, { max: 64n * MiB, usage: 100n * MiB }, { max: 1n << 70n, usage: 1n << 66n }];
  for (const enabled of [true, false]) {
    for (const swap of cases) {
      const meminfo = procMeminfo.render({ host, memory: memory(swap), swap: enabled });
      const get = (label: string): bigint => BigInt(/\s(\d+) kB/.exec(meminfo.split('\n').find((l) => l.startsWith(`${label}:`))!)![1]!);
      const swaps = procSwaps.render({ hostSwapTotalKb: host.values.get('SwapTotal')!, swap, enabled });
      const line = swaps.split('\n')[1]!;
      const [size, used] = line === '' ? [0n, 0n] : line.split('\t').slice(2, 4).map(BigInt);
      t.equal(size, get('SwapTotal'), `${String(enabled)} ${JSON.stringify(swap, (_k, v: unknown) => typeof v === 'bigint' ? String(v) : v)}`);
      t.equal(used, get('SwapTotal') - get('SwapFree'));
    }
  }
});

function context(over: { memory?: () => MemorySnapshot; host?: string; swap?: boolean } = {}): GatherContext & { reads: HostPath[]; memoryCalls: number } {
  const ctx = Object.assign(fakeContext({
    options: { swap: over.swap ?? true, cfs: false, loadavg: false },
    hostFile(file: HostPath): string {
      ctx.reads.push(file);
      if (file.root !== 'proc' || file.path !== 'meminfo') throw new LxcfsError('LXCFS_HOST_UNREADABLE', file.path);
      return over.host ?? SWAP;
    },
    memory(): MemorySnapshot {
      ctx.memoryCalls++;
      return (over.memory ?? (() => memory({ max: null, usage: 0n })))();
    },
  }), { reads: [] as HostPath[], memoryCalls: 0 });
  return ctx;
}

t.test('gather: host SwapTotal from the host meminfo, swap from the snapshot', async (t) => {
  const ctx = context();
  const got: SwapsInput = procSwaps.gather(ctx);
  t.same(got, { hostSwapTotalKb: HS, swap: { max: null, usage: 0n }, enabled: true });
  t.same(ctx.reads, [{ root: 'proc', path: 'meminfo' }]);
});

t.test('gather with -u reads nothing (the answer is the header for everyone)', async (t) => {
  const ctx = context({ swap: false, memory: () => { throw new LxcfsError('LXCFS_CALLER_GONE'); } });
  t.equal(procSwaps.render(procSwaps.gather(ctx)), SWAPS_HEADER);
  t.equal(ctx.memoryCalls, 0);
  t.same(ctx.reads, []);
});

t.test('gather without swap accounting skips the host file', async (t) => {
  const ctx = context({ memory: () => memory(null) });
  t.equal(procSwaps.render(procSwaps.gather(ctx)), SWAPS_HEADER);
  t.same(ctx.reads, []);
});

t.test('a host meminfo without SwapTotal means no host swap', async (t) => {
  const ctx = context({ host: 'MemTotal:  1000 kB\n' });
  t.equal(procSwaps.render(procSwaps.gather(ctx)), SWAPS_HEADER);
});

t.test('gather throws when the snapshot is unknowable (→ the caller serves the host file)', async (t) => {
  const ctx = context({ memory: () => { throw new LxcfsError('LXCFS_CGROUP_UNREADABLE'); } });
  t.throws(() => procSwaps.gather(ctx), { name: 'LxcfsError', code: 'LXCFS_CGROUP_UNREADABLE' });
});
