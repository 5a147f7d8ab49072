import { mkdirSync } from 'node:fs';
import t from 'tap';
import { realDeps } from '../../src/doctor/deps.js';
import { splitDev } from '../../src/doctor/device-check.js';

t.test('realDeps: device stat and open on a real character device', async (t) => {
  const deps = realDeps();
  const st = deps.statDevice('/dev/null');
  t.ok(st.isCharacterDevice());
  t.same(splitDev(st.rdev), { major: 1, minor: 3 });
  t.doesNotThrow(() => deps.openDevice('/dev/null'), 'opens read-write');
  t.throws(() => deps.openDevice('/nonexistent/fuse'), { code: 'ENOENT' });
});

t.test('realDeps: reads and probes go through children', async (t) => {
  const dir = t.testdir({ f: 'text' });
  mkdirSync(`${dir}/d`);
  const deps = realDeps();
  t.same(await deps.readFiles([`${dir}/f`], 2000), [{ ok: true, text: 'text' }]);
  t.same(await deps.probe(`${dir}/d`, 2000), { state: 'live' });
});
