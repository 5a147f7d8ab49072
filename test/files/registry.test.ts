// The one declared list of virtual files: its shape (frozen, unique, lxcfs's set and order,
// sizes), that every entry renders on this machine through the daemon's real wiring, and
// that what derives from it by hand — the README and --help — names every file.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { parseCommandLine, usage } from '../../src/cli.js';
import { DEFAULT_MOUNTPOINT, DEFAULT_ROOTS } from '../../src/config.js';
import { buildRenderer } from '../../src/daemon.js';
import { REGISTRY } from '../../src/files/registry.js';
import type { VirtualFile } from '../../src/files/types.js';
import { silentLogger } from '../../src/log.js';
import { parseCpuList } from '../../src/parse/cpu-list.js';

const LXCFS_FILES = [
  'proc/cpuinfo', 'proc/meminfo', 'proc/stat', 'proc/uptime', 'proc/diskstats', 'proc/swaps', 'proc/loadavg',
  'sys/devices/system/cpu/online',
];

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

t.test('frozen: neither the list nor its entries can change at run time', async (t) => {
  t.ok(Object.isFrozen(REGISTRY), 'the list');
  t.throws(() => { (REGISTRY as VirtualFile[]).push(REGISTRY[0]!); }, TypeError);
  t.equal(REGISTRY.length, LXCFS_FILES.length, 'unchanged by the attempt');
  for (const file of REGISTRY) t.ok(Object.isFrozen(file), `${file.path}: entry frozen`);
});

t.test('exactly lxcfs\'s files, in lxcfs\'s readdir order, each path once', async (t) => {
  const paths = REGISTRY.map((f) => f.path);
  t.same(paths, LXCFS_FILES);
  t.equal(new Set(paths).size, paths.length, 'unique');
  for (const p of paths) t.match(p, /^[a-z]+(\/[a-z]+)+$/, `${p}: relative, no '.', '..' or empty segments`);
});

t.test('sizes mirror the kernel: 0 under proc/, 4096 under sys/', async (t) => {
  for (const file of REGISTRY) {
    t.equal(file.size, file.path.startsWith('proc/') ? 0 : 4096, file.path);
  }
  t.same(REGISTRY.filter((f) => f.size === 4096).map((f) => f.path), ['sys/devices/system/cpu/online']);
});

t.test('each file stands in for the kernel file at its own path', async (t) => {
  for (const file of REGISTRY) {
    t.equal(`${file.host.root}/${file.host.path}`, file.path, `${file.path}: host ${file.host.root}/${file.host.path}`);
    t.ok(file.summary.length > 0 && !file.summary.includes('\n'), `${file.path}: a one-line summary`);
  }
});

t.test('every host file exists on this machine', async (t) => {
  for (const file of REGISTRY) {
    const path = join(file.host.root === 'proc' ? DEFAULT_ROOTS.procRoot : DEFAULT_ROOTS.sysRoot, file.host.path);
    t.ok(existsSync(path), `${path} exists`);
  }
});

t.test('every entry renders for this process through the daemon\'s wiring, none falling back', async (t) => {
  const options = { ...DEFAULT_ROOTS, render: { swap: true, cfs: false, loadavg: false } };
  const { renderer } = buildRenderer(options, silentLogger);
  const rendered = new Map(REGISTRY.map((file) => [file.path, renderer.render(file, process.pid).toString()]));
  t.same([...renderer.fallbacks], [], 'no file fell back to the host\'s');
  for (const [path, text] of rendered) {
    t.ok(text.length > 0 && text.endsWith('\n'), `${path}: non-empty, ends with a newline`);
  }
  const hostMeminfo = readFileSync('/proc/meminfo', 'utf8');
  const meminfo = rendered.get('proc/meminfo')!;
  t.equal(meminfo.split('\n').length, hostMeminfo.split('\n').length, 'meminfo: as many lines as the host file');
  const kbOf = (text: string) => Number(/^MemTotal: +(\d+) kB$/m.exec(text)?.[1]);
  t.ok(kbOf(meminfo) > 0 && kbOf(meminfo) <= kbOf(hostMeminfo), 'meminfo: 0 < MemTotal ≤ the host\'s');
  t.match(rendered.get('proc/swaps'), /^Filename\t\t\t\tType\t\tSize\tUsed\tPriority\n/);
  // One visible CPU set for every file (src/files/visible-cpus.ts).
  const processors = rendered.get('proc/cpuinfo')!.match(/^processor\t: \d+$/gm)?.length;
  const cpuLines = rendered.get('proc/stat')!.match(/^cpu\d+ /gm)?.length;
  const online = parseCpuList(rendered.get('sys/devices/system/cpu/online')!)?.length;
  t.ok(processors !== undefined && processors > 0, `cpuinfo lists ${processors} processors`);
  t.equal(cpuLines, processors, 'stat has a cpuN line per processor');
  t.equal(online, processors, 'online counts the same CPUs');
  t.match(rendered.get('proc/uptime'), /^\d+\.\d\d \d+\.\d\d\n$/);
});

t.test('the README names every file: in the file table and in the docker -v example', async (t) => {
  const tableRows = [...README.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!)
    .filter((p) => p.startsWith('proc/') || p.startsWith('sys/'));
  t.same([...tableRows].sort(), [...LXCFS_FILES].sort(), 'the file table lists exactly the registry');
  const mounts = [...README.matchAll(/-v (\S+):(\S+):rw/g)].map((m) => [m[1]!, m[2]!]);
  t.same(mounts.map(([, target]) => target).sort(), LXCFS_FILES.map((p) => `/${p}`).sort(),
    'the docker example bind-mounts every file, and only those');
  for (const [source, target] of mounts) t.equal(source, `${DEFAULT_MOUNTPOINT}${target}`, `${target}: from the default mountpoint`);
});

t.test('--help lists every file with its summary', async (t) => {
  t.same(parseCommandLine(['--help']), { kind: 'help' });
  const text = usage();
  const section = text.slice(text.indexOf('\nFiles:\n') + '\nFiles:\n'.length);
  t.not(text.indexOf('\nFiles:\n'), -1, 'a Files: section');
  const lines = section.split('\n').filter((l) => l.length > 0);
  t.equal(lines.length, REGISTRY.length, 'one line per file, nothing else');
  REGISTRY.forEach((file, i) => {
    const line = lines[i] ?? '';
    t.ok(line.startsWith(`  ${file.path} `), `${file.path}: in registry order`);
    t.equal(line.slice(2).replace(/^\S+\s+/, ''), file.summary, `${file.path}: its summary`);
  });
});
