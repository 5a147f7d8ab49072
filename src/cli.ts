// lxcfs-node [options] [mountpoint]: lxcfs-compatible command line, wiring and signals.
// parseCommandLine() is pure (tested on its own); run() owns the process (bin.ts calls
// it): it starts the daemon, unmounts on SIGINT/SIGTERM/SIGHUP, and turns start-up
// failures into one line on stderr and exit status 1.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  DEFAULT_CGROUPNS_PID, DEFAULT_MOUNTPOINT, DEFAULT_PIDFILE, DEFAULT_ROOTS, DEFAULT_SPIN_MICROS, DEFAULT_THREADS, MAX_SPIN_MICROS, MAX_THREADS,
  type DaemonOptions,
} from './config.js';
import { parseListenAddress, type HttpEndpoint, type ListenAddress } from './agent/http-server.js';
import { LxcfsError } from './errors.js';
import { DEFAULT_DEADLINE_MS, MAX_DEADLINE_MS } from './io/deadline.js';
import { REGISTRY } from './files/registry.js';
import { createLogger, rateLimited, type Logger } from './log.js';
import type { Daemon } from './daemon.js';
import type { Keeper } from './keeper/keeper.js';
import { splitOptions } from './mount-options.js';

export type Command =
  | {
    readonly kind: 'run'; readonly options: DaemonOptions; readonly http: ListenAddress | null;
    readonly takeOver: boolean; readonly reattachEverySeconds: number; readonly spareAfterCrashSeconds: number;
  }
  | { readonly kind: 'help' }
  | { readonly kind: 'version' };

const FLAGS = {
  foreground: { type: 'boolean', short: 'f' },
  debug: { type: 'boolean', short: 'd' },
  'enable-loadavg': { type: 'boolean', short: 'l' },
  'disable-swap': { type: 'boolean', short: 'u' },
  'enable-cfs': { type: 'boolean' },
  'enable-pidfd': { type: 'boolean' },
  s: { type: 'boolean', short: 's' },
  pidfile: { type: 'string', short: 'p' },
  o: { type: 'string', short: 'o', multiple: true },
  version: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
  'proc-root': { type: 'string' },
  'sys-root': { type: 'string' },
  'cgroup-root': { type: 'string' },
  'spin-us': { type: 'string' },
  'deadline-ms': { type: 'string' },
  'cgroupns-pid': { type: 'string' },
  threads: { type: 'string' },
  http: { type: 'string' },
  'take-over': { type: 'boolean' },
  'no-kernel-resend': { type: 'boolean' },
  'reattach-every': { type: 'string' },
  'spare-after-crash': { type: 'string' },
} as const;

export function parseCommandLine(argv: readonly string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: FLAGS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new LxcfsError('LXCFS_USAGE', (err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { kind: 'help' };
  if (values.version === true) return { kind: 'version' };
  if (positionals.length > 1) throw new LxcfsError('LXCFS_USAGE', `one mountpoint expected, got ${positionals.length}`);
  if (values.debug === true && values.foreground === true) throw new LxcfsError('LXCFS_USAGE', '-d and -f are mutually exclusive');
  if ((values.o?.length ?? 0) > 1) throw new LxcfsError('LXCFS_USAGE', 'only one -o is allowed');
  const root = (value: string | undefined, fallback: string) => resolve(value ?? fallback);
  return {
    kind: 'run',
    options: {
      mountpoint: resolve(positionals[0] ?? DEFAULT_MOUNTPOINT),
      pidfile: resolve(values.pidfile ?? DEFAULT_PIDFILE),
      debug: values.debug === true,
      render: { swap: values['disable-swap'] !== true, cfs: values['enable-cfs'] === true, loadavg: values['enable-loadavg'] === true },
      fuseOptions: splitOptions(values.o?.[0] ?? ''),
      procRoot: root(values['proc-root'], DEFAULT_ROOTS.procRoot),
      sysRoot: root(values['sys-root'], DEFAULT_ROOTS.sysRoot),
      cgroupRoot: root(values['cgroup-root'], DEFAULT_ROOTS.cgroupRoot),
      spinMicros: spinMicros(values['spin-us']),
      threads: threads(values.threads),
      deadlineMs: deadlineMs(values['deadline-ms']),
      cgroupnsPid: cgroupnsPid(values['cgroupns-pid']),
      kernelResend: values['no-kernel-resend'] !== true,
    },
    http: values.http === undefined ? null : parseListenAddress(values.http),
    takeOver: values['take-over'] === true,
    reattachEverySeconds: seconds('reattach-every', values['reattach-every'], DEFAULT_REATTACH_EVERY_SECONDS),
    spareAfterCrashSeconds: seconds('spare-after-crash', values['spare-after-crash'], DEFAULT_SPARE_AFTER_CRASH_SECONDS),
  };
}

function spinMicros(value: string | undefined): number {
  if (value === undefined) return DEFAULT_SPIN_MICROS;
  const n = /^\d{1,4}$/.test(value) ? Number(value) : NaN;
  if (!(n <= MAX_SPIN_MICROS)) throw new LxcfsError('LXCFS_USAGE', `--spin-us takes 0 to ${MAX_SPIN_MICROS}, got ${JSON.stringify(value)}`);
  return n;
}

function deadlineMs(value: string | undefined): number {
  if (value === undefined) return DEFAULT_DEADLINE_MS;
  const n = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(n <= MAX_DEADLINE_MS)) throw new LxcfsError('LXCFS_USAGE', `--deadline-ms takes 0 to ${MAX_DEADLINE_MS}, got ${JSON.stringify(value)}`);
  return n;
}

function cgroupnsPid(value: string | undefined): number {
  if (value === undefined) return DEFAULT_CGROUPNS_PID;
  const n = /^[1-9]\d{0,9}$/.test(value) ? Number(value) : NaN;
  if (!(n <= 4_194_304)) throw new LxcfsError('LXCFS_USAGE', `--cgroupns-pid takes a pid, got ${JSON.stringify(value)}`);
  return n;
}

const DEFAULT_REATTACH_EVERY_SECONDS = 30;
const DEFAULT_SPARE_AFTER_CRASH_SECONDS = 60;

function seconds(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(n <= 86_400)) throw new LxcfsError('LXCFS_USAGE', `--${flag} takes 0 to 86400 seconds, got ${JSON.stringify(value)}`);
  return n;
}

