import t from 'tap';
import type { ReadResult } from '../../src/doctor/child.js';
import { checkFiles, gatherFiles, SERVED_FILES } from '../../src/doctor/files-check.js';
import { REGISTRY } from '../../src/files/registry.js';

t.test('the served files are the registry\'s paths', async (t) => {
  t.same(SERVED_FILES, REGISTRY.map((f) => f.path));
  t.ok(SERVED_FILES.includes('proc/meminfo') && SERVED_FILES.includes('sys/devices/system/cpu/online'));
});

t.test('every file is read through the mountpoint, in one batch', async (t) => {
  const asked: string[] = [];
  const reads = await gatherFiles('/m', 90, async (paths, ms) => {
    asked.push(`${paths.join(' ')} ${ms}`);
    return paths.map(() => ({ ok: true, text: 'x' }));
  });
  t.same(asked, [`${SERVED_FILES.map((p) => `/m/${p}`).join(' ')} 90`]);
  t.same(reads.map((r) => r.path), SERVED_FILES);
  t.match(checkFiles(reads), { status: 'ok', message: `all ${SERVED_FILES.length} files answer: proc/cpuinfo, proc/meminfo` });
});

t.test('a reader that answers short: the rest count as failed', async (t) => {
  const reads = await gatherFiles('/m', 1, async () => [{ ok: true, text: 'x' }]);
  t.match(checkFiles(reads), { status: 'fail', message: /^7 of 8 files fail: proc\/meminfo: no result/ });
});

t.test('errors, empty files and timeouts are named', async (t) => {
  const results: Record<string, ReadResult> = {
    'proc/stat': { ok: false, error: 'EIO', timedOut: false },
    'proc/swaps': { ok: true, text: '' },
  };
  const reads = SERVED_FILES.map((path) => ({ path, result: results[path] ?? { ok: true, text: 'x' } }));
  t.match(checkFiles(reads), { status: 'fail', message: '2 of 8 files fail: proc/stat: EIO; proc/swaps: empty', fix: /daemon's log/ });
  reads[0] = { path: 'proc/cpuinfo', result: { ok: false, error: 'no answer within 1 s', timedOut: true } };
  t.match(checkFiles(reads), { status: 'fail', message: /^3 of 8 files fail: proc\/cpuinfo: no answer within 1 s/, fix: /restart it/ });
});
