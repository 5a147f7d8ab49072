// Keeps our MutatingWebhookConfiguration trusting our CA: every webhook in it gets the bundle
// as clientConfig.caBundle. Checked again on every reconcile, so a `kubectl apply` of the
// manifests (which carry no caBundle) or a GitOps tool resetting it is repaired within one
// interval. The JSON patch tests each webhook's name before replacing its bundle, so a
// configuration reordered in between is refused (422/409) instead of patched at the wrong index.
import { PatchStrategy, setHeaderOptions, type AdmissionregistrationV1Api } from '@kubernetes/client-node';
import type { Logger } from '../log.js';

export interface CaBundleDeps {
  readonly admission: Pick<AdmissionregistrationV1Api, 'readMutatingWebhookConfiguration' | 'patchMutatingWebhookConfiguration'>;
  readonly configName: string;
  readonly logger: Logger;
}

export type BundleResult = 'unchanged' | 'patched' | 'missing';

export async function ensureCaBundle(deps: CaBundleDeps, caBundlePem: string): Promise<BundleResult> {
  const wanted = Buffer.from(caBundlePem).toString('base64');
  let config;
  try {
    config = await deps.admission.readMutatingWebhookConfiguration({ name: deps.configName });
  } catch (err) {
    if ((err as { code?: unknown }).code !== 404) throw err;
    deps.logger.warn({ config: deps.configName }, 'the MutatingWebhookConfiguration does not exist yet; will retry');
    return 'missing';
  }
  const patch: object[] = [];
  (config.webhooks ?? []).forEach((webhook, index) => {
    if (webhook.clientConfig.caBundle === wanted) return;
    patch.push({ op: 'test', path: `/webhooks/${index}/name`, value: webhook.name });
    patch.push({ op: webhook.clientConfig.caBundle === undefined ? 'add' : 'replace', path: `/webhooks/${index}/clientConfig/caBundle`, value: wanted });
  });
  if (patch.length === 0) return 'unchanged';
  await deps.admission.patchMutatingWebhookConfiguration(
    { name: deps.configName, body: patch },
    setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
  );
  deps.logger.info({ config: deps.configName, webhooks: patch.length / 2 }, 'set the caBundle of the webhooks');
  return 'patched';
}
