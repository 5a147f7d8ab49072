// The running filesystem: checks, pidfile, /dev/fuse, mount(2), the FUSE session over
// the virtual file registry, and a clean stop. Everything that can fail on bad input
// (cgroup layout, roots) is set up before mounting, so a failed start never leaves a
// mount behind; stop() detaches only the mount we made, and only while the kernel still
// has it. Fatal start-up problems are LxcfsErrors with stable codes.
import { existsSync } from 'node:fs';
import { DEFAULT_CGROUPNS_PID, type DaemonOptions, type Roots } from './config.js';
import { ReadStats } from './agent/read-stats.js';
import { InitResolver } from './caller/init-resolver.js';
import { CallerCgroups } from './caller/cgroups.js';
import { detectLayout } from './cgroup/layout.js';
import { cgroupReaderFor } from './cgroup/reader.js';
import type { CgroupLayout } from './cgroup/types.js';
import { LxcfsError } from './errors.js';
import { FileRenderer } from './files/content.js';
import { contextFactory } from './files/gather-context.js';
import type { RenderOptions, Services } from './files/types.js';
import { CpuView } from './services/cpu-view.js';
import { LoadavgSampler } from './services/loadavg.js';
import { mainThreadServices } from './services/main-thread.js';
import { hostFileReader } from './files/host-files.js';
import { DEFAULT_DEADLINE_MS, readDeadline } from './io/deadline.js';
import { kernelFiles } from './io/kernel-files.js';
import { REGISTRY } from './files/registry.js';
import { FuseDevice, type Recovery } from './fuse/device.js';
import { ReadOnlyFilesystem } from './fuse/filesystem.js';
import type { OpenTableStats } from './fuse/handles.js';
import { FuseSession } from './fuse/session.js';
import type { InitOut } from './fuse/protocol.js';
import { readOwnMountinfo, topMountAt } from './host/mountinfo.js';
import type { Logger } from './log.js';
import { mountRequest } from './mount-options.js';
import { prepareMountpoint } from './mountpoint.js';
import { MNT_DETACH, MS_NODEV, MS_NOSUID, native, type NativeAddon } from './native/addon.js';
import { joinCgroupNamespaceOf } from './cgroup/namespace.js';
import { Pidfile } from './pidfile.js';
import { ServingPool } from './workers/pool.js';

export interface DaemonDeps {
  readonly native: NativeAddon;
  readonly logger: Logger;
  readonly fuseDevicePath?: string;
}

interface Running {
  readonly mountpoint: string;
  /** Id of our mount in /proc/self/mountinfo, to never unmount someone else's. */
  readonly mountId: number | undefined;
  /** Null when a keeper owns the mount: then stop() leaves it mounted. */
  readonly pidfile: Pidfile | null;
  readonly device: FuseDevice;
  readonly filesystem: ReadOnlyFilesystem;
  /** The worker threads that serve beside the main one (--threads > 1). */
  readonly pool: ServingPool | undefined;
  /** Settles `closed`; the kernel calls it through the device, stop() with 0. */
  readonly endConnection: (errno: number) => void;
  readonly sampler: LoadavgSampler | null;
  readonly stats: ReadStats;
  readonly layout: CgroupLayout;
}

export class Daemon {
  readonly #run: Running;
  readonly #deps: DaemonDeps;
  readonly #closed: Promise<number>;
  #connectionEnded = false;
  #stopped = false;

