// A FUSE filesystem whose files are slow to read, for tests of slow kernel files: run as
// a child process (node with the test runner's loaders) with one JSON argument
// { mountpoint, delayMs, files: { name: content } }. Each READ at offset 0 waits delayMs
// (blocking this process only) and prints "read NAME" on stdout; "ready" once mounted.
// SIGTERM unmounts and exits. Built from lxcfs-node's own FUSE layer, under its own
// filesystem type so nothing takes it for a daemon's mount.
import { FuseDevice } from '../../src/fuse/device.js';
import { ReadOnlyFilesystem } from '../../src/fuse/filesystem.js';
import { FuseSession } from '../../src/fuse/session.js';
import type { VirtualFile } from '../../src/files/types.js';
import { createLogger } from '../../src/log.js';
import { mountRequest } from '../../src/mount-options.js';
import { native } from '../../src/native/addon.js';

interface Spec {
  readonly mountpoint: string;
  readonly delayMs: number;
  readonly files: Record<string, string>;
}

const MS_NOSUID = 2;
const MS_NODEV = 4;
const MNT_DETACH = 2;

const spec = JSON.parse(process.argv[2] ?? '{}') as Spec;
const logger = createLogger(false);
const files: VirtualFile[] = Object.entries(spec.files).map(([name, text]) => ({
  path: name, host: { root: 'proc', path: name }, size: 0, summary: 'slow test file',
  gather: () => text, render: (input) => input as string,
}));
const sleeper = new Int32Array(new SharedArrayBuffer(4));
const content = {
  render(file: VirtualFile): Buffer {
    Atomics.wait(sleeper, 0, 0, spec.delayMs);
    process.stdout.write(`read ${file.path}\n`);
    return Buffer.from(file.render(file.gather(undefined as never)), 'utf8');
  },
};
const filesystem = new ReadOnlyFilesystem(files, content);
const device = new FuseDevice(native.openFuseDevice('/dev/fuse'), native, logger);
const request = mountRequest(device.fd, []);
native.mount('slow-test-fs', spec.mountpoint, 'fuse.slow-test-fs', MS_NOSUID | MS_NODEV | request.flags, request.data);
const session = new FuseSession({ sink: device, operations: filesystem, logger });
const stop = (): void => {
  try { native.umount(spec.mountpoint, MNT_DETACH); } catch { /* already gone */ }
  device.close();
  process.exit(0);
};
device.start((batch) => session.handleAll(batch), stop, 0, filesystem.openTableId);
process.on('SIGTERM', stop);
process.stdout.write('ready\n');
