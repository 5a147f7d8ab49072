import t from 'tap';
import { prng } from '../helpers/prng.js';
import { formatCpuList, MAX_CPU_ID, parseCpuList } from '../../src/parse/cpu-list.js';

const range = (first: number, last: number): number[] => Array.from({ length: last - first + 1 }, (_, i) => first + i);

t.test('ranges and single ids', async (t) => {
  t.same(parseCpuList('0'), [0]);
  t.same(parseCpuList('7'), [7]);
  t.same(parseCpuList('0-3'), [0, 1, 2, 3]);
  t.same(parseCpuList('2-2'), [2], 'a one-CPU range');
  t.same(parseCpuList('0,2-3'), [0, 2, 3]);
  t.same(parseCpuList('0-1,4,6-7'), [0, 1, 4, 6, 7]);
  t.same(parseCpuList('0-255'), range(0, 255));
  t.same(parseCpuList('0-1,4-5,8-9,12-13'), [0, 1, 4, 5, 8, 9, 12, 13]);
});

t.test('ascending and unique whatever the order or overlap', async (t) => {
  t.same(parseCpuList('3,1'), [1, 3]);
  t.same(parseCpuList('6-7,0-1'), [0, 1, 6, 7]);
  t.same(parseCpuList('0-3,2-5'), [0, 1, 2, 3, 4, 5]);
  t.same(parseCpuList('1,1,1'), [1]);
  t.same(parseCpuList('007'), [7], 'leading zeros are still decimal');
});

t.test('whitespace and newlines around the list', async (t) => {
  t.same(parseCpuList('0-3\n'), [0, 1, 2, 3], 'as the kernel prints it');
  t.same(parseCpuList('  1,2 \n'), [1, 2]);
  t.same(parseCpuList('\t0\r\n'), [0]);
});

t.test('empty lists', async (t) => {
  t.same(parseCpuList(''), []);
  t.same(parseCpuList('\n'), [], 'an unset cpuset.cpus');
  t.same(parseCpuList('   '), []);
});

t.test('any malformed item makes the whole list null', async (t) => {
  const bad = ['1-', '-1', '-', 'a', '0,a', '3-1', '0-70000', '70000', String(MAX_CPU_ID + 1), `0-${MAX_CPU_ID + 1}`,
    '1,,2', '1,', ',1', ',', '1 ,2', '1, 2', '1 2', '0x1', '+1', '1-2-3', '1.5', '1:2', '0-3:2/4', '1\n2', 'max',
    '99999999999999999999', '0-99999999999999999999', '١'];
  for (const text of bad) t.equal(parseCpuList(text), null, JSON.stringify(text));
});

t.test('the largest accepted id', async (t) => {
  t.same(parseCpuList(String(MAX_CPU_ID)), [MAX_CPU_ID]);
  t.equal(parseCpuList(`0-${MAX_CPU_ID}`)?.length, MAX_CPU_ID + 1);
});

t.test('format: runs of two or more become a-b, as the kernel prints', async (t) => {
  t.equal(formatCpuList([]), '');
  t.equal(formatCpuList([5]), '5');
  t.equal(formatCpuList([0, 1]), '0-1');
  t.equal(formatCpuList([0, 2]), '0,2');
  t.equal(formatCpuList([0, 2, 3]), '0,2-3');
  t.equal(formatCpuList([0, 1, 2, 3, 8, 10, 11]), '0-3,8,10-11');
  t.equal(formatCpuList(range(128, 255)), '128-255');
  t.equal(formatCpuList([1, 3, 5, 7]), '1,3,5,7');
});

t.test('round trips: parse(format(ids)) = ids and format(parse(list)) = list', async (t) => {
  const rnd = prng(0x5eed);
  let failures = 0;
  for (let n = 0; n < 500 && failures < 5; n++) {
    const size = 1 + Math.floor(rnd() * 300);
    const density = rnd();
    const ids = range(0, size - 1).filter(() => rnd() < density);
    const text = formatCpuList(ids);
    const back = parseCpuList(`${text}\n`);
    const again = back === null ? null : formatCpuList(back);
    if (back === null || back.length !== ids.length || back.some((id, i) => id !== ids[i]) || again !== text) {
      failures++;
      t.fail(JSON.stringify({ ids, text }));
    }
  }
  t.equal(failures, 0, '500 random sets');
});
