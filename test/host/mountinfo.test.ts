import t from 'tap';
import { parseMountinfo, topMountAt } from '../../src/host/mountinfo.js';

// Lines in the format of proc(5) /proc/<pid>/mountinfo, as a 6.x kernel writes them.
const MOUNTINFO = [
  '22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw',
  '23 22 0:21 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw',
  '24 22 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:7 master:2 - sysfs sysfs rw',
  '36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw,errors=continue',
  '40 22 0:50 / /var/lib/lxcfs rw,nosuid,nodev,relatime shared:200 - fuse.lxcfs lxcfs rw,user_id=0,group_id=0,allow_other',
  '',
].join('\n');

t.test('parses mount id, device, root, mount point, fs type and source', async (t) => {
  t.same(parseMountinfo(MOUNTINFO), [
    { mountId: 22, device: '8:1', root: '/', mountPoint: '/', fsType: 'ext4', source: '/dev/sda1' },
    { mountId: 23, device: '0:21', root: '/', mountPoint: '/proc', fsType: 'proc', source: 'proc' },
    { mountId: 24, device: '0:22', root: '/', mountPoint: '/sys', fsType: 'sysfs', source: 'sysfs' },
    { mountId: 36, device: '98:0', root: '/mnt1', mountPoint: '/mnt/parent', fsType: 'ext3', source: '/dev/root' },
    { mountId: 40, device: '0:50', root: '/', mountPoint: '/var/lib/lxcfs', fsType: 'fuse.lxcfs', source: 'lxcfs' },
  ]);
});

t.test('zero, one or several optional fields before the separator', async (t) => {
  const entries = parseMountinfo([
    '1 0 0:1 / /a rw - tmpfs none rw',
    '2 0 0:1 / /b rw shared:1 - tmpfs none rw',
    '3 0 0:1 / /c rw shared:1 master:2 propagate_from:3 unbindable - tmpfs none rw',
  ].join('\n'));
  t.same(entries.map((e) => [e.mountPoint, e.fsType, e.source]), [['/a', 'tmpfs', 'none'], ['/b', 'tmpfs', 'none'], ['/c', 'tmpfs', 'none']]);
});

t.test('octal escapes in mount point and source are decoded', async (t) => {
  const entries = parseMountinfo([
    '50 22 0:60 / /tmp/my\\040mount rw - fuse.lxcfs lxcfs rw',
    '51 22 0:61 / /tmp/tab\\011and\\012newline rw - tmpfs my\\040source rw',
    '52 22 0:62 / /tmp/back\\134slash rw - tmpfs none rw',
    '53 22 0:63 / /tmp/a\\134040b rw - tmpfs none rw',
  ].join('\n'));
  t.same(entries.map((e) => e.mountPoint), ['/tmp/my mount', '/tmp/tab\tand\nnewline', '/tmp/back\\slash', '/tmp/a\\040b']);
  t.equal(entries[1]!.source, 'my source');
});

t.test('blank and malformed lines are skipped', async (t) => {
  const entries = parseMountinfo([
    '',
    'garbage',
    '1 0 0:1 / /no-separator rw tmpfs none rw',
    '2 0 0:1 / /too-short rw - tmpfs',
    '3 0 0:1 / /ok rw - tmpfs none rw',
    '   ',
  ].join('\n'));
  t.same(entries.map((e) => e.mountPoint), ['/ok']);
  t.same(parseMountinfo(''), []);
});

t.test('topMountAt: the last (topmost) mount at exactly that path', async (t) => {
  const entries = parseMountinfo([
    '10 1 0:1 / /mnt rw - tmpfs first rw',
    '11 1 0:2 / /mnt/sub rw - tmpfs sub rw',
    '12 10 0:3 / /mnt rw - fuse.lxcfs second rw',
    '13 1 0:4 / /mnt2 rw - tmpfs other rw',
  ].join('\n'));
  t.same(topMountAt(entries, '/mnt'), { mountId: 12, device: '0:3', root: '/', mountPoint: '/mnt', fsType: 'fuse.lxcfs', source: 'second' });
  t.equal(topMountAt(entries, '/mnt/sub')?.mountId, 11);
  t.equal(topMountAt(entries, '/mn'), undefined, 'no prefix match');
  t.equal(topMountAt(entries, '/mnt/'), undefined, 'exact string match');
  t.equal(topMountAt(entries, '/mnt/sub/deeper'), undefined, 'a path below a mount is not a mount point');
  t.equal(topMountAt([], '/'), undefined);
});
