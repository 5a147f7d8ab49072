import t from 'tap';
import { parseOptions, UsageError } from '../../src/bench/options.js';

const FILES = ['proc/cpuinfo', 'proc/meminfo', 'proc/stat', 'sys/devices/system/cpu/online'];
const parse = (...argv: string[]) => parseOptions(argv, FILES);

t.test('defaults', async (t) => {
  const o = parse();
  t.same(o.files, ['proc/meminfo', 'proc/stat', 'proc/cpuinfo']);
  t.same(o.modes, ['cat', 'pread']);
  t.same(o.procs, [1, 8, 32]);
  t.equal(o.seconds, 3);
  t.equal(o.rounds, 3);
  t.equal(o.warmupMs, 300);
  t.same(o.flags, []);
  t.equal(o.daemonCpus, null);
  t.equal(o.scaling, false);
  t.equal(o.json, null);
  t.equal(o.soak, null);
  t.equal(o.soakInterval, 10);
  t.equal(o.help, false);
});

t.test('files by name, by path, or all of the registry', async (t) => {
  t.same(parse('--files', 'online,proc/stat').files, ['sys/devices/system/cpu/online', 'proc/stat']);
  t.same(parse('--files', 'all').files, FILES);
});

t.test('values', async (t) => {
  const o = parse('--modes', 'pread', '--procs', '4,64', '--seconds', '0.3', '--rounds', '1', '--warmup-ms', '0',
    '--daemon-cpus', '0,2-3', '--json', '/tmp/x.json', '--soak', '60', '--soak-interval', '2.5', '-h');
  t.same(o.modes, ['pread']);
  t.same(o.procs, [4, 64]);
  t.equal(o.seconds, 0.3);
  t.equal(o.rounds, 1);
  t.equal(o.warmupMs, 0);
  t.equal(o.daemonCpus, '0,2-3');
  t.equal(o.json, '/tmp/x.json');
  t.equal(o.soak, 60);
  t.equal(o.soakInterval, 2.5);
  t.equal(o.help, true);
  t.equal(parse('--scaling').scaling, true);
});

t.test('daemon flags may start with a dash', async (t) => {
  t.same(parse('--flags', '-l --enable-cfs').flags, ['-l', '--enable-cfs']);
  t.same(parse('--flags=-u').flags, ['-u']);
  t.same(parse('--flags', '-l', '--procs', '2').procs, [2], 'the options after it still count');
});

t.test('bad command lines are UsageErrors naming the problem', async (t) => {
  const bad: [string[], RegExp][] = [
    [['--files', 'slabinfo'], /unknown file "slabinfo" \(known: proc\/cpuinfo, /],
    [['--files', ','], /--files: empty list/],
    [['--modes', 'mmap'], /unknown mode "mmap"/],
    [['--procs', '0'], /--procs: bad value "0"/],
    [['--procs', '1025'], /--procs: bad value/],
    [['--procs', '2.5'], /--procs: bad value/],
    [['--seconds', '0'], /--seconds: bad value/],
    [['--seconds', 'x'], /--seconds: bad value/],
    [['--rounds', '0'], /--rounds/],
    [['--warmup-ms', '-1'], /warmup-ms|ambiguous/],
    [['--daemon-cpus', 'a'], /--daemon-cpus: bad CPU list/],
    [['--scaling', '--daemon-cpus', '0'], /drop --daemon-cpus/],
    [['--soak', '10', '--scaling'], /--soak and --scaling/],
    [['--soak', '0'], /--soak: bad value/],
    [['--soak-interval', '0'], /--soak-interval: bad value/],
    [['--nope'], /Unknown option '--nope'/],
    [['extra'], /Unexpected argument 'extra'/],
  ];
  for (const [argv, message] of bad) {
    const err = (() => { try { parse(...argv); return null; } catch (e) { return e; } })();
    t.type(err, UsageError, argv.join(' '));
    t.match((err as Error | null)?.message, message, argv.join(' '));
  }
});
