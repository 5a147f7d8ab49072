// The running filesystem: checks, pidfile, /dev/fuse, mount(2), the FUSE session over
// the virtual file registry, and a clean stop (detach the mount, close the device,
// drop the pidfile). Fatal start-up problems are LxcfsErrors with stable codes.
import { existsSync } from 'node:fs';
import type { DaemonOptions } from './config.js';
import { InitResolver } from './caller/init-resolver.js';
import { CallerCgroups } from './caller/cgroups.js';
import { detectLayout } from './cgroup/layout.js';
import { cgroupReaderFor } from './cgroup/reader.js';
import { LxcfsError } from './errors.js';
import { FileRenderer } from './files/content.js';
import { contextFactory } from './files/gather-context.js';
import { hostFileReader } from './files/host-files.js';
import { REGISTRY } from './files/registry.js';
import { FuseDevice } from './fuse/device.js';
import { ReadOnlyFilesystem } from './fuse/filesystem.js';
import { FuseSession } from './fuse/session.js';
import type { Logger } from './log.js';
import { prepareMountpoint } from './mountpoint.js';
import { MNT_DETACH, MS_NODEV, MS_NOSUID, type NativeAddon } from './native/addon.js';
import { Pidfile } from './pidfile.js';
import { mountRequest } from './mount-options.js';

export interface DaemonDeps {
  readonly native: NativeAddon;
  readonly logger: Logger;
  readonly fuseDevicePath?: string;
}

export class Daemon {
  readonly #mountpoint: string;
  readonly #deps: DaemonDeps;
  readonly #pidfile: Pidfile;
  readonly #device: FuseDevice;
  readonly renderer: FileRenderer;
  #stopped = false;
  readonly #closed: Promise<number>;

  private constructor(mountpoint: string, deps: DaemonDeps, pidfile: Pidfile, device: FuseDevice, renderer: FileRenderer, closed: Promise<number>) {
    this.#mountpoint = mountpoint;
    this.#deps = deps;
    this.#pidfile = pidfile;
    this.#device = device;
    this.renderer = renderer;
    this.#closed = closed;
  }

  /** Resolves with the errno the kernel ended the connection with (e.g. after an external umount). */
  get closed(): Promise<number> {
    return this.#closed;
  }

  static start(options: DaemonOptions, deps: DaemonDeps): Daemon {
    const { native, logger } = deps;
    if (process.getuid?.() !== 0) throw new LxcfsError('LXCFS_NOT_ROOT');
    const devicePath = deps.fuseDevicePath ?? '/dev/fuse';
    if (!existsSync(devicePath)) throw new LxcfsError('LXCFS_NO_FUSE', devicePath);
    const detach = (path: string) => native.umount(path, MNT_DETACH);
    const mountpoint = prepareMountpoint(options.mountpoint, { procRoot: options.procRoot, logger, detach });
    const pidfile = Pidfile.acquire(options.pidfile, native);
    let device: FuseDevice | undefined;
    try {
      const fd = native.openFuseDevice(devicePath);
      device = new FuseDevice(fd, native, logger);
      const request = mountRequest(fd, options.fuseOptions);
      try {
        native.mount('lxcfs-node', mountpoint, 'fuse.lxcfs-node', MS_NOSUID | MS_NODEV | request.flags, request.data);
      } catch (err) {
        throw new LxcfsError('LXCFS_MOUNT_FAILED', `${mountpoint}: ${(err as Error).message}`, { cause: err });
      }
      const renderer = Daemon.#renderer(options, logger);
      const session = new FuseSession({
        sink: device,
        operations: new ReadOnlyFilesystem(REGISTRY, renderer),
        logger,
      });
      const dev = device;
      const closed = new Promise<number>((resolve) => dev.start((raw) => session.handle(raw), resolve));
      logger.info({ mountpoint, files: REGISTRY.length }, 'mounted');
      return new Daemon(mountpoint, deps, pidfile, device, renderer, closed);
    } catch (err) {
      device?.close();
      pidfile.release();
      throw err;
    }
  }

  static #renderer(options: DaemonOptions, logger: Logger): FileRenderer {
    const layout = detectLayout(options.cgroupRoot);
    const hostFile = hostFileReader(options);
    const caller = new CallerCgroups(options.procRoot, new InitResolver({ procRoot: options.procRoot }), layout);
    const contextFor = contextFactory({ options: options.render, caller, reader: cgroupReaderFor(layout), hostFile });
    logger.info({ layout: layout.kind }, 'cgroup layout detected');
    return new FileRenderer({ contextFor, hostFile, logger });
  }

  /** Detaches the mount, ends the connection and drops the pidfile. Idempotent. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    try {
      this.#deps.native.umount(this.#mountpoint, MNT_DETACH);
    } catch (err) {
      // Already gone (someone ran umount): nothing left to detach.
      if ((err as NodeJS.ErrnoException).code !== 'EINVAL') this.#deps.logger.warn({ err }, 'umount failed');
    }
    this.#device.close();
    this.#pidfile.release();
    this.#deps.logger.info({ mountpoint: this.#mountpoint }, 'unmounted');
  }
}
