import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { ReadStats } from '../../src/agent/read-stats.js';
import { LxcfsError } from '../../src/errors.js';
import { FileRenderer } from '../../src/files/content.js';
import { ReadDeadline } from '../../src/io/deadline.js';
import { hostFileReader } from '../../src/files/host-files.js';
import type { GatherContext, HostPath, VirtualFile } from '../../src/files/types.js';
import { fakeContext } from '../helpers/fake-context.js';
import { RecordingLogger } from '../helpers/fuse-requests.js';

const HOST_MEMINFO = 'MemTotal:       16384000 kB\nMemFree:         8192000 kB\n';

function context(pid: number): GatherContext {
  return fakeContext({ pid });
}

function virtualFile(gather: (ctx: GatherContext) => unknown, render: (input: unknown) => string): VirtualFile {
  return { path: 'proc/meminfo', host: { root: 'proc', path: 'meminfo' }, size: 0, summary: 'test', gather, render };
}

function renderer(hostFile: (file: HostPath) => string = () => HOST_MEMINFO, contextFor = context) {
  const logger = new RecordingLogger();
  const hostCalls: HostPath[] = [];
  const content = new FileRenderer({
    contextFor, logger,
    hostFile: (file) => { hostCalls.push(file); return hostFile(file); },
  });
  return { content, logger, hostCalls };
}

t.test('gather then render, for the caller\'s pid', async (t) => {
  const { content, logger, hostCalls } = renderer();
  const seen: number[] = [];
  const file = virtualFile((ctx) => { seen.push(ctx.pid); return { total: 42 }; }, (input) => `Total: ${(input as { total: number }).total} µs\n`);
  const out = content.render(file, 4242);
  t.ok(Buffer.isBuffer(out));
  t.equal(out.toString('utf8'), 'Total: 42 µs\n');
  t.equal(out.length, 14, 'UTF-8 bytes (µ is two)');
  t.same(seen, [4242]);
  t.same(hostCalls, [], 'the host file is not read');
  t.equal(content.fallbacks.size, 0);
  t.same(logger.records, []);
});

t.test('gather throws an LxcfsError: host content, counted under its code, debug log', async (t) => {
  const { content, logger, hostCalls } = renderer();
  const file = virtualFile(() => { throw new LxcfsError('LXCFS_CALLER_GONE', 'pid 9'); }, () => 'never');
  t.equal(content.render(file, 9).toString(), HOST_MEMINFO);
  t.equal(content.render(file, 9).toString(), HOST_MEMINFO);
  t.same([...content.fallbacks], [['LXCFS_CALLER_GONE', 2]]);
  t.same(hostCalls, [file.host, file.host], 'the file\'s own host path');
  t.equal(hostCalls[0], file.host);
  t.equal(logger.at('error').length, 0);
  t.equal(logger.at('debug').length, 2);
  t.same(logger.at('debug')[0]!.fields, { file: 'proc/meminfo', pid: 9, reason: 'LXCFS_CALLER_GONE', err: 'the calling process no longer exists: pid 9' });
});

t.test('codes are counted separately', async (t) => {
  const { content } = renderer();
  const codes = ['LXCFS_NO_CGROUP', 'LXCFS_CGROUP_UNREADABLE', 'LXCFS_NO_CGROUP', 'LXCFS_PARSE'] as const;
  for (const code of codes) content.render(virtualFile(() => { throw new LxcfsError(code); }, () => 'x'), 1);
  t.same(Object.fromEntries(content.fallbacks), { LXCFS_NO_CGROUP: 2, LXCFS_CGROUP_UNREADABLE: 1, LXCFS_PARSE: 1 });
});

t.test('render throws an LxcfsError: host content', async (t) => {
  const { content } = renderer();
  const file = virtualFile(() => 'input', () => { throw new LxcfsError('LXCFS_PARSE', 'bad memory.stat'); });
  t.equal(content.render(file, 1).toString(), HOST_MEMINFO);
  t.same(Object.fromEntries(content.fallbacks), { LXCFS_PARSE: 1 });
});

