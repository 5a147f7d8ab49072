// A fake Kubernetes API server on loopback (HTTP), for driving the real @kubernetes/client-node:
// Secrets (get, create with 409 when present, replace with resourceVersion checks) and
// MutatingWebhookConfigurations (get, JSON patch with test ops). Each response is a real
// API-server shape, Status objects included. Hooks let a test play another replica.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import jsonpatch from 'fast-json-patch';
import { KubeConfig } from '@kubernetes/client-node';
import type { Test } from 'tap';

type Obj = Record<string, any>;

export interface RecordedRequest { readonly method: string; readonly path: string; readonly contentType?: string }

export interface FakeApiServer {
  readonly url: string;
  readonly secrets: Map<string, Obj>;
  readonly webhookConfigs: Map<string, Obj>;
  readonly requests: RecordedRequest[];
  /** Runs before a Secret create or replace is applied (e.g. another replica writes first). */
  beforeWrite?: (method: 'POST' | 'PUT', key: string) => void;
  /** Answers a request with an error Status instead (e.g. 403 for RBAC, 500). */
  failWith?: (method: string, path: string) => { code: number; reason: string } | undefined;
  kubeConfig(): KubeConfig;
  /** Stores an object as the API server would: with a fresh resourceVersion. */
  put(map: Map<string, Obj>, key: string, object: Obj): Obj;
}

function status(res: ServerResponse, code: number, reason: string, message: string): void {
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code }));
}

function send(res: ServerResponse, code: number, body: Obj): void {
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function body(req: IncomingMessage): Promise<any> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return JSON.parse(text);
}

export async function startFakeApiServer(t: Test): Promise<FakeApiServer> {
  let version = 100;
  const fake: FakeApiServer = {
    url: '',
    secrets: new Map(),
    webhookConfigs: new Map(),
    requests: [],
    kubeConfig() {
      const kc = new KubeConfig();
      kc.loadFromOptions({
        clusters: [{ name: 'fake', server: this.url, skipTLSVerify: true }],
        users: [{ name: 'injector', token: 'test-token' }],
        contexts: [{ name: 'fake', cluster: 'fake', user: 'injector' }],
        currentContext: 'fake',
      });
      return kc;
    },
    put(map, key, object) {
      const stored = structuredClone(object);
      stored.metadata = { ...stored.metadata, resourceVersion: String(++version) };
      map.set(key, stored);
      return stored;
    },
  };
  const server = createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? '').split('?', 1)[0]!;
      fake.requests.push({ method: req.method!, path, contentType: req.headers['content-type'] });
      const failure = fake.failWith?.(req.method!, path);
      if (failure !== undefined) return status(res, failure.code, failure.reason, `${failure.reason} (the fake API server was told to fail)`);
      let m = /^\/api\/v1\/namespaces\/([^/]+)\/secrets(?:\/([^/]+))?$/.exec(path);
      if (m !== null) {
        const [, ns, name] = m;
        if (req.method === 'GET' && name !== undefined) {
          const s = fake.secrets.get(`${ns}/${name}`);
          return s === undefined ? status(res, 404, 'NotFound', `secrets "${name}" not found`) : send(res, 200, s);
        }
        if (req.method === 'POST' && name === undefined) {
          const obj = await body(req);
          const key = `${ns}/${obj.metadata.name}`;
          fake.beforeWrite?.('POST', key);
          if (fake.secrets.has(key)) return status(res, 409, 'AlreadyExists', `secrets "${obj.metadata.name}" already exists`);
          return send(res, 201, fake.put(fake.secrets, key, obj));
        }
        if (req.method === 'PUT' && name !== undefined) {
          const obj = await body(req);
          const key = `${ns}/${name}`;
          fake.beforeWrite?.('PUT', key);
          const current = fake.secrets.get(key);
          if (current === undefined) return status(res, 404, 'NotFound', `secrets "${name}" not found`);
          if (obj.metadata?.resourceVersion !== current.metadata.resourceVersion) {
            return status(res, 409, 'Conflict', `Operation cannot be fulfilled on secrets "${name}": the object has been modified; please apply your changes to the latest version and try again`);
          }
          return send(res, 200, fake.put(fake.secrets, key, obj));
        }
      }
      m = /^\/apis\/admissionregistration\.k8s\.io\/v1\/mutatingwebhookconfigurations\/([^/]+)$/.exec(path);
      if (m !== null) {
        const name = m[1]!;
        const current = fake.webhookConfigs.get(name);
        if (current === undefined) return status(res, 404, 'NotFound', `mutatingwebhookconfigurations.admissionregistration.k8s.io "${name}" not found`);
        if (req.method === 'GET') return send(res, 200, current);
        if (req.method === 'PATCH') {
          if (req.headers['content-type'] !== 'application/json-patch+json') return status(res, 415, 'UnsupportedMediaType', `unsupported ${req.headers['content-type']}`);
          const patch = await body(req);
          try {
            const next = jsonpatch.applyPatch(structuredClone(current), patch, true, false).newDocument;
            return send(res, 200, fake.put(fake.webhookConfigs, name, next));
          } catch (err) {
            return status(res, 422, 'Invalid', (err as Error).message);
          }
        }
      }
      status(res, 404, 'NotFound', `the fake API server has no ${req.method} ${path}`);
    })().catch((err: unknown) => status(res, 500, 'InternalError', String(err)));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); }));
  (fake as { url: string }).url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return fake;
}
