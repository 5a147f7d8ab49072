// `lxcfs-node injector`: its options; self-signed mode against a fake API server (the Secret
// created, the caBundle set, the webhook answering over TLS that the bundle verifies, a reset
// bundle repaired and a renewal swapped in on reconcile); files mode re-reading changed files;
// and the installed command started and stopped with SIGTERM.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import t from 'tap';
import { INJECTOR_DEFAULTS, parseInjectorArgs, startInjector, type InjectorOptions } from '../../src/injector/injector-command.js';
import { issueCertificates, serviceDnsNames } from '../../src/injector/certs.js';
import { startFakeApiServer } from '../helpers/fake-apiserver.js';
import { RecordingLogger } from '../helpers/fuse-requests.js';
import { CLI } from '../helpers/daemon.js';

const NAMES = serviceDnsNames('lxcfs-node-injector', 'lxcfs-node');
const MWC = {
  apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: 'lxcfs-node' },
  webhooks: [{ name: 'pods.lxcfs-node.io', admissionReviewVersions: ['v1'], sideEffects: 'None', clientConfig: { service: { name: 'lxcfs-node-injector', namespace: 'lxcfs-node', path: '/mutate' } } }],
};

async function servedCert(port: number, ca: string): Promise<X509Certificate> {
  const socket = connect({ host: '127.0.0.1', port, servername: NAMES[2], ca });
  await once(socket, 'secureConnect');
  const cert = socket.getPeerX509Certificate()!;
  socket.destroy();
  return cert;
}

t.test('options', async (t) => {
  const ns = () => 'from-pod';
  const run = parseInjectorArgs([], ns);
  t.same(run, {
    kind: 'run',
    options: {
      listen: { host: '0.0.0.0', port: 8443 }, namespace: 'from-pod', service: INJECTOR_DEFAULTS.service,
      certificates: { kind: 'self-signed', secret: INJECTOR_DEFAULTS.secret, webhookConfig: INJECTOR_DEFAULTS.webhookConfig },
      reconcileMs: 60_000, debug: false,
    },
  });
  const files = parseInjectorArgs(['--cert', 'c.pem', '--key', 'k.pem', '--listen', '127.0.0.1:9443', '--namespace', 'x', '--reconcile-seconds', '5'], ns);
  t.match(files, { options: { certificates: { kind: 'files', cert: 'c.pem', key: 'k.pem' }, listen: { host: '127.0.0.1', port: 9443 }, namespace: 'x', reconcileMs: 5000 } });
  t.same(parseInjectorArgs(['-h'], ns), { kind: 'help' });
  for (const [argv, message] of [
    [['--cert', 'c'], /--cert and --key go together/],
    [['--cert', 'c', '--key', 'k', '--secret', 's'], /are for self-signed certificates/],
    [['--reconcile-seconds', '0'], /--reconcile-seconds takes/],
    [['--listen', 'x:y'], /--listen takes \[HOST:\]PORT/],
    [['extra'], /Unexpected argument|positional/],
  ] as const) t.throws(() => parseInjectorArgs(argv, ns), { code: 'LXCFS_USAGE', message }, argv.join(' '));
});

function options(over: Partial<InjectorOptions> = {}): InjectorOptions {
  return {
    listen: { host: '127.0.0.1', port: 0 }, namespace: 'lxcfs-node', service: 'lxcfs-node-injector',
    certificates: { kind: 'self-signed', secret: 'lxcfs-node-injector-tls', webhookConfig: 'lxcfs-node' },
    reconcileMs: 3_600_000, debug: false, ...over,
  };
}

t.test('self-signed: Secret, caBundle, TLS the bundle verifies, repair and renewal on reconcile', async (t) => {
  const fake = await startFakeApiServer(t);
  fake.put(fake.webhookConfigs, 'lxcfs-node', MWC);
  // Issued 300 days ago: valid now, and in the last third of its year, so due for renewal.
  let now = new Date(Date.now() - 300 * 86_400_000);
  const injector = await startInjector(options(), { logger: new RecordingLogger(), version: 't', kubeConfig: fake.kubeConfig(), now: () => now });
  t.teardown(() => injector.stop());
  t.ok(fake.secrets.has('lxcfs-node/lxcfs-node-injector-tls'), 'the Secret was created');
  const bundle = () => Buffer.from(fake.webhookConfigs.get('lxcfs-node')!.webhooks[0].clientConfig.caBundle ?? '', 'base64').toString();
  const first = await servedCert(injector.server.address.port, bundle());
  t.ok(first, 'a client trusting only the caBundle connects');

  const reset = structuredClone(fake.webhookConfigs.get('lxcfs-node')!);
  delete reset.webhooks[0].clientConfig.caBundle;
  fake.put(fake.webhookConfigs, 'lxcfs-node', reset);
  await injector.reconcile();
  t.ok(bundle().includes('BEGIN CERTIFICATE'), 'the reset caBundle is set again');

  t.equal(new Date(first.validFrom).getTime() < Date.now() - 299 * 86_400_000, true, 'the first one was issued 300 days ago');
  now = new Date();
  await injector.reconcile();
  const renewed = await servedCert(injector.server.address.port, bundle());
  t.not(renewed.fingerprint256, first.fingerprint256, 'the renewed certificate is served');
  t.ok(new Date(renewed.validTo) > new Date(first.validTo));
});

