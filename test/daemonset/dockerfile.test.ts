// daemonset/Dockerfile and .dockerignore, checked without a Docker engine: dockerfile-utils (the
// validator of the VS Code Docker language server) for syntax, and a small instruction parser
// for the shape the DaemonSet relies on: the build stage runs daemonset/image/build.sh, the
// final stage is the base image plus that install, ENTRYPOINT runs dist/bin.js as itself.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { validate, ValidationCode } from 'dockerfile-utils';
import t from 'tap';
import { REPO } from '../helpers/daemon.js';

const BASE = 'node:22-bookworm-slim';
const INSTALL_DIR = '/opt/lxcfs-node';
const dockerfile = readFileSync(join(REPO, 'daemonset/Dockerfile'), 'utf8');
const buildSh = readFileSync(join(REPO, 'daemonset/image/build.sh'), 'utf8');
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string; license: string };

interface Instruction { keyword: string; args: string; line: number }

/** Instructions of a Dockerfile: comments dropped, `\` continuations joined. */
function parseDockerfile(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending: { parts: string[]; line: number } | null = null;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && pending === null)) return;
    const continued = line.endsWith('\\');
    const body = continued ? line.slice(0, -1).trim() : line;
    if (pending === null) pending = { parts: [], line: index + 1 };
    if (body !== '') pending.parts.push(body);
    if (continued) return;
    const joined = pending.parts.join(' ');
    const space = joined.search(/\s/);
    instructions.push({
      keyword: (space < 0 ? joined : joined.slice(0, space)).toUpperCase(),
      args: space < 0 ? '' : joined.slice(space + 1).trim(),
      line: pending.line,
    });
    pending = null;
  });
  return instructions;
}

/** Stages, each starting at its FROM. */
function stagesOf(instructions: Instruction[]): Instruction[][] {
  const stages: Instruction[][] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') stages.push([]);
    stages.at(-1)?.push(instruction);
  }
  return stages;
}

/** COPY's flags, sources and destination (shell form only; JSON form is not used here). */
function copyOf(args: string): { flags: string[]; sources: string[]; dest: string } {
  const words = args.split(/\s+/);
  const flags = words.filter((word) => word.startsWith('--'));
  const paths = words.filter((word) => !word.startsWith('--'));
  return { flags, sources: paths.slice(0, -1), dest: paths.at(-1) ?? '' };
}

/** The SOURCES=(...) list of build.sh: what it copies from the repository. */
function buildSources(): string[] {
  const match = /^SOURCES=\(([^)]*)\)$/m.exec(buildSh);
  if (match === null) throw new Error('daemonset/image/build.sh has no SOURCES=(...) line');
  return match[1]!.trim().split(/\s+/);
}

// .dockerignore, the way Docker (moby/patternmatcher) reads it: one pattern a line, `#`
// comments, `!` re-includes, `*`/`?` within one path segment, `**` across segments; a pattern
// that matches a parent directory matches everything under it; the last matching pattern wins.
interface IgnorePattern { negated: boolean; regex: RegExp; text: string }

function parseDockerignore(text: string): IgnorePattern[] {
  return text.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#')).map((line) => {
    const negated = line.startsWith('!');
    const pattern = (negated ? line.slice(1) : line).trim().replace(/^\/+/, '').replace(/\/+$/, '');
    let source = '';
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i]!;
      if (c === '*' && pattern[i + 1] === '*') {
        source += '.*';
        i++;
        if (pattern[i + 1] === '/') i++;
      } else if (c === '*') source += '[^/]*';
      else if (c === '?') source += '[^/]';
      else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
    return { negated, regex: new RegExp(`^${source}$`), text: line };
  });
}

function ignored(patterns: IgnorePattern[], path: string): boolean {
  const segments = path.replace(/\/+$/, '').split('/');
  const candidates = segments.map((_, i) => segments.slice(0, i + 1).join('/'));
  let excluded = false;
  for (const pattern of patterns) {
    if (candidates.some((candidate) => pattern.regex.test(candidate))) excluded = !pattern.negated;
  }
  return excluded;
}

const instructions = parseDockerfile(dockerfile);
const stages = stagesOf(instructions);
const buildStage = stages[0] ?? [];
const finalStage = stages.at(-1) ?? [];
const of = (stage: Instruction[], keyword: string) => stage.filter((i) => i.keyword === keyword);

