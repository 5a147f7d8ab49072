import t from 'tap';
import {
  digitsEnd, isDigits, lineValue, parseBigInt, parseBigUint, parseUint,
} from '../../src/parse/kernel-text.js';

const NOT_DECIMAL = ['', ' 12', '12 ', '0x10', '1e3', '+1', '1_0', '1.5', 'max', '12\n', '١٢'];

t.test('digitsEnd and isDigits scan ASCII digits inside [start, end)', async (t) => {
  t.equal(digitsEnd('123 kB'), 3);
  t.equal(digitsEnd('x123', 1), 4);
  t.equal(digitsEnd('12345', 0, 2), 2, 'stops at end');
  t.equal(digitsEnd('abc'), 0);
  t.equal(isDigits('a12b', 1, 3), true);
  t.equal(isDigits('a12b', 1, 4), false);
  t.equal(isDigits('12', 1, 1), false, 'empty range');
  t.equal(isDigits('12', 2, 1), false, 'reversed range');
});

t.test('parseBigInt accepts only decimal integers, optionally negative', async (t) => {
  t.equal(parseBigInt('0'), 0n);
  t.equal(parseBigInt('9223372036854771712'), 9223372036854771712n);
  t.equal(parseBigInt('18446744073709551615'), 18446744073709551615n, 'beyond 2^63 stays exact');
  t.equal(parseBigInt('-1'), -1n);
  for (const bad of [...NOT_DECIMAL, '-', '--1', '-x']) t.equal(parseBigInt(bad), null, JSON.stringify(bad));
  t.equal(parseBigInt('key -42\r', 4, 7), -42n, 'a range');
  t.equal(parseBigInt('-1', 1, 1), null, 'empty range');
});

t.test('parseBigUint: digits only, any size', async (t) => {
  t.equal(parseBigUint('524284'), 524284n);
  t.equal(parseBigUint('SwapTotal:  524284 kB', 12, 18), 524284n);
  t.equal(parseBigUint('340282366920938463463374607431768211456'), 1n << 128n);
  for (const bad of [...NOT_DECIMAL, '-1', '-0']) t.equal(parseBigUint(bad), null, JSON.stringify(bad));
});

t.test('parseUint: digits only, exact numbers only', async (t) => {
  t.equal(parseUint('0'), 0);
  t.equal(parseUint('007'), 7);
  t.equal(parseUint('4194304'), 4194304);
  t.equal(parseUint(' 98246 ', 1, 6), 98246);
  t.equal(parseUint('9007199254740991'), Number.MAX_SAFE_INTEGER);
  t.equal(parseUint('9007199254740992'), null, '2^53 is not exact');
  t.equal(parseUint('18446744073709551615'), null);
  for (const bad of [...NOT_DECIMAL, '-1', 'Infinity']) t.equal(parseUint(bad), null, JSON.stringify(bad));
});

t.test('lineValue finds a key at a line start only', async (t) => {
  const text = 'Name:\tPPid: 9\nNSpid:\t7\t1\nPid:\t7\nPPid:\t3\n';
  t.equal(lineValue(text, 'PPid:', 'newline'), '\t3', 'not inside the Name: value');
  t.equal(lineValue(text, 'Name:', 'newline'), '\tPPid: 9', 'the first line');
  t.equal(lineValue(text, 'Pid:', 'newline'), '\t7', 'not the tail of NSpid:');
  t.equal(lineValue(text, 'Tgid:', 'newline'), null);
  t.equal(lineValue('A: 1\nA: 2\n', 'A:', 'newline'), ' 1', 'the first match wins');
  t.equal(lineValue('A:\n', 'A:', 'newline'), '');
});

t.test('lineValue: a last line without a newline is a cut read, unless allowed', async (t) => {
  t.equal(lineValue('A: 1\nB: 50', 'B:', 'newline'), null);
  t.equal(lineValue('A: 1\nB: 50', 'B:', 'newline-or-end'), ' 50');
  t.equal(lineValue('B: 50', 'B:', 'newline-or-end'), ' 50');
  t.equal(lineValue('A: 1\nB', 'B:', 'newline-or-end'), null, 'cut inside the key');
});
