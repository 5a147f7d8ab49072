// The caBundle of our MutatingWebhookConfiguration through the real client against the fake
// API server: set on every webhook, left alone when right, re-set after something resets it,
// 'missing' while the configuration is not installed.
import { AdmissionregistrationV1Api } from '@kubernetes/client-node';
import t from 'tap';
import { ensureCaBundle } from '../../src/injector/ca-bundle.js';
import { startFakeApiServer } from '../helpers/fake-apiserver.js';
import { RecordingLogger } from '../helpers/fuse-requests.js';

const CONFIG = {
  apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: 'lxcfs-node' },
  webhooks: ['namespaces', 'pods', 'strict'].map((w) => ({
    name: `${w}.lxcfs-node.io`, admissionReviewVersions: ['v1'], sideEffects: 'None',
    clientConfig: { service: { name: 'lxcfs-node-injector', namespace: 'lxcfs-node', path: '/mutate' } },
  })),
};
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

t.test('set, kept, reset and set again', async (t) => {
  const fake = await startFakeApiServer(t);
  const deps = { admission: fake.kubeConfig().makeApiClient(AdmissionregistrationV1Api), configName: 'lxcfs-node', logger: new RecordingLogger() };
  t.equal(await ensureCaBundle(deps, PEM), 'missing', 'not installed yet');
  fake.put(fake.webhookConfigs, 'lxcfs-node', CONFIG);
  t.equal(await ensureCaBundle(deps, PEM), 'patched');
  const b64 = Buffer.from(PEM).toString('base64');
  t.same(fake.webhookConfigs.get('lxcfs-node')!.webhooks.map((w: any) => w.clientConfig.caBundle), [b64, b64, b64]);
  t.equal(fake.requests.at(-1)?.contentType, 'application/json-patch+json');
  t.equal(await ensureCaBundle(deps, PEM), 'unchanged');
  const reset = structuredClone(fake.webhookConfigs.get('lxcfs-node')!);
  delete reset.webhooks[1].clientConfig.caBundle;
  fake.put(fake.webhookConfigs, 'lxcfs-node', reset);
  t.equal(await ensureCaBundle(deps, PEM), 'patched', 'a kubectl apply reset it: repaired');
  t.equal(fake.webhookConfigs.get('lxcfs-node')!.webhooks[1].clientConfig.caBundle, b64);
  t.equal(await ensureCaBundle(deps, `${PEM}${PEM}`), 'patched', 'a new bundle replaces the old one');
});