t.test('a plain Error: host content, counted as LXCFS_INTERNAL, logged at error', async (t) => {
  const { content, logger } = renderer();
  const bug = new TypeError('cannot read properties of undefined');
  const file = virtualFile(() => { throw bug; }, () => 'never');
  t.equal(content.render(file, 77).toString(), HOST_MEMINFO);
  t.same(Object.fromEntries(content.fallbacks), { LXCFS_INTERNAL: 1 });
  const errors = logger.at('error');
  t.equal(errors.length, 1);
  t.equal(errors[0]!.fields.err, bug);
  t.equal(errors[0]!.fields.pid, 77);
  t.equal(errors[0]!.fields.file, 'proc/meminfo');
  t.equal(logger.at('debug').length, 0);
});

t.test('a thrown non-Error: host content, LXCFS_INTERNAL', async (t) => {
  const { content, logger } = renderer();
  t.equal(content.render(virtualFile(() => { throw 'oops'; }, () => 'x'), 1).toString(), HOST_MEMINFO);
  t.same(Object.fromEntries(content.fallbacks), { LXCFS_INTERNAL: 1 });
  t.equal(logger.at('error').length, 1);
});

t.test('contextFor throwing falls back too', async (t) => {
  const { content } = renderer(undefined, () => { throw new LxcfsError('LXCFS_CALLER_INVISIBLE'); });
  t.equal(content.render(virtualFile(() => 'x', () => 'y'), 0).toString(), HOST_MEMINFO);
  t.same(Object.fromEntries(content.fallbacks), { LXCFS_CALLER_INVISIBLE: 1 });
});

t.test('render returning "" serves the host file (never an empty file)', async (t) => {
  const { content, logger } = renderer();
  const out = content.render(virtualFile(() => 'input', () => ''), 5);
  t.equal(out.toString(), HOST_MEMINFO);
  t.same(Object.fromEntries(content.fallbacks), { LXCFS_INTERNAL: 1 });
  t.equal(logger.at('error').length, 1, 'a renderer producing nothing is a bug');
});

t.test('host file also unreadable: the error propagates', async (t) => {
  const { content } = renderer(() => { throw new LxcfsError('LXCFS_HOST_UNREADABLE', '/proc/meminfo'); });
  t.throws(() => content.render(virtualFile(() => { throw new LxcfsError('LXCFS_CALLER_GONE'); }, () => 'x'), 1),
    { name: 'LxcfsError', code: 'LXCFS_HOST_UNREADABLE', errno: 5 });
  t.same(Object.fromEntries(content.fallbacks), { LXCFS_CALLER_GONE: 1 }, 'the fallback attempt is still counted');
});

t.test('with the real host reader on a fixture tree', async (t) => {
  const dir = t.testdir({ proc: { meminfo: HOST_MEMINFO }, sys: {} });
  const procRoot = join(dir, 'proc');
  const hostFile = hostFileReader({ procRoot, sysRoot: join(dir, 'sys'), cgroupRoot: join(dir, 'cgroup') });
  const { content } = renderer(hostFile);
  const failing = virtualFile(() => { throw new LxcfsError('LXCFS_NO_CGROUP'); }, () => 'x');
  t.equal(content.render(failing, 1).toString(), HOST_MEMINFO);
  const missing: VirtualFile = { ...failing, path: 'proc/swaps', host: { root: 'proc', path: 'swaps' } };
  t.throws(() => content.render(missing, 1), { code: 'LXCFS_HOST_UNREADABLE', message: `a host file could not be read: ${join(procRoot, 'swaps')}` });
  mkdirSync(join(dir, 'sys/devices'), { recursive: true });
  writeFileSync(join(dir, 'sys/devices/online'), '0-3\n');
  const sysFile: VirtualFile = { ...failing, path: 'sys/devices/online', host: { root: 'sys', path: 'devices/online' } };
  t.equal(content.render(sysFile, 1).toString(), '0-3\n', 'sys root used for sys host files');
});

// ---- batch(): one render per file and container within a batch --------------------------

/** Callers 1 and 2 share a container; 3 is elsewhere; 4 cannot be resolved. */
function keyedContext(pid: number): GatherContext {
  return fakeContext({
    pid,
    containerKey: () => {
      if (pid === 4) throw new LxcfsError('LXCFS_CALLER_GONE', 'pid 4');
      return pid === 3 ? 'other' : 'shared';
    },
  });
}

