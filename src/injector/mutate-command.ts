// `lxcfs-node mutate [--patch]`: an AdmissionReview on stdin, the response review on stdout —
// what the webhook would answer, for users checking a pod spec before labelling a namespace
// (and the core the HTTPS server shares). --patch prints the decoded JSON patch instead, and
// the outcome and warnings go to stderr. Exit 1 with one line on stderr for input that is not
// an AdmissionReview; nothing is ever partly printed.
import { parseArgs } from 'node:util';
import { LxcfsError } from '../errors.js';
import { admit } from './admission.js';

/** The API server refuses bigger requests (etcd's object limit is 1.5 MiB, requests 3 MiB). */
export const MAX_REVIEW_BYTES = 3 * 1024 * 1024;

export const MUTATE_USAGE = `Usage: lxcfs-node mutate [--patch] < review.json

Reads an AdmissionReview (admission.k8s.io/v1) for a pod on stdin and prints the injector's
response review: the pod's lxcfs-node mounts as a base64 JSON patch. With --patch, prints the
decoded patch, and the outcome and warnings on stderr.
`;

export interface CommandIo {
  readonly stdin: AsyncIterable<Buffer | string>;
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
}

async function readAll(stream: AsyncIterable<Buffer | string>, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > limit) throw new LxcfsError('LXCFS_ADMISSION_INVALID', `more than ${limit} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function mutateCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], options: { patch: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true }));
  } catch (err) {
    io.stderr(`lxcfs-node mutate: ${(err as Error).message}\n${MUTATE_USAGE}`);
    return 64;
  }
  if (values.help === true) {
    io.stdout(MUTATE_USAGE);
    return 0;
  }
  try {
    const text = await readAll(io.stdin, MAX_REVIEW_BYTES);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (err) {
      throw new LxcfsError('LXCFS_ADMISSION_INVALID', `stdin is not JSON (${(err as Error).message})`);
    }
    const { review, mutation } = admit(body);
    if (values.patch !== true) {
      io.stdout(`${JSON.stringify(review, null, 2)}\n`);
      return 0;
    }
    const outcome = mutation.outcome.kind === 'skipped' ? `skipped: ${mutation.outcome.reason}` : mutation.outcome.kind;
    io.stderr([outcome, ...mutation.warnings].map((line) => `${line}\n`).join(''));
    io.stdout(`${JSON.stringify(mutation.patch, null, 2)}\n`);
    return 0;
  } catch (err) {
    const detail = err instanceof LxcfsError ? `${err.message} [${err.code}]` : (err as Error).message;
    io.stderr(`lxcfs-node mutate: ${detail}\n`);
    return 1;
  }
}
