// parseAdmissionReview: a real review parses into the typed request; anything else is refused
// with LXCFS_ADMISSION_INVALID and a message naming the field.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { parseAdmissionReview, reviewResponse } from '../../src/injector/review.js';
import { REPO } from '../helpers/daemon.js';

const fixture = (): Record<string, any> => JSON.parse(readFileSync(join(REPO, 'test/fixtures/admission/pod-create.json'), 'utf8'));

t.test('a review as the API server sends it', async (t) => {
  const { request } = parseAdmissionReview(fixture());
  t.equal(request.uid, '0df28fbd-5f5f-11e8-bc74-36e6bb280816');
  t.same(request.resource, { group: '', version: 'v1', resource: 'pods' });
  t.equal(request.operation, 'CREATE');
  t.equal(request.namespace, 'shop');
  t.equal(request.subResource, undefined);
  t.equal((request.object as any).spec.containers[0].name, 'cart');
  t.equal(request.dryRun, false);
});

t.test('bodies that are not AdmissionReview requests', async (t) => {
  const cases: [string, (r: Record<string, any>) => unknown, RegExp][] = [
    ['an array', () => [], /not a JSON object/],
    ['null', () => null, /not a JSON object/],
    ['v1beta1', (r) => ({ ...r, apiVersion: 'admission.k8s.io/v1beta1' }), /apiVersion must be admission\.k8s\.io\/v1/],
    ['wrong kind', (r) => ({ ...r, kind: 'Pod' }), /kind must be AdmissionReview/],
    ['no request', (r) => ({ ...r, request: undefined }), /request is missing/],
    ['uid a number', (r) => ({ ...r, request: { ...r.request, uid: 5 } }), /request\.uid must be a string/],
    ['empty uid', (r) => ({ ...r, request: { ...r.request, uid: '' } }), /request\.uid is empty/],
    ['no resource', (r) => ({ ...r, request: { ...r.request, resource: 'pods' } }), /request\.resource is missing/],
    ['bad operation', (r) => ({ ...r, request: { ...r.request, operation: 'PATCH' } }), /operation "PATCH" is unknown/],
    ['object a string', (r) => ({ ...r, request: { ...r.request, object: 'x' } }), /request\.object must be an object/],
    ['namespace a number', (r) => ({ ...r, request: { ...r.request, namespace: 1 } }), /request\.namespace must be a string/],
  ];
  for (const [name, make, message] of cases) {
    t.throws(() => parseAdmissionReview(make(fixture())), { code: 'LXCFS_ADMISSION_INVALID', message }, name);
  }
});

t.test('the response review', async (t) => {
  t.same(reviewResponse({ uid: 'u', allowed: true }), { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: 'u', allowed: true } });
});
