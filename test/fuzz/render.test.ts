// Every virtual file rendered for a container whose cgroup files are hostile: one of the
// container's cgroup files at a time replaced by a damaged copy, empty, binary or 1 MiB of it.
// No exception escapes the renderer, every file still answers with non-empty text ending in a
// newline (computed, or the host's file counted as a fallback), and meminfo keeps the shape
// procps divides by: a positive MemTotal and no negative value.
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import t from 'tap';
import { buildRenderer } from '../../src/daemon.js';
import { REGISTRY } from '../../src/files/registry.js';
import { RecordingLogger } from '../helpers/fuse-requests.js';
import { DOCKER, PID, SCENARIOS, V2_CONTAINER, host } from '../helpers/fixture-host.js';
import { RUNS, kernelText, runTargets, target } from '../helpers/fuzz.js';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).map((name) => join(dir, name)).filter((p) => statSync(p).isFile());
}

function check(rendered: Map<string, string>): void {
  for (const [path, text] of rendered) {
    if (text.length === 0 || !text.endsWith('\n')) throw new Error(`${path}: ${JSON.stringify(text.slice(-40))}`);
  }
  const meminfo = rendered.get('proc/meminfo')!;
  const total = /^MemTotal: +(\d+) kB$/m.exec(meminfo);
  if (total === null || Number(total[1]) <= 0) throw new Error(`MemTotal: ${meminfo.slice(0, 80)}`);
  if (/^[A-Za-z_()]+: +-/m.test(meminfo)) throw new Error(`a negative value in meminfo:\n${meminfo}`);
}

const base = t.testdir();
const targets = [
  { scenario: SCENARIOS[1]!, dirs: ['memory', 'cpu,cpuacct', 'cpuset', 'blkio'].map((c) => `${c}/${DOCKER.slice(1)}`) },
  { scenario: SCENARIOS[3]!, dirs: [V2_CONTAINER.slice(1), V2_CONTAINER.slice(1).replace(/\/[^/]+$/, '')] },
].map(({ scenario, dirs }, i) => {
  const roots = host(t, scenario, join(base, String(i)));
  const files = dirs.flatMap((d) => filesUnder(join(roots.cgroupRoot, d)));
  const originals = new Map(files.map((f) => [f, readFileSync(f, 'utf8')]));
  const { renderer } = buildRenderer({ ...roots, render: scenario.options }, new RecordingLogger());
  const hostile = fc.tuple(fc.constantFrom(...files), fc.nat()).chain(([file, n]) => fc.tuple(fc.constant(file), fc.oneof(
    { weight: 6, arbitrary: kernelText([originals.get(file)!]) },
    { weight: 1, arbitrary: fc.constant('') },
    { weight: 1, arbitrary: fc.constant(originals.get(file)!.repeat(Math.ceil((1 << 20) / Math.max(1, originals.get(file)!.length)))) },
    { weight: 1, arbitrary: fc.constant(Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 37 + n) % 256)).toString('latin1')) },
  )));
  return target(`${scenario.name}: one hostile cgroup file`, hostile, ([file, text]) => {
    writeFileSync(file, text);
    try {
      check(new Map(REGISTRY.map((f) => [f.path, renderer.render(f, PID).toString()])));
    } finally {
      writeFileSync(file, originals.get(file)!);
    }
  });
});

// A whole render of every file per input (~6 ms): npm run fuzz runs a twentieth of FUZZ_RUNS here.
runTargets(t, targets, 1206, Math.max(300, Math.floor(RUNS / 20)));
