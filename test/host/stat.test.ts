import { readFileSync } from 'node:fs';
import t from 'tap';
import { LxcfsError } from '../../src/errors.js';
import { busyTicks, CPU_FIELDS, parseHostStat, ZERO_FIELDS } from '../../src/host/stat.js';

const fixture = (dir: string): string =>
  readFileSync(new URL(`../fixtures/${dir}/proc/stat`, import.meta.url), 'utf8');

const OTHER_LABELS = ['intr', 'ctxt', 'btime', 'processes', 'procs_running', 'procs_blocked', 'softirq'];

t.test('this machine\'s /proc/stat: cpu lines as bigints, the rest verbatim in order', async (t) => {
  const text = fixture('host-stat-local');
  const stat = parseHostStat(text);
  const lines = text.trimEnd().split('\n');
  t.same(stat.cpus.map((c) => c.id), [0, 1]);
  const first = lines[1]!.split(/ +/).slice(1).map(BigInt);
  t.same(stat.cpus[0]!.fields, first, 'cpu0 counters');
  t.same(stat.byId.get(1), lines[2]!.split(/ +/).slice(1).map(BigInt));
  t.notOk(stat.other.some((l) => l.startsWith('cpu ')), 'the summary line is neither a CPU (ids above) nor an other line');
  t.same(stat.other, lines.slice(3), 'other lines verbatim, host order');
  t.same(stat.other.map((l) => l.split(' ')[0]), OTHER_LABELS);
});

t.test('8 and 256 CPUs: every CPU, the long intr line intact', async (t) => {
  const eight = parseHostStat(fixture('host-stat-8cpu'));
  t.same(eight.cpus.map((c) => c.id), [0, 1, 2, 3, 4, 5, 6, 7]);
  const text = fixture('host-stat-256cpu');
  const big = parseHostStat(text);
  t.equal(big.cpus.length, 256);
  t.equal(big.cpus[255]!.id, 255);
  const intr = text.split('\n').find((l) => l.startsWith('intr '))!;
  t.ok(intr.length > 9000, 'a long intr line');
  t.equal(big.other[0], intr);
  for (const cpu of big.cpus) t.equal(cpu.fields.length, CPU_FIELDS);
});

t.test('older kernels print fewer counters: padded with 0; newer ones more: first ten kept', async (t) => {
  const stat = parseHostStat('cpu  4 3 2 1\ncpu0 4 3 2 1\ncpu1 1 2 3 4 5 6 7 8 9 10 11 12\nctxt 5\n');
  t.same(stat.byId.get(0), [4n, 3n, 2n, 1n, 0n, 0n, 0n, 0n, 0n, 0n]);
  t.same(stat.byId.get(1), [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n, 10n]);
  t.same(stat.other, ['ctxt 5']);
});

t.test('counters beyond 2^53 stay exact', async (t) => {
  const stat = parseHostStat('cpu0 18446744073709551615 0 0 9007199254740993 0 0 0 0 0 0\n');
  t.equal(stat.byId.get(0)![0], 18446744073709551615n);
  t.equal(stat.byId.get(0)![3], 9007199254740993n);
});

t.test('sparse ids (offline CPUs are not listed), no trailing newline, blank lines', async (t) => {
  const stat = parseHostStat('cpu  1 0 0 0 0 0 0 0 0 0\ncpu0 1 0 0 0 0 0 0 0 0 0\n\ncpu3 0 0 0 0 0 0 0 0 0 0\nbtime 7');
  t.same(stat.cpus.map((c) => c.id), [0, 3]);
  t.same(stat.other, ['btime 7']);
  t.equal(stat.byId.get(1), undefined);
});

t.test('labels that only start with "cpu" are other lines', async (t) => {
  const stat = parseHostStat('cpux 1 2 3 4\ncpu 1 2 3 4\ncpu1\t1 2 3\n');
  t.same(stat.other, ['cpux 1 2 3 4', 'cpu1\t1 2 3']);
  t.same(stat.cpus, []);
  t.same(parseHostStat(''), { cpus: [], byId: new Map(), other: [] });
});

t.test('malformed cpu lines → LXCFS_PARSE', async (t) => {
  for (const text of [
    'cpu0 1 2 3\n',              // too few counters
    'cpu0 1 2 x 4 5 6 7 8 9 10\n',
    'cpu0 1 2 -3 4 5 6 7 8 9 10\n',
    'cpu0\n',
    'cpu0 1 2 3 4\ncpu0 1 2 3 4\n', // listed twice
    'cpu  1 2 3 4 5 6 7 8 9 1e3\n',
  ]) {
    t.throws(() => parseHostStat(text), { name: 'LxcfsError', code: 'LXCFS_PARSE' }, JSON.stringify(text));
    try {
      parseHostStat(text);
    } catch (err) {
      t.ok(err instanceof LxcfsError);
    }
  }
});

t.test('busyTicks: every counter but idle (guest counted again, as lxcfs)', async (t) => {
  t.equal(busyTicks([1n, 2n, 3n, 1000n, 4n, 5n, 6n, 7n, 8n, 9n]), 45n);
  t.equal(busyTicks(ZERO_FIELDS), 0n);
  t.ok(Object.isFrozen(ZERO_FIELDS));
});
