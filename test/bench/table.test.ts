import t from 'tap';
import { mergeRounds, type CellResult, type DaemonRound, type Histogram } from '../../src/bench/stats.js';
import { align, errnoName, faultLines, faultText, formatOps, formatRatio, formatUs, resultsTable, scalingTable, soakReport } from '../../src/bench/table.js';

function cell(opsNode: number, opsLxcfs: number, faults: { errors?: number; empty?: number } = {}): CellResult {
  const side = (ops: number, extra = {}) => {
    const hist: Histogram = [[100, ops]];
    const round: DaemonRound = { load: { mode: 'cat', procs: 8, seconds: 1, ops, errors: 0, firstErrno: 0, empty: 0, crashed: 0,
      bytes: 0, opsPerSec: ops, meanUs: 100, p50Us: 100, p90Us: 100, p99Us: 100, maxUs: 100, hist, ...extra }, cpuTicks: ops / 100, rssKiB: 2048 };
    return { rounds: [round], merged: mergeRounds([round], 100) };
  };
  return { file: 'proc/meminfo', mode: 'cat', procs: 8, node: side(opsNode, { ...faults, firstErrno: faults.errors ? 5 : 0 }), lxcfs: side(opsLxcfs) };
}

t.test('number formats', async (t) => {
  t.equal(formatRatio(1.234), '1.23x');
  t.equal(formatRatio(null), '-');
  t.equal(formatUs(42.4), '42µs');
  t.equal(formatUs(1234), '1.23ms');
  t.equal(formatUs(12_345), '12.3ms');
  t.equal(formatUs(2_500_000), '2.50s');
  t.equal(formatOps(12345.6), '12,346');
  t.equal(errnoName(5), 'EIO');
  t.equal(errnoName(107), 'ENOTCONN');
  t.equal(errnoName(99999), 'errno 99999');
});

t.test('fault text: empty when every read worked', async (t) => {
  t.equal(faultText({ errors: 0, empty: 0, crashed: 0, firstErrno: 0 }), '');
  t.equal(faultText({ errors: 3, empty: 2, crashed: 1, firstErrno: 5 }), '3 FAILED (EIO), 2 EMPTY, 1 READERS CRASHED');
});

t.test('align pads columns, left then right', async (t) => {
  t.equal(align([['a', 'bb', '1'], ['ccc', 'd', '100']], 2), 'a    bb    1\nccc  d   100');
  t.equal(align([['a', '1', 'ok'], ['bb', '10', 'long']], 1, true), 'a    1  ok\nbb  10  long', 'last column to the left');
});

t.test('results table', async (t) => {
  const text = resultsTable([cell(2000, 1000), cell(500, 1000, { errors: 3, empty: 1 })]);
  const [group, header, ok, bad] = text.split('\n');
  t.match(group, /ops\/s .* p50 .* p99 .* max .* CPU µs\/read .* RSS MiB/);
  t.match(header, /^file +mode +K +node +lxcfs +n\/l +node +lxcfs +node +lxcfs +n\/l +node +lxcfs +node +lxcfs +n\/l +node +lxcfs +faults$/);
  t.match(ok, /^proc\/meminfo +cat +8 +2,000 +1,000 +2\.00x +100µs +100µs +100µs +100µs +1\.00x +100µs +100µs +100\.0 +100\.0 +1\.00x +2\.0 +2\.0 +ok$/);
  t.match(bad, /0\.50x .* !! node: 3 FAILED \(EIO\), 1 EMPTY$/);
  t.same(faultLines([cell(1, 1), cell(1, 1, { empty: 2 })]),
    ['!! lxcfs-node proc/meminfo cat K=8: 2 EMPTY — wrong behaviour, not slowness']);
});

t.test('scaling table: all CPUs over one, per daemon', async (t) => {
  const rows = scalingTable([cell(1000, 1000)], [cell(1800, 1200)], 2).split('\n');
  t.match(rows[1], /1 CPU +2 CPUs +2\/1 +1 CPU +2 CPUs +2\/1$/);
  t.match(rows[2], /1,000 +1,800 +1\.80x +1,000 +1,200 +1\.20x$/);
});

t.test('soak report: samples, start/max/end RSS, throughput', async (t) => {
  const { merged } = cell(100, 100).node;
  const text = soakReport([{ seconds: 0, rssKiB: 1024 }, { seconds: 10, rssKiB: 4096 }, { seconds: 20, rssKiB: 2048 }], merged);
  t.match(text, /^ +0 s +1\.0 MiB\n +10 s +4\.0 MiB\n +20 s +2\.0 MiB\n/);
  t.match(text, /RSS MiB start 1\.0, max 4\.0, end 2\.0\n100 ops\/s, p50 100µs/);
  t.notMatch(text, /!!/);
  t.match(soakReport([], cell(1, 1, { errors: 1 }).node.merged), /!! lxcfs-node: 1 FAILED \(EIO\)/);
});
