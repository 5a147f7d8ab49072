import { readFileSync } from 'node:fs';
import t from 'tap';
import { LxcfsError } from '../../src/errors.js';
import { findMeminfoValue, parseHostMeminfo } from '../../src/host/meminfo.js';

const fixture = (dir: string): string =>
  readFileSync(new URL(`../fixtures/${dir}/meminfo`, import.meta.url), 'utf8');

t.test('a real host meminfo: every line kept, exact labels, kB and unit-less values', async (t) => {
  const text = fixture('host-noswap');
  const info = parseHostMeminfo(text);
  t.equal(info.lines.length, text.split('\n').length - 1);
  t.equal(info.lines.join('\n') + '\n', text, 'lines are the original text');
  t.equal(info.memTotalKb, 24684092n);
  t.equal(info.values.get('MemTotal'), 24684092n);
  t.equal(info.values.get('SwapTotal'), 0n);
  t.equal(info.values.get('Active(anon)'), 1544n);
  t.equal(info.values.get('VmallocTotal'), 34359738367n);
  t.equal(info.values.get('HugePages_Total'), 0n, 'a line without " kB"');
  t.equal(info.values.get('Hugepagesize'), 2048n);
  t.equal(info.labels[0], 'MemTotal');
  t.equal(info.labels[5], 'SwapCached');
  t.equal(info.values.get('Cached'), 158076n, 'Cached is not confused with SwapCached');
  t.equal(info.values.get('SwapCached'), 0n);
});

t.test('missing MemTotal → LxcfsError LXCFS_PARSE', async (t) => {
  for (const text of [fixture('host-malformed'), '', '\n', 'MemTotal: lots kB\n', 'MemTotalish: 5 kB\n', ' MemTotal: 5 kB\n']) {
    const name = JSON.stringify(text.slice(0, 20));
    t.throws(() => parseHostMeminfo(text), { name: 'LxcfsError', code: 'LXCFS_PARSE' }, name);
    try {
      parseHostMeminfo(text);
    } catch (err) {
      t.ok(err instanceof LxcfsError, `${name}: an LxcfsError`);
    }
  }
});

t.test('a truncated file keeps its partial last line', async (t) => {
  const info = parseHostMeminfo(fixture('host-truncated'));
  t.equal(info.lines.length, 17);
  t.equal(info.lines[16], 'SwapFr');
  t.equal(info.labels[16], '');
  t.equal(info.values.get('SwapTotal'), 524284n);
});

t.test('odd lines: no colon, unparsable values, duplicates, tabs', async (t) => {
  const info = parseHostMeminfo([
    'MemTotal:\t 1000 kB', 'no colon here', 'Weird:   12 MB', 'Neg:   -3 kB', 'Empty:', 'Dup:  1 kB',
    'Dup:  2 kB', 'Trailing:  7 kB junk', 'Bare:  9',
  ].join('\n'));
  t.equal(info.memTotalKb, 1000n);
  t.equal(info.labels[1], '');
  t.notOk(info.values.has('Weird'));
  t.notOk(info.values.has('Neg'));
  t.notOk(info.values.has('Empty'));
  t.equal(info.values.get('Dup'), 1n, 'first occurrence wins');
  t.notOk(info.values.has('Trailing'));
  t.equal(info.values.get('Bare'), 9n);
  t.equal(info.lines.length, 9, 'no trailing newline: the last line is kept');
});

t.test('findMeminfoValue: exact label at a line start only', async (t) => {
  const text = fixture('host-swap');
  t.equal(findMeminfoValue(text, 'SwapTotal'), 524284n);
  t.equal(findMeminfoValue(text, 'MemTotal'), 24684092n, 'first line');
  t.equal(findMeminfoValue(text, 'Cached'), 158076n, 'not SwapCached');
  t.equal(findMeminfoValue(text, 'HugePages_Free'), 0n);
  t.equal(findMeminfoValue(text, 'DirectMap1G'), 25165824n, 'last line');
  t.equal(findMeminfoValue(text, 'Nope'), null);
  t.equal(findMeminfoValue('XSwapTotal: 5 kB\n', 'SwapTotal'), null);
  t.equal(findMeminfoValue('SwapTotalX: 5 kB\n', 'SwapTotal'), null);
  t.equal(findMeminfoValue('SwapTotal: junk\n', 'SwapTotal'), null);
  t.equal(findMeminfoValue('A: 1 kB\nSwapTotal:  77 kB', 'SwapTotal'), 77n, 'no trailing newline');
});

t.test('findMeminfoValue agrees with parseHostMeminfo on every label of every fixture', async (t) => {
  for (const dir of ['host-noswap', 'host-swap', 'host-extra-lines']) {
    const text = fixture(dir);
    const info = parseHostMeminfo(text);
    for (const [label, value] of info.values) t.equal(findMeminfoValue(text, label), value, `${dir} ${label}`);
  }
});
