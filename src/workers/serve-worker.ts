// Entry point of a serving worker thread (started by pool.ts): the main thread's serving
// loop over this worker's clone of the /dev/fuse fd — its own caller caches, kept kernel
// files and render memo, the mount's shared open-file table, and the main thread's INIT.
// A request that needs the stateful services (LXCFS_MAIN_THREAD) is posted, raw, to the
// main thread, which answers it on this worker's fd and posts its header back (its journal
// record, held here until then, goes). The fd is never closed here. The
// thread ends when the main thread posts STOP or the connection ends.
import { parentPort, workerData } from 'node:worker_threads';
import { ReadStats } from '../agent/read-stats.js';
import { buildRenderer } from '../daemon.js';
import { REGISTRY } from '../files/registry.js';
import { FuseDevice } from '../fuse/device.js';
import { ReadOnlyFilesystem } from '../fuse/filesystem.js';
import { FuseSession } from '../fuse/session.js';
import { kernelFiles } from '../io/kernel-files.js';
import { createLogger, rateLimited } from '../log.js';
import { native } from '../native/addon.js';
import { STOP, type WorkerData } from './worker-data.js';

const data = workerData as WorkerData;
const port = parentPort!;
const logger = rateLimited(createLogger(data.debug));
// As on the main thread (cli.ts): one request never stops the others.
process.on('uncaughtException', (err) => logger.error({ err }, 'uncaught exception in a serving thread; still serving'));

const { renderer } = buildRenderer(data, logger, 'worker', ReadStats.attach(data.stats, data.statsSlot));
const filesystem = new ReadOnlyFilesystem(REGISTRY, renderer, Date.now, { tables: native, tableId: data.tableId });
const device = new FuseDevice(data.fd, native, logger, data.journal);
const session = new FuseSession({
  sink: device, operations: filesystem, logger, negotiated: data.negotiated,
  handOver: (raw) => port.postMessage(raw),
});
// Ending is always this thread's own doing, never Worker.terminate(): a terminated thread
// can be inside the device reader's poll callback, where N-API can no longer run.
const end = (): void => {
  device.stopReading();
  kernelFiles.closeAll();
  port.close(); // nothing is left on the loop: the thread exits with code 0
};
port.on('message', (message: unknown) => {
  if (message === STOP) end();
  // The main thread answered a request handed to it: the header of that request.
  else if (message instanceof Uint8Array) device.answered(Buffer.from(message.buffer, message.byteOffset, message.byteLength));
});
device.start(
  (batch) => kernelFiles.scope(() => renderer.batch(() => session.handleAll(batch))),
  end, // the connection ended (unmounted): nothing more to read
  data.spinMicros, data.tableId,
);
