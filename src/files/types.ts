// The contract of one virtual file: where it appears, which host file stands in for it
// when it cannot be computed, how to gather its inputs (I/O allowed, may throw) and how
// to render them (pure). The FUSE tree, docs and manifests derive from the registry of
// these (registry.ts); nothing else lists file names.
import type { Controller, CpuLimits, CpuUsage, IoDeviceStats, MemorySnapshot } from '../cgroup/types.js';
import type { CpuView } from '../services/cpu-view.js';
import type { LoadavgSampler } from '../services/loadavg.js';

export interface RenderOptions {
  /** false with -u/--disable-swap: SwapTotal/SwapFree 0, /proc/swaps header only. */
  readonly swap: boolean;
  /** --enable-cfs: CPU view from the CFS quota (issue 3). */
  readonly cfs: boolean;
  /** -l/--enable-loadavg: per-container load average (issue 3). */
  readonly loadavg: boolean;
}

/** Which host root a host path is relative to. */
export type HostRoot = 'proc' | 'sys';

export interface HostPath {
  readonly root: HostRoot;
  /** Relative to the root, e.g. 'meminfo' or 'devices/system/cpu/online'. */
  readonly path: string;
}

/** What a file's gather() may ask for, resolved lazily for the calling process. */
export interface GatherContext {
  /** Caller thread id from the FUSE request header (daemon's pid namespace; 0 = invisible). */
  readonly pid: number;
  readonly options: RenderOptions;
  /** Text of a host kernel file (procRoot/sysRoot applied). Throws LxcfsError. */
  hostFile(file: HostPath): string;
  /** Memory snapshot of the caller's container. Throws LxcfsError when unknowable. */
  memory(): MemorySnapshot;
  /** cpuset CPUs of the caller's container, and its CFS quota with --enable-cfs (else null). */
  cpuLimits(): CpuLimits;
  /** CPU time the caller's container has used (v1 cpuacct, v2 cpu.stat). */
  cpuUsage(): CpuUsage;
  /** Block I/O of the caller's container per device (v1 blkio, v2 io.stat). */
  io(): readonly IoDeviceStats[];
  /** Host pid of the init of the caller's pid namespace (the caller itself in ours). */
  initPid(): number;
  /** The caller's cgroup path for a controller: the key of per-container state. */
  cgroupPath(controller: Controller): string;
  /**
   * Identity of the caller's container for this request: its init and all its cgroups.
   * Callers with equal keys get equal content from every file at the same moment.
   */
  containerKey(): string;
  /** Daemon-wide stateful views, shared by all readers of a container. */
  readonly services: Services;
}

/**
 * The state is the main thread's: in a serving worker thread these are stand-ins that throw
 * LXCFS_MAIN_THREAD, and the request is handed to the main thread (src/workers/).
 */
export interface Services {
  /** Per-container /proc/stat views (--enable-cfs on v1, and always on v2). */
  readonly cpuView: Pick<CpuView, 'cpuacctView' | 'unifiedView'>;
  /** Per-container load averages; null without -l (then /proc/loadavg is the host's). */
  readonly loadavg: Pick<LoadavgSampler, 'read'> | null;
}

export interface VirtualFile<Input = unknown> {
  /** Relative to the mountpoint, e.g. 'proc/meminfo'. */
  readonly path: string;
  /** The kernel file this one replaces, served verbatim when gather() throws. */
  readonly host: HostPath;
  /** st_size to report: mirrors the kernel file it replaces (procfs 0, sysfs 4096). */
  readonly size: number;
  /** One line for the README and --help: what the file shows. */
  readonly summary: string;
  gather(ctx: GatherContext): Input;
  render(input: Input): string;
}
