import { chmodSync, writeFileSync } from 'node:fs';
import { release } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { benchPaths, describeEnvironment, missingPrerequisite } from '../../src/bench/environment.js';

t.test('paths from the repository, lxcfs from /usr/bin or PATH', async (t) => {
  const p = benchPaths('/repo', '');
  t.equal(p.cli, '/repo/dist/bin.js');
  t.equal(p.loadgen, '/repo/build/Release/lxcfs_node_loadgen');
  t.equal(p.lxcfs, '/usr/bin/lxcfs', 'installed here (the differential tests need it)');
  t.equal(benchPaths().repo, join(import.meta.dirname, '../..'));
});

t.test('one line for what is missing', async (t) => {
  const repo = t.testdir({ dist: { 'bin.js': '' }, build: { Release: { lxcfs_node_loadgen: '' } } });
  chmodSync(join(repo, 'build/Release/lxcfs_node_loadgen'), 0o755);
  const ok = { ...benchPaths(repo), lxcfs: '/usr/bin/lxcfs' };
  t.equal(missingPrerequisite(ok, 0), null);
  t.match(missingPrerequisite(ok, 1000), /run it as root/);
  t.match(missingPrerequisite({ ...ok, lxcfs: null }, 0), /lxcfs is not installed/);
  t.match(missingPrerequisite({ ...ok, loadgen: join(repo, 'nope') }, 0), /nope is missing: run "npm run build:native"/);
  writeFileSync(join(repo, 'plain'), '');
  t.match(missingPrerequisite({ ...ok, loadgen: join(repo, 'plain') }, 0), /plain is missing/, 'not executable');
  t.match(missingPrerequisite({ ...ok, cli: join(repo, 'x.js') }, 0), /x\.js is missing: run "npm run build"/);
});

t.test('the environment of a result', async (t) => {
  const env = describeEnvironment(benchPaths());
  t.equal(env.kernel, release());
  t.ok(env.cpus >= 1);
  t.equal(env.node, process.version);
  t.match(env.lxcfs, /^\d+\.\d+\.\d+$/, 'unquoted');
  t.match(env.gitCommit, /^[0-9a-f]{40}(-dirty)?$/);
  t.equal(env.clkTck, 100);
});