t.test('self-signed: an API server that refuses is a clear start-up error', async (t) => {
  const fake = await startFakeApiServer(t);
  fake.failWith = () => ({ code: 403, reason: 'Forbidden' });
  await t.rejects(startInjector(options(), { logger: new RecordingLogger(), version: 't', kubeConfig: fake.kubeConfig() }),
    { code: 'LXCFS_INJECTOR_CERTS', message: /the Secret lxcfs-node\/lxcfs-node-injector-tls/ });
});

t.test('files: changed files are served after the next reconcile; a reconcile failure keeps serving', async (t) => {
  const dir = t.testdir();
  const a = await issueCertificates({ dnsNames: NAMES, now: new Date() });
  const certFile = join(dir, 'tls.crt');
  const keyFile = join(dir, 'tls.key');
  writeFileSync(certFile, a.serving.cert);
  writeFileSync(keyFile, a.serving.key);
  const logger = new RecordingLogger();
  const injector = await startInjector(options({ certificates: { kind: 'files', cert: certFile, key: keyFile } }), { logger, version: 't' });
  t.teardown(() => injector.stop());
  t.equal((await servedCert(injector.server.address.port, a.ca.cert)).fingerprint256, new X509Certificate(a.serving.cert).fingerprint256);
  const b = await issueCertificates({ dnsNames: NAMES, now: new Date() });
  writeFileSync(certFile, b.serving.cert);
  writeFileSync(keyFile, b.serving.key);
  await injector.reconcile();
  t.equal((await servedCert(injector.server.address.port, b.ca.cert)).fingerprint256, new X509Certificate(b.serving.cert).fingerprint256);
  writeFileSync(keyFile, 'not a key');
  await injector.reconcile();
  const messages = logger.records.map((r) => r.message);
  t.ok(messages.includes('serving the changed certificate files'), 'the change was logged');
  t.match(messages.at(-1), /reconcile failed; serving the current certificate/);
  t.equal((await servedCert(injector.server.address.port, b.ca.cert)).fingerprint256, new X509Certificate(b.serving.cert).fingerprint256, 'still serving the last good one');
  await t.rejects(startInjector(options({ certificates: { kind: 'files', cert: join(dir, 'none'), key: keyFile } }), { logger, version: 't' }), { code: 'LXCFS_INJECTOR_CERTS' });
});

t.test('the installed command: starts against $KUBECONFIG, stops on SIGTERM', async (t) => {
  const fake = await startFakeApiServer(t);
  fake.put(fake.webhookConfigs, 'lxcfs-node', MWC);
  const kubeconfig = join(t.testdir(), 'kubeconfig');
  writeFileSync(kubeconfig, `apiVersion: v1
kind: Config
clusters: [{name: fake, cluster: {server: "${fake.url}", insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: fake, context: {cluster: fake, user: u}}]
current-context: fake
`);
  const child = spawn('env', ['-i', `PATH=${process.env.PATH}`, `KUBECONFIG=${kubeconfig}`, CLI, 'injector', '--listen', '127.0.0.1:0', '--namespace', 'lxcfs-node'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  for (let waited = 0; !/"msg":"serving the injector"/.test(stderr); waited += 50) {
    if (waited > 10_000) throw new Error(`never served:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const port = Number(/"address":\{"host":"127\.0\.0\.1","port":(\d+)\}/.exec(stderr)?.[1]);
  const bundle = Buffer.from(fake.webhookConfigs.get('lxcfs-node')!.webhooks[0].clientConfig.caBundle, 'base64').toString();
  t.ok(await servedCert(port, bundle), 'serving with the certificate the bundle trusts');
  child.kill('SIGTERM');
  t.equal(await exited, 0, 'clean exit');
});
