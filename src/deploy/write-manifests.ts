// Writes daemonset/*.yaml, daemonset/injector/*.yaml and daemonset/policy/*.yaml from
// src/deploy/ (npm run manifests), prints them as one multi-document YAML (--one [--injector |
// --policy], for `kubectl apply -f -` or a
// release asset), or checks that the
// committed files are what the generator makes (--check: exit 1 and the stale names otherwise).
// A build-time tool: it needs the `yaml` dev dependency, which the image does not ship.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { policyManifestFiles } from './admission-policy.js';
import { injectorManifestFiles } from './injector-manifests.js';
import { manifestFiles, type ManifestFile } from './manifests.js';

export const HEADER = '# Generated from src/deploy/; do not edit. Regenerate: npm run manifests\n';

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function toYaml(object: unknown): string {
  // lineWidth 0: never fold long strings, so the files diff line by line.
  return stringify(object, { lineWidth: 0 });
}

function kustomization(resources: readonly string[]): string {
  return HEADER + toYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources });
}

function documents(files: readonly ManifestFile[]): string[] {
  return files.flatMap((file) => file.objects.map(toYaml));
}

/**
 * Path (relative to daemonset/) → content: the daemon's files and kustomization.yaml, and
 * injector/ whose kustomization adds the injector on top of the daemon's (`resources: [../]`).
 */
export function renderFiles(version: string): ReadonlyMap<string, string> {
  const files = new Map<string, string>();
  const daemon = manifestFiles(version);
  const injector = injectorManifestFiles(version);
  for (const file of daemon) files.set(file.name, HEADER + documents([file]).join('---\n'));
  files.set('kustomization.yaml', kustomization(daemon.map((m) => m.name)));
  for (const file of injector) files.set(`injector/${file.name}`, HEADER + documents([file]).join('---\n'));
  files.set('injector/kustomization.yaml', kustomization(['../', ...injector.map((m) => m.name)]));
  const policy = policyManifestFiles();
  for (const file of policy) files.set(`policy/${file.name}`, HEADER + documents([file]).join('---\n'));
  files.set('policy/kustomization.yaml', kustomization(['../', ...policy.map((m) => m.name)]));
  return files;
}

/** Every object in one stream, in apply order: the daemon's, then (if asked) the injector's or the policy's. */
export function renderOne(version: string, extra: 'injector' | 'policy' | null = null): string {
  const more = extra === 'injector' ? injectorManifestFiles(version) : extra === 'policy' ? policyManifestFiles() : [];
  const files = [...manifestFiles(version), ...more];
  return HEADER + documents(files).join('---\n');
}

/** Names of files in `dir` that differ from what the generator makes (missing ones included). */
export function staleFiles(dir: string, version: string): string[] {
  const stale: string[] = [];
  for (const [name, content] of renderFiles(version)) {
    let current: string | null;
    try {
      current = readFileSync(join(dir, name), 'utf8');
    } catch {
      current = null;
    }
    if (current !== content) stale.push(name);
  }
  return stale;
}

export function main(argv: readonly string[], out: (s: string) => void, err: (s: string) => void): number {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        out: { type: 'string' }, one: { type: 'boolean' }, injector: { type: 'boolean' }, policy: { type: 'boolean' },
        check: { type: 'boolean' }, version: { type: 'string' },
      },
      strict: true,
    }));
  } catch (e) {
    err(`write-manifests: ${(e as Error).message}\n`);
    return 64;
  }
  const version = values.version ?? packageVersion();
  if (values.one === true) {
    if (values.injector === true && values.policy === true) {
      err('write-manifests: --injector and --policy are alternatives\n');
      return 64;
    }
    out(renderOne(version, values.injector === true ? 'injector' : values.policy === true ? 'policy' : null));
    return 0;
  }
  if (values.out === undefined) {
    err('usage: write-manifests (--out DIR [--check] | --one [--injector | --policy]) [--version V]\n');
    return 64;
  }
  if (values.check === true) {
    const stale = staleFiles(values.out, version);
    if (stale.length === 0) return 0;
    err(`write-manifests: out of date in ${values.out}: ${stale.join(', ')}; run npm run manifests\n`);
    return 1;
  }
  for (const [name, content] of renderFiles(version)) {
    mkdirSync(dirname(join(values.out, name)), { recursive: true });
    writeFileSync(join(values.out, name), content);
  }
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = main(process.argv.slice(2), (s) => process.stdout.write(s), (s) => process.stderr.write(s));
}
