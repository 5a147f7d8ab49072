// contextFactory: what a file's gather() may ask about its caller, resolved lazily, at most
// once per request (context), and afresh for the next request.
import t from 'tap';
import type { CgroupReader, PathOf } from '../../src/cgroup/reader.js';
import type { Controller, CpuLimits, CpuUsage, IoDeviceStats, MemorySnapshot } from '../../src/cgroup/types.js';
import { contextFactory, type CallerPaths } from '../../src/files/gather-context.js';
import type { HostPath, RenderOptions, Services } from '../../src/files/types.js';

const OPTIONS: RenderOptions = { swap: false, cfs: true, loadavg: false };
const SERVICES = { cpuView: {}, loadavg: null } as unknown as Services;
const LIMITS: CpuLimits = { cpus: [1], quota: 0.5 };
const USAGE: CpuUsage = { perCpu: null, total: { user: 1n, system: 2n } };
const MEMORY = { limit: 1n } as unknown as MemorySnapshot;
const IO: IoDeviceStats[] = [];

function setup(options: RenderOptions = OPTIONS) {
  const calls: string[] = [];
  const caller: CallerPaths = {
    resolve(pid) {
      calls.push(`resolve ${pid}`);
      return { initPid: 1000 + pid, key: `key of ${pid}`, pathOf: (controller) => `/${controller}/${pid}` };
    },
  };
  const ask = (what: string, pathOf: PathOf, controller: Controller) => calls.push(`${what} ${pathOf(controller)}`);
  const reader: CgroupReader = {
    memory(pathOf) { ask('memory', pathOf, 'memory'); return MEMORY; },
    cpuLimits(pathOf, withQuota) { ask(`cpuLimits quota=${withQuota}`, pathOf, 'cpuset'); return LIMITS; },
    cpuUsage(pathOf) { ask('cpuUsage', pathOf, 'cpuacct'); return USAGE; },
    io(pathOf) { ask('io', pathOf, 'blkio'); return IO; },
    procs() { throw new Error('not used by contexts'); },
  };
  const hostFile = (file: HostPath) => `host ${file.root}/${file.path}`;
  return { calls, contextFor: contextFactory({ options, caller, reader, services: SERVICES, hostFile }) };
}

t.test('pid, options, services and hostFile are passed through', async (t) => {
  const { contextFor } = setup();
  const ctx = contextFor(7);
  t.equal(ctx.pid, 7);
  t.equal(ctx.options, OPTIONS);
  t.equal(ctx.services, SERVICES);
  t.equal(ctx.hostFile({ root: 'proc', path: 'meminfo' }), 'host proc/meminfo');
});

t.test('nothing is resolved until asked', async (t) => {
  const { calls, contextFor } = setup();
  contextFor(7);
  t.same(calls, []);
});

t.test('one resolution answers every question of a request, for the controller the reader asks', async (t) => {
  const { calls, contextFor } = setup();
  const ctx = contextFor(7);
  t.equal(ctx.memory(), MEMORY);
  t.equal(ctx.cpuLimits(), LIMITS);
  t.equal(ctx.cpuUsage(), USAGE);
  t.equal(ctx.io(), IO);
  t.equal(ctx.initPid(), 1007);
  t.equal(ctx.cgroupPath('cpu'), '/cpu/7');
  t.same(calls, [
    'resolve 7', 'memory /memory/7',
    'cpuLimits quota=true /cpuset/7',
    'cpuUsage /cpuacct/7',
    'io /blkio/7',
  ]);
});

t.test('the CFS quota is asked for only with --enable-cfs', async (t) => {
  const { calls, contextFor } = setup({ ...OPTIONS, cfs: false });
  contextFor(7).cpuLimits();
  t.same(calls, ['resolve 7', 'cpuLimits quota=false /cpuset/7']);
});

t.test('the next request resolves afresh: processes move between cgroups', async (t) => {
  const { calls, contextFor } = setup();
  contextFor(9).memory();
  contextFor(9).memory();
  t.same(calls, ['resolve 9', 'memory /memory/9', 'resolve 9', 'memory /memory/9']);
});

t.test('a failing resolution propagates (the caller falls back to the host file)', async (t) => {
  const { contextFor } = setup();
  const failing = contextFactory({
    options: OPTIONS,
    services: SERVICES,
    hostFile: () => '',
    caller: { resolve: () => { throw new Error('gone'); } },
    reader: { memory: (pathOf) => { pathOf('memory'); return MEMORY; } } as CgroupReader,
  })(3);
  t.throws(() => failing.memory(), { message: 'gone' });
  t.throws(() => failing.initPid(), { message: 'gone' });
  t.ok(contextFor(3).memory(), 'other contexts unaffected');
});
