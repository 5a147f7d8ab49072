import { readFileSync } from 'node:fs';
import t from 'tap';
import { LxcfsError } from '../../src/errors.js';
import { diskstatsLine } from '../../src/files/proc-diskstats.js';
import { parseHostDiskstats } from '../../src/host/diskstats.js';

const fixture = (dir: string): string =>
  readFileSync(new URL(`../fixtures/${dir}/diskstats`, import.meta.url), 'utf8');

/** The counters of each line of `text`, as the test reads them (the parser keeps none). */
const countersOf = (text: string): bigint[][] =>
  text.split('\n').filter((l) => l.trim() !== '').map((l) => l.trim().split(/ +/).slice(3).map(BigInt));

t.test('a real 6.18 host file: devices in host order (17 counters each)', async (t) => {
  const devices = parseHostDiskstats(fixture('host-diskstats-vm'));
  t.same(devices.map((d) => `${d.major}:${d.minor} ${d.name}`), [
    '7:0 loop0', '7:1 loop1', '7:2 loop2', '7:3 loop3', '7:4 loop4', '7:5 loop5', '7:6 loop6', '7:7 loop7',
    '254:0 vda', '253:0 zram0',
  ]);
  t.same(devices[8], { major: 254, minor: 0, name: 'vda' }, 'only what the renderer needs: no counters');
  t.same(countersOf(fixture('host-diskstats-vm')).map((c) => c.length), new Array(10).fill(17));
});

t.test('the kernel layout is what diskstatsLine prints: every real line round-trips byte for byte', async (t) => {
  const text = fixture('host-diskstats-vm');
  const roundTrip = (text: string): string => {
    const counters = countersOf(text);
    return parseHostDiskstats(text).map((d, i) => diskstatsLine(d.major, d.minor, d.name, counters[i]!)).join('');
  };
  t.equal(roundTrip(text), text);
  // the same for a kernel-4.15-layout file (11 counters)
  const old = fixture('host-diskstats-4.15');
  t.equal(roundTrip(old), old);
});

t.test('kernel 4.15 layout: 11 counters, partitions and dm devices', async (t) => {
  const devices = parseHostDiskstats(fixture('host-diskstats-4.15'));
  t.same(devices.map((d) => d.name), ['sda', 'sda1', 'sda2', 'nvme0n1', 'nvme0n1p1', 'dm-0']);
  t.same(devices[3], { major: 259, minor: 0, name: 'nvme0n1' });
});

t.test('lines that are not major minor name counters are skipped', async (t) => {
  const good = '   8       0 sda 1 2 3 4 5 6 7 8 9 10 11\n';
  const cut = ' 259       0 nvme0n1 918273 5 8172';
  t.same(parseHostDiskstats(good + cut).map((d) => d.name), ['sda'], 'a read cut mid-line');
  t.same(parseHostDiskstats(good + '   x       0 sdb 1 2 3 4 5 6 7 8 9 10 11\n').length, 1, 'major not a number');
  t.same(parseHostDiskstats(good + '   8      16 sdb 1 2 3 4 5 6 7 8 9 -10 11\n').length, 1, 'negative counter');
  t.same(parseHostDiskstats(good + '   8      16 sdb 1 2 3 4 5 6 7 8 9 1e3 11\n').length, 1, 'exponent');
  t.same(parseHostDiskstats(good + '\n\n').length, 1, 'blank lines');
  t.same(parseHostDiskstats('\t8\t0\tsda 1 2 3 4 5 6 7 8 9 10 11').length, 1, 'tabs, no final newline');
  t.equal(parseHostDiskstats('   8       0 sda 18446744073709551615 0 0 0 0 0 0 0 0 0 0\n').length, 1, 'u64 counters');
  t.same(parseHostDiskstats('   8       0 sda 1 2 3 4 5 6 7 8 9 10\n   8 1 sda1 1 2 3 4 5 6 7 8 9 10 11\n').map((d) => d.name), ['sda1'], '10 counters: not a device line');
  t.equal(parseHostDiskstats('   8       0 sda 1 2 3 4 5 6 7 8 9 10 11 \r\n').length, 1, 'trailing blanks and CR trimmed');
  t.equal(parseHostDiskstats('   8       0 sda 1 2 3 4 5 6 7 8 9 10 1\r1\n   8 1 sda1 1 2 3 4 5 6 7 8 9 10 11\n').length, 1, 'a CR inside a counter');
});

t.test('no device at all', async (t) => {
  t.same(parseHostDiskstats(''), [], 'a host without block devices has an empty file');
  t.same(parseHostDiskstats('\n'), []);
  for (const text of ['garbage\n', '   8       0 sda 1 2\n', 'MemTotal: 5 kB\n']) {
    t.throws(() => parseHostDiskstats(text), { name: 'LxcfsError', code: 'LXCFS_PARSE' }, JSON.stringify(text));
    try {
      parseHostDiskstats(text);
    } catch (err) {
      t.ok(err instanceof LxcfsError);
    }
  }
});
