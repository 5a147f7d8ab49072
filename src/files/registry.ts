// The one declared list of virtual files. The FUSE tree, the docs and (later) the
// injector's mounts and the DaemonSet manifests derive from it; adding a file means
// adding one module and one line here. Order = lxcfs's readdir order.
import { hostPassthrough } from './host-passthrough.js';
import { procMeminfo } from './proc-meminfo.js';
import { procSwaps } from './proc-swaps.js';
import type { VirtualFile } from './types.js';

const procFile = (name: string, summary: string): VirtualFile =>
  hostPassthrough(`proc/${name}`, { root: 'proc', path: name }, 0, summary);

export const REGISTRY: readonly VirtualFile[] = Object.freeze([
  procFile('cpuinfo', 'host CPUs (container view: next release)'),
  procMeminfo as VirtualFile,
  procFile('stat', 'host CPU accounting (container view: next release)'),
  procFile('uptime', 'host uptime (container view: next release)'),
  procFile('diskstats', 'host disk statistics (container view: next release)'),
  procSwaps as VirtualFile,
  procFile('loadavg', 'host load average (container view: next release)'),
  hostPassthrough('sys/devices/system/cpu/online', { root: 'sys', path: 'devices/system/cpu/online' }, 4096,
    'host online CPUs (container view: next release)'),
]);