  private constructor(run: Running, deps: DaemonDeps, closed: Promise<number>) {
    this.#run = run;
    this.#deps = deps;
    this.#closed = closed.then((errno) => {
      this.#connectionEnded = true;
      return errno;
    });
  }

  get mountpoint(): string {
    return this.#run.mountpoint;
  }

  /** Read counters of every serving thread, for /metrics. */
  get stats(): ReadStats {
    return this.#run.stats;
  }

  get layout(): CgroupLayout {
    return this.#run.layout;
  }

  /** The open-file table's figures (handles, snapshot bytes), for /metrics. */
  openFiles(): OpenTableStats {
    return this.#run.filesystem.openStats();
  }

  /**
   * Our mount is still the top one at the mountpoint and the kernel has not ended the
   * connection. Reads only /proc/self/mountinfo — never the mount itself.
   */
  isMounted(): boolean {
    if (this.#stopped || this.#connectionEnded) return false;
    try {
      const top = topMountAt(readOwnMountinfo(), this.#run.mountpoint);
      return top !== undefined && top.mountId === this.#run.mountId;
    } catch {
      return false;
    }
  }

  /** Resolves when the connection ends: with the kernel's errno (ENODEV after an external unmount), or 0 after stop(). */
  get closed(): Promise<number> {
    return this.#closed;
  }

  static start(options: DaemonOptions, deps: DaemonDeps): Daemon {
    const { native, logger } = deps;
    if (process.getuid?.() !== 0) throw new LxcfsError('LXCFS_NOT_ROOT');
    const devicePath = deps.fuseDevicePath ?? '/dev/fuse';
    if (!existsSync(devicePath)) throw new LxcfsError('LXCFS_NO_FUSE', devicePath);
    const content = buildContent(options, logger);
    const detach = (path: string) => native.umount(path, MNT_DETACH);
    const mountpoint = prepareMountpoint(options.mountpoint, { procRoot: '/proc', logger, detach });
    const pidfile = Pidfile.acquire(options.pidfile, native);
    let device: FuseDevice | undefined;
    let mounted = false;
    try {
      device = new FuseDevice(native.openFuseDevice(devicePath), native, logger);
      mountFuse(native, device.fd, mountpoint, options.fuseOptions);
      mounted = true;
      const mountId = topMountAt(readOwnMountinfo(), mountpoint)?.mountId;
      return Daemon.#serveOn({ ...options, mountpoint }, deps, content, device, { pidfile, mountId, extraFds: [], firstFh: 1 });
    } catch (err) {
      if (mounted) detachQuietly(detach, mountpoint);
      device?.close();
      pidfile.release();
      throw err;
    }
  }

  /**
   * Serves a connection mounted and held by another process (the keeper, src/keeper/): no
   * mountpoint checks, no pidfile, no mount, and stop() never unmounts. With `negotiated`
   * the connection was initialised by a predecessor: the session starts past INIT, and the
   * kernel is asked to resend whatever that predecessor read but never answered.
   */
  static serve(options: DaemonOptions, deps: DaemonDeps, connection: AdoptedConnection): Daemon {
    const content = buildContent(options, deps.logger);
    const [fd, ...extraFds] = connection.fds;
    if (fd === undefined) throw new LxcfsError('LXCFS_USAGE', 'no /dev/fuse fd to serve');
    const journal = connection.journal;
    const device = new FuseDevice(fd, deps.native, deps.logger, journal === undefined ? undefined : { fd: journal, region: 0 });
    return Daemon.#serveOn(options, deps, content, device, {
      pidfile: null, mountId: connection.mountId, extraFds, firstFh: connection.firstFh,
      negotiated: connection.negotiated, onInit: connection.onInit, resend: connection.resend === true, journal,
    });
  }

  static #serveOn(options: DaemonOptions, deps: DaemonDeps, content: BuiltContent, device: FuseDevice, how: ServeHow): Daemon {
    const { native, logger } = deps;
    const { renderer, layout, sampler, stats } = content;
    const devicePath = deps.fuseDevicePath ?? '/dev/fuse';
    const filesystem = new ReadOnlyFilesystem(REGISTRY, renderer, Date.now, { tables: native, firstFh: how.firstFh });
    let pool: ServingPool | undefined;
    try {
      // One batch: one render per file and container, one check per v1 cgroup directory.
      const inBatch = <T>(handle: () => T): T => kernelFiles.scope(() => renderer.batch(handle));
      const threads = pool = servingPool(options, {
        native, logger, devicePath, device, filesystem, inBatch, stats: stats.buffer,
        fds: how.pidfile === null ? how.extraFds : undefined, journal: how.journal,
      });
      let recovery: Recovery | 'none' = 'none';
      const onInit = (negotiated: InitOut): void => {
        threads?.start(negotiated, recovery);
        how.onInit?.(negotiated);
      };
      const session = new FuseSession({ sink: device, operations: filesystem, logger, negotiated: how.negotiated, onInit, mayBeInitialised: how.resend === true });
      let endConnection!: (errno: number) => void;
      const closed = new Promise<number>((resolve) => { endConnection = resolve; });
      device.start((batch) => inBatch(() => session.handleAll(batch)), endConnection, options.spinMicros, filesystem.openTableId);
      // Before anything is read here (the loop has not run yet): what a dead predecessor held.
      if (how.negotiated !== undefined || how.resend === true) {
        recovery = device.recover((raw) => { inBatch(() => filesystem.replaying(() => session.handle(raw))); }, options.kernelResend);
      }
      if (how.negotiated !== undefined) threads?.start(how.negotiated, recovery);
      sampler?.start();
      const { mountpoint } = options;
      logger.info({ mountpoint, mountId: how.mountId, layout, files: REGISTRY.length, threads: options.threads, adopted: how.negotiated !== undefined }, how.pidfile === null ? 'serving' : 'mounted');
      return new Daemon({ mountpoint, mountId: how.mountId, pidfile: how.pidfile, device, filesystem, pool, endConnection, sampler, stats, layout }, deps, closed);
    } catch (err) {
      void pool?.stop();
      filesystem.close();
      throw err;
    }
  }

  /**
   * Stops serving without ending anything the kernel sees: no more requests are read, the
   * serving threads answer what they read and exit, and only then is the open-file table
   * freed and stop() done (which, for a served connection, never unmounts). For handing a
   * connection over: whatever was not read here is read by the successor.
   */
  async release(): Promise<void> {
    this.#run.device.stopReading();
    await this.#run.pool?.stop();
    this.stop();
  }

  /** Detaches our mount (if the kernel still has it), ends the connection, drops the pidfile. Idempotent, never throws. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    const { mountpoint, mountId, device, filesystem, pool, pidfile, endConnection, sampler } = this.#run;
    sampler?.stop();
    if (!this.#connectionEnded && pidfile !== null) this.#detachOurs(mountpoint, mountId);
    void pool?.stop();
    try {
      device.close();
    } catch (err) {
      this.#deps.logger.warn({ err }, 'closing /dev/fuse failed');
    }
    filesystem.close();
    pidfile?.release();
    kernelFiles.closeAll();
    endConnection(0);
    this.#deps.logger.info({ mountpoint }, pidfile === null ? 'stopped serving' : 'unmounted');
  }

  #detachOurs(mountpoint: string, mountId: number | undefined): void {
    const { native, logger } = this.#deps;
    try {
      const table = readOwnMountinfo();
      const top = topMountAt(table, mountpoint);
      if (top !== undefined && top.mountId === mountId) {
        native.umount(mountpoint, MNT_DETACH);
      } else if (table.some((m) => m.mountId === mountId)) {
        // Something was mounted over ours; unmounting by path would remove that instead.
        logger.warn({ mountpoint, covering: top?.fsType }, 'our mount is covered; it stays until the next start detaches it');
      }
    } catch (err) {
      logger.warn({ err, mountpoint }, 'unmount failed');
    }
  }
}

/** A connection another process mounted and holds (see Daemon.serve). */
export interface AdoptedConnection {
  /** The connection's fd, then one fd per extra serving thread (clones); the keeper keeps its copies. */
  readonly fds: readonly number[];
  /** INIT as a predecessor negotiated it; undefined while the kernel's INIT is still to be answered. */
  readonly negotiated: InitOut | undefined;
  /** First fh to give out: past every handle a predecessor may have given out. */
  readonly firstFh: number;
  /** The mount's id in this mount namespace (for isMounted). */
  readonly mountId: number | undefined;
  /** A predecessor served the connection (even if its INIT parameters were lost): resend what it held. */
  readonly resend?: boolean;
  /** The keeper's journal of requests in flight (native createJournal): region i belongs to fds[i]. */
  readonly journal?: number;
  /** Told once INIT is negotiated here, so the keeper can hand it to successors. */
  readonly onInit?: (negotiated: InitOut) => void;
}

