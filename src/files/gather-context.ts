// Builds the GatherContext of one request: what a file's gather() may ask about its
// caller. The caller is resolved lazily and at most once per request — caller → init of
// its pid namespace (cached and validated by InitResolver) → that init's cgroups (read
// from /proc afresh for every request: processes move between cgroups) — and every
// question of the request is answered from that one resolution.
import type { ResolvedCaller } from '../caller/cgroups.js';
import type { CgroupReader } from '../cgroup/reader.js';
import type { Controller } from '../cgroup/types.js';
import type { GatherContext, HostPath, RenderOptions, Services } from './types.js';

/** The caller's container (CallerCgroups in the daemon). */
export interface CallerPaths {
  resolve(pid: number): ResolvedCaller;
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
    let resolved: ResolvedCaller | undefined;
    const container = () => (resolved ??= caller.resolve(pid));
    const pathOf = (controller: Controller) => container().pathOf(controller);
    return {
      pid,
      options: deps.options,
      services: deps.services,
      hostFile: deps.hostFile,
      memory: () => reader.memory(pathOf),
      cpuLimits: () => reader.cpuLimits(pathOf, deps.options.cfs),
      cpuUsage: () => reader.cpuUsage(pathOf),
      io: () => reader.io(pathOf),
      initPid: () => container().initPid,
      cgroupPath: pathOf,
      containerKey: () => container().key,
    };
  };
}
