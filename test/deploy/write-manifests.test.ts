// daemonset/*.yaml are exactly what the generator makes (so nobody edits them by hand and the
// registry stays the one source of truth), --one renders the same objects as one stream,
// --check notices a stale file, and the docs list exactly the files the daemon serves.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { parse, parseAllDocuments } from 'yaml';
import { DaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import { policyManifestFiles } from '../../src/deploy/admission-policy.js';
import { injectorManifestFiles } from '../../src/deploy/injector-manifests.js';
import { manifestFiles, servedFiles } from '../../src/deploy/manifests.js';
import { HEADER, main, packageVersion, renderFiles, renderOne, staleFiles } from '../../src/deploy/write-manifests.js';
import { REPO } from '../helpers/daemon.js';

const DIR = join(REPO, 'daemonset');
const version = packageVersion();

function capture(argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(argv, (s) => { out += s; }, (s) => { err += s; });
  return { code, out, err };
}

t.test('the committed YAML is the generator\'s, byte for byte', async (t) => {
  for (const [name, content] of renderFiles(version)) {
    t.equal(readFileSync(join(DIR, name), 'utf8'), content, `daemonset/${name} (npm run manifests regenerates it)`);
  }
  t.same(staleFiles(DIR, version), []);
  t.equal(capture(['--out', DIR, '--check']).code, 0);
  const yamlHere = [...readdirSync(DIR), ...['injector', 'policy'].flatMap((d) => readdirSync(join(DIR, d)).map((f) => `${d}/${f}`))]
    .filter((f) => f.endsWith('.yaml')).sort();
  t.same(yamlHere, [...renderFiles(version).keys()].sort(), 'no YAML there that the generator does not make');
});

t.test('kustomization.yaml lists every manifest, in apply order; the injector\'s adds itself to the daemon\'s', async (t) => {
  const kustomization = parse(renderFiles(version).get('kustomization.yaml')!) as { resources: string[] };
  t.same(kustomization.resources, manifestFiles(version).map((f) => f.name));
  const injector = parse(renderFiles(version).get('injector/kustomization.yaml')!) as { resources: string[] };
  t.same(injector.resources, ['../', ...injectorManifestFiles(version).map((f) => f.name)]);
  for (const name of injector.resources.slice(1)) t.ok(renderFiles(version).has(`injector/${name}`), name);
  const policy = parse(renderFiles(version).get('policy/kustomization.yaml')!) as { resources: string[] };
  t.same(policy.resources, ['../', ...policyManifestFiles().map((f) => f.name)]);
  t.ok(renderFiles(version).get('daemonset.yaml')!.includes(`:${version}\n`), 'the image tag is package.json\'s version');
});

t.test('--one prints the same objects as one multi-document stream', async (t) => {
  const { code, out } = capture(['--one', '--version', '9.9.9']);
  t.equal(code, 0);
  t.equal(out, renderOne('9.9.9'));
  t.ok(out.startsWith(HEADER));
  const docs = parseAllDocuments(out).map((d) => d.toJS() as { kind: string });
  t.same(docs, manifestFiles('9.9.9').flatMap((f) => f.objects), 'the objects, in order');
  t.doesNotThrow(() => new DaemonSet(docs[2] as never).validate(), 'still valid after the YAML round trip');
  const all = parseAllDocuments(capture(['--one', '--injector', '--version', '9.9.9']).out).map((d) => d.toJS() as { kind: string });
  t.same(all.map((d) => d.kind), [...manifestFiles('9.9.9'), ...injectorManifestFiles('9.9.9')].flatMap((f) => f.objects.map((o) => o.kind)), '--injector adds the injector');
  const withPolicy = parseAllDocuments(capture(['--one', '--policy']).out).map((d) => d.toJS() as { kind: string });
  t.same(withPolicy.slice(3).map((d) => d.kind), ['MutatingAdmissionPolicy', 'MutatingAdmissionPolicyBinding', 'MutatingAdmissionPolicyBinding']);
  t.match(capture(['--one', '--policy', '--injector']), { code: 64, err: /alternatives/ });
});

t.test('--out writes the files and --check finds one that changed or went missing', async (t) => {
  const dir = t.testdir();
  t.equal(capture(['--out', dir, '--version', '1.0.0']).code, 0);
  t.same(staleFiles(dir, '1.0.0'), []);
  t.same(staleFiles(dir, '1.0.1'), ['daemonset.yaml', 'injector/deployment.yaml'], 'a new version changes the image tags only');
  writeFileSync(join(dir, 'namespace.yaml'), `${readFileSync(join(dir, 'namespace.yaml'), 'utf8')}# hand edit\n`);
  const checked = capture(['--out', dir, '--check', '--version', '1.0.0']);
  t.equal(checked.code, 1);
  t.match(checked.err, /out of date .*namespace\.yaml; run npm run manifests/);
  const empty = join(dir, 'empty');
  mkdirSync(empty);
  t.same(staleFiles(empty, '1.0.0'), [...renderFiles('1.0.0').keys()], 'missing files are stale');
});

t.test('usage errors exit 64 with a message', async (t) => {
  t.match(capture([]), { code: 64, err: /usage: write-manifests/ });
  t.match(capture(['--bogus']), { code: 64, err: /write-manifests: .*bogus/ });
});

t.test('daemonset/README.md lists exactly the files served, with their one host path', async (t) => {
  const readme = readFileSync(join(DIR, 'README.md'), 'utf8');
  const rows = [...readme.matchAll(/^\| `([^`]+)` \| `([^`]+)` \|$/gm)].map((m) => ({ host: m[1], container: m[2] }));
  t.same(rows, servedFiles(), 'the "Files served" table is the registry');
  const mentioned = new Set([...readme.matchAll(/\/var\/lib\/lxcfs[^\s`|,)]*/g)].map((m) => m[0]));
  const allowed = new Set(['/var/lib/lxcfs', ...servedFiles().map((f) => f.host)]);
  for (const path of mentioned) t.ok(allowed.has(path), `${path} is the mountpoint or a served file`);
});

t.test('the top-level README names the same mountpoint and files', async (t) => {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const mentioned = new Set([...readme.matchAll(/\/var\/lib\/lxcfs[^\s`|,):]*/g)].map((m) => m[0].replace(/[.:]$/, '')));
  const allowed = new Set(['/var/lib/lxcfs', ...servedFiles().map((f) => f.host)]);
  for (const path of mentioned) t.ok(allowed.has(path), `${path} is the mountpoint or a served file`);
});
