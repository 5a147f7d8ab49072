// The one declared list of virtual files. The FUSE tree, --help and the docs (and later
// the injector's mounts and the DaemonSet manifests) derive from it; adding a file means
// adding one module and one line here. Order = lxcfs's readdir order.
import { procCpuinfo } from './proc-cpuinfo.js';
import { procDiskstats } from './proc-diskstats.js';
import { procLoadavg } from './proc-loadavg.js';
import { procMeminfo } from './proc-meminfo.js';
import { procStat } from './proc-stat.js';
import { procSwaps } from './proc-swaps.js';
import { procUptime } from './proc-uptime.js';
import { sysCpuOnline } from './sys-cpu-online.js';
import type { VirtualFile } from './types.js';

export const REGISTRY: readonly VirtualFile[] = Object.freeze([
  procCpuinfo,
  procMeminfo,
  procStat,
  procUptime,
  procDiskstats,
  procSwaps,
  procLoadavg,
  sysCpuOnline,
] as VirtualFile[]);
