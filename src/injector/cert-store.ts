// Self-managed certificates kept in one Secret that every injector replica shares. The first
// replica to find no Secret creates it; a replica that loses that race (409 Conflict) reads
// the winner's instead, so all replicas serve certificates from one CA. Renewal replaces the
// Secret with its resourceVersion (optimistic concurrency): of two replicas renewing at once
// one wins and the other adopts its result. The serving certificate is renewed from the same
// CA (the caBundle stays valid); a CA due for renewal is replaced and the previous one kept
// beside it in the bundle until it expires, so the API server trusts both during the change.
import type { CoreV1Api, V1Secret } from '@kubernetes/client-node';
import type { Logger } from '../log.js';
import {
  certificatesUsable, expiryOf, issueCa, issueServing, renewalDue, type CertificatePem, type Certificates,
} from './certs.js';

export interface CertStoreDeps {
  readonly core: Pick<CoreV1Api, 'readNamespacedSecret' | 'createNamespacedSecret' | 'replaceNamespacedSecret'>;
  readonly namespace: string;
  readonly secretName: string;
  readonly dnsNames: readonly string[];
  readonly now: () => Date;
  readonly logger: Logger;
}

export interface StoredCertificates extends Certificates {
  /** PEM of every CA the API server should trust: the current one, and the previous while it lives. */
  readonly caBundle: string;
}

/** Keys in the Secret; tls.crt/tls.key as a kubernetes.io/tls Secret has them. */
const KEYS = { caCert: 'ca.crt', caKey: 'ca.key', cert: 'tls.crt', key: 'tls.key', previousCa: 'ca-previous.crt' } as const;
const MAX_ATTEMPTS = 5;

function statusOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

function decode(secret: V1Secret, key: string): string | undefined {
  const value = secret.data?.[key];
  return value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8');
}

function fromSecret(secret: V1Secret): { certs: Certificates; previousCa?: string } | null {
  const [caCert, caKey, cert, key] = [KEYS.caCert, KEYS.caKey, KEYS.cert, KEYS.key].map((k) => decode(secret, k));
  if (caCert === undefined || caKey === undefined || cert === undefined || key === undefined) return null;
  return { certs: { ca: { cert: caCert, key: caKey }, serving: { cert, key } }, previousCa: decode(secret, KEYS.previousCa) };
}

function bundle(ca: string, previousCa: string | undefined, now: Date): string {
  const keepPrevious = previousCa !== undefined && previousCa !== ca && safeExpiry(previousCa) > now.getTime();
  return keepPrevious ? `${ca.trimEnd()}\n${previousCa.trimEnd()}\n` : ca;
}

function safeExpiry(pem: string): number {
  try {
    return expiryOf(pem).getTime();
  } catch {
    return 0;
  }
}

function toSecret(deps: CertStoreDeps, certs: Certificates, previousCa: string | undefined, resourceVersion?: string): V1Secret {
  const data: Record<string, string> = {
    [KEYS.caCert]: certs.ca.cert, [KEYS.caKey]: certs.ca.key, [KEYS.cert]: certs.serving.cert, [KEYS.key]: certs.serving.key,
  };
  if (previousCa !== undefined) data[KEYS.previousCa] = previousCa;
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: {
      name: deps.secretName,
      namespace: deps.namespace,
      ...(resourceVersion === undefined ? {} : { resourceVersion }),
      labels: { 'app.kubernetes.io/name': 'lxcfs-node', 'app.kubernetes.io/component': 'injector' },
    },
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  };
}

/** What the stored set needs: nothing, a new serving certificate, or a new CA (and serving). */
function needed(stored: Certificates | null, dnsNames: readonly string[], now: Date): 'none' | 'serving' | 'ca' {
  if (stored === null) return 'ca';
  let caDue: boolean;
  try {
    caDue = renewalDue(stored.ca.cert, now);
  } catch {
    return 'ca';
  }
  if (caDue) return 'ca';
  if (!certificatesUsable(stored, dnsNames, now)) {
    // A serving cert that does not verify against a healthy CA is replaced from that CA.
    return 'serving';
  }
  return renewalDue(stored.serving.cert, now) ? 'serving' : 'none';
}

async function renew(deps: CertStoreDeps, stored: Certificates | null, what: 'serving' | 'ca', now: Date): Promise<Certificates> {
  const ca: CertificatePem = what === 'ca' || stored === null ? await issueCa(now) : stored.ca;
  return { ca, serving: await issueServing(ca, deps.dnsNames, now) };
}

/**
 * The certificates to serve, created or renewed in the Secret as needed. Throws when the API
 * server keeps refusing (the caller retries later and keeps serving what it has).
 */
export async function ensureCertificates(deps: CertStoreDeps): Promise<StoredCertificates> {
  const { core, namespace, secretName: name } = deps;
  for (let attempt = 1; ; attempt++) {
    const now = deps.now();
    let secret: V1Secret | null;
    try {
      secret = await core.readNamespacedSecret({ name, namespace });
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
      secret = null;
    }
    const stored = secret === null ? null : fromSecret(secret);
    const what = needed(stored?.certs ?? null, deps.dnsNames, now);
    if (stored !== null && what === 'none') {
      return { ...stored.certs, caBundle: bundle(stored.certs.ca.cert, stored.previousCa, now) };
    }
    const next = await renew(deps, stored?.certs ?? null, what === 'serving' ? 'serving' : 'ca', now);
    const previousCa = what === 'ca' ? stored?.certs.ca.cert : stored?.previousCa;
    try {
      if (secret === null) {
        await core.createNamespacedSecret({ namespace, body: toSecret(deps, next, undefined) });
        deps.logger.info({ secret: `${namespace}/${name}`, expires: expiryOf(next.serving.cert) }, 'created the injector certificates');
      } else {
        await core.replaceNamespacedSecret({ name, namespace, body: toSecret(deps, next, previousCa, secret.metadata?.resourceVersion) });
        deps.logger.info({ secret: `${namespace}/${name}`, renewed: what, expires: expiryOf(next.serving.cert) }, 'renewed the injector certificates');
      }
      return { ...next, caBundle: bundle(next.ca.cert, previousCa, now) };
    } catch (err) {
      // 409: another replica created or renewed it first; read theirs and use it.
      if (statusOf(err) !== 409 || attempt === MAX_ATTEMPTS) throw err;
      deps.logger.info({ secret: `${namespace}/${name}`, attempt }, 'another replica wrote the certificates first; using theirs');
    }
  }
}
