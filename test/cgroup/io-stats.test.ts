import t from 'tap';
import { activeSorted, deviceKey, ioDevice, parseDevice } from '../../src/cgroup/io-stats.js';

t.test('parseDevice: MAJ:MIN only', async (t) => {
  t.same(parseDevice('8:16'), { major: 8, minor: 16 });
  t.same(parseDevice('259:0'), { major: 259, minor: 0 });
  for (const bad of ['Total', '8', '8:', ':0', '8:0x', '-8:0', '8:1:2', '']) t.equal(parseDevice(bad), null, JSON.stringify(bad));
  t.equal(deviceKey({ major: 253, minor: 1 }), '253:1');
});

t.test('ioDevice: unspecified counters are 0', async (t) => {
  const d = ioDevice({ major: 8, minor: 0 }, { reads: 3n, writeBytes: 4096n });
  t.same(d, {
    major: 8, minor: 0, reads: 3n, readBytes: 0n, readsMerged: 0n, readTimeMs: 0n,
    writes: 0n, writeBytes: 4096n, writesMerged: 0n, writeTimeMs: 0n,
    discards: 0n, discardBytes: 0n, discardsMerged: 0n, discardTimeMs: 0n, ioTimeMs: 0n,
  });
});

t.test('activeSorted: all-zero devices omitted; numeric order by major then minor', async (t) => {
  const list = activeSorted([
    ioDevice({ major: 259, minor: 0 }, { reads: 1n }),
    ioDevice({ major: 8, minor: 16 }, { ioTimeMs: 1n }),
    ioDevice({ major: 7, minor: 2 }, {}),
    ioDevice({ major: 8, minor: 2 }, { discardsMerged: 1n }),
  ]);
  t.same(list.map(deviceKey), ['8:2', '8:16', '259:0']);
  t.same(activeSorted([]), []);
});
