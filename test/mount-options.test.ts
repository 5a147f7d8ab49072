import t from 'tap';
import { mountRequest, splitOptions } from '../src/mount-options.js';

const BASE = 'fd=7,rootmode=40000,user_id=0,group_id=0,allow_other';

t.test('no options: the FUSE data lxcfs-node always sends', async (t) => {
  t.same(mountRequest(7, []), { flags: 0, data: BASE });
  t.same(mountRequest(123, []).data, 'fd=123,rootmode=40000,user_id=0,group_id=0,allow_other');
});

t.test('flag words become MS_* flags', async (t) => {
  // <linux/mount.h>: MS_RDONLY 1, MS_NOSUID 2, MS_NODEV 4, MS_NOEXEC 8, MS_NOATIME 1024,
  // MS_NODIRATIME 2048, MS_RELATIME 1 << 21.
  const cases: [string, number][] = [
    ['ro', 1], ['nosuid', 2], ['nodev', 4], ['noexec', 8], ['noatime', 1024], ['nodiratime', 2048], ['relatime', 2097152],
  ];
  for (const [option, flag] of cases) t.same(mountRequest(7, [option]), { flags: flag, data: BASE }, option);
  t.equal(mountRequest(7, cases.map(([o]) => o)).flags, 1 | 2 | 4 | 8 | 1024 | 2048 | 2097152, 'combined');
});

t.test('options lxcfs sets itself are dropped', async (t) => {
  const ignored = ['allow_other', 'direct_io', 'nonempty', 'entry_timeout', 'entry_timeout=0.5', 'attr_timeout', 'attr_timeout=10',
    'rw', 'suid', 'dev', 'exec'];
  t.same(mountRequest(7, ignored), { flags: 0, data: BASE });
  t.same(mountRequest(7, ['', '']), { flags: 0, data: BASE }, 'empty options');
});

t.test('everything else goes to the kernel as data, in order', async (t) => {
  t.same(mountRequest(7, ['ro', 'default_permissions', 'allow_other', 'max_read=131072', 'nosuid', 'blksize=4096']), {
    flags: 3,
    data: `${BASE},default_permissions,max_read=131072,blksize=4096`,
  });
  t.equal(mountRequest(7, ['direct_io_x']).data, `${BASE},direct_io_x`, 'only exact ignored words are dropped');
  t.equal(mountRequest(7, ['ro=1']).data, `${BASE},ro=1`, 'a flag word with a value is data');
});

t.test('option words named like Object.prototype members are passed as data', async (t) => {
  // MS[option] finds inherited members ('toString', 'constructor', …) of the plain
  // object; `flags |= <function>` adds nothing and the option silently vanishes
  // instead of reaching the kernel (which rejects unknown options with EINVAL).
  for (const option of ['toString', 'constructor', 'valueOf', 'hasOwnProperty']) {
    t.same(mountRequest(7, [option]), { flags: 0, data: `${BASE},${option}` }, option);
  }
});

t.test('splitOptions', async (t) => {
  t.same(splitOptions('a,b=c'), ['a', 'b=c']);
  t.same(splitOptions(' ro , nosuid ,'), ['ro', 'nosuid'], 'trimmed, empties dropped');
  t.same(splitOptions(''), []);
  t.same(splitOptions(',,,'), []);
  t.same(splitOptions('subtype=lxcfs'), ['subtype=lxcfs']);
});
