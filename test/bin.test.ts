// The installed command: npm links bins as symlinks, so it must run through one.
import { spawnSync } from 'node:child_process';
import { readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { CLI, REPO } from './helpers/daemon.js';
import { cleanCommand } from './helpers/env.js';

const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };

function runBin(path: string, ...args: string[]) {
  const [command, argv] = cleanCommand(process.execPath, [path, ...args]);
  return spawnSync(command, argv, { encoding: 'utf8', timeout: 15_000 });
}

t.test('package.json declares dist/bin.js as lxcfs-node', async (t) => {
  t.equal(join(REPO, pkg.bin['lxcfs-node']!), CLI);
});

t.test('runs as itself with the V8 flags of its shebang (run.sh and the benchmark run it so)', async (t) => {
  t.match(readFileSync(CLI, 'utf8').split('\n')[0], /^#!\/usr\/bin\/env -S node --optimize-for-size --max-semi-space-size=1$/);
  const [command, argv] = cleanCommand(CLI, ['--version']);
  const direct = spawnSync(command, argv, { encoding: 'utf8', timeout: 15_000 });
  t.equal(direct.status, 0, direct.stderr);
  t.equal(direct.stdout, `${pkg.version}\n`);
  t.match(readFileSync(join(REPO, 'scripts/run.sh'), 'utf8'), /^exec dist\/bin\.js "\$@"/m);
});

t.test('runs through a symlink, as npm installs it', async (t) => {
  const link = join(t.testdir(), 'lxcfs-node');
  symlinkSync(CLI, link);
  const version = runBin(link, '--version');
  t.equal(version.status, 0);
  t.equal(version.stdout, `${pkg.version}\n`);
  const help = runBin(link, '-h');
  t.equal(help.status, 0);
  t.match(help.stdout, /^Usage: lxcfs-node \[options\] \[mountpoint\]/);
});

t.test('a usage error is one line on stderr and exit 1', async (t) => {
  const result = runBin(CLI, '--bogus');
  t.equal(result.status, 1);
  t.match(result.stderr, /^lxcfs-node: invalid command line: .*--bogus.* \[LXCFS_USAGE\]\n$/);
});
