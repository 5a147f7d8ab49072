// Builds the GatherContext of one request: what a file's gather() may ask about its
// caller. Everything is resolved lazily and afresh per read — caller → init of its pid
// namespace (cached and validated by InitResolver) → that init's cgroup for the
// controller (read from /proc every time: processes move between cgroups) → snapshot.
import type { Controller } from '../cgroup/types.js';
import type { CgroupReader } from '../cgroup/reader.js';
import type { GatherContext, HostPath, RenderOptions, Services } from './types.js';

/** The caller's container: its init and its cgroup per controller (CallerCgroups in the daemon). */
export interface CallerPaths {
  initOf(pid: number): number;
  pathOf(pid: number, controller: Controller): string;
}

export interface GatherDeps {
  readonly options: RenderOptions;
  readonly caller: CallerPaths;
  readonly reader: CgroupReader;
  readonly services: Services;
  hostFile(file: HostPath): string;
}

export function contextFactory(deps: GatherDeps): (pid: number) => GatherContext {
  const { caller, reader } = deps;
  return (pid) => {
    const pathOf = (controller: Controller) => caller.pathOf(pid, controller);
    return {
      pid,
      options: deps.options,
      services: deps.services,
      hostFile: deps.hostFile,
      memory: () => reader.memory(pathOf),
      cpuLimits: () => reader.cpuLimits(pathOf),
      cpuUsage: () => reader.cpuUsage(pathOf),
      io: () => reader.io(pathOf),
      initPid: () => caller.initOf(pid),
      cgroupPath: pathOf,
    };
  };
}
