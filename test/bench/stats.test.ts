import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { daemonCell, faults, mergeHistograms, mergeRounds, percentile, ratio, type DaemonRound, type Histogram, type LoadgenResult } from '../../src/bench/stats.js';
import { benchPaths } from '../../src/bench/environment.js';

function load(hist: Histogram, extra: Partial<LoadgenResult> = {}): LoadgenResult {
  const ops = hist.reduce((n, [, c]) => n + c, 0);
  return { mode: 'cat', procs: 1, seconds: 1, ops, errors: 0, firstErrno: 0, empty: 0, crashed: 0, bytes: 0, opsPerSec: ops,
    meanUs: 0, p50Us: 0, p90Us: 0, p99Us: 0, maxUs: Math.max(...hist.map(([b]) => b)), hist, ...extra };
}

t.test('histograms merge bucket by bucket', async (t) => {
  t.same(mergeHistograms([[[1, 50], [2, 50]], [[2, 50], [10, 50]], []]), [[1, 50], [2, 100], [10, 50]]);
  t.same(mergeHistograms([[[21000, 1]], [[3, 2]]]), [[3, 2], [21000, 1]], 'sorted by bound');
});

t.test('percentiles of a merged histogram are exact', async (t) => {
  const merged = mergeHistograms([[[1, 50], [2, 50]], [[2, 50], [10, 50]]]); // 200 reads
  t.equal(percentile(merged, 0.25, 10), 1, '50th read');
  t.equal(percentile(merged, 0.5, 10), 2, '100th read');
  t.equal(percentile(merged, 0.75, 10), 2, '150th read');
  t.equal(percentile(merged, 0.755, 10), 10, '151st read');
  t.equal(percentile(merged, 0.99, 10), 10);
  t.equal(percentile([[5, 1]], 0.01, 5), 5, 'at least one read');
  t.equal(percentile([], 0.5, 0), 0, 'no reads');
  t.equal(percentile([[1, 1]], 2, 7.5), 7.5, 'beyond the histogram: max');
});

t.test('the same rule as the loadgen itself', async (t) => {
  const file = join(t.testdir(), 'f');
  writeFileSync(file, 'x'.repeat(3000));
  const run = spawnSync(benchPaths().loadgen, ['--mode', 'cat', '--procs', '2', '--ms', '200', '--warmup-ms', '0', file], { encoding: 'utf8' });
  t.equal(run.status, 0, run.stderr);
  const result = JSON.parse(run.stdout) as LoadgenResult;
  t.ok(result.ops > 0);
  for (const [f, key] of [[0.5, 'p50Us'], [0.9, 'p90Us'], [0.99, 'p99Us']] as const) {
    t.equal(percentile(result.hist, f, result.maxUs), result[key], key);
  }
  const merged = mergeRounds([{ load: result, cpuTicks: 0, rssKiB: 0 }], 100);
  t.equal(merged.p99Us, result.p99Us);
  t.equal(merged.ops, result.ops);
});

t.test('rounds merge into totals', async (t) => {
  const a: DaemonRound = { load: load([[1, 50], [2, 50]], { seconds: 2, maxUs: 1.5, meanUs: 1 }), cpuTicks: 10, rssKiB: 1000 };
  const b: DaemonRound = { load: load([[2, 50], [10, 50]], { seconds: 3, maxUs: 9.2, meanUs: 4, errors: 2, firstErrno: 5, empty: 1 }), cpuTicks: 5, rssKiB: 800 };
  const m = mergeRounds([a, b], 100);
  t.equal(m.ops, 200);
  t.equal(m.seconds, 5);
  t.equal(m.opsPerSec, 40, 'total ops over total seconds, not a mean of rates');
  t.equal(m.p50Us, 2);
  t.equal(m.p99Us, 10);
  t.equal(m.maxUs, 9.2);
  t.equal(m.meanUs, 2.5);
  t.equal(m.cpuUsPerRead, 15 * 10_000 / 200, '15 ticks of 10 ms over 200 reads');
  t.equal(m.rssMaxKiB, 1000);
  t.equal(m.errors, 2);
  t.equal(m.firstErrno, 5);
  t.equal(faults(m), 3);
  t.equal(mergeRounds([], 100).cpuUsPerRead, null);
  const cell = daemonCell([a, b], 100);
  t.equal(cell.rounds.length, 2);
  t.notOk('hist' in cell.rounds[0]!.load, 'rounds keep no histogram: the merged one holds them all');
  t.same(cell.merged.hist, m.hist);
});

t.test('ratios', async (t) => {
  t.equal(ratio(3, 2), 1.5);
  t.equal(ratio(1, 0), null);
  t.equal(ratio(null, 2), null);
  t.equal(ratio(2, null), null);
});
