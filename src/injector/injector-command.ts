// `lxcfs-node injector`: the mutating webhook's process. Two certificate modes:
//  - self-signed (default): a CA and serving certificate kept in a Secret shared by the replicas
//    (cert-store.ts), the CA put into our MutatingWebhookConfiguration (ca-bundle.ts), both
//    checked every --reconcile-seconds: a renewal is swapped into the server in place, a reset
//    caBundle is repaired.
//  - --cert/--key files (a user Secret, or cert-manager's with its CA injector on the webhook
//    configuration): the files are re-read every interval and swapped in when they change.
// A failed reconcile is logged and retried; the server keeps serving what it has.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { AdmissionregistrationV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { parseListenAddress, type ListenAddress } from '../agent/http-server.js';
import { NAMESPACE } from '../deploy/manifests.js';
import { LxcfsError } from '../errors.js';
import type { Logger } from '../log.js';
import { ensureCaBundle } from './ca-bundle.js';
import { ensureCertificates } from './cert-store.js';
import { serviceDnsNames, type CertificatePem } from './certs.js';
import { INJECTOR_DEFAULTS } from './defaults.js';
import { createInjectorMetrics } from './metrics.js';
import { startInjectorServer, type InjectorServer } from './server.js';


const SA_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

export const INJECTOR_USAGE = `Usage: lxcfs-node injector [options]

Serves the pod injector's mutating webhook over HTTPS: POST /mutate, /readyz, /livez, /metrics.

  --listen [HOST:]PORT     where to listen (default ${INJECTOR_DEFAULTS.listen})
  --cert FILE --key FILE   serve these (e.g. a cert-manager Secret); re-read when they change
                           (default: self-signed, kept in a Secret and put into the webhook's caBundle)
  --namespace NS           our namespace (default: the pod's, else ${NAMESPACE})
  --service NAME           the Service the API server calls (default ${INJECTOR_DEFAULTS.service})
  --secret NAME            the Secret holding self-signed certificates (default ${INJECTOR_DEFAULTS.secret})
  --webhook-config NAME    our MutatingWebhookConfiguration (default ${INJECTOR_DEFAULTS.webhookConfig})
  --reconcile-seconds N    how often certificates and the caBundle are checked (default ${INJECTOR_DEFAULTS.reconcileSeconds})
  -d, --debug              log every admission
`;

export { INJECTOR_DEFAULTS };

export type CertificateSource =
  | { readonly kind: 'files'; readonly cert: string; readonly key: string }
  | { readonly kind: 'self-signed'; readonly secret: string; readonly webhookConfig: string };

export interface InjectorOptions {
  readonly listen: ListenAddress;
  readonly namespace: string;
  readonly service: string;
  readonly certificates: CertificateSource;
  readonly reconcileMs: number;
  readonly debug: boolean;
}

export type InjectorCommand = { readonly kind: 'help' } | { readonly kind: 'run'; readonly options: InjectorOptions };

function podNamespace(): string {
  try {
    return readFileSync(SA_NAMESPACE_FILE, 'utf8').trim() || NAMESPACE;
  } catch {
    return NAMESPACE;
  }
}

export function parseInjectorArgs(argv: readonly string[], defaultNamespace = podNamespace): InjectorCommand {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv], strict: true, allowPositionals: false,
      options: {
        listen: { type: 'string' }, cert: { type: 'string' }, key: { type: 'string' }, namespace: { type: 'string' },
        service: { type: 'string' }, secret: { type: 'string' }, 'webhook-config': { type: 'string' },
        'reconcile-seconds': { type: 'string' }, debug: { type: 'boolean', short: 'd' }, help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new LxcfsError('LXCFS_USAGE', (err as Error).message);
  }
  if (values.help === true) return { kind: 'help' };
  if ((values.cert === undefined) !== (values.key === undefined)) throw new LxcfsError('LXCFS_USAGE', '--cert and --key go together');
  if (values.cert !== undefined && (values.secret !== undefined || values['webhook-config'] !== undefined)) {
    throw new LxcfsError('LXCFS_USAGE', '--secret and --webhook-config are for self-signed certificates, not with --cert');
  }
  const seconds = values['reconcile-seconds'] ?? String(INJECTOR_DEFAULTS.reconcileSeconds);
  if (!/^\d{1,5}$/.test(seconds) || Number(seconds) < 1) throw new LxcfsError('LXCFS_USAGE', `--reconcile-seconds takes 1 to 99999, got ${JSON.stringify(seconds)}`);
  return {
    kind: 'run',
    options: {
      listen: parseListenAddress(values.listen ?? INJECTOR_DEFAULTS.listen, '--listen'),
      namespace: values.namespace ?? defaultNamespace(),
      service: values.service ?? INJECTOR_DEFAULTS.service,
      certificates: values.cert !== undefined
        ? { kind: 'files', cert: values.cert, key: values.key! }
        : { kind: 'self-signed', secret: values.secret ?? INJECTOR_DEFAULTS.secret, webhookConfig: values['webhook-config'] ?? INJECTOR_DEFAULTS.webhookConfig },
      reconcileMs: Number(seconds) * 1000,
      debug: values.debug === true,
    },
  };
}

