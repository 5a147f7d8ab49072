// Writes daemonset/*.yaml from src/deploy/manifests.ts (npm run manifests), prints them as one
// multi-document YAML (--one, for `kubectl apply -f -` or a release asset), or checks that the
// committed files are what the generator makes (--check: exit 1 and the stale names otherwise).
// A build-time tool: it needs the `yaml` dev dependency, which the image does not ship.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { manifestFiles } from './manifests.js';

export const HEADER = '# Generated from src/deploy/manifests.ts; do not edit. Regenerate: npm run manifests\n';

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function toYaml(object: unknown): string {
  // lineWidth 0: never fold long strings, so the files diff line by line.
  return stringify(object, { lineWidth: 0 });
}

/** File name → content, kustomization.yaml included. */
export function renderFiles(version: string): ReadonlyMap<string, string> {
  const files = new Map<string, string>();
  const manifests = manifestFiles(version);
  for (const { name, object } of manifests) files.set(name, HEADER + toYaml(object));
  files.set('kustomization.yaml', HEADER + toYaml({
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: manifests.map((m) => m.name),
  }));
  return files;
}

/** Every object in one stream, in apply order. */
export function renderOne(version: string): string {
  return HEADER + manifestFiles(version).map(({ object }) => toYaml(object)).join('---\n');
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
      options: { out: { type: 'string' }, one: { type: 'boolean' }, check: { type: 'boolean' }, version: { type: 'string' } },
      strict: true,
    }));
  } catch (e) {
    err(`write-manifests: ${(e as Error).message}\n`);
    return 64;
  }
  const version = values.version ?? packageVersion();
  if (values.one === true) {
    out(renderOne(version));
    return 0;
  }
  if (values.out === undefined) {
    err('usage: write-manifests (--out DIR [--check] | --one) [--version V]\n');
    return 64;
  }
  if (values.check === true) {
    const stale = staleFiles(values.out, version);
    if (stale.length === 0) return 0;
    err(`write-manifests: out of date in ${values.out}: ${stale.join(', ')}; run npm run manifests\n`);
    return 1;
  }
  for (const [name, content] of renderFiles(version)) writeFileSync(join(values.out, name), content);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = main(process.argv.slice(2), (s) => process.stdout.write(s), (s) => process.stderr.write(s));
}
