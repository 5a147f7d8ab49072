// ServingPool on a real /dev/fuse mount: the main thread here answers INIT and then stops
// reading its own fd, so every later request is read by the pool's one worker. What the
// worker renders is the real host's content; what it hands over (files that need the
// stateful services) the main thread answers with a marker, so the reader shows which
// thread answered. Readers are child processes started asynchronously.
import t, { type Test } from 'tap';
import { execFile } from 'node:child_process';
import { closeSync, fstatSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ReadStats } from '../../src/agent/read-stats.js';
import { REGISTRY } from '../../src/files/registry.js';
import { FuseDevice } from '../../src/fuse/device.js';
import { ReadOnlyFilesystem } from '../../src/fuse/filesystem.js';
import { FuseSession } from '../../src/fuse/session.js';
import { silentLogger } from '../../src/log.js';
import { mountRequest } from '../../src/mount-options.js';
import { MNT_DETACH, MS_NODEV, MS_NOSUID, native } from '../../src/native/addon.js';
import { ServingPool } from '../../src/workers/pool.js';
import { requirePrivileges } from '../helpers/env.js';

const run = promisify(execFile);

interface Served {
  readonly dir: string;
  readonly pool: ServingPool;
  /** Devices the main thread answered handed-over requests on. */
  readonly handedOver: FuseDevice[];
  /** Slot 0 is this (main) thread's; the worker writes slot 1. */
  readonly stats: ReadStats;
  /** With `journal`: the journal the worker records in (region 1), on a clone made here. */
  readonly journal?: number;
}

async function serve(t: Test, render = { swap: true, cfs: true, loadavg: true }, withJournal = false): Promise<Served> {
  const dir = mkdtempSync(join(tmpdir(), 'lxcfs-node-pool-'));
  const mainFs = new ReadOnlyFilesystem(REGISTRY, { render: (file) => Buffer.from(`main:${file.path}\n`) });
  const device = new FuseDevice(native.openFuseDevice(), native, silentLogger);
  const handedOver: FuseDevice[] = [];
  const stats = ReadStats.create(2);
  const request = mountRequest(device.fd, []);
  native.mount('lxcfs-node-test', dir, 'fuse.lxcfs-node-test', MS_NOSUID | MS_NODEV | request.flags, request.data);
  // As a keeper holds them: the worker's clone kept (a clone needs the mounted connection), and a journal.
  const kept = withJournal ? { fds: [native.cloneFuseDevice(device.fd, '/dev/fuse')], journal: native.createJournal(2) } : {};
  const pool = new ServingPool(1, {
    ...kept,
    native, logger: silentLogger, fd: device.fd, devicePath: '/dev/fuse', tableId: mainFs.openTableId, stats: stats.buffer, kernelResend: true,
    settings: { procRoot: '/proc', sysRoot: '/sys', cgroupRoot: '/sys/fs/cgroup', render, spinMicros: 0, debug: false, deadlineMs: 1000, cgroupnsPid: 1 },
    answer: (raw, sink, negotiated) => {
      handedOver.push(sink);
      new FuseSession({ sink, operations: mainFs, logger: silentLogger, negotiated }).handle(raw);
    },
    replay: () => t.fail('no keeper, no journal: nothing is ever replayed'),
  });
  let initialised!: () => void;
  const ready = new Promise<void>((r) => { initialised = r; });
  const session = new FuseSession({
    sink: device, operations: mainFs, logger: silentLogger,
    onInit: (negotiated) => {
      device.stopReading(); // from now on only the worker reads requests
      pool.start(negotiated);
      initialised();
    },
  });
  t.teardown(async () => {
    try {
      native.umount(dir, MNT_DETACH);
    } catch {
      // already gone
    }
    pool.stop();
    for (let i = 0; i < 200 && pool.running > 0; i++) await new Promise((r) => setTimeout(r, 10));
    device.close();
    for (const fd of [...kept.fds ?? [], ...kept.journal === undefined ? [] : [kept.journal]]) closeSync(fd);
    mainFs.close();
    rmSync(dir, { recursive: true, force: true });
  });
  device.start((batch) => session.handleAll(batch), () => {}, 0, mainFs.openTableId);
  await ready;
  return { dir, pool, handedOver, stats, journal: kept.journal };
}

