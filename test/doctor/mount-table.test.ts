import t from 'tap';
import { parseMountTable, visibleMountAt } from '../../src/doctor/mount-table.js';
import { containerMountinfo, mountLine } from './fixture.js';

const table = (...lines: Array<Parameters<typeof mountLine>>) => parseMountTable(lines.map((l) => mountLine(...l)).join('\n'));

t.test('rows carry parent, device and root besides what parseMountinfo keeps', async (t) => {
  const text = `${mountLine(60, 22, '0:60', '/proc/meminfo', '/a\\040b', 'fuse.lxcfs-node', 'lxcfs-node')}\nbroken line\n\n`;
  t.same(parseMountTable(text), [{ mountId: 60, parentId: 22, device: '0:60', root: '/proc/meminfo', mountPoint: '/a b', fsType: 'fuse.lxcfs-node', source: 'lxcfs-node' }]);
});

t.test('visibleMountAt follows the stack from /', async (t) => {
  const rows = parseMountTable(containerMountinfo('ours', '0:60'));
  t.equal(visibleMountAt(rows, '/proc/meminfo')?.fsType, 'fuse.lxcfs-node');
  t.equal(visibleMountAt(rows, '/sys/devices/system/cpu/online')?.mountPoint, '/sys/devices/system/cpu/online');
  t.equal(visibleMountAt(rows, '/proc/version')?.fsType, 'proc', 'a path without its own mount is in its parent\'s');
  t.equal(visibleMountAt(rows, '/etc/hosts')?.fsType, 'overlay');
  t.equal(visibleMountAt([], '/proc'), undefined);
});

t.test('a bind made before /proc was mounted again is shadowed', async (t) => {
  const rows = table(
    [1, 0, '8:1', '/', '/', 'ext4', 'sda'],
    [2, 1, '0:21', '/', '/proc', 'proc', 'proc'],
    [3, 2, '0:60', '/proc/meminfo', '/proc/meminfo', 'fuse.lxcfs-node', 'lxcfs-node'],
    // mounted over the first /proc, so its parent is that mount (the kernel's rule)
    [4, 2, '0:22', '/', '/proc', 'proc', 'proc'],
  );
  t.equal(visibleMountAt(rows, '/proc/meminfo')?.mountId, 4, 'the new /proc hides the bind');
  t.equal(visibleMountAt(rows.filter((r) => r.mountId !== 4), '/proc/meminfo')?.mountId, 3);
});

t.test('stacked mounts at one point: the top wins; a parent cycle ends', async (t) => {
  const rows = table([1, 0, '8:1', '/', '/', 'ext4', 'sda'], [5, 1, '0:5', '/', '/m', 'tmpfs', 'a'], [6, 5, '0:6', '/', '/m', 'tmpfs', 'b'],
    [7, 8, '0:7', '/', '/x', 'tmpfs', 'c'], [8, 7, '0:8', '/', '/x', 'tmpfs', 'd']);
  t.equal(visibleMountAt(rows, '/m/file')?.source, 'b');
  t.equal(visibleMountAt(rows, '/x')?.source, 'sda');
});
