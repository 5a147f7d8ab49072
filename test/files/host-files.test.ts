import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { LxcfsError } from '../../src/errors.js';
import { hostFileReader } from '../../src/files/host-files.js';

function fixture(t: Test) {
  const dir = t.testdir({
    proc: { meminfo: 'MemTotal: 1 kB\n', 'self': { status: 'Name:\tnode\n' }, empty: '' },
    sys: { devices: { system: { cpu: { online: '0-7\n' } } } },
  });
  const roots = { procRoot: join(dir, 'proc'), sysRoot: join(dir, 'sys'), cgroupRoot: join(dir, 'cgroup') };
  return { dir, roots, read: hostFileReader(roots) };
}

t.test('reads proc files under procRoot and sys files under sysRoot', async (t) => {
  const { read } = fixture(t);
  t.equal(read({ root: 'proc', path: 'meminfo' }), 'MemTotal: 1 kB\n');
  t.equal(read({ root: 'proc', path: 'self/status' }), 'Name:\tnode\n');
  t.equal(read({ root: 'sys', path: 'devices/system/cpu/online' }), '0-7\n');
  t.equal(read({ root: 'proc', path: 'empty' }), '', 'an empty file is read as ""');
});

t.test('roots are not mixed up', async (t) => {
  const { read, roots } = fixture(t);
  t.throws(() => read({ root: 'sys', path: 'meminfo' }),
    { code: 'LXCFS_HOST_UNREADABLE', message: `a host file could not be read: ${join(roots.sysRoot, 'meminfo')}` });
  t.throws(() => read({ root: 'proc', path: 'devices/system/cpu/online' }), { code: 'LXCFS_HOST_UNREADABLE' });
});

t.test('a missing file: LXCFS_HOST_UNREADABLE with the path and the cause', async (t) => {
  const { read, roots } = fixture(t);
  try {
    read({ root: 'proc', path: 'nope' });
    t.fail('did not throw');
  } catch (err) {
    t.ok(err instanceof LxcfsError);
    const e = err as LxcfsError;
    t.equal(e.code, 'LXCFS_HOST_UNREADABLE');
    t.equal(e.errno, 5);
    t.equal(e.message, `a host file could not be read: ${join(roots.procRoot, 'nope')}`);
    t.equal((e.cause as NodeJS.ErrnoException).code, 'ENOENT');
  }
});

t.test('a directory or an unreadable file: LXCFS_HOST_UNREADABLE', async (t) => {
  const { read, roots } = fixture(t);
  t.throws(() => read({ root: 'proc', path: 'self' }), { code: 'LXCFS_HOST_UNREADABLE', cause: { code: 'EISDIR' } });
  if (process.getuid?.() !== 0) {
    chmodSync(join(roots.procRoot, 'meminfo'), 0);
    t.throws(() => read({ root: 'proc', path: 'meminfo' }), { code: 'LXCFS_HOST_UNREADABLE', cause: { code: 'EACCES' } });
  } else {
    t.comment('running as root: permission bits do not stop reads; EACCES case not exercised');
  }
});

t.test('reads afresh every time (no caching)', async (t) => {
  const { read, roots } = fixture(t);
  t.equal(read({ root: 'proc', path: 'meminfo' }), 'MemTotal: 1 kB\n');
  writeFileSync(join(roots.procRoot, 'meminfo'), 'MemTotal: 2 kB\n');
  t.equal(read({ root: 'proc', path: 'meminfo' }), 'MemTotal: 2 kB\n');
});
