// `lxcfs-node mutate`: stdin review → stdout review; --patch; errors on stderr with exit 1;
// usage errors exit 64; oversized input refused. Also through the installed command.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import t from 'tap';
import { MAX_REVIEW_BYTES, mutateCommand } from '../../src/injector/mutate-command.js';
import { CLI, REPO } from '../helpers/daemon.js';
import { cleanCommand } from '../helpers/env.js';

const FIXTURE = join(REPO, 'test/fixtures/admission/pod-create.json');

async function run(argv: string[], input: string | Buffer[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const stdin = Readable.from(typeof input === 'string' ? [Buffer.from(input)] : input);
  const code = await mutateCommand(argv, { stdin, stdout: (s) => { out += s; }, stderr: (s) => { err += s; } });
  return { code, out, err };
}

t.test('review in, review out', async (t) => {
  const { code, out, err } = await run([], readFileSync(FIXTURE, 'utf8'));
  t.equal(code, 0);
  t.equal(err, '');
  const review = JSON.parse(out);
  t.equal(review.response.uid, '0df28fbd-5f5f-11e8-bc74-36e6bb280816');
  t.equal(review.response.patchType, 'JSONPatch');
});

t.test('--patch prints the decoded patch and the outcome', async (t) => {
  const { code, out, err } = await run(['--patch'], readFileSync(FIXTURE, 'utf8'));
  t.equal(code, 0);
  t.equal(err, 'injected\n');
  t.ok(JSON.parse(out).some((op: { path: string }) => op.path === '/spec/containers/0/volumeMounts/-'));
});

t.test('input errors: one line on stderr, exit 1, nothing on stdout', async (t) => {
  for (const [input, message] of [['{', /stdin is not JSON/], ['{}', /apiVersion must be/], ['', /stdin is not JSON/]] as const) {
    const r = await run([], input);
    t.match(r, { code: 1, out: '' });
    t.match(r.err, new RegExp(`^lxcfs-node mutate: not a valid AdmissionReview: ${message.source}.*\\[LXCFS_ADMISSION_INVALID\\]\\n$`));
  }
  const big = await run([], [Buffer.alloc(MAX_REVIEW_BYTES), Buffer.from(' ')]);
  t.match(big, { code: 1, out: '', err: /more than 3145728 bytes/ });
});

t.test('usage', async (t) => {
  t.match(await run(['--nope'], ''), { code: 64, err: /Unknown option '--nope'.*\nUsage: lxcfs-node mutate/s });
  t.match(await run(['--help'], ''), { code: 0, out: /^Usage: lxcfs-node mutate/ });
});

t.test('the installed command runs it', async (t) => {
  const [command, args] = cleanCommand(CLI, ['mutate']);
  const r = spawnSync(command, args, { input: readFileSync(FIXTURE), encoding: 'utf8' });
  t.equal(r.status, 0, r.stderr);
  t.equal(JSON.parse(r.stdout).response.allowed, true);
});