async function cat(path: string): Promise<string> {
  const { stdout } = await run('cat', [path], { timeout: 10_000 });
  return stdout;
}

t.test('a worker serves the mount: it renders, and hands over what needs main-thread state', async (t) => {
  if (!requirePrivileges(t)) return;
  const s = await serve(t);
  t.equal(s.pool.running, 1, 'one worker once INIT is negotiated');
  const reads = await Promise.all(Array.from({ length: 8 }, () => cat(join(s.dir, 'proc/meminfo'))));
  for (const text of reads) t.match(text, /^MemTotal: +\d+ kB\nMemFree:/, 'meminfo rendered by the worker');
  t.equal(s.handedOver.length, 0, 'meminfo needs no main-thread state');
  const meminfo = s.stats.totals().files.find((f) => f.path === 'proc/meminfo')!;
  t.equal(meminfo.outcomes.rendered + meminfo.outcomes.coalesced, 8, 'the worker counts its reads in the shared stats');
  t.equal(await cat(join(s.dir, 'proc/loadavg')), 'main:proc/loadavg\n', '-l loadavg: answered by the main thread');
  t.equal(await cat(join(s.dir, 'proc/stat')), 'main:proc/stat\n', '--enable-cfs stat (cpu view): answered by the main thread');
  t.equal(s.handedOver.length, 2);
  t.equal(new Set(s.handedOver).size, 1, 'on the worker\'s own fd');
  t.match(await cat(join(s.dir, 'proc/cpuinfo')), /^processor\s+: 0$/m, 'cpuinfo needs no state: the worker');
});

t.test('with a journal: a request handed over stays recorded until the main thread answered it, then goes', async (t) => {
  if (!requirePrivileges(t)) return;
  const s = await serve(t, { swap: true, cfs: true, loadavg: true }, true);
  t.match(await cat(join(s.dir, 'proc/meminfo')), /^MemTotal:/, 'rendered by the worker, on the kept clone');
  t.equal(await cat(join(s.dir, 'proc/loadavg')), 'main:proc/loadavg\n', 'handed over and answered');
  // The main thread's word reaches the worker by message; until then the record stays.
  for (let i = 0; i < 200 && native.readJournal(s.journal!, 1).length > 0; i++) await new Promise((r) => setTimeout(r, 10));
  t.same(native.readJournal(s.journal!, 1), [], 'nothing left in the worker\'s region to replay');
  t.same(native.readJournal(s.journal!, 0), [], 'nor in the main thread\'s');
});

t.test('without -l and --enable-cfs on v1 nothing is handed over', async (t) => {
  if (!requirePrivileges(t)) return;
  const s = await serve(t, { swap: true, cfs: false, loadavg: false });
  t.match(await cat(join(s.dir, 'proc/loadavg')), /^\d+\.\d\d \d+\.\d\d \d+\.\d\d \d+\/\d+ \d+\n$/, 'the host\'s loadavg, from the worker');
  t.match(await cat(join(s.dir, 'proc/stat')), /^cpu {2}\d+/, 'accounting-mode stat, from the worker');
  t.equal(s.handedOver.length, 0);
});

t.test('stop ends the worker and closes its clone of the fd', async (t) => {
  if (!requirePrivileges(t)) return;
  const s = await serve(t);
  await cat(join(s.dir, 'proc/meminfo'));
  await cat(join(s.dir, 'proc/loadavg'));
  const clone = s.handedOver[0]!.fd;
  t.doesNotThrow(() => fstatSync(clone), 'the clone is open while the worker runs');
  s.pool.stop();
  s.pool.stop();
  for (let i = 0; i < 200 && s.pool.running > 0; i++) await new Promise((r) => setTimeout(r, 10));
  t.equal(s.pool.running, 0);
  t.throws(() => fstatSync(clone), { code: 'EBADF' }, 'closed once the worker exited');
  s.pool.start({ major: 7, minor: 38, maxReadahead: 0, flags: 0, maxBackground: 0, congestionThreshold: 0, maxWrite: 0, timeGran: 0, maxPages: 0 });
  t.equal(s.pool.running, 0, 'a stopped pool never starts again');
});
