// daemonset/image/build.sh, the one install script (the Dockerfile's build stage runs it): run
// for real, offline from the npm cache that the repository's own `npm ci` warmed, into a
// fresh directory. It compiles the addon and the TypeScript, so this file takes ~15 s warm.
// When the offline install fails (a cold cache), the test fails with npm's own message.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { REPO } from '../../helpers/daemon.js';
import { cleanCommand } from '../../helpers/env.js';

const BUILD_SH = join(REPO, 'daemonset/image/build.sh');
const BUILD_TIMEOUT_MS = 540_000;
// The root timeout also extends the runner's per-file limit (package.json "tap".timeout).
t.setTimeout(BUILD_TIMEOUT_MS + 60_000);

interface Lock { packages: Record<string, { dev?: boolean; version?: string; link?: boolean }> }
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const lock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as Lock;

const root = t.testdir({ tmp: {} });
const tmp = join(root, 'tmp');
const dest = join(root, 'opt/lxcfs-node');

/** build.sh through `env -i`: no loader hooks of the runner; npm offline, from the user's cache. */
function runBuild(...args: string[]) {
  const env = [`HOME=${process.env.HOME ?? '/root'}`, `TMPDIR=${tmp}`, 'npm_config_offline=true'];
  for (const name of ['npm_config_cache', 'npm_config_nodedir', 'npm_config_registry']) {
    const value = process.env[name];
    if (value !== undefined) env.push(`${name}=${value}`);
  }
  const [command, argv] = cleanCommand('env', [...env, BUILD_SH, ...args]);
  return spawnSync(command, argv, { encoding: 'utf8', timeout: BUILD_TIMEOUT_MS, cwd: tmp });
}

function runClean(command: string, args: string[], cwd: string) {
  const [envCommand, argv] = cleanCommand(command, args);
  return spawnSync(envCommand, argv, { encoding: 'utf8', timeout: 30_000, cwd });
}

const started = Date.now();
const build = runBuild(dest);
const seconds = ((Date.now() - started) / 1000).toFixed(1);

t.test('build.sh installs offline from the npm cache', async (t) => {
  t.equal(build.error, undefined, 'build.sh finished within the timeout');
  // Offline, npm's ENOTCACHED means the cache lacks a package of package-lock.json: an online
  // `npm ci` in the repository (scripts/setup.sh runs one) warms it.
  t.equal(build.status, 0, `build.sh failed:\n${build.stderr}`);
  t.comment(`build.sh took ${seconds} s`);
  const steps = build.stdout.split('\n').filter((line) => line.startsWith('build.sh: '));
  t.match(steps, [/copying sources/, /npm ci/, /npm run build/, /npm prune --omit=dev/, /installing into/, /done/],
    'one line per step, in order');
  t.same(readdirSync(tmp), [], 'the temporary work dir is removed');
});

t.test('DEST holds only package.json, dist/, node_modules/ and the addon', async (t) => {
  t.same(readdirSync(dest).sort(), ['build', 'dist', 'node_modules', 'package.json']);
  t.same(readdirSync(join(dest, 'build')), ['Release']);
  t.same(readdirSync(join(dest, 'build/Release')), ['lxcfs_node.node']);
  t.equal(readFileSync(join(dest, 'package.json'), 'utf8'), readFileSync(join(REPO, 'package.json'), 'utf8'));
  t.notOk(existsSync(join(dest, 'dist/bin.ts')), 'no TypeScript sources');
});

t.test('DEST/dist/bin.js runs as itself and prints the package version', async (t) => {
  const bin = join(dest, 'dist/bin.js');
  t.ok(existsSync(bin), `${bin} exists`);
  t.doesNotThrow(() => accessSync(bin, constants.X_OK), 'it is executable (the image runs it directly)');
  const version = runClean(bin, ['--version'], dest);
  t.equal(version.status, 0, version.stderr);
  t.equal(version.stdout, `${pkg.version}\n`);
});

