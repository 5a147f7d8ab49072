// `lxcfs-node doctor`: parses the command line, runs the checks, prints the report and
// returns the exit status (it never calls process.exit): 0 all ok, 1 a check failed, 2 only
// warnings, 64 a bad command line (EX_USAGE, as `lxcfs-node mutate`).
import { DEFAULT_MOUNTPOINT } from '../config.js';
import { LxcfsError } from '../errors.js';
import { parseDoctorArgs } from './args.js';
import { DEFAULT_TIMEOUT_MS } from './child.js';
import { realDeps, type DoctorDeps } from './deps.js';
import { formatHuman, formatJson } from './report.js';
import { runDoctor } from './run.js';

export const DOCTOR_USAGE = `Usage: lxcfs-node doctor [--pid PID] [--json] [--timeout-ms N] [mountpoint]

Explains why a node, or one process of a pod, does not see lxcfs-node's values. Checks the
fuse device, the cgroup layout, the mount (default ${DEFAULT_MOUNTPOINT}) and every served file;
with --pid (a host pid), whether that process has the files bind-mounted, from the live
mount, and sees its memory limit. Run it as root on the node or in the DaemonSet pod.

      --pid PID        also check this process
      --json           print {mountpoint, pid, findings, exit} as JSON
      --timeout-ms N   deadline of each read through the mount (default ${DEFAULT_TIMEOUT_MS})
  -h, --help           print this help

Exit status: 0 all ok, 1 a check failed, 2 warnings only, 64 bad command line.
`;

export const EXIT_USAGE = 64;

export interface DoctorOutput {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
}

export async function doctorCommand(argv: readonly string[], out: DoctorOutput): Promise<number> {
  return doctorCommandWith(argv, out, realDeps());
}

/** doctorCommand with the outside world replaced (tests). */
export async function doctorCommandWith(argv: readonly string[], out: DoctorOutput, deps: DoctorDeps): Promise<number> {
  let command;
  try {
    command = parseDoctorArgs(argv);
  } catch (err) {
    if (!(err instanceof LxcfsError)) throw err;
    out.stderr(`lxcfs-node doctor: ${err.message}\n${DOCTOR_USAGE}`);
    return EXIT_USAGE;
  }
  if (command.kind === 'help') {
    out.stdout(DOCTOR_USAGE);
    return 0;
  }
  const report = await runDoctor(command.options, deps);
  out.stdout(command.options.json ? formatJson(report) : formatHuman(report));
  return report.exit;
}
