// 'files': every file of the registry, read through the mount from a child process (each
// with the deadline, all at once, so a hung file costs one timeout, not eight). A file must
// answer and be non-empty: the daemon serves the host's file rather than fail a read, so
// an error or an empty file here is a bug or a broken daemon, never a missing cgroup.
import { join } from 'node:path';
import { REGISTRY } from '../files/registry.js';
import type { ReadResult } from './child.js';
import { fail, ok, type Finding } from './findings.js';

/** Paths relative to the mountpoint, e.g. 'proc/meminfo': the daemon's tree, from the registry. */
export const SERVED_FILES: readonly string[] = Object.freeze(REGISTRY.map((file) => file.path));

export interface FileRead {
  readonly path: string;
  readonly result: ReadResult;
}

export async function gatherFiles(
  mountpoint: string,
  timeoutMs: number,
  readFiles: (paths: readonly string[], timeoutMs: number) => Promise<ReadResult[]>,
): Promise<FileRead[]> {
  const results = await readFiles(SERVED_FILES.map((path) => join(mountpoint, path)), timeoutMs);
  return SERVED_FILES.map((path, i) => ({ path, result: results[i] ?? { ok: false, error: 'no result', timedOut: false } }));
}

function problemOf(read: FileRead): string | null {
  if (!read.result.ok) return `${read.path}: ${read.result.error}`;
  return read.result.text === '' ? `${read.path}: empty` : null;
}

export function checkFiles(reads: readonly FileRead[]): Finding {
  const problems = reads.map(problemOf).filter((p) => p !== null);
  if (problems.length === 0) return ok('files', `all ${reads.length} files answer: ${reads.map((r) => r.path).join(', ')}`);
  const timedOut = reads.some((r) => !r.result.ok && r.result.timedOut);
  return fail('files', `${problems.length} of ${reads.length} files fail: ${problems.join('; ')}`,
    timedOut
      ? 'the daemon answers some requests but not these: look at its log, then restart it'
      : 'look at the daemon\'s log (it should serve the host\'s file rather than fail); an older lxcfs-node or lxcfs may not serve every file');
}