export interface InjectorDeps {
  readonly logger: Logger;
  readonly version: string;
  /** The API server to talk to (self-signed mode); default: in-cluster or $KUBECONFIG. */
  readonly kubeConfig?: KubeConfig;
  readonly now?: () => Date;
}

export interface RunningInjector {
  readonly server: InjectorServer;
  /** One reconcile now (the timer runs them every interval). */
  reconcile(): Promise<void>;
  stop(): Promise<void>;
}

function readFiles(source: { cert: string; key: string }): CertificatePem {
  try {
    return { cert: readFileSync(source.cert, 'utf8'), key: readFileSync(source.key, 'utf8') };
  } catch (err) {
    throw new LxcfsError('LXCFS_INJECTOR_CERTS', (err as Error).message, { cause: err });
  }
}

export async function startInjector(options: InjectorOptions, deps: InjectorDeps): Promise<RunningInjector> {
  const { logger } = deps;
  const now = deps.now ?? (() => new Date());
  const metrics = createInjectorMetrics(deps.version);
  const source = options.certificates;
  let reconcileOnce: (server: InjectorServer) => Promise<void>;
  let initial: CertificatePem;
  if (source.kind === 'files') {
    initial = readFiles(source);
    let current = initial;
    reconcileOnce = async (server) => {
      const next = readFiles(source);
      if (next.cert === current.cert && next.key === current.key) return;
      server.setCertificates(next);
      current = next;
      logger.info({ cert: source.cert }, 'serving the changed certificate files');
    };
  } else {
    const kc = deps.kubeConfig ?? defaultKubeConfig();
    const store = {
      core: kc.makeApiClient(CoreV1Api), namespace: options.namespace, secretName: source.secret,
      dnsNames: serviceDnsNames(options.service, options.namespace), now, logger,
    };
    const bundle = { admission: kc.makeApiClient(AdmissionregistrationV1Api), configName: source.webhookConfig, logger };
    let stored;
    try {
      stored = await ensureCertificates(store);
    } catch (err) {
      throw new LxcfsError('LXCFS_INJECTOR_CERTS', `the Secret ${options.namespace}/${source.secret}: ${(err as Error).message}`, { cause: err });
    }
    initial = stored.serving;
    let current = stored;
    reconcileOnce = async (server) => {
      const next = await ensureCertificates(store);
      if (next.serving.cert !== current.serving.cert) {
        server.setCertificates(next.serving);
        logger.info({ secret: `${options.namespace}/${source.secret}` }, 'serving the renewed certificate');
      }
      current = next;
      await ensureCaBundle(bundle, next.caBundle);
    };
  }
  const server = await startInjectorServer(options.listen, initial, { logger, metrics });
  const reconcile = async () => {
    try {
      await reconcileOnce(server);
    } catch (err) {
      logger.warn({ err }, 'reconcile failed; serving the current certificate, retrying next interval');
    }
  };
  // The caBundle right away: until it is set, the API server cannot call us.
  if (source.kind === 'self-signed') await reconcile();
  const timer = setInterval(() => void reconcile(), options.reconcileMs);
  timer.unref();
  logger.info({ address: server.address, certificates: source.kind }, 'serving the injector');
  return {
    server,
    reconcile,
    async stop() {
      clearInterval(timer);
      await server.close();
    },
  };
}

function defaultKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  return kc;
}
