// Builds the GatherContext of one request: what a file's gather() may ask about its
// caller. Everything is resolved lazily and afresh per read — caller → init of its pid
// namespace (cached and validated by InitResolver) → that init's cgroup for the
// controller (read from /proc every time: processes move between cgroups) → snapshot.
import type { Controller } from '../cgroup/types.js';
import type { CgroupReader } from '../cgroup/reader.js';
import type { GatherContext, HostPath, RenderOptions } from './types.js';

/** The caller's container cgroup per controller (CallerCgroups in the daemon). */
export interface CallerPaths {
  pathOf(pid: number, controller: Controller): string;
}

export interface GatherDeps {
  readonly options: RenderOptions;
  readonly caller: CallerPaths;
  readonly reader: CgroupReader;
  hostFile(file: HostPath): string;
}

export function contextFactory(deps: GatherDeps): (pid: number) => GatherContext {
  return (pid) => ({
    pid,
    options: deps.options,
    hostFile: deps.hostFile,
    memory: () => deps.reader.memory(deps.caller.pathOf(pid, 'memory')),
  });
}
