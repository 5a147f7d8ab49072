// A GatherContext for unit tests: every member not given throws, so a test states exactly
// what a file may ask for, and a renderer that asks for more fails loudly.
import type { GatherContext, RenderOptions, Services } from '../../src/files/types.js';

const DEFAULT_OPTIONS: RenderOptions = { swap: true, cfs: false, loadavg: false };

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
    ...overrides,
  };
}
