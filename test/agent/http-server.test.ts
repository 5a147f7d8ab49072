// startHttpServer on loopback with stand-in metrics and readiness: routes, methods,
// status codes, a failing handler, a taken port, and close() with keep-alive clients.
import t, { type Test } from 'tap';
import { createServer, request } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { parseListenAddress, startHttpServer, type HttpEndpoint } from '../../src/agent/http-server.js';
import type { Readiness } from '../../src/agent/health.js';
import { silentLogger, type Logger } from '../../src/log.js';

interface Reply { status: number; headers: Record<string, string | string[] | undefined>; body: string }

function call(port: number, path: string, method = 'GET', agent?: import('node:http').Agent): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => { body += d; }).on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function serve(t: Test, readiness: () => Promise<Readiness>, logger: Logger = silentLogger): Promise<HttpEndpoint> {
  const metrics = { contentType: 'text/plain; version=0.0.4; charset=utf-8', render: async () => 'lxcfs_node_mounted 1\n' };
  const endpoint = await startHttpServer({ host: '127.0.0.1', port: 0 }, { metrics, readiness, logger });
  t.teardown(() => endpoint.close());
  return endpoint;
}

t.test('/metrics, /readyz and /livez', async (t) => {
  let state: Readiness = { ready: true, reason: 'ok' };
  const { address } = await serve(t, async () => state);
  t.equal(address.host, '127.0.0.1');
  t.ok(address.port > 0, 'the port the kernel picked');
  const metrics = await call(address.port, '/metrics');
  t.match(metrics, { status: 200, body: 'lxcfs_node_mounted 1\n', headers: { 'content-type': /version=0\.0\.4/, 'cache-control': 'no-store' } });
  t.match(await call(address.port, '/readyz'), { status: 200, body: 'ok\n' });
  state = { ready: false, reason: 'not mounted at /x' };
  t.match(await call(address.port, '/readyz'), { status: 503, body: 'not mounted at /x\n' });
  t.match(await call(address.port, '/livez'), { status: 200, body: 'ok\n' });
  t.match(await call(address.port, '/livez?verbose'), { status: 200 }, 'a query string is ignored');
});

t.test('HEAD has no body; other methods 405; unknown paths 404', async (t) => {
  const { address } = await serve(t, async () => ({ ready: true, reason: 'ok' }));
  const head = await call(address.port, '/metrics', 'HEAD');
  t.match(head, { status: 200, body: '' });
  const post = await call(address.port, '/readyz', 'POST');
  t.match(post, { status: 405, headers: { allow: 'GET, HEAD' } });
  t.match(await call(address.port, '/'), { status: 404, body: /try \/metrics/ });
  t.match(await call(address.port, '/constructor'), { status: 404 }, 'no prototype lookups');
});

t.test('a handler that throws answers 500, is logged, and the server goes on', async (t) => {
  const errors: string[] = [];
  const logger = { ...silentLogger, error: (_: object, message: string) => { errors.push(message); } };
  let fail = true;
  const { address } = await serve(t, async () => { if (fail) throw new Error('boom'); return { ready: true, reason: 'ok' }; }, logger);
  t.match(await call(address.port, '/readyz'), { status: 500, body: 'internal error\n' });
  t.same(errors, ['http handler failed']);
  fail = false;
  t.match(await call(address.port, '/readyz'), { status: 200 });
});

t.test('a taken port is a start-up error with a stable code', async (t) => {
  const taken = createServer();
  taken.listen(0, '127.0.0.1');
  await once(taken, 'listening');
  t.teardown(() => { taken.close(); });
  const port = (taken.address() as AddressInfo).port;
  const metrics = { contentType: 'text/plain', render: async () => '' };
  await t.rejects(startHttpServer({ host: '127.0.0.1', port }, { metrics, readiness: async () => ({ ready: true, reason: 'ok' }), logger: silentLogger }),
    { code: 'LXCFS_HTTP_LISTEN', message: new RegExp(`127\\.0\\.0\\.1:${port}: .*EADDRINUSE`) });
});

t.test('close() returns even with a keep-alive client connected', async (t) => {
  const { Agent } = await import('node:http');
  const agent = new Agent({ keepAlive: true });
  t.teardown(() => agent.destroy());
  const metrics = { contentType: 'text/plain', render: async () => 'x\n' };
  const endpoint = await startHttpServer({ host: '127.0.0.1', port: 0 }, { metrics, readiness: async () => ({ ready: true, reason: 'ok' }), logger: silentLogger });
  t.equal((await call(endpoint.address.port, '/livez', 'GET', agent)).status, 200);
  await endpoint.close();
  await t.rejects(call(endpoint.address.port, '/livez'), { code: 'ECONNREFUSED' });
});

t.test('parseListenAddress', async (t) => {
  t.same(parseListenAddress('0'), { host: '127.0.0.1', port: 0 });
  t.same(parseListenAddress('localhost:9558'), { host: 'localhost', port: 9558 });
  t.same(parseListenAddress('[::]:9558'), { host: '::', port: 9558 });
  t.throws(() => parseListenAddress('99999'), { code: 'LXCFS_USAGE' });
  t.throws(() => parseListenAddress('a b:1'), { code: 'LXCFS_USAGE' });
});
