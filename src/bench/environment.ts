// What the bench needs before it touches anything (one line when something is missing)
// and what it records about the machine, so that a result file says where its numbers
// come from. Paths are found from this file's place in dist/, not from the cwd.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { availableParallelism, release } from 'node:os';
import { delimiter, join, resolve } from 'node:path';

export type BenchPaths = ReturnType<typeof benchPaths>;

const executable = (path: string): boolean => { try { accessSync(path, constants.X_OK); return true; } catch { return false; } };

export function benchPaths(repo = resolve(import.meta.dirname, '../..'), path = process.env.PATH ?? '') {
  const onPath = path.split(delimiter).filter(Boolean).map((d) => join(d, 'lxcfs')).find(executable);
  return {
    repo,
    cli: join(repo, 'dist/bin.js'),
    loadgen: join(repo, 'build/Release/lxcfs_node_loadgen'),
    lxcfs: executable('/usr/bin/lxcfs') ? '/usr/bin/lxcfs' : onPath ?? null as string | null,
  };
}

/** Why the bench cannot run here, or null. */
export function missingPrerequisite(p: BenchPaths, uid = process.getuid?.()): string | null {
  if (uid !== 0) return 'the benchmark mounts FUSE filesystems and creates cgroups: run it as root';
  if (!existsSync('/dev/fuse')) return '/dev/fuse is missing';
  if (p.lxcfs === null) return 'lxcfs is not installed (apt-get install lxcfs): it is what we compare with';
  if (!executable(p.loadgen)) return `${p.loadgen} is missing: run "npm run build:native"`;
  if (!existsSync(p.cli)) return `${p.cli} is missing: run "npm run build"`;
  return null;
}

export type Environment = ReturnType<typeof describeEnvironment>;

function output(command: string, args: string[], cwd?: string): string {
  const r = spawnSync(command, args, { encoding: 'utf8', cwd, timeout: 10_000 });
  return r.status === 0 ? `${r.stdout}${r.stderr}`.trim() : '';
}

export function describeEnvironment(p: BenchPaths) {
  const commit = output('git', ['rev-parse', 'HEAD'], p.repo);
  const dirty = commit !== '' && output('git', ['status', '--porcelain', '--untracked-files=no'], p.repo) !== '';
  return {
    kernel: release(),
    cpus: availableParallelism(),
    node: process.version,
    // lxcfs 5.0.3 prints its version quoted, on stderr.
    lxcfs: output(p.lxcfs ?? 'lxcfs', ['--version']).replace(/"/g, '') || 'unknown',
    lxcfsPath: p.lxcfs ?? '',
    gitCommit: commit === '' ? null : `${commit}${dirty ? '-dirty' : ''}`,
    clkTck: Number(output('getconf', ['CLK_TCK'])) || 100,
  };
}
