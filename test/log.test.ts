// createLogger: pino at info (debug with -d), one JSON line per event on stderr (checked in a
// child process, whose stderr we can read); silentLogger: frozen no-ops.
import { spawnSync } from 'node:child_process';
import t from 'tap';
import type { Logger as PinoLogger } from 'pino';
import { createLogger, rateLimited, silentLogger, type Logger } from '../src/log.js';

const LOG_MODULE = new URL('../src/log.ts', import.meta.url).href;

t.test('createLogger(false) logs at info', async (t) => {
  const logger = createLogger(false) as unknown as PinoLogger;
  t.equal(logger.level, 'info');
  t.equal(logger.isLevelEnabled('info'), true);
  t.equal(logger.isLevelEnabled('debug'), false, 'per-request detail is off');
});

t.test('createLogger(true) logs at debug', async (t) => {
  const logger = createLogger(true) as unknown as PinoLogger;
  t.equal(logger.level, 'debug');
  t.equal(logger.isLevelEnabled('debug'), true);
  t.equal(logger.isLevelEnabled('trace'), false);
});

/** Runs `script` (an ES module body with createLogger in scope) in a child; returns its stderr lines. */
function childLog(script: string): { status: number | null; lines: string[]; stdout: string; stderr: string } {
  const body = `const { createLogger } = await import(${JSON.stringify(LOG_MODULE)});\n${script}`;
  // process.execArgv carries the test runner's TypeScript loader, so the child can import src/*.ts.
  const res = spawnSync(process.execPath, [...process.execArgv, '--input-type=module', '-e', body],
    { encoding: 'utf8', timeout: 20_000 });
  return { status: res.status, lines: res.stderr.split('\n').filter((l) => l.startsWith('{')), stdout: res.stdout, stderr: res.stderr };
}

t.test('one JSON line per event on stderr, named lxcfs-node, with the pid', async (t) => {
  const res = childLog(`
    const log = createLogger(false);
    log.debug({ n: 0 }, 'hidden');
    log.info({ mountpoint: '/var/lib/lxcfs', files: 8 }, 'mounted');
    log.warn({ n: 2 }, 'careful');
    log.error({ n: 3 }, 'broken');
    console.log(process.pid);`);
  t.equal(res.status, 0, res.stderr);
  const records = res.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  t.equal(records.length, 3, `debug is dropped at info (stderr: ${res.stderr})`);
  t.match(records[0], { level: 30, name: 'lxcfs-node', pid: Number(res.stdout.trim()), mountpoint: '/var/lib/lxcfs', files: 8, msg: 'mounted' });
  t.type(records[0]?.time, 'number');
  t.same(records.map((r) => [r.level, r.msg]), [[30, 'mounted'], [40, 'careful'], [50, 'broken']]);
  t.equal(res.stdout.trim().split('\n').length, 1, 'nothing but our own line on stdout');
});

t.test('createLogger(true) writes debug lines', async (t) => {
  const res = childLog(`createLogger(true).debug({ unique: 7 }, 'request');`);
  t.equal(res.status, 0, res.stderr);
  t.equal(res.lines.length, 1, res.stderr);
  t.match(JSON.parse(res.lines[0] ?? '{}'), { level: 20, name: 'lxcfs-node', unique: 7, msg: 'request' });
});

t.test('silentLogger: frozen no-ops that accept (fields, message)', async (t) => {
  t.ok(Object.isFrozen(silentLogger));
  t.same(Object.keys(silentLogger).sort(), ['debug', 'error', 'info', 'warn']);
  for (const level of ['debug', 'info', 'warn', 'error'] as const) {
    const fields = { level, nested: { a: 1 } };
    t.equal(silentLogger[level](fields, `a ${level} message`), undefined, `${level} returns nothing`);
    t.same(fields, { level, nested: { a: 1 } }, `${level} leaves its fields alone`);
  }
  t.throws(() => { (silentLogger as { info: unknown }).info = () => {}; }, TypeError, 'cannot be replaced');
});

/** A Logger that remembers every call. */
function recorder(): Logger & { calls: [string, object, string][] } {
  const calls: [string, object, string][] = [];
  const at = (level: string) => (fields: object, message: string) => { calls.push([level, fields, message]); };
  return { calls, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

t.test('rateLimited: one warning or error per class per interval, then how many were suppressed', async (t) => {
  const inner = recorder();
  let clock = 1000;
  const log = rateLimited(inner, { intervalMs: 60_000, now: () => clock });
  const gone = Object.assign(new Error('read failed'), { code: 'ENOENT' });
  for (let i = 0; i < 100; i++) log.error({ err: gone, file: 'proc/meminfo' }, 'renderer failed; served host file');
  log.error({ err: new TypeError('x') }, 'renderer failed; served host file'); // another class: another code
  log.warn({ reason: 'LXCFS_CALLER_GONE' }, 'renderer failed; served host file'); // another level
  log.error({ err: gone }, 'http handler failed'); // another message
  t.equal(inner.calls.length, 4, 'one line per class');
  clock += 59_999;
  log.error({ err: gone }, 'renderer failed; served host file');
  t.equal(inner.calls.length, 4, 'still within the interval');
  clock += 1;
  log.error({ err: gone, file: 'proc/stat' }, 'renderer failed; served host file');
  t.equal(inner.calls.length, 5);
  t.match(inner.calls[4], ['error', { file: 'proc/stat', suppressed: 100 }, 'renderer failed; served host file'], '99 + 1 suppressed');
  clock += 60_000;
  log.error({ err: gone }, 'renderer failed; served host file');
  t.notOk('suppressed' in inner.calls[5]![1], 'nothing suppressed since the last line');
});

t.test('rateLimited: lifecycle (info) and debug lines always pass', async (t) => {
  const inner = recorder();
  const log = rateLimited(inner, { now: () => 0 });
  for (let i = 0; i < 3; i++) {
    log.info({ signal: 'SIGTERM' }, 'stopping');
    log.debug({ unique: i }, 'request');
  }
  t.equal(inner.calls.length, 6);
});

t.test('rateLimited: the classes it remembers are bounded', async (t) => {
  const inner = recorder();
  const log = rateLimited(inner, { now: () => 0 });
  for (let i = 0; i < 5000; i++) log.warn({ reason: `R${i}` }, 'odd');
  t.equal(inner.calls.length, 5000, 'every new class logs');
  log.warn({ reason: 'R0' }, 'odd');
  t.equal(inner.calls.length, 5001, 'the oldest were forgotten, so R0 logs again');
  log.warn({ reason: 'R4999' }, 'odd');
  t.equal(inner.calls.length, 5001, 'a recent class is still limited');
});