interface ServeHow {
  readonly pidfile: Pidfile | null;
  readonly mountId: number | undefined;
  readonly extraFds: readonly number[];
  readonly firstFh: number;
  readonly negotiated?: InitOut;
  readonly onInit?: (negotiated: InitOut) => void;
  readonly resend?: boolean;
  readonly journal?: number;
}

interface BuiltContent extends Content {
  readonly stats: ReadStats;
}

function buildContent(options: DaemonOptions, logger: Logger): BuiltContent {
  const stats = ReadStats.create(options.threads);
  return { ...buildRenderer(options, logger, 'main', stats), stats };
}

/** mount(2) of the FUSE filesystem on `fd` at `mountpoint`, nosuid and nodev always. */
export function mountFuse(native: NativeAddon, fd: number, mountpoint: string, fuseOptions: readonly string[]): void {
  const request = mountRequest(fd, fuseOptions);
  try {
    native.mount('lxcfs-node', mountpoint, 'fuse.lxcfs-node', MS_NOSUID | MS_NODEV | request.flags, request.data);
  } catch (err) {
    throw new LxcfsError('LXCFS_MOUNT_FAILED', `${mountpoint}: ${(err as Error).message}`, { cause: err });
  }
}

interface PoolWiring {
  readonly native: NativeAddon;
  readonly logger: Logger;
  readonly devicePath: string;
  readonly device: FuseDevice;
  /** The main thread's filesystem: it answers what workers hand over. */
  readonly filesystem: ReadOnlyFilesystem;
  readonly inBatch: <T>(handle: () => T) => T;
  readonly stats: SharedArrayBuffer;
  /** Clones opened (and kept) by a keeper, one per worker; undefined: the pool clones its own. */
  readonly fds: readonly number[] | undefined;
  readonly journal: number | undefined;
}

