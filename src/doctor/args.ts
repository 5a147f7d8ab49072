// `lxcfs-node doctor [--pid PID] [--json] [--timeout-ms N] [mountpoint]`, parsed purely.
// Roots are options like the daemon's (fixture trees in tests); --dev-root says where to
// look for the fuse device. Bad input throws LxcfsError LXCFS_USAGE (main.ts: exit 64).
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_MOUNTPOINT, DEFAULT_ROOTS, type Roots } from '../config.js';
import { LxcfsError } from '../errors.js';
import { DEFAULT_TIMEOUT_MS } from './child.js';

export interface DoctorOptions extends Roots {
  readonly mountpoint: string;
  /** Host pid of a process (a pod's container) whose view to check; null: the node only. */
  readonly pid: number | null;
  readonly json: boolean;
  /** Deadline of every read through the mount, in ms. */
  readonly timeoutMs: number;
  /** Where the fuse device is looked for: <devRoot>/fuse. */
  readonly devRoot: string;
}

export type DoctorCommand =
  | { readonly kind: 'run'; readonly options: DoctorOptions }
  | { readonly kind: 'help' };

export const DEFAULT_DEV_ROOT = '/dev';
const MAX_TIMEOUT_MS = 600_000;

const FLAGS = {
  pid: { type: 'string' },
  json: { type: 'boolean' },
  'timeout-ms': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  'proc-root': { type: 'string' },
  'sys-root': { type: 'string' },
  'cgroup-root': { type: 'string' },
  'dev-root': { type: 'string' },
} as const;

export function parseDoctorArgs(argv: readonly string[]): DoctorCommand {
  const { values, positionals } = strictParse(argv);
  if (values.help === true) return { kind: 'help' };
  const [mountpoint = DEFAULT_MOUNTPOINT, ...more] = positionals;
  if (more.length > 0) throw usage(`one mountpoint expected, got ${positionals.length}`);
  const timeout = values['timeout-ms'];
  return {
    kind: 'run',
    options: {
      mountpoint: resolve(mountpoint),
      pid: values.pid === undefined ? null : integer('--pid', values.pid, 4_194_304), // the kernel's ceiling for pid_max
      json: values.json === true,
      timeoutMs: timeout === undefined ? DEFAULT_TIMEOUT_MS : integer('--timeout-ms', timeout, MAX_TIMEOUT_MS),
      procRoot: resolve(values['proc-root'] ?? DEFAULT_ROOTS.procRoot),
      sysRoot: resolve(values['sys-root'] ?? DEFAULT_ROOTS.sysRoot),
      cgroupRoot: resolve(values['cgroup-root'] ?? DEFAULT_ROOTS.cgroupRoot),
      devRoot: resolve(values['dev-root'] ?? DEFAULT_DEV_ROOT),
    },
  };
}

function usage(message: string): LxcfsError {
  return new LxcfsError('LXCFS_USAGE', message);
}

function strictParse(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: FLAGS, allowPositionals: true, strict: true });
  } catch (err) {
    throw usage((err as Error).message);
  }
}

/** A decimal integer from 1 to max. */
function integer(flag: string, value: string, max: number): number {
  const n = /^[1-9]\d{0,9}$/.test(value) ? Number(value) : NaN;
  if (!(n <= max)) throw usage(`${flag} takes an integer from 1 to ${max}, got ${JSON.stringify(value)}`);
  return n;
}