t.test('node_modules holds the runtime dependencies and no dev dependency', async (t) => {
  const modules = join(dest, 'node_modules');
  // A dev dependency that a runtime one also needs (@kubernetes/client-node ships @types/node
  // as a dependency) is a runtime package in the lockfile; the lockfile check below covers it.
  const runtimeToo = (name: string) => lock.packages[`node_modules/${name}`]?.dev !== true;
  for (const name of Object.keys(pkg.devDependencies).filter((n) => !runtimeToo(n))) {
    t.notOk(existsSync(join(modules, name)), `no devDependency ${name}`);
  }
  for (const name of ['typescript', 'tap', 'node-gyp', 'node-addon-api']) {
    t.notOk(existsSync(join(modules, name)), `no ${name}`);
  }
  for (const [name, spec] of Object.entries(pkg.dependencies)) {
    const manifest = join(modules, name, 'package.json');
    t.ok(existsSync(manifest), `dependency ${name} is installed`);
    if (/^\d+\.\d+\.\d+$/.test(spec) && existsSync(manifest)) {
      t.equal((JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version, spec, `${name}@${spec}`);
    }
  }
  // The lockfile's view: every runtime package (direct or not) present, every dev-only one gone.
  const missing: string[] = [];
  const devLeft: string[] = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === '' || entry.link) continue;
    const present = existsSync(join(dest, path, 'package.json'));
    if (entry.dev && present) devLeft.push(path);
    if (!entry.dev && !present) missing.push(path);
  }
  t.same(missing, [], 'every runtime package of package-lock.json is installed');
  t.same(devLeft, [], 'no dev-only package of package-lock.json is left');
});

t.test('the addon loads from DEST through dist/native/addon.js', async (t) => {
  // inodeOf() makes the loader require ../../build/Release/lxcfs_node.node for real.
  const script = `const { native } = await import(${JSON.stringify(join(dest, 'dist/native/addon.js'))});
const ino = native.inodeOf('/');
if (typeof ino !== 'number') throw new Error('inodeOf returned ' + ino);
console.log(ino);`;
  const loaded = runClean(process.execPath, ['--input-type=module', '-e', script], dest);
  t.equal(loaded.status, 0, loaded.stderr);
  t.match(loaded.stdout, /^\d+\n$/);
});

t.test('the injector runs from DEST as a non-root user (its Deployment runs as 65532)', async (t) => {
  // Every parent of DEST must be traversable by that user for this to say anything about DEST.
  const review = readFileSync(join(REPO, 'test/fixtures/admission/pod-create.json'));
  const [command, argv] = cleanCommand('setpriv', ['--reuid=65532', '--regid=65532', '--clear-groups', join(dest, 'dist/bin.js'), 'mutate']);
  const result = spawnSync(command, argv, { input: review, encoding: 'utf8', timeout: 30_000, cwd: '/' });
  t.equal(result.status, 0, result.stderr);
  t.equal((JSON.parse(result.stdout) as { response: { allowed: boolean } }).response.allowed, true);
});

t.test('build.sh refuses a DEST that exists and is not empty', async (t) => {
  const again = runBuild(dest);
  t.equal(again.status, 1);
  t.match(again.stderr, /build\.sh: .*opt\/lxcfs-node exists and is not empty; refusing to install over it/);
  t.notMatch(again.stdout, /npm ci/, 'it refuses before building');
  const file = join(root, 'a-file');
  writeFileSync(file, 'x');
  const onFile = runBuild(file);
  t.equal(onFile.status, 1);
  t.match(onFile.stderr, /a-file exists and is not a directory/);
});

t.test('usage errors exit 2', async (t) => {
  for (const args of [[], [''], ['a', 'b']]) {
    const result = runBuild(...args);
    t.equal(result.status, 2, `args ${JSON.stringify(args)}`);
    t.match(result.stderr, /^usage: .*build\.sh DEST/);
    t.equal(result.stdout, '');
  }
});