/** The worker threads that serve beside the main one; none with --threads 1. */
function servingPool(options: DaemonOptions, w: PoolWiring): ServingPool | undefined {
  if (options.threads <= 1) return undefined;
  // The main thread's session for each worker's fd: it answers what that worker hands over.
  const sessions = new WeakMap<FuseDevice, FuseSession>();
  const sessionFor = (sink: FuseDevice, negotiated: InitOut): FuseSession => {
    let session = sessions.get(sink);
    if (session === undefined) sessions.set(sink, session = new FuseSession({ sink, operations: w.filesystem, logger: w.logger, negotiated }));
    return session;
  };
  return new ServingPool(options.threads - 1, {
    native: w.native, logger: w.logger, fd: w.device.fd, devicePath: w.devicePath, tableId: w.filesystem.openTableId, stats: w.stats, fds: w.fds,
    journal: w.journal, kernelResend: options.kernelResend,
    settings: {
      procRoot: options.procRoot, sysRoot: options.sysRoot, cgroupRoot: options.cgroupRoot,
      render: options.render, spinMicros: options.spinMicros, debug: options.debug, deadlineMs: options.deadlineMs,
      cgroupnsPid: options.cgroupnsPid,
    },
    answer: (raw, sink, negotiated) => { w.inBatch(() => sessionFor(sink, negotiated).handle(raw)); },
    replay: (raw, sink, negotiated) => { w.inBatch(() => w.filesystem.replaying(() => sessionFor(sink, negotiated).handle(raw))); },
  });
}

export interface Content {
  readonly renderer: FileRenderer;
  readonly layout: CgroupLayout;
  /** The load-average sampler (main thread, -l); it runs only while the daemon is mounted. */
  readonly sampler: LoadavgSampler | null;
}

/** 'main' owns the stateful services; a 'worker' hands requests that need them to main. */
export type RendererThread = 'main' | 'worker';

/**
 * The content side of the daemon: cgroup layout, caller resolution, readers and host
 * files wired into a FileRenderer. Everything that reads the roots happens here, before
 * anything is mounted, so bad roots fail start-up cleanly.
 */
export function buildRenderer(
  options: Roots & { readonly render: RenderOptions; readonly deadlineMs?: number; readonly cgroupnsPid?: number }, logger: Logger, thread: RendererThread = 'main', stats?: ReadStats,
): Content {
  try {
    // Before the first read of a /proc/<pid>/cgroup: this thread's paths must be the host's.
    joinCgroupNamespaceOf(options.procRoot, options.cgroupnsPid ?? DEFAULT_CGROUPNS_PID, native, logger);
    const layout = detectLayout(options.cgroupRoot);
    const hostFile = hostFileReader(options);
    const caller = new CallerCgroups(options.procRoot, new InitResolver({ procRoot: options.procRoot, onResolve: stats === undefined ? undefined : (result) => stats.caller(result) }), layout);
    const reader = cgroupReaderFor(layout);
    const sampler = thread === 'main' && options.render.loadavg
      ? new LoadavgSampler({ cgroups: reader, procRoot: options.procRoot, onError: (err) => logger.error({ err }, 'loadavg tick failed') })
      : null;
    const services: Services = thread === 'main' ? { cpuView: new CpuView(), loadavg: sampler } : mainThreadServices(options.render);
    const contextFor = contextFactory({ options: options.render, caller, reader, services, hostFile });
    const deadline = { reads: readDeadline, ms: options.deadlineMs ?? DEFAULT_DEADLINE_MS };
    return { renderer: new FileRenderer({ contextFor, hostFile, logger, stats, deadline }), layout: layout.kind, sampler };
  } catch (err) {
    if (err instanceof LxcfsError) throw err;
    throw new LxcfsError('LXCFS_HOST_UNREADABLE', (err as Error).message, { cause: err });
  }
}

function detachQuietly(detach: (path: string) => void, path: string): void {
  try {
    detach(path);
  } catch {
    // Best effort on a failed start; the next start detaches a dead mount anyway.
  }
}
