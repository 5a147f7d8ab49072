// Fuzz targets: every parser of kernel text and the FUSE request decoder, each with a generator
// of hostile input (real samples mutated — cut, spliced, digits blown up, bytes flipped — plus
// arbitrary and binary strings) and a property: the only exception allowed is our typed
// LxcfsError, and what comes back is well-formed. test/fuzz/*.test.ts run a sample in the
// normal suite; `npm run fuzz` runs FUZZ_RUNS (default 100 000) per target.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { LxcfsError } from '../../src/errors.js';
import { REPO } from './daemon.js';

export const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

/** Samples from the fixtures: every file of that name in test/fixtures/host-*[/proc] (and more). */
export function samples(name: string, extra: readonly string[] = []): string[] {
  const root = join(REPO, 'test/fixtures');
  const found = readdirSync(root).filter((d) => d.startsWith('host-')).flatMap((d) => [join(d, name), join(d, 'proc', name)]).flatMap((path) => {
    try {
      return [readFileSync(join(root, path), 'utf8')];
    } catch {
      return [];
    }
  });
  return [...found, ...extra];
}

const edit = fc.oneof(
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat(), length: fc.nat({ max: 200 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('\n', ' ', ':', '\t', '\0', '-', 'kB', '18446744073709551616', '99999999999999999999999', '-1', 'max', '\\040')) }),
  fc.record({ kind: fc.constant('digits' as const), at: fc.nat(), digits: fc.stringMatching(/^\d{1,40}$/) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate-line' as const), at: fc.nat() }),
);
type Edit = typeof edit extends fc.Arbitrary<infer E> ? E : never;

function apply(text: string, edits: readonly Edit[]): string {
  let out = text;
  for (const e of edits) {
    const at = out.length === 0 ? 0 : e.at % (out.length + 1);
    if (e.kind === 'cut') out = out.slice(0, at) + out.slice(at + e.length);
    else if (e.kind === 'insert') out = out.slice(0, at) + e.text + out.slice(at);
    else if (e.kind === 'digits') out = out.slice(0, at) + out.slice(at).replace(/\d+/, e.digits);
    else if (e.kind === 'truncate') out = out.slice(0, at);
    else {
      const start = out.lastIndexOf('\n', at - 1) + 1;
      const end = out.indexOf('\n', at);
      const line = out.slice(start, end === -1 ? out.length : end + 1);
      out = out.slice(0, start) + line + line + out.slice(start + line.length);
    }
  }
  return out;
}

/** Text shaped like the samples, damaged in every way the kernel or a hostile cgroup could. */
export function kernelText(sampleTexts: readonly string[]): fc.Arbitrary<string> {
  const mutated = fc.tuple(fc.constantFrom(...sampleTexts), fc.array(edit, { maxLength: 6 })).map(([s, e]) => apply(s, e));
  return fc.oneof(
    { weight: 6, arbitrary: mutated },
    { weight: 1, arbitrary: fc.string({ maxLength: 300 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
    { weight: 1, arbitrary: fc.constantFrom(...sampleTexts).map((s) => s.repeat(40)) },
  );
}

/** Runs `f`; an LxcfsError is an allowed answer (returned as null), anything else fails. */
export function typedOrResult<T>(f: () => T): T | null {
  try {
    return f();
  } catch (err) {
    if (err instanceof LxcfsError) return null;
    throw err;
  }
}

export interface Target {
  readonly name: string;
  readonly property: fc.IProperty<never>;
}

export function target<T>(name: string, arbitrary: fc.Arbitrary<T>, check: (input: T) => void): Target {
  return { name, property: fc.property(arbitrary, check) as unknown as fc.IProperty<never> };
}

export function runTargets(t: import('tap').Test, targets: readonly Target[], seed: number, runs = RUNS): void {
  for (const { name, property } of targets) {
    t.test(name, async (t) => {
      const started = Date.now();
      fc.assert(property, { numRuns: runs, seed });
      t.pass(`${runs} inputs in ${Date.now() - started} ms`);
    });
  }
}
