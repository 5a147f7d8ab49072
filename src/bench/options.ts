// Command line of `npm run bench`. Pure: argv and the daemon's file list in, typed options
// out, or a UsageError whose message is the one line to print. File names resolve against
// the registry's paths (full path or last component), so the bench never lists files itself.
import { parseArgs } from 'node:util';

export type Mode = 'cat' | 'pread';

export type BenchOptions = ReturnType<typeof parseOptions>;

export class UsageError extends Error {}

export const USAGE = `Usage: npm run bench -- [options]
  --files LIST        files to read (default meminfo,stat,cpuinfo; "all" = every served file)
  --modes LIST        cat (open, read to EOF, close) and/or pread (offset 0 on a kept fd); default cat,pread
  --procs LIST        concurrent readers K per cell (default 1,8,32)
  --seconds S         measured seconds per round per daemon (default 3)
  --rounds N          rounds per cell, alternating which daemon goes first (default 3)
  --warmup-ms MS      unmeasured warm-up per run (default 300)
  --flags "FLAGS"     flags for both daemons, e.g. "-l --enable-cfs" (default none)
  --node-flags "F"    extra flags for lxcfs-node only, e.g. "--threads 1" (default none)
  --daemon-cpus LIST  pin both daemons (all threads) to these CPUs, e.g. 0 or 0-1
  --scaling           run everything pinned to CPU 0, then to all CPUs, and compare
  --soak SECONDS      lxcfs-node only: 32 cat readers over all files, RSS every --soak-interval
  --soak-interval S   seconds between RSS samples in --soak (default 10)
  --json FILE         also write every number and the environment as JSON
  -h, --help          this help`;

const SPEC = {
  files: { type: 'string', default: 'meminfo,stat,cpuinfo' },
  modes: { type: 'string', default: 'cat,pread' },
  procs: { type: 'string', default: '1,8,32' },
  seconds: { type: 'string', default: '3' },
  rounds: { type: 'string', default: '3' },
  'warmup-ms': { type: 'string', default: '300' },
  flags: { type: 'string', default: '' },
  'node-flags': { type: 'string', default: '' },
  'daemon-cpus': { type: 'string' },
  scaling: { type: 'boolean', default: false },
  soak: { type: 'string' },
  'soak-interval': { type: 'string', default: '10' },
  json: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

function number(name: string, text: string, { integer = false, min = 0, max = Infinity, above = false } = {}): number {
  const value = Number(text);
  const ok = text.trim() !== '' && Number.isFinite(value) && (!integer || Number.isInteger(value)) &&
    (above ? value > min : value >= min) && value <= max;
  if (!ok) throw new UsageError(`--${name}: bad value "${text}"`);
  return value;
}

function list(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter(Boolean);
}

function resolveFiles(text: string, known: readonly string[]): string[] {
  const names = list(text);
  if (names.length === 0) throw new UsageError('--files: empty list');
  if (names.includes('all')) return [...known];
  return names.map((name) => {
    const path = known.find((p) => p === name || p.split('/').pop() === name);
    if (path === undefined) throw new UsageError(`--files: unknown file "${name}" (known: ${known.join(', ')})`);
    return path;
  });
}

export function parseOptions(argv: readonly string[], known: readonly string[]) {
  // parseArgs refuses a value that starts with a dash ("--flags -l"); "--flags=-l" it takes.
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const takesFlags = argv[i] === '--flags' || argv[i] === '--node-flags';
    args.push(takesFlags && i + 1 < argv.length ? `${argv[i]}=${argv[++i]}` : argv[i]!);
  }
  let values;
  try {
    ({ values } = parseArgs({ args, options: SPEC, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const modes = list(values.modes);
  for (const m of modes) if (m !== 'cat' && m !== 'pread') throw new UsageError(`--modes: unknown mode "${m}" (cat, pread)`);
  const procs = list(values.procs).map((p) => number('procs', p, { integer: true, min: 1, max: 1024 }));
  const cpus = values['daemon-cpus'] ?? null;
  if (cpus !== null && !/^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(cpus)) throw new UsageError(`--daemon-cpus: bad CPU list "${cpus}"`);
  if (cpus !== null && values.scaling) throw new UsageError('--scaling chooses the pinning itself: drop --daemon-cpus');
  if (values.soak !== undefined && values.scaling) throw new UsageError('--soak and --scaling do not go together');
  if (modes.length === 0 || procs.length === 0) throw new UsageError('--modes and --procs need at least one value');
  const seconds = number('seconds', values.seconds, { min: 0.001, max: 3600 });
  return {
    files: resolveFiles(values.files, known), // registry paths, e.g. 'proc/meminfo'
    modes: modes as Mode[],
    procs,
    seconds,
    rounds: number('rounds', values.rounds, { integer: true, min: 1, max: 1000 }),
    warmupMs: number('warmup-ms', values['warmup-ms'], { integer: true, min: 0, max: 600_000 }),
    flags: values.flags.split(/\s+/).filter(Boolean), // the same for both daemons
    nodeFlags: values['node-flags'].split(/\s+/).filter(Boolean), // after `flags`, lxcfs-node only
    daemonCpus: cpus,
    scaling: values.scaling,
    json: values.json ?? null,
    soak: values.soak === undefined ? null : number('soak', values.soak, { min: 0, above: true, max: 7 * 86400 }),
    soakInterval: number('soak-interval', values['soak-interval'], { min: 0, above: true }),
    help: values.help,
  };
}
