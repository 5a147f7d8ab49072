// `npm run bench`: lxcfs-node and lxcfs 5.0.3 side by side with the same flags, cell by
// cell (file × mode × K), alternating which daemon goes first every round, rounds merged
// exactly from the loadgen's histograms. Exit status: 0; 1 when the bench itself failed
// or could not clean up; 2 when lxcfs-node failed, emptied or crashed any read.
import { writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { REGISTRY } from '../files/registry.js';
import { cpuTicks, rssKiB, type Daemon } from './daemons.js';
import { benchPaths, describeEnvironment, missingPrerequisite, type BenchPaths, type Environment } from './environment.js';
import { parseOptions, USAGE, UsageError, type BenchOptions, type Mode } from './options.js';
import { runLoadgen } from './readers.js';
import { Session } from './session.js';
import { daemonCell, faults, mergeRounds, type CellResult, type DaemonRound } from './stats.js';
import { faultLines, formatOps, resultsTable, scalingTable, soakReport, type SoakSample } from './table.js';

const FILES = REGISTRY.map((f) => f.path);
const log = (line: string): void => { process.stderr.write(`bench: ${line}\n`); };

/** What every step needs: the session, paths, options and environment of this run. */
type Run = Readonly<{ s: Session; p: BenchPaths; o: BenchOptions; env: Environment }>;

/** One loadgen run against one daemon, with the daemon's CPU over the measured window and its RSS after. */
async function measure({ s, p, o }: Run, d: Daemon, files: readonly string[], mode: Mode, procs: number, seconds = o.seconds): Promise<DaemonRound> {
  const spec = { loadgen: p.loadgen, mode, procs, ms: Math.round(seconds * 1000), warmupMs: o.warmupMs,
    files: files.map((f) => join(d.spec.mountpoint, f)) };
  let before = 0;
  let after = 0;
  const load = await runLoadgen(s.cgroup, spec, { onStart: () => { before = cpuTicks(d.pids()); }, onEnd: () => { after = cpuTicks(d.pids()); } });
  if (!d.running()) throw new Error(`${d.spec.name} died during ${files.join(' ')} ${mode} K=${procs}: ${d.stderr()}`);
  return { load, cpuTicks: after - before, rssKiB: rssKiB(d.pids()) };
}

/** Every cell with the daemons pinned to `daemonCpus` (null: as started). */
async function runPass(run: Run, daemonCpus: string | null): Promise<{ daemonCpus: string | null; cells: CellResult[] }> {
  const { s, o, env } = run;
  if (daemonCpus !== null) for (const d of s.daemons) d.pin(daemonCpus);
  const [node, lxcfs] = [s.daemon('lxcfs-node'), s.daemon('lxcfs')];
  const cells: CellResult[] = [];
  let turn = 0;
  for (const file of o.files) for (const mode of o.modes) for (const procs of o.procs) {
    const rounds = new Map<Daemon, DaemonRound[]>([[node, []], [lxcfs, []]]);
    for (let r = 0; r < o.rounds; r++) {
      for (const d of turn++ % 2 === 0 ? [node, lxcfs] : [lxcfs, node]) rounds.get(d)!.push(await measure(run, d, [file], mode, procs));
    }
    const cell = { file, mode, procs, node: daemonCell(rounds.get(node)!, env.clkTck), lxcfs: daemonCell(rounds.get(lxcfs)!, env.clkTck) };
    cells.push(cell);
    log(`${file} ${mode} K=${procs}: lxcfs-node ${formatOps(cell.node.merged.opsPerSec)} ops/s, lxcfs ${formatOps(cell.lxcfs.merged.opsPerSec)} ops/s`);
  }
  process.stdout.write(`\ndaemons ${daemonCpus === null ? 'not pinned' : `pinned to CPUs ${daemonCpus}`} (n/l = lxcfs-node / lxcfs)\n` +
    `${resultsTable(cells)}\n${faultLines(cells).map((l) => `${l}\n`).join('')}`);
  return { daemonCpus, cells };
}

/** lxcfs-node alone: 32 cat readers over every file for `seconds`, RSS sampled all along. */
async function soak(run: Run, seconds: number) {
  const d = run.s.daemon('lxcfs-node');
  const started = Date.now();
  const samples: SoakSample[] = [];
  const sample = (): void => { samples.push({ seconds: (Date.now() - started) / 1000, rssKiB: rssKiB(d.pids()) }); };
  sample();
  const timer = setInterval(() => { try { sample(); } catch { /* a dead daemon fails measure() */ } }, run.o.soakInterval * 1000);
  const round = await measure(run, d, FILES, 'cat', 32, seconds).finally(() => clearInterval(timer));
  sample();
  const merged = mergeRounds([{ ...round, rssKiB: Math.max(...samples.map((x) => x.rssKiB)) }], run.env.clkTck);
  process.stdout.write(`\nsoak: lxcfs-node, 32 cat readers over ${FILES.length} files, ${seconds} s\n${soakReport(samples, merged)}\n`);
  return { seconds, procs: 32, files: FILES, samples, merged };
}

async function bench(run: Run, doc: Record<string, unknown>): Promise<number> {
  const { s, p, o, env } = run;
  await s.start(o.soak === null ? ['lxcfs-node', 'lxcfs'] : ['lxcfs-node'], o.flags, { cli: p.cli, lxcfs: p.lxcfs! }, o.nodeFlags);
  doc.daemons = s.daemons.map((d) => ({ name: d.spec.name, pids: d.pids(), command: [d.spec.command, ...d.spec.args] }));
  if (o.soak !== null) {
    if (o.daemonCpus !== null) s.daemon('lxcfs-node').pin(o.daemonCpus);
    const result = await soak(run, o.soak);
    doc.soak = result;
    return faults(result.merged) > 0 ? 2 : 0;
  }
  const passes: Awaited<ReturnType<typeof runPass>>[] = [];
  doc.passes = passes;
  for (const cpus of o.scaling ? ['0', `0-${env.cpus - 1}`] : [o.daemonCpus]) passes.push(await runPass(run, cpus));
  if (o.scaling) process.stdout.write(`\nscaling: ops/s with the daemons on 1 CPU vs ${env.cpus}\n${scalingTable(passes[0]!.cells, passes[1]!.cells, env.cpus)}\n`);
  return passes.some((pass) => pass.cells.some((c) => faults(c.node.merged) > 0)) ? 2 : 0;
}

export async function main(argv: readonly string[]): Promise<number> {
  let o: BenchOptions;
  try {
    o = parseOptions(argv, FILES);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    log(`${err.message} (--help for usage)`);
    return 1;
  }
  if (o.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const p = benchPaths();
  const missing = missingPrerequisite(p);
  if (missing !== null) {
    log(missing);
    return 1;
  }
  const env = describeEnvironment(p);
  const s = new Session();
  const doc: Record<string, unknown> = { environment: { ...env, flags: o.flags, nodeFlags: o.nodeFlags, daemonCpus: o.scaling ? 'scaling' : o.daemonCpus,
    tmpdir: s.dir, cgroup: s.cgroup }, options: o, startedAt: new Date().toISOString() };
  let interrupted = false; // npm forwards the terminal's SIGINT: a second one must not kill us mid-cleanup
  const abort = (why: string, status: number): void => {
    if (interrupted) return;
    interrupted = true;
    log(`${why}: cleaning up`);
    void s.cleanup().then((left) => { left.forEach(log); process.exit(status); });
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => abort(signal, 128 + constants.signals[signal]));
  process.on('uncaughtException', (err) => abort(`unexpected ${err.stack ?? String(err)}`, 1));
  let status = 1;
  try {
    status = await bench({ s, p, o, env }, doc);
  } catch (err) {
    if (!interrupted) log(`failed: ${(err as Error).message}`);
  } finally {
    const left = await s.cleanup();
    left.forEach(log);
    if (left.length > 0) status = 1;
  }
  doc.exitStatus = status;
  if (o.json !== null) writeFileSync(o.json, `${JSON.stringify(doc)}\n`);
  return status;
}

process.exitCode = await main(process.argv.slice(2));