function threads(value: string | undefined): number {
  if (value === undefined) return DEFAULT_THREADS;
  const n = /^\d{1,2}$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= MAX_THREADS)) throw new LxcfsError('LXCFS_USAGE', `--threads takes 1 to ${MAX_THREADS}, got ${JSON.stringify(value)}`);
  return n;
}

export function usage(): string {
  const files = REGISTRY.map((f) => `  ${f.path.padEnd(32)}${f.summary}`).join('\n');
  return `Usage: lxcfs-node [options] [mountpoint]      (default mountpoint ${DEFAULT_MOUNTPOINT})
       lxcfs-node doctor [--pid PID] [--json] [mountpoint]  (why a node or pod sees no virtual values)
       lxcfs-node mutate [--patch] < review.json  (the injector's answer to an AdmissionReview)
       lxcfs-node injector [options]               (the pod injector's webhook; --help)
       lxcfs-node reattach [--json] [mountpoint]   (give containers whose files died the live ones)

Serves container-aware /proc files computed from the cgroup of the process reading them.

Options (lxcfs-compatible):
  -f, --foreground         accepted; lxcfs-node always runs in the foreground
  -d, --debug              debug logging (not together with -f)
  -l, --enable-loadavg     per-container /proc/loadavg (sampled every 5 s); else the host's
  -u, --disable-swap       show no swap: SwapTotal/SwapFree 0, /proc/swaps header only
      --enable-cfs         show as many CPUs as the CFS quota allows (rounded up)
      --enable-pidfd       accepted for compatibility; pid reuse is always detected
  -p, --pidfile FILE       pidfile, locked while running (default ${DEFAULT_PIDFILE})
  -o OPT[,OPT...]          extra mount options (allow_other, direct_io, nonempty and
                           entry/attr timeouts are set by lxcfs-node and ignored)
      --http [HOST:]PORT   serve /metrics, /readyz and /livez over HTTP (host default
                           127.0.0.1; 0.0.0.0 for a pod's probes and Prometheus)
      --take-over          if another instance holds the pidfile, take its mount over
                           (an upgrade without failed reads); the old one stops serving
                           and waits for a signal, leaving the mount in place
      --reattach-every S   every S seconds, give containers whose files died with a
                           lost connection the live ones (default ${DEFAULT_REATTACH_EVERY_SECONDS}; 0 never)
      --spare-after-crash S
                           after a serving process dies, keep another booted and waiting
                           for S seconds, so a next crash restarts at once (default
                           ${DEFAULT_SPARE_AFTER_CRASH_SECONDS}; 0 never)
  -v, --version            print the version
  -h, --help               print this help
Tuning:
      --spin-us N          poll N µs awake for the next request before sleeping
                           (default ${DEFAULT_SPIN_MICROS}; 0 never spins; at most ${MAX_SPIN_MICROS})
      --threads N          threads serving requests, the main one included
                           (default ${DEFAULT_THREADS}: one per two CPUs, 1 to 4; at most ${MAX_THREADS})
      --deadline-ms N      a render whose kernel reads take longer makes no further
                           read and serves the host's file (default ${DEFAULT_DEADLINE_MS}; 0 never)
      --cgroupns-pid PID   read callers' cgroup paths in the cgroup namespace of PID
                           (default ${DEFAULT_CGROUPNS_PID}: the host's with hostPID; joined if not ours)
      --no-kernel-resend   after a crash, answer what the dead process held from the
                           journal of requests in flight, even where the kernel could
                           resend it (FUSE_NOTIFY_RESEND, Linux >= 6.9)
Testing:
      --proc-root DIR      read host /proc from DIR (default /proc)
      --sys-root DIR       read host /sys from DIR (default /sys)
      --cgroup-root DIR    read cgroups from DIR (default /sys/fs/cgroup)

Files:
${files}
`;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

async function serve(argv: readonly string[]): Promise<number> {
  const command = parseCommandLine(argv);
  if (command.kind === 'help') { process.stdout.write(usage()); return 0; }
  if (command.kind === 'version') { process.stdout.write(`${version()}\n`); return 0; }
  const logger = rateLimited(createLogger(command.options.debug));
  // Loaded here, not at the top, so --help and --version work before the native build.
  const { native } = await import('./native/addon.js');
  const { Keeper: KeeperClass } = await import('./keeper/keeper.js');
  // This process keeps the mount and the connection; a serving child answers requests. It
  // must never die of an exception, not even while it starts (a take-over waits on a peer).
  process.on('uncaughtException', (err) => logger.error({ err }, 'uncaught exception; still holding the connection'));
  let keeper: Keeper | undefined;
  let stopAsked = false;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'stopping');
      stopAsked = true;
      void keeper?.stop();
    });
  }
  keeper = await KeeperClass.start(
    {
      ...command.options, takeOver: command.takeOver, reattachEveryMs: command.reattachEverySeconds * 1000,
      spareAfterCrashMs: command.spareAfterCrashSeconds * 1000,
    },
    { native, logger, version: version(), argv },
  );
  if (stopAsked) void keeper.stop();
  await keeper.ended;
  return 0;
}

