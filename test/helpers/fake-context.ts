// A GatherContext for unit tests: every member not given throws, so a test states exactly
// what a file may ask for, and a renderer that asks for more fails loudly. recordingContext
// adds host files and the list of the ones read; hostFiles builds a host from a map.
import { LxcfsError } from '../../src/errors.js';
import type { GatherContext, HostPath, RenderOptions, Services } from '../../src/files/types.js';

const DEFAULT_OPTIONS: RenderOptions = { swap: true, cfs: false, loadavg: false };

/** The default options with some changed. */
export function renderOptions(over: Partial<RenderOptions> = {}): RenderOptions {
  return { ...DEFAULT_OPTIONS, ...over };
}

function unexpected(name: string): () => never {
  return () => {
    throw new Error(`fake GatherContext: ${name}() was not expected in this test`);
  };
}

export function fakeContext(overrides: Partial<GatherContext> = {}): GatherContext {
  return {
    pid: 4242,
    options: DEFAULT_OPTIONS,
    services: new Proxy({} as Services, { get: (_, key) => { throw new Error(`fake GatherContext: services.${String(key)} was not expected`); } }),
    hostFile: unexpected('hostFile'),
    memory: unexpected('memory'),
    cpuLimits: unexpected('cpuLimits'),
    cpuUsage: unexpected('cpuUsage'),
    io: unexpected('io'),
    initPid: unexpected('initPid'),
    cgroupPath: unexpected('cgroupPath'),
    containerKey: unexpected('containerKey'),
    ...overrides,
  };
}

/** A fake context whose host files come from `hostFile`. */
export type RecordingContext = GatherContext & {
  /** Every host file asked for, in order. */
  readonly reads: HostPath[];
};

export function recordingContext(hostFile: (file: HostPath) => string, overrides: Partial<GatherContext> = {}): RecordingContext {
  const reads: HostPath[] = [];
  const ctx = fakeContext({
    ...overrides,
    hostFile: (file) => {
      reads.push(file);
      return hostFile(file);
    },
  });
  return Object.assign(ctx, { reads });
}

/**
 * Host files from a map 'root/path' → text ('proc/uptime', 'sys/devices/system/cpu/online');
 * a path not in the map comes from `base`, or is LXCFS_HOST_UNREADABLE (a file that is not there).
 */
export function hostFiles(map: Readonly<Record<string, string>>, base?: (file: HostPath) => string): (file: HostPath) => string {
  return (file) => {
    const text = map[`${file.root}/${file.path}`];
    if (text !== undefined) return text;
    if (base !== undefined) return base(file);
    throw new LxcfsError('LXCFS_HOST_UNREADABLE', file.path);
  };
}