t.test('batch(): same file and container render once; others render their own', async (t) => {
  const { content } = renderer(undefined, keyedContext);
  let renders = 0;
  const file = virtualFile((ctx) => ({ n: ++renders, pid: ctx.pid }), (input) => `${JSON.stringify(input)}\n`);
  const other = { ...virtualFile(() => ({ n: ++renders }), (input) => `other ${JSON.stringify(input)}\n`), path: 'proc/stat' };
  const out = content.batch(() => [1, 2, 3, 1].map((pid) => content.render(file, pid).toString()).concat(content.render(other, 2).toString()));
  t.same(out, ['{"n":1,"pid":1}\n', '{"n":1,"pid":1}\n', '{"n":2,"pid":3}\n', '{"n":1,"pid":1}\n', 'other {"n":3}\n']);
  t.equal(content.coalesced, 2);
  // Outside a batch nothing is shared: a request may have arrived after any earlier content.
  t.equal(content.render(file, 1).toString(), '{"n":4,"pid":1}\n');
  t.equal(content.render(file, 2).toString(), '{"n":5,"pid":2}\n');
  // A new batch starts empty.
  t.equal(content.batch(() => content.render(file, 2).toString()), '{"n":6,"pid":2}\n');
  t.equal(content.coalesced, 2);
});

t.test('batch(): fallbacks and unresolvable callers are never shared', async (t) => {
  const { content, hostCalls } = renderer(undefined, keyedContext);
  let calls = 0;
  const failing = virtualFile(() => { calls++; throw new LxcfsError('LXCFS_CGROUP_UNREADABLE', 'gone'); }, () => 'never');
  content.batch(() => {
    t.equal(content.render(failing, 1).toString(), HOST_MEMINFO);
    t.equal(content.render(failing, 2).toString(), HOST_MEMINFO);
  });
  t.equal(calls, 2, 'a failed render is retried for the next caller');
  t.equal(hostCalls.length, 2);
  let renders = 0;
  const file = virtualFile(() => ++renders, (n) => `${String(n)}\n`);
  content.batch(() => {
    t.equal(content.render(file, 4).toString(), '1\n', 'no key: rendered as outside a batch');
    t.equal(content.render(file, 1).toString(), '2\n', 'and not shared with the next caller');
    t.equal(content.render(file, 2).toString(), '2\n');
  });
  t.same(Object.fromEntries(content.fallbacks), { LXCFS_CGROUP_UNREADABLE: 2 });
});

t.test('batch() restores the outer state even when the batch throws', async (t) => {
  const { content } = renderer(undefined, keyedContext);
  let renders = 0;
  const file = virtualFile(() => ++renders, (n) => `${String(n)}\n`);
  t.throws(() => content.batch(() => { content.render(file, 1); throw new Error('boom'); }), /boom/);
  t.equal(content.render(file, 2).toString(), '2\n', 'no memo left behind');
});

// ---- stats: what /metrics counts -------------------------------------------------------

t.test('stats: each read at offset 0 counted by outcome, timed unless coalesced; fallbacks by reason', async (t) => {
  const stats = ReadStats.create(1);
  const logger = new RecordingLogger();
  const content = new FileRenderer({ contextFor: keyedContext, logger, hostFile: () => HOST_MEMINFO, stats });
  let fail = false;
  const file = virtualFile(() => { if (fail) throw new LxcfsError('LXCFS_CGROUP_UNREADABLE', 'gone'); return 1; }, () => 'x\n');
  content.batch(() => [1, 2, 3].forEach((pid) => content.render(file, pid)));
  fail = true;
  content.render(file, 1);
  const handOver = virtualFile(() => { throw new LxcfsError('LXCFS_MAIN_THREAD'); }, () => 'never');
  t.throws(() => content.render(handOver, 1), { code: 'LXCFS_MAIN_THREAD' });
  const meminfo = stats.totals().files.find((f) => f.path === 'proc/meminfo')!;
  t.same(meminfo.outcomes, { rendered: 2, coalesced: 1, fallback: 1 }, 'a hand-over is counted where it is answered, not here');
  t.same([...meminfo.fallbacks], [['LXCFS_CGROUP_UNREADABLE', 1]]);
  t.equal(meminfo.buckets.at(-1), 3, 'rendered and fallback reads are timed');
  t.ok(meminfo.seconds > 0 && meminfo.seconds < 1);
});

// ---- deadline: a render whose reads run late answers with the host file ----------------

