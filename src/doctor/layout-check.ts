// 'cgroup-layout': the daemon's own detection (detectLayout) run on the doctor's cgroupRoot.
// Without a memory hierarchy no container sees its memory limit (fail); without cpu or
// cpuset the CPU views fall back to the host's (warn). The layout is handed on to pid-values.
import { CONTROLLERS, detectLayout, type CgroupLayoutInfo } from '../cgroup/layout.js';
import type { Controller } from '../cgroup/types.js';
import { fail, ok, warn, type Finding } from './findings.js';

export interface LayoutCheck {
  readonly finding: Finding;
  /** Null when the layout could not be read. */
  readonly layout: CgroupLayoutInfo | null;
}

/** What each CPU-side controller feeds, for the warning. */
const CPU_SIDE: ReadonlyArray<readonly [Controller, string]> = [
  ['cpuset', '/proc/cpuinfo, /proc/stat and /sys/devices/system/cpu/online show every host CPU'],
  ['cpu', 'CFS quotas are ignored (--enable-cfs)'],
];

const MOUNT_FIX = 'give the daemon the host\'s cgroup tree: mount /sys/fs/cgroup from the host (hostPath) or pass --cgroup-root';

export function checkCgroupLayout(cgroupRoot: string): LayoutCheck {
  let layout: CgroupLayoutInfo;
  try {
    layout = detectLayout(cgroupRoot);
  } catch (err) {
    return { layout: null, finding: fail('cgroup-layout', `${cgroupRoot} cannot be read: ${(err as Error).message}`, MOUNT_FIX) };
  }
  const found = CONTROLLERS.filter((c) => layout.hierarchyOf(c) !== null);
  const name = `cgroup ${layout.kind}`;
  if (found.length === 0) {
    return { layout, finding: fail('cgroup-layout', `no cgroup hierarchy found under ${cgroupRoot}`, MOUNT_FIX) };
  }
  const list = `${found.join(', ')} found under ${cgroupRoot}`;
  if (layout.hierarchyOf('memory') === null) {
    const fix = layout.kind === 'v1'
      ? 'mount the memory hierarchy (and make sure the kernel command line has no cgroup_disable=memory)'
      : 'the kernel offers no memory controller: remove cgroup_disable=memory from its command line';
    return { layout, finding: fail('cgroup-layout', `${name}: no memory controller (${list}); /proc/meminfo and /proc/swaps show the host's values`, fix) };
  }
  const missing = CPU_SIDE.filter(([c]) => layout.hierarchyOf(c) === null);
  if (missing.length > 0) {
    const effects = missing.map(([c, effect]) => `no ${c} controller: ${effect}`).join('; ');
    return { layout, finding: warn('cgroup-layout', `${name}: ${list}; ${effects}`, `mount the ${missing.map(([c]) => c).join(' and ')} hierarchy, or accept host CPU values`) };
  }
  return { layout, finding: ok('cgroup-layout', `${name}: ${list}`) };
}