t.test('dockerfile-utils finds nothing to report in daemonset/Dockerfile', async (t) => {
  const diagnostics = validate(dockerfile);
  t.same(diagnostics.map((d) => `line ${d.range.start.line + 1}: ${d.message}`), []);
});

t.test('the validator bites: a broken Dockerfile gets diagnostics', async (t) => {
  const broken = `FROM ${BASE} AS build\nRUNN build.sh\nCOPY src\nSTOPSIGNAL\nENTRYPOINT ['/opt/lxcfs-node/dist/bin.js']\n`;
  const codes = validate(broken).map((d) => d.code);
  t.ok(codes.includes(ValidationCode.UNKNOWN_INSTRUCTION), 'RUNN is unknown');
  t.ok(codes.includes(ValidationCode.ARGUMENT_REQUIRES_AT_LEAST_TWO), 'COPY without a destination');
  t.ok(codes.includes(ValidationCode.ARGUMENT_MISSING), 'STOPSIGNAL without a signal');
  t.ok(codes.includes(ValidationCode.JSON_IN_SINGLE_QUOTES), 'JSON form with single quotes');
  t.ok(validate('RUN true\n').some((d) => d.code === ValidationCode.NO_SOURCE_IMAGE), 'no FROM');
});

t.test('the instruction parser reads what it is meant to', async (t) => {
  const parsed = parseDockerfile('# c\nFROM a AS b\nRUN x \\\n    && y\n\nCOPY --from=b /p /q\n');
  t.same(parsed, [
    { keyword: 'FROM', args: 'a AS b', line: 2 },
    { keyword: 'RUN', args: 'x && y', line: 3 },
    { keyword: 'COPY', args: '--from=b /p /q', line: 6 },
  ]);
  t.same(copyOf('--from=b /p /q'), { flags: ['--from=b'], sources: ['/p'], dest: '/q' });
  const patterns = parseDockerignore('dist\nbench/*\n!bench/loadgen.c\n**/*.log\n');
  t.ok(ignored(patterns, 'dist/bin.js'));
  t.ok(ignored(patterns, 'bench/README.md'));
  t.notOk(ignored(patterns, 'bench/loadgen.c'));
  t.ok(ignored(patterns, 'a/b/c.log'));
  t.notOk(ignored(patterns, 'src/dist.ts'));
});

t.test('two stages or more, all FROM node:22-bookworm-slim, the first named build', async (t) => {
  t.ok(stages.length >= 2, `${stages.length} stages`);
  for (const stage of stages) t.match(stage[0]!.args, new RegExp(`^${BASE.replace(/\./g, '\\.')}(\\s|$)`), `line ${stage[0]!.line}`);
  t.match(buildStage[0]!.args, /\sAS\s+build$/i);
});

t.test('the build stage installs node-gyp\'s tools, copies the sources and runs build.sh', async (t) => {
  const runs = of(buildStage, 'RUN').map((i) => i.args);
  const apt = runs.find((run) => run.includes('apt-get install'));
  t.ok(apt, 'an apt-get install RUN');
  t.match(apt, /apt-get install -y --no-install-recommends .*\bpython3\b/);
  t.match(apt, /\bmake\b/);
  t.match(apt, /\bg\+\+/);
  t.match(apt, /rm -rf \/var\/lib\/apt\/lists/);
  t.notMatch(apt, /fuse/, 'no libfuse: the FUSE protocol is spoken in TypeScript');
  t.ok(runs.includes(`daemonset/image/build.sh ${INSTALL_DIR}`), `RUN daemonset/image/build.sh ${INSTALL_DIR}`);
});

t.test('every COPY source of the build stage exists in the repository', async (t) => {
  const copies = of(buildStage, 'COPY').map((i) => copyOf(i.args));
  t.ok(copies.length > 0);
  for (const copy of copies) {
    t.same(copy.flags, [], 'copies from the build context');
    for (const source of copy.sources) t.ok(existsSync(join(REPO, source)), `${source} exists`);
  }
});

t.test('the build stage copies everything build.sh reads, and build.sh itself', async (t) => {
  const copied = of(buildStage, 'COPY').flatMap((i) => copyOf(i.args).sources.map((s) => s.replace(/\/+$/, '')));
  const covered = (path: string) => copied.some((source) => path === source || path.startsWith(`${source}/`));
  for (const source of [...buildSources(), 'daemonset/image/build.sh']) t.ok(covered(source), `${source} is copied`);
});

