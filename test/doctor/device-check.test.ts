// The fuse-device check: the gathered state from injected stat/open (fixture trees cannot
// hold a device node), the verdict pure; plus the real /dev/null through gatherDevice.
import { statSync } from 'node:fs';
import t from 'tap';
import { checkFuseDevice, gatherDevice, splitDev, type DeviceAccess } from '../../src/doctor/device-check.js';

const CHAR = (rdev: number) => ({ isCharacterDevice: () => true, rdev });
const enoent = () => { throw Object.assign(new Error('nope'), { code: 'ENOENT' }); };

function access(over: Partial<DeviceAccess>): DeviceAccess {
  return { statDevice: () => CHAR((10 << 8) | 229), openDevice: () => {}, ...over };
}

t.test('splitDev matches glibc major/minor, large minors included', async (t) => {
  t.same(splitDev((10 << 8) | 229), { major: 10, minor: 229 });
  t.same(splitDev(statSync('/dev/null').rdev), { major: 1, minor: 3 });
  t.same(splitDev((0x12345 & 0xff) | (259 << 8) | ((0x12345 & ~0xff) << 12)), { major: 259, minor: 0x12345 });
});

t.test('the FUSE device that opens is ok', async (t) => {
  const dir = t.testdir({ sys: {} });
  const finding = checkFuseDevice(gatherDevice('/dev', `${dir}/sys`, access({})));
  t.same(finding, { check: 'fuse-device', status: 'ok', message: '/dev/fuse is the FUSE device (10:229) and opens read-write' });
});

t.test('missing: the module decides between modprobe and a container without the device', async (t) => {
  const dir = t.testdir({ with: { module: { fuse: {} } }, without: { module: {} } });
  const loaded = checkFuseDevice(gatherDevice('/x', `${dir}/with`, access({ statDevice: enoent })));
  t.match(loaded, { status: 'fail', message: '/x/fuse is missing, although the kernel has FUSE', fix: /privileged.*mount \/dev\/fuse/ });
  const notLoaded = checkFuseDevice(gatherDevice('/x', `${dir}/without`, access({ statDevice: enoent })));
  t.match(notLoaded, { status: 'fail', fix: /modprobe fuse/ });
});

t.test('wrong kinds of node and failed opens fail', async (t) => {
  const dir = t.testdir({ sys: {}, dev: { fuse: 'a file' } });
  const real: DeviceAccess = { statDevice: statSync, openDevice: () => {} };
  t.match(checkFuseDevice(gatherDevice(`${dir}/dev`, `${dir}/sys`, real)), { status: 'fail', message: /not a character device/, fix: /mknod/ });
  t.match(checkFuseDevice(gatherDevice('/dev', `${dir}/sys`, access({ statDevice: () => CHAR((1 << 8) | 3) }))),
    { status: 'fail', message: /character device 1:3, not FUSE's 10:229/ });
  const denied = access({ openDevice: () => { throw Object.assign(new Error('x'), { code: 'EPERM' }); } });
  t.match(checkFuseDevice(gatherDevice('/dev', `${dir}/sys`, denied)), { status: 'fail', message: /cannot be opened read-write \(EPERM\)/, fix: /privileged/ });
  const noDriver = access({ openDevice: () => { throw Object.assign(new Error('x'), { code: 'ENODEV' }); } });
  t.match(checkFuseDevice(gatherDevice('/dev', `${dir}/sys`, noDriver)), { fix: /modprobe fuse/ });
  const unreadable = access({ statDevice: () => { throw Object.assign(new Error('x'), { code: 'EACCES' }); } });
  t.match(checkFuseDevice(gatherDevice('/dev', `${dir}/sys`, unreadable)), { status: 'fail', message: /cannot be examined \(EACCES\)/ });
});

t.test('open is only tried on something that exists', async (t) => {
  let opened = 0;
  const state = gatherDevice('/dev', '/sys', access({ statDevice: enoent, openDevice: () => { opened++; } }));
  t.equal(opened, 0);
  t.equal(state.statError, 'ENOENT');
});
