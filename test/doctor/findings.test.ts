import t from 'tap';
import { CHECK_IDS, exitCodeOf, fail, ok, warn } from '../../src/doctor/findings.js';

t.test('constructors: a fix exactly when not ok', async (t) => {
  t.same(ok('mount', 'fine'), { check: 'mount', status: 'ok', message: 'fine' });
  t.same(warn('mount', 'hm', 'do x'), { check: 'mount', status: 'warn', message: 'hm', fix: 'do x' });
  t.same(fail('files', 'bad', 'do y'), { check: 'files', status: 'fail', message: 'bad', fix: 'do y' });
});

t.test('exit code: 0 all ok, 1 any failure, 2 warnings only', async (t) => {
  t.equal(exitCodeOf([]), 0);
  t.equal(exitCodeOf([ok('mount', '')]), 0);
  t.equal(exitCodeOf([ok('mount', ''), warn('files', '', '')]), 2);
  t.equal(exitCodeOf([warn('mount', '', ''), fail('files', '', '')]), 1);
});

t.test('the stable ids, in check order', async (t) => {
  t.same(CHECK_IDS, ['fuse-device', 'cgroup-layout', 'mount', 'files', 'pid-exists', 'pid-covered', 'pid-stale', 'pid-values']);
  t.ok(Object.isFrozen(CHECK_IDS));
});
