import { writeFileSync, mkdirSync } from 'node:fs';
import t from 'tap';
import { checkPidCovered, checkPidExists, checkPidStale, coversIn, gatherPidMounts } from '../../src/doctor/pid-mounts.js';
import { parseMountTable } from '../../src/doctor/mount-table.js';
import { SERVED_FILES } from '../../src/doctor/files-check.js';
import { containerMountinfo, LIVE_DEVICE, mountLine } from './fixture.js';

const covers = (cover: Parameters<typeof containerMountinfo>[0], device = LIVE_DEVICE) => coversIn(parseMountTable(containerMountinfo(cover, device)));

t.test('coversIn: ours, the reference, none', async (t) => {
  t.same(covers('ours').map((c) => c.kind), SERVED_FILES.map(() => 'ours'));
  t.same(covers('reference').map((c) => c.kind), SERVED_FILES.map(() => 'reference'));
  t.same(covers('none').map((c) => c.kind), SERVED_FILES.map(() => 'none'));
  t.same(covers('tmpfs').map((c) => c.kind), SERVED_FILES.map(() => 'none'), 'other filesystems do not cover');
  t.same(covers('partial').filter((c) => c.kind === 'none').map((c) => c.path), ['proc/meminfo']);
});

t.test('a bind of the wrong file does not cover', async (t) => {
  const text = containerMountinfo('none', LIVE_DEVICE) + mountLine(200, 101, LIVE_DEVICE, '/proc/cpuinfo', '/proc/meminfo', 'fuse.lxcfs-node', 'lxcfs-node');
  t.equal(coversIn(parseMountTable(text)).find((c) => c.path === 'proc/meminfo')?.kind, 'none');
});

t.test('gatherPidMounts: missing process, unreadable table, a table', async (t) => {
  const proc = t.testdir({ '7': {}, '8': { mountinfo: containerMountinfo('ours', LIVE_DEVICE) } });
  t.same(gatherPidMounts(proc, 9), { exists: false });
  t.match(gatherPidMounts(proc, 7), { exists: true, tableError: /ENOENT/ });
  t.equal(gatherPidMounts(proc, 8).covers?.length, SERVED_FILES.length);
  t.match(checkPidExists(proc, 9, { exists: false }), { status: 'fail', message: `there is no process 9 in ${proc}`, fix: /crictl inspect/ });
  t.same(checkPidExists(proc, 8, { exists: true, covers: [] }), { check: 'pid-exists', status: 'ok', message: 'process 8 exists' });
});

t.test('checkPidCovered', async (t) => {
  t.match(checkPidCovered(5, '/m', { exists: true, covers: covers('ours') }), { status: 'ok', message: 'process 5 sees all 8 files from lxcfs-node' });
  const none = checkPidCovered(5, '/m', { exists: true, covers: covers('none') });
  t.match(none, { status: 'fail', message: /sees none of the files/, fix: /-v \/m\/proc\/meminfo:\/proc\/meminfo:rw .*-v \/m\/sys\/devices\/system\/cpu\/online:\/sys\/devices\/system\/cpu\/online:rw/ });
  t.match(checkPidCovered(5, '/m', { exists: true, covers: covers('partial') }), { status: 'fail', message: 'process 5 does not see /proc/meminfo from the mount' });
  t.match(checkPidCovered(5, '/m', { exists: true, covers: covers('reference') }), { status: 'warn', message: /8 of its files from the reference lxcfs/ });
  t.match(checkPidCovered(5, '/m', { exists: true, tableError: 'EACCES' }), { status: 'fail', message: /cannot be read: EACCES/ });
});

t.test('checkPidStale compares devices with the live mount', async (t) => {
  t.same(checkPidStale(5, covers('ours'), LIVE_DEVICE), { check: 'pid-stale', status: 'ok', message: `process 5 sees the live mount (device ${LIVE_DEVICE})` });
  const stale = checkPidStale(5, covers('ours', '0:44'), LIVE_DEVICE);
  t.match(stale, { status: 'fail', message: /previous daemon's mount for proc\/cpuinfo, .* \(device 0:44; the live mount is 0:60\)/, fix: /^restart the pod/ });
});

t.test('a table with all but meminfo covered', async (t) => {
  const dir = t.testdir({});
  mkdirSync(`${dir}/1`);
  writeFileSync(`${dir}/1/mountinfo`, containerMountinfo('partial', '0:1'));
  t.equal(gatherPidMounts(dir, 1).covers?.filter((c) => c.kind === 'ours').length, SERVED_FILES.length - 1);
});
