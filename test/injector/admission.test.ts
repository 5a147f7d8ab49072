// admit(): the response review for a real request: uid echoed, always allowed, the patch as
// base64 JSON that applies to the pod; no patch fields when there is nothing to change.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import jsonpatch from 'fast-json-patch';
import { Pod } from 'kubernetes-models/v1/Pod';
import t from 'tap';
import { admit } from '../../src/injector/admission.js';
import { INJECTED_FILES } from '../../src/injector/mutate.js';
import { REPO } from '../helpers/daemon.js';

const fixture = (): Record<string, any> => JSON.parse(readFileSync(join(REPO, 'test/fixtures/admission/pod-create.json'), 'utf8'));

t.test('a ReplicaSet pod gets its mounts', async (t) => {
  const review = fixture();
  const { review: out, mutation } = admit(review);
  t.equal(out.apiVersion, 'admission.k8s.io/v1');
  t.equal(out.kind, 'AdmissionReview');
  t.equal(out.response?.uid, review.request.uid, 'uid echoed');
  t.equal(out.response?.allowed, true);
  t.equal(out.response?.patchType, 'JSONPatch');
  t.equal(mutation.outcome.kind, 'injected');
  const patch = JSON.parse(Buffer.from(out.response!.patch!, 'base64').toString('utf8'));
  t.same(patch, mutation.patch);
  const pod = jsonpatch.applyPatch(review.request.object, patch, true, false).newDocument;
  t.doesNotThrow(() => new Pod(pod).validate());
  t.equal(pod.spec.containers[0].volumeMounts.length, 1 + INJECTED_FILES.length, 'the token mount kept, ours added');
  t.equal(out.response?.warnings, undefined, 'no warnings for a plain pod');
});

t.test('nothing to do: allowed, no patch, warnings kept', async (t) => {
  const review = fixture();
  review.request.object.spec.hostUsers = false;
  const { review: out } = admit(review);
  t.same(Object.keys(out.response!).sort(), ['allowed', 'uid', 'warnings']);
  t.match(out.response?.warnings, [/hostUsers: false/]);
});

t.test('a broken review throws the typed error', async (t) => {
  t.throws(() => admit({ kind: 'AdmissionReview' }), { code: 'LXCFS_ADMISSION_INVALID' });
});
