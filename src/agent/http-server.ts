// The daemon's HTTP endpoint (--http [HOST:]PORT, loopback unless a host is given):
// /metrics for Prometheus, /readyz (mounted and answering through the kernel), /livez
// (the event loop answers). GET and HEAD only; anything else is 404/405. A failing
// handler answers 500 and is logged — it never takes the daemon down.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LxcfsError } from '../errors.js';
import type { Logger } from '../log.js';
import type { ReadinessCheck } from './health.js';
import type { Metrics } from './metrics.js';

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

export const DEFAULT_HTTP_HOST = '127.0.0.1';

/** `PORT`, `HOST:PORT` or `[IPV6]:PORT`; port 0 picks a free one (tests). */
export function parseListenAddress(value: string, flag = '--http'): ListenAddress {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]:|([^:[\]\s]+):)?(\d{1,5})$/.exec(value);
  const port = match === null ? NaN : Number(match[3]);
  if (match === null || port > 65535) {
    throw new LxcfsError('LXCFS_USAGE', `${flag} takes [HOST:]PORT (port 0-65535), got ${JSON.stringify(value)}`);
  }
  return { host: match[1] ?? match[2] ?? DEFAULT_HTTP_HOST, port };
}

export interface HttpDeps {
  readonly metrics: Metrics;
  readonly readiness: ReadinessCheck;
  readonly logger: Logger;
}

export interface HttpEndpoint {
  /** Where it listens (the real port when 0 was asked for). */
  readonly address: ListenAddress;
  close(): Promise<void>;
}

type Route = (res: ServerResponse) => Promise<void>;

export async function startHttpServer(listen: ListenAddress, deps: HttpDeps): Promise<HttpEndpoint> {
  const routes: Record<string, Route> = {
    '/metrics': async (res) => reply(res, 200, deps.metrics.contentType, await deps.metrics.render()),
    '/readyz': async (res) => {
      const { ready, reason } = await deps.readiness();
      reply(res, ready ? 200 : 503, TEXT, `${reason}\n`);
    },
    '/livez': async (res) => reply(res, 200, TEXT, 'ok\n'),
  };
  const server = createServer((req, res) => void handle(routes, req, res, deps.logger));
  const address = await listenOn(server, listen, deps.logger);
  return { address, close: () => closeServer(server) };
}

/**
 * Bounded timeouts, then listen; a failure to listen is LXCFS_HTTP_LISTEN, later server
 * errors are logged. Returns where it listens (the real port when 0 was asked for).
 */
export async function listenOn(server: Server, listen: ListenAddress, logger: Logger): Promise<ListenAddress> {
  // Scrapers and probes keep connections alive; never let one hold a stop.
  server.keepAliveTimeout = 5000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new LxcfsError('LXCFS_HTTP_LISTEN', `${listen.host}:${listen.port}: ${err.message}`, { cause: err })));
    server.listen(listen.port, listen.host, () => resolve());
  });
  server.on('error', (err) => logger.error({ err }, 'http server error'));
  const bound = server.address() as AddressInfo;
  return { host: bound.address, port: bound.port };
}

export const TEXT = 'text/plain; charset=utf-8';

async function handle(routes: Record<string, Route>, req: IncomingMessage, res: ServerResponse, logger: Logger): Promise<void> {
  const path = (req.url ?? '/').split('?', 1)[0]!;
  const route = Object.hasOwn(routes, path) ? routes[path] : undefined;
  if (route === undefined) return reply(res, 404, TEXT, 'not found; try /metrics, /readyz or /livez\n');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return reply(res, 405, TEXT, 'only GET and HEAD\n');
  }
  try {
    await route(res);
  } catch (err) {
    logger.error({ err, path }, 'http handler failed');
    if (!res.headersSent) reply(res, 500, TEXT, 'internal error\n');
    else res.destroy();
  }
}

export function reply(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(body) });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

/** Stops listening and drops kept-alive connections, so a stop never waits for a scraper. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
