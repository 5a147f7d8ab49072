import t from 'tap';
import { writeFileSync } from 'node:fs';
import { readProcText } from '../../src/caller/proc-read.js';

t.test('reads a real procfs file whose reported size is 0', async (t) => {
  const text = readProcText(`/proc/${process.pid}/status`);
  t.match(text, new RegExp(`\\nPid:\\t${process.pid}\\n`));
  t.ok(text.endsWith('\n'));
});

t.test('files larger than the shared buffer are read whole, and later reads are not polluted', async (t) => {
  const dir = t.testdir({});
  const big = 'Groups:\t' + '12345 '.repeat(5000) + '\nNSpid:\t7\t1\n';
  writeFileSync(`${dir}/big`, big);
  writeFileSync(`${dir}/small`, 'PPid:\t1\n');
  t.equal(readProcText(`${dir}/big`), big);
  t.equal(readProcText(`${dir}/small`), 'PPid:\t1\n');
  t.equal(readProcText(`${dir}/big`), big);
});

t.test('errors are Node\'s, so callers can tell "gone" from other failures', async (t) => {
  t.throws(() => readProcText('/proc/0/status'), { code: 'ENOENT' });
});
