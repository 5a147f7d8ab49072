import t from 'tap';
import type { Controller } from '../../src/cgroup/types.js';
import { LxcfsError } from '../../src/errors.js';
import { formatLoad, loadavgLine, procLoadavg } from '../../src/files/proc-loadavg.js';
import type { GatherContext, HostPath, RenderOptions, Services } from '../../src/files/types.js';
import { LoadavgSampler } from '../../src/services/loadavg.js';

const FORMAT = /^\d+\.\d\d \d+\.\d\d \d+\.\d\d \d+\/\d+ \d+\n$/;
const HOST_TEXT = '1.42 0.68 0.31 1/120 15265\n';

interface FakeCtx extends GatherContext {
  reads: HostPath[];
  paths: Controller[];
}

function ctx(options: Partial<RenderOptions>, loadavg: LoadavgSampler | null, over: Partial<GatherContext> = {}): FakeCtx {
  const reads: HostPath[] = [];
  const paths: Controller[] = [];
  const never = (): never => {
    throw new Error('not used');
  };
  return {
    pid: 15300,
    options: { swap: true, cfs: false, loadavg: true, ...options },
    services: { loadavg } as unknown as Services,
    hostFile: (file) => {
      reads.push(file);
      return HOST_TEXT;
    },
    memory: never,
    cpuLimits: never,
    cpuUsage: never,
    io: never,
    initPid: () => 15217,
    cgroupPath: (controller) => {
      paths.push(controller);
      return '/spec-a';
    },
    containerKey: never,
    ...over,
    reads,
    paths,
  };
}

const newSampler = (): LoadavgSampler => new LoadavgSampler({ cgroups: { procs: () => [] }, procRoot: '/nonexistent' });
const serve = (c: GatherContext): string => procLoadavg.render(procLoadavg.gather(c));

t.test('the VirtualFile entry', async (t) => {
  t.equal(procLoadavg.path, 'proc/loadavg');
  t.same(procLoadavg.host, { root: 'proc', path: 'loadavg' });
  t.equal(procLoadavg.size, 0);
  t.notMatch(procLoadavg.summary, /\n/);
  t.ok(Object.isFrozen(procLoadavg));
});

t.test('without -l: the host file verbatim', async (t) => {
  const sampler = newSampler();
  const off = ctx({ loadavg: false }, sampler);
  t.equal(serve(off), HOST_TEXT);
  t.same(off.reads, [{ root: 'proc', path: 'loadavg' }]);
  t.same(off.paths, [], 'no cgroup lookup');
  t.same(sampler.paths(), [], 'nothing registered');
  const noSampler = ctx({ loadavg: true }, null);
  t.equal(serve(noSampler), HOST_TEXT, 'no sampler wired: the host file too');
});

t.test('with -l: the first read registers the cpu cgroup and shows 0/1 <initpid>', async (t) => {
  const sampler = newSampler();
  const c = ctx({}, sampler);
  const text = serve(c);
  t.equal(text, '0.00 0.00 0.00 0/1 15217\n', 'spec §14: init 15217 is a host pid');
  t.matchSnapshot(text, 'loadavg first read');
  t.same(c.paths, ['cpu']);
  t.same(c.reads, [], 'no host file, no /proc scan on the read path');
  t.same(sampler.paths(), ['/spec-a']);
});

t.test('with -l: a caller gone before its cgroup is known registers nothing', async (t) => {
  const sampler = newSampler();
  const gone = ctx({}, sampler, { cgroupPath: () => { throw new LxcfsError('LXCFS_CALLER_GONE'); } });
  t.throws(() => procLoadavg.gather(gone), { code: 'LXCFS_CALLER_GONE' });
  t.same(sampler.paths(), []);
});

t.test('formatLoad: the kernel\'s LOAD_INT.LOAD_FRAC with +FIXED_1/200 rounding', async (t) => {
  const cases: Array<[number, string]> = [
    [0, '0.00'], [164, '0.08'], [34, '0.02'], [11, '0.01'], [315, '0.15'], [9, '0.00'], [10, '0.00'], [11, '0.01'],
    [2037, '0.99'], [2038, '1.00'], [2048, '1.00'], [3 * 2048, '3.00'], [2048 * 64 + 1024, '64.50'],
    [2048 * 1e9, '1000000000.00'], [-5, '0.00'], [Number.NaN, '0.00'], [Number.POSITIVE_INFINITY, '0.00'], [164.9, '0.08'],
  ];
  for (const [fixed, text] of cases) t.equal(formatLoad(fixed), text, String(fixed));
});

t.test('loadavgLine: the spec\'s worked example and defensive counts', async (t) => {
  t.equal(loadavgLine({ loads: [164, 34, 11], running: 1, total: 4, lastPid: 10600 }), '0.08 0.02 0.01 1/4 10600\n');
  t.equal(loadavgLine({ loads: [-1, -2, -3], running: -1, total: Number.NaN, lastPid: 1.5 }), '0.00 0.00 0.00 0/0 0\n');
});

t.test('property: the line always matches the kernel format', async (t) => {
  let seed = 7;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const pick = (): number => [0, 1, 2047, 2048, -1, rnd(1 << 30), rnd(5000) - 2500][rnd(7)]!;
  for (let i = 0; i < 2000; i++) {
    const text = loadavgLine({ loads: [pick(), pick(), pick()], running: pick(), total: pick(), lastPid: pick() });
    if (!FORMAT.test(text)) t.fail(JSON.stringify(text));
  }
  t.pass('2000 random figures');
});
