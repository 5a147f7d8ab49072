// The injector's HTTPS endpoint on 127.0.0.1 with a generated CA: a real AdmissionReview in,
// the response out; malformed, mistyped and oversized bodies refused with clear 4xx answers
// (and the server still answers the next request); a swapped certificate is what new
// connections get; metrics count each outcome.
import { request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { connect } from 'node:tls';
import { once } from 'node:events';
import t, { type Test } from 'tap';
import { issueCertificates, serviceDnsNames, type Certificates } from '../../src/injector/certs.js';
import { createInjectorMetrics } from '../../src/injector/metrics.js';
import { MAX_REVIEW_BYTES } from '../../src/injector/mutate-command.js';
import { startInjectorServer, type InjectorServer } from '../../src/injector/server.js';
import { RecordingLogger } from '../helpers/fuse-requests.js';
import { REPO } from '../helpers/daemon.js';

const NAMES = serviceDnsNames('lxcfs-node-injector', 'lxcfs-node');
const REVIEW = readFileSync(join(REPO, 'test/fixtures/admission/pod-create.json'));

interface Reply { status: number; type: string; body: string }

function call(server: InjectorServer, ca: string, method: string, path: string, body?: Buffer | string, type = 'application/json'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({
      host: '127.0.0.1', port: server.address.port, servername: NAMES[2], ca, method, path, agent: false,
      headers: body === undefined ? {} : { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => { text += d; }).on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']), body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function start(t: Test): Promise<{ server: InjectorServer; certs: Certificates; metrics: ReturnType<typeof createInjectorMetrics>; logger: RecordingLogger }> {
  const certs = await issueCertificates({ dnsNames: NAMES, now: new Date() });
  const metrics = createInjectorMetrics('0.0.0-test');
  const logger = new RecordingLogger();
  const server = await startInjectorServer({ host: '127.0.0.1', port: 0 }, certs.serving, { logger, metrics });
  t.teardown(() => server.close());
  return { server, certs, metrics, logger };
}

t.test('POST /mutate answers the review', async (t) => {
  const { server, certs, metrics } = await start(t);
  const r = await call(server, certs.ca.cert, 'POST', '/mutate', REVIEW);
  t.equal(r.status, 200);
  t.equal(r.type, 'application/json');
  const review = JSON.parse(r.body);
  t.equal(review.kind, 'AdmissionReview');
  t.equal(review.response.uid, '0df28fbd-5f5f-11e8-bc74-36e6bb280816', 'uid echoed');
  t.equal(review.response.patchType, 'JSONPatch');
  const patch = JSON.parse(Buffer.from(review.response.patch, 'base64').toString());
  t.ok(patch.some((op: { path: string }) => op.path === '/spec/volumes/-'));
  t.match(await metrics.render(), /lxcfs_node_injector_admissions_total\{outcome="injected",reason=""\} 1/);
  t.match(await metrics.render(), /lxcfs_node_injector_admission_duration_seconds_count 1/);
});

t.test('bad requests get clear 4xx answers, and the next request is served', async (t) => {
  const { server, certs, metrics } = await start(t);
  const ca = certs.ca.cert;
  t.match(await call(server, ca, 'POST', '/mutate', '{"kind":'), { status: 400, body: /the body is not JSON/ });
  t.match(await call(server, ca, 'POST', '/mutate', '{"kind":"AdmissionReview"}'), { status: 400, body: /not a valid AdmissionReview: apiVersion must be admission\.k8s\.io\/v1/ });
  t.match(await call(server, ca, 'POST', '/mutate', REVIEW, 'text/plain'), { status: 415, body: /Content-Type must be application\/json, got "text\/plain"/ });
  t.match(await call(server, ca, 'POST', '/mutate', Buffer.alloc(MAX_REVIEW_BYTES + 1, 0x20)), { status: 413, body: /larger than 3145728 bytes/ });
  t.match(await call(server, ca, 'GET', '/mutate'), { status: 405 });
  t.match(await call(server, ca, 'POST', '/mutate', REVIEW, 'application/json; charset=utf-8'), { status: 200 }, 'still serving; charset accepted');
  const text = await metrics.render();
  t.match(text, /admissions_total\{outcome="error",reason="invalid"\} 3/);
  t.match(text, /admissions_total\{outcome="error",reason="content-type"\} 1/);
  t.match(text, /admissions_total\{outcome="error",reason="too-large"\} 1/);
});

t.test('probes, metrics and unknown paths', async (t) => {
  const { server, certs } = await start(t);
  t.match(await call(server, certs.ca.cert, 'GET', '/readyz'), { status: 200, body: 'ok\n' });
  t.match(await call(server, certs.ca.cert, 'GET', '/livez'), { status: 200, body: 'ok\n' });
  const metrics = await call(server, certs.ca.cert, 'GET', '/metrics');
  t.match(metrics.body, /lxcfs_node_injector_certificate_expiry_timestamp_seconds \d+/);
  t.match(metrics.body, /lxcfs_node_injector_info\{version="0\.0\.0-test"\} 1/);
  t.match(await call(server, certs.ca.cert, 'GET', '/nope'), { status: 404 });
  t.match(await call(server, certs.ca.cert, 'POST', '/readyz', '{}'), { status: 405 });
});

t.test('a swapped certificate is served to new connections', async (t) => {
  const { server, certs, metrics } = await start(t);
  const peerCert = async (ca: string): Promise<X509Certificate> => {
    const socket = connect({ host: '127.0.0.1', port: server.address.port, servername: NAMES[2], ca });
    await once(socket, 'secureConnect');
    const raw = socket.getPeerX509Certificate()!;
    socket.destroy();
    return raw;
  };
  const before = await peerCert(certs.ca.cert);
  t.equal(before.fingerprint256, new X509Certificate(certs.serving.cert).fingerprint256);
  const next = await issueCertificates({ dnsNames: NAMES, now: new Date(), servingValidityDays: 30 });
  server.setCertificates(next.serving);
  const after = await peerCert(next.ca.cert);
  t.equal(after.fingerprint256, new X509Certificate(next.serving.cert).fingerprint256, 'the new certificate');
  const expiry = Number(/certificate_expiry_timestamp_seconds (\d+)/.exec(await metrics.render())?.[1]);
  t.ok(Math.abs(expiry - (Date.now() / 1000 + 30 * 86400)) < 600, 'the expiry metric follows the swap');
});
