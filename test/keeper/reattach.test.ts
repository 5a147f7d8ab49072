// Finding and replacing stale mounts, over fixture /proc trees (namespaces are symlinks there,
// as in procfs) and a recording stand-in for the two native calls.
import { closeSync, mkdirSync, openSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { findStaleMounts, reattach, treePaths, type StaleMount } from '../../src/keeper/reattach.js';

const LIVE = '0:52';
const line = (id: number, device: string, root: string, target: string, type = 'fuse.lxcfs-node') =>
  `${id} 1 ${device} ${root} ${target} rw,nosuid,nodev,relatime - ${type} ${type === 'fuse.lxcfs-node' ? 'lxcfs-node' : 'x'} rw,user_id=0,group_id=0,allow_other`;

/** /proc/<pid>/{ns/mnt, mountinfo} for each process; `null` mountinfo: the process is gone. */
function procTree(t: Test, processes: Record<number, { ns: string; mountinfo: string[] | null }>): string {
  const root = t.testdir({ self: {} });
  for (const [pid, p] of Object.entries(processes)) {
    mkdirSync(join(root, pid, 'ns'), { recursive: true });
    symlinkSync(`mnt:[${p.ns}]`, join(root, pid, 'ns', 'mnt'));
    if (p.mountinfo !== null) writeFileSync(join(root, pid, 'mountinfo'), `${p.mountinfo.join('\n')}\n`);
  }
  return root;
}

t.test('stale mounts: ours, on another device, once per namespace, paths unescaped', async (t) => {
  const container = [line(30, '8:1', '/', '/', 'ext4'), line(31, '0:40', '/proc/meminfo', '/proc/meminfo'), line(32, '0:40', '/', '/var/lib/lxcfs'), line(33, LIVE, '/proc/stat', '/proc/stat')];
  const proc = procTree(t, {
    1: { ns: '100', mountinfo: [line(20, '8:1', '/', '/', 'ext4'), line(21, LIVE, '/', '/var/lib/lxcfs')] },
    40: { ns: '200', mountinfo: container },
    41: { ns: '200', mountinfo: container }, // the same namespace again: not read twice
    50: { ns: '300', mountinfo: null }, // exited between readdir and read
    60: { ns: '400', mountinfo: [line(40, '0:41', '/proc/swaps', '/proc/my\\040swaps'), line(41, '0:9', '/', '/x', 'fuse.lxcfs')] },
  });
  t.same(findStaleMounts(proc, LIVE, null), [
    { pid: 40, namespace: 'mnt:[200]', target: '/proc/meminfo', root: '/proc/meminfo', device: '0:40' },
    { pid: 40, namespace: 'mnt:[200]', target: '/var/lib/lxcfs', root: '/', device: '0:40' },
    { pid: 60, namespace: 'mnt:[400]', target: '/proc/my swaps', root: '/proc/swaps', device: '0:41' },
  ], 'the live device and other filesystems (even the reference lxcfs) are not stale');
  t.same(findStaleMounts(proc, LIVE, 'mnt:[200]').map((m) => m.pid), [60], 'a skipped namespace');
});

t.test('treePaths: the root, every directory and every file of the tree', async (t) => {
  t.same([...treePaths([{ path: 'proc/meminfo' }, { path: 'sys/devices/system/cpu/online' }])].sort(),
    ['/', '/proc', '/proc/meminfo', '/sys', '/sys/devices', '/sys/devices/system', '/sys/devices/system/cpu', '/sys/devices/system/cpu/online']);
});

t.test('reattach: a clone of the same path of the live mount, into the mount\'s namespace; the clone always closed', async (t) => {
  const dir = t.testdir({ tree: '' });
  const calls: unknown[] = [];
  const opened: number[] = [];
  const native = {
    openTreeClone(path: string) {
      if (path.endsWith('cpuinfo')) throw Object.assign(new Error('open_tree'), { errno: 107 });
      const fd = openSync(join(dir, 'tree'), 'r');
      opened.push(fd);
      calls.push(['open_tree', path]);
      return fd;
    },
    reattachMount(nsPath: string, treeFd: number, target: string, timeoutMs: number) {
      calls.push(['reattach', nsPath, opened.includes(treeFd), target, timeoutMs]);
      return target.includes('alive') ? { outcome: 'alive', errno: 0 } : { outcome: 'replaced', errno: 0 };
    },
  };
  const at = (root: string, target = root): StaleMount => ({ pid: 7, namespace: 'mnt:[1]', target, root, device: '0:40' });
  const results = reattach([at('/proc/meminfo'), at('/', '/srv/alive'), at('/proc/cpuinfo'), at('/etc/passwd')], {
    native, procRoot: '/proc', mountpoint: '/var/lib/lxcfs', paths: treePaths([{ path: 'proc/meminfo' }, { path: 'proc/cpuinfo' }]), timeoutMs: 500,
  });
  t.same(results.map((r) => [r.root, r.outcome, r.errno]), [
    ['/proc/meminfo', 'replaced', 0], ['/', 'alive', 0], ['/proc/cpuinfo', 'open_tree', 107], ['/etc/passwd', 'unknown-path', 0],
  ]);
  t.same(calls, [
    ['open_tree', '/var/lib/lxcfs/proc/meminfo'], ['reattach', '/proc/7/ns/mnt', true, '/proc/meminfo', 500],
    ['open_tree', '/var/lib/lxcfs'], ['reattach', '/proc/7/ns/mnt', true, '/srv/alive', 500],
  ], 'never a path outside our tree');
  for (const fd of opened) t.throws(() => closeSync(fd), { code: 'EBADF' }, 'each clone was closed');
});
