// The certificate Secret through the real @kubernetes/client-node against a fake API server on
// loopback: created when missing, reused when fresh, the create race (409) resolved by adopting
// the winner's, renewal from the same CA with resourceVersion, a renewal race, CA replacement
// with the previous CA kept in the bundle.
import { CoreV1Api } from '@kubernetes/client-node';
import t from 'tap';
import { ensureCertificates, type CertStoreDeps } from '../../src/injector/cert-store.js';
import { certificatesUsable, expiryOf, issueCertificates, serviceDnsNames } from '../../src/injector/certs.js';
import { startFakeApiServer, type FakeApiServer } from '../helpers/fake-apiserver.js';
import { RecordingLogger } from '../helpers/fuse-requests.js';

const NAMES = serviceDnsNames('lxcfs-node-injector', 'lxcfs-node');
const KEY = 'lxcfs-node/lxcfs-node-injector-tls';

function deps(fake: FakeApiServer, now: Date): CertStoreDeps {
  return {
    core: fake.kubeConfig().makeApiClient(CoreV1Api), namespace: 'lxcfs-node', secretName: 'lxcfs-node-injector-tls',
    dnsNames: NAMES, now: () => now, logger: new RecordingLogger(),
  };
}

const decoded = (fake: FakeApiServer, key: string) => Buffer.from(fake.secrets.get(KEY)!.data[key], 'base64').toString();

t.test('created when missing, then reused', async (t) => {
  const fake = await startFakeApiServer(t);
  const now = new Date();
  const first = await ensureCertificates(deps(fake, now));
  t.ok(certificatesUsable(first, NAMES, now));
  t.equal(first.caBundle, first.ca.cert);
  t.equal(decoded(fake, 'tls.crt'), first.serving.cert, 'stored in the Secret');
  t.same(fake.requests.map((r) => r.method), ['GET', 'POST']);
  const again = await ensureCertificates(deps(fake, now));
  t.equal(again.serving.cert, first.serving.cert, 'a second replica reuses it');
  t.same(fake.requests.map((r) => r.method), ['GET', 'POST', 'GET']);
});

t.test('the create race: the loser adopts the winner\'s certificates', async (t) => {
  const fake = await startFakeApiServer(t);
  const now = new Date();
  const winner = await issueCertificates({ dnsNames: NAMES, now });
  fake.beforeWrite = (method, key) => {
    if (method !== 'POST') return;
    fake.beforeWrite = undefined;
    fake.put(fake.secrets, key, {
      apiVersion: 'v1', kind: 'Secret', metadata: { name: 'lxcfs-node-injector-tls', namespace: 'lxcfs-node' },
      data: Object.fromEntries(Object.entries({ 'ca.crt': winner.ca.cert, 'ca.key': winner.ca.key, 'tls.crt': winner.serving.cert, 'tls.key': winner.serving.key })
        .map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    });
  };
  const d = deps(fake, now);
  const got = await ensureCertificates(d);
  t.equal(got.serving.cert, winner.serving.cert, 'the winner\'s serving certificate');
  t.equal(got.caBundle, winner.ca.cert);
  t.same(fake.requests.map((r) => r.method), ['GET', 'POST', 'GET']);
  t.match((d.logger as RecordingLogger).records.map((r) => r.message), ['another replica wrote the certificates first; using theirs']);
});

t.test('renewal: a new serving certificate from the same CA, replaced with resourceVersion', async (t) => {
  const fake = await startFakeApiServer(t);
  const start = new Date('2026-01-01T00:00:00Z');
  const first = await ensureCertificates(deps(fake, start));
  const later = new Date('2026-10-01T00:00:00Z');
  const renewed = await ensureCertificates(deps(fake, later));
  t.not(renewed.serving.cert, first.serving.cert, 'renewed in its last third');
  t.equal(renewed.ca.cert, first.ca.cert, 'same CA: the caBundle stays valid');
  t.ok(expiryOf(renewed.serving.cert) > expiryOf(first.serving.cert));
  t.same(fake.requests.map((r) => r.method), ['GET', 'POST', 'GET', 'PUT']);
  t.equal(decoded(fake, 'tls.crt'), renewed.serving.cert);
});

t.test('a renewal race: the replica that lost re-reads and adopts', async (t) => {
  const fake = await startFakeApiServer(t);
  await ensureCertificates(deps(fake, new Date('2026-01-01T00:00:00Z')));
  const later = new Date('2026-10-01T00:00:00Z');
  fake.beforeWrite = (method, key) => {
    if (method !== 'PUT') return;
    fake.beforeWrite = undefined;
    const current = fake.secrets.get(key)!;
    fake.put(fake.secrets, key, { ...current, metadata: { ...current.metadata, labels: { touched: 'by-the-other-replica' } } });
  };
  // The other replica's write did not renew (it only touched the Secret), so after re-reading
  // this one renews again, now with the current resourceVersion.
  const got = await ensureCertificates(deps(fake, later));
  t.same(fake.requests.slice(2).map((r) => r.method), ['GET', 'PUT', 'GET', 'PUT']);
  t.equal(decoded(fake, 'tls.crt'), got.serving.cert);
});

t.test('CA renewal keeps the previous CA in the bundle while it lives', async (t) => {
  const fake = await startFakeApiServer(t);
  const first = await ensureCertificates(deps(fake, new Date('2026-01-01T00:00:00Z')));
  const late = new Date('2033-01-01T00:00:00Z');
  const got = await ensureCertificates(deps(fake, late));
  t.not(got.ca.cert, first.ca.cert, 'a new CA in the last third of the old one');
  t.equal(got.caBundle, `${got.ca.cert.trimEnd()}\n${first.ca.cert.trimEnd()}\n`, 'both trusted');
  t.equal(decoded(fake, 'ca-previous.crt'), first.ca.cert);
  t.ok(certificatesUsable(got, NAMES, late));
});

t.test('a Secret with missing or broken keys is replaced', async (t) => {
  const fake = await startFakeApiServer(t);
  fake.put(fake.secrets, KEY, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'lxcfs-node-injector-tls', namespace: 'lxcfs-node' }, data: { 'tls.crt': 'eA==' } });
  const now = new Date();
  const got = await ensureCertificates(deps(fake, now));
  t.ok(certificatesUsable(got, NAMES, now));
  t.same(fake.requests.map((r) => r.method), ['GET', 'PUT']);
});

t.test('errors other than 404 and 409 reach the caller', async (t) => {
  const fake = await startFakeApiServer(t);
  fake.failWith = (method) => method === 'GET' ? { code: 403, reason: 'Forbidden' } : undefined;
  await t.rejects(ensureCertificates(deps(fake, new Date())), { code: 403 });
  fake.failWith = (method) => method === 'POST' ? { code: 500, reason: 'InternalError' } : undefined;
  await t.rejects(ensureCertificates(deps(fake, new Date())), { code: 500 });
});