/** The daemon's --http endpoint: /metrics, /readyz, /livez. */
export async function serveHttp(
  listen: ListenAddress, daemon: Daemon, options: DaemonOptions, logger: Logger, packageVersion = version(),
  repairs?: () => ReadonlyMap<string, number>,
): Promise<HttpEndpoint> {
  const { startHttpServer } = await import('./agent/http-server.js');
  const { createMetrics } = await import('./agent/metrics.js');
  const { readinessCheck } = await import('./agent/health.js');
  const isMounted = () => daemon.isMounted();
  const metrics = createMetrics({
    stats: daemon.stats, isMounted, version: packageVersion, layout: daemon.layout, threads: options.threads, repairs,
    openFiles: () => daemon.openFiles(),
  });
  const readiness = readinessCheck({ mountpoint: daemon.mountpoint, isMounted });
  const endpoint = await startHttpServer(listen, { metrics, readiness, logger });
  logger.info({ address: endpoint.address }, 'serving http');
  return endpoint;
}

function describe(err: unknown): string {
  if (err instanceof LxcfsError) return `${err.message} [${err.code}]`;
  return err instanceof Error ? err.message : String(err);
}

/**
 * Commands beside the daemon, by their first word (a mountpoint spelled like one needs a
 * slash: `./mutate`). Each is loaded only when asked for, and returns its exit status.
 */
const SUBCOMMANDS: Readonly<Record<string, (argv: readonly string[]) => Promise<number>>> = {
  doctor: async (argv) => {
    const { doctorCommand } = await import('./doctor/main.js');
    return doctorCommand(argv, { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) });
  },
  injector: async (argv) => {
    const { INJECTOR_USAGE, parseInjectorArgs, startInjector } = await import('./injector/injector-command.js');
    const command = parseInjectorArgs(argv);
    if (command.kind === 'help') { process.stdout.write(INJECTOR_USAGE); return 0; }
    const logger = rateLimited(createLogger(command.options.debug));
    const injector = await startInjector(command.options, { logger, version: version() });
    await new Promise<void>((resolveStop) => {
      const stop = (signal: string) => {
        logger.info({ signal }, 'stopping');
        void injector.stop().then(resolveStop);
      };
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, stop);
    });
    return 0;
  },
  reattach: async (argv) => {
    const { reattachCommand } = await import('./keeper/reattach-command.js');
    const { native } = await import('./native/addon.js');
    return reattachCommand(argv, { stdout: (s) => process.stdout.write(s), native });
  },
  'serve-connection': async (argv) => {
    const { serveConnection } = await import('./keeper/child-main.js');
    return serveConnection(argv, version());
  },
  mutate: async (argv) => {
    const { mutateCommand } = await import('./injector/mutate-command.js');
    return mutateCommand(argv, { stdin: process.stdin, stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) });
  },
};

/** The whole command: sets process.exitCode; start-up errors become one line on stderr. */
export async function run(argv: readonly string[]): Promise<void> {
  try {
    const subcommand = SUBCOMMANDS[argv[0] ?? ''];
    process.exitCode = subcommand === undefined ? await serve(argv) : await subcommand(argv.slice(1));
  } catch (err) {
    process.stderr.write(`lxcfs-node: ${describe(err)}\n`);
    process.exitCode = 1;
  }
}
