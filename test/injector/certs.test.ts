// The generated CA and serving certificate: a TLS client that trusts only the CA connects to a
// server using the serving pair under every Service name; expiry and renewal follow `now`;
// a mismatched or foreign set is not usable.
import { once } from 'node:events';
import { createServer } from 'node:https';
import { connect } from 'node:tls';
import t from 'tap';
import { certificatesUsable, expiryOf, issueCertificates, issueServing, renewalDue, serviceDnsNames } from '../../src/injector/certs.js';

const NOW = new Date('2026-12-06T12:00:00Z');
const NAMES = serviceDnsNames('lxcfs-node-injector', 'lxcfs-node');

t.test('service names', async (t) => {
  t.same(NAMES, ['lxcfs-node-injector', 'lxcfs-node-injector.lxcfs-node', 'lxcfs-node-injector.lxcfs-node.svc', 'lxcfs-node-injector.lxcfs-node.svc.cluster.local']);
});

t.test('a client trusting only the CA accepts the serving certificate for every name', async (t) => {
  const certs = await issueCertificates({ dnsNames: NAMES, now: new Date() });
  const server = createServer({ cert: certs.serving.cert, key: certs.serving.key }, (_, res) => res.end('ok'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => { server.close(); });
  const port = (server.address() as { port: number }).port;
  for (const servername of NAMES) {
    const socket = connect({ host: '127.0.0.1', port, servername, ca: certs.ca.cert });
    await once(socket, 'secureConnect');
    t.equal(socket.authorized, true, servername);
    socket.destroy();
  }
  const wrong = connect({ host: '127.0.0.1', port, servername: 'other.example', ca: certs.ca.cert });
  const [err] = await once(wrong, 'error');
  t.match((err as Error).message, /Hostname\/IP does not match|not in the cert's altnames/);
});

t.test('validity, expiry and renewal', async (t) => {
  const certs = await issueCertificates({ dnsNames: NAMES, now: NOW, servingValidityDays: 90 });
  t.equal(expiryOf(certs.serving.cert).toISOString(), '2027-03-06T12:00:00.000Z');
  t.equal(expiryOf(certs.ca.cert).getUTCFullYear(), 2036);
  t.notOk(renewalDue(certs.serving.cert, NOW));
  t.notOk(renewalDue(certs.serving.cert, new Date('2027-02-03T00:00:00Z')), 'two thirds in: not yet');
  t.ok(renewalDue(certs.serving.cert, new Date('2027-02-05T00:00:00Z')), 'last third: renew');
  t.ok(certificatesUsable(certs, NAMES, NOW));
  t.notOk(certificatesUsable(certs, NAMES, new Date('2027-03-07T00:00:00Z')), 'expired');
  t.notOk(certificatesUsable(certs, [...NAMES, 'extra.svc'], NOW), 'a name it does not cover');
  const other = await issueCertificates({ dnsNames: NAMES, now: NOW });
  t.notOk(certificatesUsable({ ca: other.ca, serving: certs.serving }, NAMES, NOW), 'signed by another CA');
  t.notOk(certificatesUsable({ ca: certs.ca, serving: { cert: certs.serving.cert, key: other.serving.key } }, NAMES, NOW), 'key of another cert');
  t.notOk(certificatesUsable({ ca: certs.ca, serving: { cert: 'junk', key: 'junk' } }, NAMES, NOW), 'garbage');
  await t.rejects(issueCertificates({ dnsNames: [], now: NOW }), /at least one DNS name/);
});

t.test('a renewed serving certificate from the same CA keeps the CA', async (t) => {
  const certs = await issueCertificates({ dnsNames: NAMES, now: NOW });
  const renewed = await issueServing(certs.ca, NAMES, new Date('2027-09-01T00:00:00Z'));
  t.ok(certificatesUsable({ ca: certs.ca, serving: renewed }, NAMES, new Date('2027-09-02T00:00:00Z')), 'verifies against the existing CA');
  t.not(renewed.cert, certs.serving.cert);
  t.equal(expiryOf(renewed.cert).toISOString(), '2028-08-31T00:00:00.000Z');
  await t.rejects(issueServing(certs.ca, [], NOW), /at least one DNS name/);
});
