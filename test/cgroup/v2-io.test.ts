import t from 'tap';
import { join } from 'node:path';
import { ioV2, parseIoStat } from '../../src/cgroup/v2-io.js';
import type { IoDeviceStats } from '../../src/cgroup/types.js';

const fixtures = new URL('../fixtures/', import.meta.url).pathname;
const ROOT = join(fixtures, 'cgroup-v2');
const POD = '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod7c1e4f2a_93b8_4d5e_a6f1_2b9c8d7e6f50.slice';
const CTR_A = `${POD}/cri-containerd-9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d.scope`;

const ZERO = {
  reads: 0n, readBytes: 0n, readsMerged: 0n, readTimeMs: 0n, writes: 0n, writeBytes: 0n, writesMerged: 0n,
  writeTimeMs: 0n, discards: 0n, discardBytes: 0n, discardsMerged: 0n, discardTimeMs: 0n, ioTimeMs: 0n,
};
const dev = (major: number, minor: number, c: Partial<typeof ZERO>): IoDeviceStats => ({ major, minor, ...ZERO, ...c });

t.test('fixture: Kubernetes container — two devices, the all-zero loop device omitted, numeric order', async (t) => {
  t.same(ioV2(ROOT, CTR_A), [
    dev(8, 0, { readBytes: 90112n, reads: 22n }),
    dev(259, 0, { readBytes: 1459200n, writeBytes: 314773504n, reads: 192n, writes: 353n }),
  ]);
  t.same(ioV2(ROOT, '/').map((d) => d.major), [8, 259], 'the root has io.stat too');
  t.same(ioV2(ROOT, '/')[1], dev(259, 0, {
    readBytes: 48213508096n, writeBytes: 91827364352n, reads: 2411237n, writes: 6098123n, discardBytes: 1073741824n, discards: 128n,
  }));
});

t.test('unknown keys ignored; key order free', async (t) => {
  const text = '8:16 wios=3 rbytes=4096 cost.vrate=100.00 rios=1 wbytes=12288 use_delay=0 dbytes=0 dios=0\n';
  t.same(parseIoStat(text), [dev(8, 16, { reads: 1n, readBytes: 4096n, writes: 3n, writeBytes: 12288n })]);
  t.same(parseIoStat('8:16 rbytes=1 x\n'), [dev(8, 16, { readBytes: 1n })], 'a word without = is not a key');
});

t.test('malformed lines left out; a cut last line dropped; empty file', async (t) => {
  const text = [
    '8:0 rbytes=12x wbytes=0 rios=1 wios=0 dbytes=0 dios=0',
    'Total rbytes=1',
    '8:16 rbytes=-1 rios=1',
    '',
    '8:32 rbytes=512 rios=1',
    '8:32 rbytes=1024 rios=2',
    '8:48 rbytes=4096 rios=1',
  ].join('\n');
  t.same(parseIoStat(text), [dev(8, 32, { readBytes: 512n, reads: 1n })], 'a repeated device keeps its first line');
  t.same(parseIoStat(''), []);
});

t.test('missing io.stat → UNREADABLE', async (t) => {
  t.throws(() => ioV2(t.testdir({}), '/'), { code: 'LXCFS_CGROUP_UNREADABLE' });
  t.throws(() => ioV2(ROOT, `${POD}/gone`), { code: 'LXCFS_CGROUP_UNREADABLE' });
});