function deadlined(ms: number) {
  let now = 0;
  const reads = new ReadDeadline(() => now);
  const logger = new RecordingLogger();
  const hostCalls: HostPath[] = [];
  const content = new FileRenderer({
    contextFor: keyedContext, logger, deadline: { reads, ms },
    hostFile: (file) => { hostCalls.push(file); reads.check('host file'); return HOST_MEMINFO; },
  });
  return { content, reads, hostCalls, advance: (by: number) => { now += by; } };
}

t.test('deadline: reads in time render; a read after the deadline is not made and the host file is served', async (t) => {
  const { content, reads, hostCalls, advance } = deadlined(100);
  const made: string[] = [];
  const read = (path: string) => { reads.check(path); made.push(path); };
  const file = virtualFile(() => { read('a'); advance(60); read('b'); advance(60); read('c'); return 1; }, () => 'rendered\n');
  t.equal(content.render(file, 1).toString(), HOST_MEMINFO, 'the third read came 120 ms in');
  t.same(made, ['a', 'b'], 'no read after the deadline');
  t.same(Object.fromEntries(content.fallbacks), { LXCFS_DEADLINE: 1 });
  t.equal(hostCalls.length, 1, 'the host file is read without the deadline');
  const quick = virtualFile(() => { read('d'); advance(99); read('e'); return 2; }, () => 'rendered\n');
  t.equal(content.render(quick, 1).toString(), 'rendered\n', 'each render gets its own deadline');
});

t.test('deadline: a late read swallowed by the gather code still falls back', async (t) => {
  const { content, reads, advance } = deadlined(10);
  const file = virtualFile(() => {
    advance(11);
    try { reads.check('optional file'); } catch { return 'treated as absent'; }
    return 'read';
  }, (input) => `${String(input)}\n`);
  t.equal(content.render(file, 1).toString(), HOST_MEMINFO);
  t.same(Object.fromEntries(content.fallbacks), { LXCFS_DEADLINE: 1 });
});

t.test('deadline: a late read swallowed while resolving the caller is not looked up in the memo', async (t) => {
  let now = 0;
  const reads = new ReadDeadline(() => now);
  let late = false;
  const contextFor = (pid: number) => {
    if (late) { now += 50; try { reads.check('/proc/x/cgroup'); } catch { /* swallowed */ } }
    return keyedContext(pid);
  };
  const content = new FileRenderer({ contextFor, logger: new RecordingLogger(), hostFile: () => HOST_MEMINFO, deadline: { reads, ms: 10 } });
  const file = virtualFile(() => 1, () => 'rendered\n');
  content.batch(() => {
    t.equal(content.render(file, 1).toString(), 'rendered\n');
    late = true;
    t.equal(content.render(file, 2).toString(), HOST_MEMINFO, 'the memo holds pid 1\'s content, but pid 2\'s context cannot be trusted');
  });
});

t.test('deadline: in a batch, later requests of a late container fall back without reading; other containers render', async (t) => {
  const { content, reads, advance } = deadlined(100);
  let gathers = 0;
  const file = virtualFile((ctx) => {
    gathers++;
    reads.check('first');
    if (ctx.pid !== 3) advance(200); // the shared container's files are slow
    reads.check('second');
    return ctx.pid;
  }, (pid) => `pid ${String(pid)}\n`);
  const out = content.batch(() => [1, 2, 3, 1].map((pid) => content.render(file, pid).toString()));
  t.same(out, [HOST_MEMINFO, HOST_MEMINFO, 'pid 3\n', HOST_MEMINFO]);
  t.equal(gathers, 2, 'the shared container was gathered once, the other container once');
  t.same(Object.fromEntries(content.fallbacks), { LXCFS_DEADLINE: 3 });
  // A new batch tries the late container again.
  advance(0);
  t.equal(content.batch(() => gathers), 2);
  const fast = virtualFile(() => 'fast', (x) => `${String(x)}\n`);
  t.equal(content.batch(() => content.render(fast, 1).toString()), 'fast\n');
});

t.test('deadline 0: no deadline at all', async (t) => {
  const { content, reads, advance } = deadlined(0);
  const file = virtualFile(() => { advance(1e9); reads.check('slow'); return 1; }, () => 'rendered\n');
  t.equal(content.render(file, 1).toString(), 'rendered\n');
});
