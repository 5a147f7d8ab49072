import t from 'tap';
import { join } from 'node:path';
import { ioV1, parseRwstat } from '../../src/cgroup/v1-io.js';
import type { IoDeviceStats } from '../../src/cgroup/types.js';

const fixtures = new URL('../fixtures/', import.meta.url).pathname;
const DOCKER = '/docker/3f9c2a7d1b8e4c6f0a5d9e2b7c1f8a4d6e3b0c9f2a5d8e1b4c7f0a3d6e9b2c5f';
const CFQ_DOCKER = '/docker/8d2e4f6a0b1c3d5e7f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e';

const ZERO = {
  reads: 0n, readBytes: 0n, readsMerged: 0n, readTimeMs: 0n, writes: 0n, writeBytes: 0n, writesMerged: 0n,
  writeTimeMs: 0n, discards: 0n, discardBytes: 0n, discardsMerged: 0n, discardTimeMs: 0n, ioTimeMs: 0n,
};
const dev = (major: number, minor: number, c: Partial<typeof ZERO>): IoDeviceStats => ({ major, minor, ...ZERO, ...c });

// The exact shape this machine (6.18, blk-mq) writes, from a cgroup with a throttle rule on vda.
const THROTTLE_SERVICED = '254:0 Read 103\n254:0 Write 33\n254:0 Sync 138\n254:0 Async 0\n254:0 Discard 2\n254:0 Total 138\nTotal 138\n';
const THROTTLE_BYTES = '254:0 Read 2424832\n254:0 Write 2097152\n254:0 Sync 6619136\n254:0 Async 0\n254:0 Discard 2097152\n254:0 Total 6619136\nTotal 6619136\n';

t.test('blk-mq (throttle files only): ops and bytes; merges and times 0', async (t) => {
  const r = t.testdir({
    'blkio.throttle.io_serviced_recursive': THROTTLE_SERVICED,
    'blkio.throttle.io_service_bytes_recursive': THROTTLE_BYTES,
    'blkio.bfq.io_serviced_recursive': 'Total 0\n',
  });
  t.same(ioV1(r, '/'), [dev(254, 0, {
    reads: 103n, writes: 33n, discards: 2n, readBytes: 2424832n, writeBytes: 2097152n, discardBytes: 2097152n,
  })]);
});

t.test('fixture (v1 docker): 8:0 with I/O, the all-zero 253:0 omitted', async (t) => {
  t.same(ioV1(join(fixtures, 'cgroup-v1/blkio'), DOCKER), [dev(8, 0, {
    reads: 1822n, writes: 6431n, readBytes: 74625024n, writeBytes: 263401472n,
  })]);
});

t.test('fixture (this machine): "Total 0" only → no devices', async (t) => {
  t.same(ioV1(join(fixtures, 'cgroup-hybrid/blkio'), '/'), []);
});

t.test('fixture (4.19, CFQ): the five io_*_recursive files, spec §11.1', async (t) => {
  const stats = ioV1(join(fixtures, 'cgroup-v1-cfq/blkio'), CFQ_DOCKER);
  t.same(stats, [
    dev(8, 0, {
      reads: 4521n, readsMerged: 102n, readBytes: 186646528n,
      readTimeMs: 2987n + 1500n, // service 2987.65 ms + wait 1500.99 ms, each truncated (as lxcfs): not 4488
      writes: 12033n, writesMerged: 2210n, writeBytes: 492834816n, writeTimeMs: 8765n + 20000n,
      discards: 12n, discardsMerged: 0n, discardBytes: 6291456n, discardTimeMs: 1n + 0n,
      ioTimeMs: 11754n,
    }),
    dev(8, 16, {
      reads: 311n, readsMerged: 3n, readBytes: 1273856n, readTimeMs: 123n + 45n,
      writes: 97n, writesMerged: 11n, writeBytes: 397312n, writeTimeMs: 98n + 12n, ioTimeMs: 222n,
    }),
  ], 'CFQ files win over the throttle files beside them; sdc (all zero) omitted');
});

t.test('CFQ: a missing companion file is UNREADABLE; a missing cgroup too', async (t) => {
  const r = t.testdir({ 'blkio.io_serviced_recursive': 'Total 0\n' });
  t.throws(() => ioV1(r, '/'), { code: 'LXCFS_CGROUP_UNREADABLE' });
  t.throws(() => ioV1(join(fixtures, 'cgroup-v1/blkio'), '/docker/gone'), { code: 'LXCFS_CGROUP_UNREADABLE' });
  t.throws(() => ioV1(t.testdir({ 'blkio.throttle.io_serviced_recursive': THROTTLE_SERVICED }), '/'),
    { code: 'LXCFS_CGROUP_UNREADABLE' }, 'throttle bytes file missing');
});

t.test('parseRwstat: first matching line wins; Sync/Async/Total N/garbage skipped; a cut last line dropped', async (t) => {
  const s = parseRwstat([
    '8:0 Read 5', '8:0 Read 7', '8:0 Sync 99', '8:0 Async 99', 'Total 12', '8:0 Write x', '8:0 Discard -1',
    'x:0 Read 1', '8:0  Read 1', '8:16 Read 1 2', '', '\u0000', '8:16 Write 300', '8:32 Read 12',
  ].join('\n'));
  t.equal(s.value('8:0', 'Read'), 5n);
  t.equal(s.value('8:0', 'Write'), 0n);
  t.equal(s.value('8:0', 'Discard'), 0n);
  t.equal(s.value('8:16', 'Write'), 300n);
  t.equal(s.value('8:32', 'Read'), 0n, 'the unterminated last line (maybe "8:32 Read 1234") is dropped');
  t.same([...s.devices.keys()], ['8:0', '8:16']);
  t.same([...parseRwstat('').devices], []);
});

t.test('malformed throttle files: lines skipped, never a crash', async (t) => {
  const r = t.testdir({
    'blkio.throttle.io_serviced_recursive': '8:0 Read 10\n8:0 Write ten\ngarbage\n8:16 Read',
    'blkio.throttle.io_service_bytes_recursive': '\u0000\u0001\n',
  });
  t.same(ioV1(r, '/'), [dev(8, 0, { reads: 10n })]);
});
