// createLogger: pino at info (debug with -d), one JSON line per event on stderr (checked in a
// child process, whose stderr we can read); silentLogger: frozen no-ops.
import { spawnSync } from 'node:child_process';
import t from 'tap';
import type { Logger as PinoLogger } from 'pino';
import { createLogger, silentLogger } from '../src/log.js';

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