t.test('the final stage is the base image plus the install, nothing else', async (t) => {
  const copies = of(finalStage, 'COPY');
  t.equal(copies.length, 1, 'exactly one COPY');
  t.same(copyOf(copies[0]?.args ?? ''), { flags: ['--from=build'], sources: [INSTALL_DIR], dest: INSTALL_DIR });
  t.same(of(finalStage, 'RUN'), [], 'no RUN');
  t.same(of(finalStage, 'ADD'), [], 'no ADD');
  t.same(of(finalStage, 'WORKDIR').map((i) => i.args), [INSTALL_DIR]);
});

t.test('ENTRYPOINT runs dist/bin.js itself, so its shebang\'s V8 flags apply', async (t) => {
  const entrypoints = of(finalStage, 'ENTRYPOINT');
  t.equal(entrypoints.length, 1);
  t.same(JSON.parse(entrypoints[0]?.args ?? 'null'), [`${INSTALL_DIR}/dist/bin.js`], 'exec form, no `node` in front');
  // Executed directly, the kernel runs the shebang: env finds node on PATH (/usr/local/bin in
  // the node images) and passes it the flags.
  t.match(readFileSync(join(REPO, 'src/bin.ts'), 'utf8').split('\n')[0], /^#!\/usr\/bin\/env -S node --/);
  t.match(buildSh, /npm run build/, 'build.sh runs `npm run build`, which chmods dist/bin.js +x');
  t.ok(statSync(join(REPO, 'daemonset/image/build.sh')).mode & 0o100, 'build.sh is executable (RUN executes it)');
});

t.test('STOPSIGNAL SIGTERM (the daemon unmounts cleanly on it)', async (t) => {
  t.same(of(finalStage, 'STOPSIGNAL').map((i) => i.args), ['SIGTERM']);
});

t.test('OCI labels: title, description, licenses, version from package.json', async (t) => {
  const labels = of(finalStage, 'LABEL').map((i) => i.args).join(' ');
  for (const key of ['title', 'description', 'licenses', 'version']) {
    t.match(labels, new RegExp(`org\\.opencontainers\\.image\\.${key}=`), key);
  }
  t.match(labels, new RegExp(`org\\.opencontainers\\.image\\.licenses="${pkg.license}"`));
  const version = of(finalStage, 'ARG').map((i) => /^VERSION=(\S+)$/.exec(i.args)?.[1]).find((v) => v !== undefined);
  t.equal(version, pkg.version, 'ARG VERSION defaults to the version of package.json');
});

t.test('comments document the privileges the pod needs and what they expose', async (t) => {
  for (const word of [/privileged/, /CAP_SYS_ADMIN/, /\/dev\/fuse/, /Bidirectional/, /hostPID/, /\/proc\/<pid>/,
    /full access to the host/, /read-only toward the host/, /No libfuse/]) {
    t.match(dockerfile, word);
  }
});

t.test('.dockerignore keeps what the build needs and drops local outputs', async (t) => {
  const path = join(REPO, '.dockerignore');
  t.ok(existsSync(path), '.dockerignore at the repository root');
  const patterns = parseDockerignore(existsSync(path) ? readFileSync(path, 'utf8') : '');
  const needed = [
    ...buildSources(),
    'daemonset/image/build.sh',
    ...of(buildStage, 'COPY').flatMap((i) => copyOf(i.args).sources),
  ];
  // Directories down to each file: `native/*.cc` would empty native/ without matching `native`.
  const files = [...new Set(needed.map((source) => source.replace(/\/+$/, '')))].flatMap((source) =>
    statSync(join(REPO, source)).isDirectory()
      ? readdirSync(join(REPO, source), { recursive: true, encoding: 'utf8' })
        .filter((entry) => statSync(join(REPO, source, entry)).isFile()).map((entry) => `${source}/${entry}`)
      : [source]);
  t.ok(files.includes('native/addon.cc') && files.includes('src/bin.ts'), 'directories are expanded');
  t.same(files.filter((file) => ignored(patterns, file)), [], 'no file build.sh or a COPY needs is excluded');
  for (const output of ['node_modules', 'dist', 'build', '.git', 'test', '.tap', 'bench/README.md']) {
    t.ok(ignored(patterns, `${output}/x`) || ignored(patterns, output), `${output} is excluded`);
  }
});
