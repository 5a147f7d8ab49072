// The doctor's checks in CHECK_IDS order: gather each part of the state, then judge it with
// the pure check functions. A check whose precondition failed is left out (never reported
// ok): files and pid-values need a mount that answers; the pid checks need the process.
import { basename, dirname, join } from 'node:path';
import type { CgroupLayoutInfo } from '../cgroup/layout.js';
import { canonicalPath } from '../mountpoint.js';
import type { DoctorOptions } from './args.js';
import type { DoctorDeps } from './deps.js';
import { checkFuseDevice, gatherDevice } from './device-check.js';
import { checkFiles, gatherFiles } from './files-check.js';
import { exitCodeOf, type ExitCode, type Finding } from './findings.js';
import { checkCgroupLayout } from './layout-check.js';
import { checkMount, gatherMount, mountAnswers, type MountState } from './mount-check.js';
import { checkPidCovered, checkPidExists, checkPidStale, gatherPidMounts } from './pid-mounts.js';
import { checkPidValues, gatherPidValues } from './pid-values.js';

export interface DoctorReport {
  readonly mountpoint: string;
  readonly pid: number | null;
  readonly findings: readonly Finding[];
  readonly exit: ExitCode;
}

export async function runDoctor(options: DoctorOptions, deps: DoctorDeps): Promise<DoctorReport> {
  // Only the parent is resolved: resolving the mountpoint itself would stat the FUSE root
  // from this process, which a hung daemon never answers.
  const mountpoint = join(canonicalPath(dirname(options.mountpoint)), basename(options.mountpoint));
  const findings: Finding[] = [checkFuseDevice(gatherDevice(options.devRoot, options.sysRoot, deps))];
  const { finding, layout } = checkCgroupLayout(options.cgroupRoot);
  findings.push(finding);
  const mount = await gatherMount({ procRoot: options.procRoot, mountpoint, timeoutMs: options.timeoutMs, probe: deps.probe });
  findings.push(checkMount(mount));
  if (mountAnswers(mount)) findings.push(checkFiles(await gatherFiles(mountpoint, options.timeoutMs, deps.readFiles)));
  if (options.pid !== null) findings.push(...await pidFindings(options, options.pid, { mount, layout, deps }));
  return { mountpoint, pid: options.pid, findings, exit: exitCodeOf(findings) };
}

interface PidContext {
  readonly mount: MountState;
  readonly layout: CgroupLayoutInfo | null;
  readonly deps: DoctorDeps;
}

async function pidFindings(options: DoctorOptions, pid: number, { mount, layout, deps }: PidContext): Promise<Finding[]> {
  const state = gatherPidMounts(options.procRoot, pid);
  const findings = [checkPidExists(options.procRoot, pid, state)];
  if (!state.exists) return findings;
  const covered = checkPidCovered(pid, mount.mountpoint, state);
  findings.push(covered);
  const covers = (state.covers ?? []).filter((c) => c.mount !== undefined);
  // Staleness needs a mount at the mountpoint to compare with (a FUSE one: it was probed).
  if (covers.length === 0 || mount.top === undefined || mount.liveness === null) return findings;
  const stale = checkPidStale(pid, covers, mount.top.device);
  findings.push(stale);
  const meminfoCovered = covers.some((c) => c.path === 'proc/meminfo');
  if (stale.status !== 'ok' || !meminfoCovered || !mountAnswers(mount) || layout === null) return findings;
  const values = checkPidValues(pid, await gatherPidValues({ procRoot: options.procRoot, pid, layout, timeoutMs: options.timeoutMs, readAsPid: deps.readAsPid }));
  if (values !== null) findings.push(values);
  return findings;
}
