// The injector's HTTPS endpoint: POST /mutate (an AdmissionReview in, the response review out),
// GET /readyz, /livez and /metrics. The API server calls /mutate with a deadline of a few
// seconds; anything it cannot use gets a 4xx with a plain message (the API server logs it and
// applies the webhook's failurePolicy) — one bad request never affects the next. Certificates
// are swapped in place: connections opened after setCertificates() get the new ones.
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { TEXT, closeServer, listenOn, reply, type ListenAddress } from '../agent/http-server.js';
import { LxcfsError } from '../errors.js';
import type { Logger } from '../log.js';
import { admit } from './admission.js';
import type { CertificatePem } from './certs.js';
import { expiryOf } from './certs.js';
import type { ErrorKind, InjectorMetrics } from './metrics.js';
import { MAX_REVIEW_BYTES } from './mutate-command.js';

export interface InjectorServerDeps {
  readonly logger: Logger;
  readonly metrics: InjectorMetrics;
  /** Monotonic seconds, for the latency histogram. */
  readonly clock?: () => number;
}

export interface InjectorServer {
  readonly address: ListenAddress;
  /** New TLS connections use these from now on; open ones keep theirs. */
  setCertificates(certs: CertificatePem): void;
  close(): Promise<void>;
}

class RequestError extends Error {
  constructor(readonly status: number, readonly kind: ErrorKind, message: string) {
    super(message);
  }
}

const JSON_TYPE = 'application/json';

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) return reject(new RequestError(413, 'too-large', `the body is larger than ${limit} bytes`));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new RequestError(413, 'too-large', `the body is larger than ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function answerMutate(req: IncomingMessage, res: ServerResponse, deps: InjectorServerDeps, started: number): Promise<void> {
  const clock = deps.clock ?? (() => performance.now() / 1000);
  try {
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      throw new RequestError(405, 'invalid', 'only POST');
    }
    const type = (req.headers['content-type'] ?? '').split(';', 1)[0]!.trim().toLowerCase();
    if (type !== JSON_TYPE) throw new RequestError(415, 'content-type', `Content-Type must be ${JSON_TYPE}, got ${JSON.stringify(type)}`);
    const body = await readBody(req, MAX_REVIEW_BYTES);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch (err) {
      throw new RequestError(400, 'invalid', `the body is not JSON: ${(err as Error).message}`);
    }
    let admission;
    try {
      admission = admit(parsed);
    } catch (err) {
      if (err instanceof LxcfsError && err.code === 'LXCFS_ADMISSION_INVALID') throw new RequestError(400, 'invalid', err.message);
      throw err;
    }
    reply(res, 200, JSON_TYPE, JSON.stringify(admission.review));
    deps.metrics.admitted(admission.mutation.outcome, clock() - started);
    deps.logger.debug({ uid: admission.review.response?.uid, outcome: admission.mutation.outcome }, 'admission');
  } catch (err) {
    const known = err instanceof RequestError;
    if (!known) deps.logger.error({ err }, 'admission failed');
    deps.metrics.failed(known ? err.kind : 'internal', clock() - started);
    if (res.headersSent) return void res.destroy();
    reply(res, known ? err.status : 500, TEXT, `${known ? err.message : 'internal error'}\n`);
  }
}

export async function startInjectorServer(listen: ListenAddress, certs: CertificatePem, deps: InjectorServerDeps): Promise<InjectorServer> {
  const clock = deps.clock ?? (() => performance.now() / 1000);
  const server: Server = createServer({ cert: certs.cert, key: certs.key, minVersion: 'TLSv1.2' }, (req, res) => {
    const started = clock();
    const path = (req.url ?? '/').split('?', 1)[0]!;
    if (path === '/mutate') return void answerMutate(req, res, deps, started);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return reply(res, 405, TEXT, 'only GET and HEAD\n');
    }
    if (path === '/livez' || path === '/readyz') return reply(res, 200, TEXT, 'ok\n');
    if (path === '/metrics') {
      return void deps.metrics.render().then(
        (text) => reply(res, 200, deps.metrics.contentType, text),
        (err: unknown) => { deps.logger.error({ err }, 'metrics failed'); reply(res, 500, TEXT, 'internal error\n'); },
      );
    }
    reply(res, 404, TEXT, 'not found; try POST /mutate, /readyz, /livez or /metrics\n');
  });
  const address = await listenOn(server, listen, deps.logger);
  server.on('tlsClientError', (err) => deps.logger.debug({ err }, 'tls handshake failed'));
  deps.metrics.certificateExpires(expiryOf(certs.cert));
  return {
    address,
    setCertificates(next) {
      server.setSecureContext({ cert: next.cert, key: next.key, minVersion: 'TLSv1.2' });
      deps.metrics.certificateExpires(expiryOf(next.cert));
    },
    close: () => closeServer(server),
  };
}
