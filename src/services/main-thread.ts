// Stand-ins for the stateful services in a serving worker thread. Their state (a container's
// cpu view, its load-average history) must be one per daemon — a reader whose requests land
// on different threads must see one never-decreasing /proc/stat — so it lives on the main
// thread only. A worker's gather that reaches for it throws LXCFS_MAIN_THREAD, and the
// worker's session hands the request to the main thread, which renders it afresh.
import { LxcfsError } from '../errors.js';
import type { RenderOptions, Services } from '../files/types.js';

const onMainThread = (): never => {
  throw new LxcfsError('LXCFS_MAIN_THREAD');
};

export function mainThreadServices(options: RenderOptions): Services {
  return Object.freeze({
    cpuView: Object.freeze({ cpuacctView: onMainThread, unifiedView: onMainThread }),
    // Without -l there is no sampler anywhere and the host's file is served on any thread.
    loadavg: options.loadavg ? Object.freeze({ read: onMainThread }) : null,
  });
}
