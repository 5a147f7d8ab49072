// contextFactory: a GatherContext per request whose memory() resolves caller → cgroup path →
// snapshot lazily (nothing until a file asks) and afresh on every call (processes move,
// limits change in place). Fakes count and order every call.
import t from 'tap';
import type { CgroupReader } from '../../src/cgroup/reader.js';
import type { Controller, MemorySnapshot } from '../../src/cgroup/types.js';
import { LxcfsError } from '../../src/errors.js';
import { contextFactory, type GatherDeps } from '../../src/files/gather-context.js';
import type { HostPath, RenderOptions } from '../../src/files/types.js';

const OPTIONS: RenderOptions = Object.freeze({ swap: false, cfs: true, loadavg: false });

function snapshot(limit: bigint): MemorySnapshot {
  const zero = {
    cache: 0n, shmem: 0n, mapped: 0n, dirty: 0n, writeback: 0n, activeAnon: 0n, inactiveAnon: 0n, activeFile: 0n,
    inactiveFile: 0n, unevictable: 0n, anonHuge: 0n, shmemHuge: 0n, slab: 0n, slabReclaimable: 0n,
    slabUnreclaimable: 0n, kernelStack: null, pageTables: null, fileHuge: null,
  };
  return { limit, usage: 1n, stat: zero, swap: null };
}

interface Fakes {
  deps: GatherDeps;
  /** Every call, in order: "pathOf <pid> <controller>", "memory <path>", "hostFile <root>:<path>". */
  calls: string[];
  /** The path pathOf answers for a pid; changes take effect on the next call. */
  paths: Map<number, string>;
  pathOfError?: Error;
}

function fakes(): Fakes {
  const calls: string[] = [];
  const paths = new Map<number, string>([[42, '/docker/a'], [43, '/docker/b']]);
  let snapshots = 0;
  const f: Fakes = {
    calls,
    paths,
    deps: {
      options: OPTIONS,
      caller: {
        pathOf(pid: number, controller: Controller): string {
          calls.push(`pathOf ${pid} ${controller}`);
          if (f.pathOfError !== undefined) throw f.pathOfError;
          const path = paths.get(pid);
          if (path === undefined) throw new LxcfsError('LXCFS_CALLER_GONE', `pid ${pid}`);
          return path;
        },
      },
      reader: {
        memory(path: string): MemorySnapshot {
          calls.push(`memory ${path}`);
          return snapshot(BigInt(++snapshots));
        },
      } satisfies CgroupReader,
      hostFile(file: HostPath): string {
        calls.push(`hostFile ${file.root}:${file.path}`);
        return `text of ${file.root}/${file.path}\n`;
      },
    },
  };
  return f;
}

t.test('pid and options are the ones given', async (t) => {
  const f = fakes();
  const contextFor = contextFactory(f.deps);
  const a = contextFor(42);
  const b = contextFor(7);
  t.equal(a.pid, 42);
  t.equal(b.pid, 7);
  t.equal(a.options, OPTIONS, 'the very options object');
  t.equal(b.options, OPTIONS);
  t.not(a, b, 'one context per request');
  t.same(f.calls, [], 'building contexts reads nothing');
});

t.test('memory(): pathOf(pid, "memory") then reader.memory(path), lazily', async (t) => {
  const f = fakes();
  const ctx = contextFactory(f.deps)(42);
  t.same(f.calls, [], 'nothing before memory() is called');
  const snap = ctx.memory();
  t.same(f.calls, ['pathOf 42 memory', 'memory /docker/a'], 'caller first, then the reader with its path');
  t.equal(snap.limit, 1n, 'the reader\'s snapshot is returned as is');
});

t.test('memory(): resolved afresh on every call, never cached', async (t) => {
  const f = fakes();
  const ctx = contextFactory(f.deps)(42);
  t.equal(ctx.memory().limit, 1n);
  t.equal(ctx.memory().limit, 2n, 'a second call reads a second snapshot');
  f.paths.set(42, '/docker/moved');
  t.equal(ctx.memory().limit, 3n);
  t.same(f.calls, [
    'pathOf 42 memory', 'memory /docker/a',
    'pathOf 42 memory', 'memory /docker/a',
    'pathOf 42 memory', 'memory /docker/moved',
  ], 'the caller\'s path is looked up again each time: a process that moved is followed');
});

t.test('each context asks about its own pid', async (t) => {
  const f = fakes();
  const contextFor = contextFactory(f.deps);
  const a = contextFor(42);
  const b = contextFor(43);
  b.memory();
  a.memory();
  t.same(f.calls, ['pathOf 43 memory', 'memory /docker/b', 'pathOf 42 memory', 'memory /docker/a']);
});

t.test('memory(): a caller error propagates and the reader is not called', async (t) => {
  const f = fakes();
  const contextFor = contextFactory(f.deps);
  t.throws(() => contextFor(99).memory(), { code: 'LXCFS_CALLER_GONE', message: /pid 99$/ });
  f.pathOfError = new LxcfsError('LXCFS_CGROUP_OUTSIDE_NS', 'memory cgroup "/.."');
  t.throws(() => contextFor(42).memory(), f.pathOfError, 'the very error object');
  t.same(f.calls, ['pathOf 99 memory', 'pathOf 42 memory'], 'no reader call after a failed lookup');
});

t.test('memory(): a reader error propagates', async (t) => {
  const f = fakes();
  const failure = new LxcfsError('LXCFS_CGROUP_UNREADABLE', '/sys/fs/cgroup/memory/docker/a/memory.stat');
  f.deps = { ...f.deps, reader: { memory: (path) => { f.calls.push(`memory ${path}`); throw failure; } } };
  t.throws(() => contextFactory(f.deps)(42).memory(), failure);
  t.same(f.calls, ['pathOf 42 memory', 'memory /docker/a']);
});

t.test('hostFile passes through to the deps\' reader', async (t) => {
  const f = fakes();
  const ctx = contextFactory(f.deps)(42);
  const online: HostPath = { root: 'sys', path: 'devices/system/cpu/online' };
  t.equal(ctx.hostFile(online), 'text of sys/devices/system/cpu/online\n');
  t.equal(ctx.hostFile({ root: 'proc', path: 'meminfo' }), 'text of proc/meminfo\n');
  t.same(f.calls, ['hostFile sys:devices/system/cpu/online', 'hostFile proc:meminfo'],
    'each call reaches the reader, with its argument; no memory lookups');
  const failure = new LxcfsError('LXCFS_HOST_UNREADABLE', '/proc/nope');
  f.deps = { ...f.deps, hostFile: () => { throw failure; } };
  t.throws(() => contextFactory(f.deps)(1).hostFile({ root: 'proc', path: 'nope' }), failure, 'errors propagate');
});
