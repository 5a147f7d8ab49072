import t from 'tap';
import { LxcfsError } from '../../src/errors.js';
import { ReadDeadline, readDeadline } from '../../src/io/deadline.js';

function clock(start = 0) {
  let now = start;
  return { now: () => now, advance: (ms: number) => { now += ms; } };
}

t.test('outside within(): no deadline, check never throws', async (t) => {
  const c = clock();
  const d = new ReadDeadline(c.now);
  c.advance(1e9);
  t.doesNotThrow(() => d.check('/x'));
  t.doesNotThrow(() => d.throwIfMissed('x'));
});

t.test('within(at): reads up to `at` pass, the first after it throws LXCFS_DEADLINE naming the path', async (t) => {
  const c = clock(100);
  const d = new ReadDeadline(c.now);
  const seen: string[] = [];
  const err = d.within(150, () => {
    d.check('/a'); seen.push('a');
    c.advance(50); // exactly at the deadline: still in time
    d.check('/b'); seen.push('b');
    c.advance(1);
    try {
      d.check('/c');
      seen.push('c');
      return null;
    } catch (e) {
      return e;
    }
  });
  t.same(seen, ['a', 'b']);
  t.ok(err instanceof LxcfsError);
  t.equal((err as LxcfsError).code, 'LXCFS_DEADLINE');
  t.match((err as Error).message, /\/c/);
});

t.test('throwIfMissed: a refused read is remembered even when its error was swallowed', async (t) => {
  const c = clock();
  const d = new ReadDeadline(c.now);
  d.within(10, () => {
    d.throwIfMissed('before anything was refused'); // does not throw
    c.advance(20);
    try { d.check('/optional'); } catch { /* an optional file treated as absent */ }
    t.throws(() => d.throwIfMissed('proc/meminfo'), { code: 'LXCFS_DEADLINE', message: /proc\/meminfo/ });
  });
  t.doesNotThrow(() => d.throwIfMissed('after'), 'forgotten once within() returns');
});

t.test('nested within() restores the outer deadline and its missed state', async (t) => {
  const c = clock();
  const d = new ReadDeadline(c.now);
  d.within(5, () => {
    c.advance(10);
    t.throws(() => d.check('/outer'));
    d.within(Infinity, () => {
      t.doesNotThrow(() => d.check('/inner'), 'no deadline inside');
      t.doesNotThrow(() => d.throwIfMissed('inner'), 'inner starts unmissed');
    });
    t.throws(() => d.throwIfMissed('outer'), { code: 'LXCFS_DEADLINE' }, 'outer still missed');
    t.throws(() => d.check('/outer again'), { code: 'LXCFS_DEADLINE' }, 'outer deadline back');
  });
});

t.test('within() restores state when its reads throw', async (t) => {
  const c = clock();
  const d = new ReadDeadline(c.now);
  t.throws(() => d.within(0, () => { c.advance(1); d.check('/x'); }), { code: 'LXCFS_DEADLINE' });
  t.doesNotThrow(() => d.check('/y'));
  t.doesNotThrow(() => d.throwIfMissed('y'));
});

t.test('the thread\'s deadline runs on performance.now()', async (t) => {
  const before = performance.now();
  const now = readDeadline.now();
  t.ok(now >= before && now <= performance.now());
  t.throws(() => readDeadline.within(readDeadline.now() - 1, () => readDeadline.check('/late')), { code: 'LXCFS_DEADLINE' });
});
