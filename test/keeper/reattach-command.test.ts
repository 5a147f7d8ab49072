// `lxcfs-node reattach` over a fixture /proc and a stand-in for the native calls: its output
// and exit status; the usage errors. The real re-attach runs in test/integration/reattach.test.ts.
import { mkdirSync, openSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { REATTACH_USAGE, reattachCommand } from '../../src/keeper/reattach-command.js';

function proc(t: Test): string {
  const root = t.testdir({});
  mkdirSync(join(root, '42', 'ns'), { recursive: true });
  symlinkSync('mnt:[9]', join(root, '42', 'ns', 'mnt'));
  writeFileSync(join(root, '42', 'mountinfo'), [
    '31 1 0:40 /proc/meminfo /proc/meminfo rw - fuse.lxcfs-node lxcfs-node rw',
    '32 1 0:40 /proc/stat /proc/stat rw - fuse.lxcfs-node lxcfs-node rw',
  ].join('\n'));
  return root;
}

function run(argv: string[], procRoot: string, outcome: (target: string) => string) {
  let out = '';
  const native = {
    openTreeClone: () => openSync('/dev/null', 'r'), // a real fd: reattach closes it
    reattachMount: (_ns: string, _fd: number, target: string) => ({ outcome: outcome(target), errno: outcome(target) === 'umount' ? 16 : 0 }),
  };
  const mountinfo = () => [{ mountId: 50, device: '0:52', root: '/', mountPoint: '/var/lib/lxcfs', fsType: 'fuse.lxcfs-node', source: 'lxcfs-node' }];
  const code = reattachCommand(argv, { stdout: (s) => { out += s; }, native, procRoot, mountinfo });
  return { code, out };
}

t.test('one line per mount, exit 0 when nothing failed', async (t) => {
  const r = run(['--device', '0:52', '/var/lib/lxcfs'], proc(t), () => 'replaced');
  t.equal(r.code, 0);
  t.equal(r.out, 're-attached /proc/meminfo (/proc/meminfo) in the mount namespace of pid 42\nre-attached /proc/stat (/proc/stat) in the mount namespace of pid 42\n');
});

t.test('a failure: exit 1, said with its errno; --json carries every result', async (t) => {
  const r = run(['--device', '0:52', '--json', '/var/lib/lxcfs'], proc(t), (target) => (target === '/proc/stat' ? 'umount' : 'alive'));
  t.equal(r.code, 1);
  t.match(JSON.parse(r.out), { results: [{ target: '/proc/meminfo', outcome: 'alive' }, { target: '/proc/stat', outcome: 'umount', errno: 16 }] });
  const plain = run(['--device', '0:52', '/var/lib/lxcfs'], proc(t), (target) => (target === '/proc/stat' ? 'umount' : 'alive'));
  t.match(plain.out, /^left \/proc\/meminfo .*: it answers\ncould not re-attach \/proc\/stat .*: umount \(errno 16\)\n$/);
});

t.test('nothing stale: no output, exit 0; the device defaults to the live mount\'s', async (t) => {
  const dir = proc(t);
  t.same(run(['/var/lib/lxcfs'], dir, () => 'replaced').code, 0);
  t.equal(run(['/var/lib/lxcfs'], dir, () => 'replaced').out.split('\n').length, 3, 'two stale mounts of 0:40, from the live 0:52');
});

t.test('--device must be what is mounted at the mountpoint: never clone a covering mount', async (t) => {
  t.throws(() => run(['--device', '0:40', '/var/lib/lxcfs'], proc(t), () => 'replaced'), { code: 'LXCFS_NO_LIVE_MOUNT', message: /shows device 0:52, not 0:40/ });
});

t.test('usage', async (t) => {
  t.same(run(['--help'], proc(t), () => 'x'), { code: 0, out: REATTACH_USAGE });
  t.throws(() => run(['--device', 'x'], proc(t), () => 'x'), { code: 'LXCFS_USAGE' });
  t.throws(() => run(['--nope'], proc(t), () => 'x'), { code: 'LXCFS_USAGE' });
  t.throws(() => run(['a', 'b'], proc(t), () => 'x'), { code: 'LXCFS_USAGE' });
  t.throws(() => run([join(t.testdir({}), 'none')], proc(t), () => 'x'), { code: 'LXCFS_NO_LIVE_MOUNT' }, 'no live mount to take the files from');
});
