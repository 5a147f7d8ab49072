import t from 'tap';
import { startTimeOf } from '../../src/caller/proc-stat.js';

// Real /proc/<pid>/stat of `sleep` started as "(a) b)" (this machine): starttime = 98007.
const WEIRD = '5006 ((a) b)) S 5005 5002 2685 0 -1 4194304 131 0 0 0 0 0 0 0 20 0 1 0 98007 '
  + '2990080 409 18446744073709551615 94695340253184 94695340271113 140720512535312 0 0 0 0 6 0 '
  + '1 0 0 17 1 0 0 0 0 0 94695340285200 94695340286464 94695743627264 140720512539368 '
  + '140720512539382 140720512539382 140720512540652 0\n';
const SH = '1 (sh) S 0 0 0 0 -1 4194560 79 119 0 0 0 0 0 0 20 0 1 0 98246 2654208 357 '
  + '18446744073709551615 94540962189312 94540962266041 140729008371120 0 0 0 0 0 65538 1 0 0 '
  + '17 0 0 0 0 0 0 94540962295344 94540962300480 94541470433280 140729008372371 '
  + '140729008372465 140729008372465 140729008373740 0\n';

t.test('field 22 of a plain stat line', async (t) => {
  t.equal(startTimeOf(SH), 98246);
});

t.test('comm with spaces and parentheses: counted after the last )', async (t) => {
  t.equal(startTimeOf(WEIRD), 98007);
  t.equal(startTimeOf(WEIRD.replace('((a) b))', '(a b c d e f g h i j k l m n o)')), 98007);
  t.equal(startTimeOf(WEIRD.replace('((a) b))', '())))')), 98007);
});

t.test('truncated input gives null', async (t) => {
  const at = SH.indexOf(' 98246 ');
  t.equal(startTimeOf(SH.slice(0, at)), null, 'before field 22');
  t.equal(startTimeOf(SH.slice(0, at + 4)), null, 'inside field 22: 982 must not be read as a value');
  t.equal(startTimeOf(SH.slice(0, at + 6)), null, 'field 22 complete but nothing after it');
  t.equal(startTimeOf(SH.slice(0, 7)), null, 'inside comm');
  t.equal(startTimeOf(''), null, 'empty');
});

t.test('malformed input gives null', async (t) => {
  t.equal(startTimeOf(SH.replace(' 98246 ', ' x98 ')), null, 'non-numeric field 22');
  t.equal(startTimeOf(SH.replace(' 98246 ', ' 98246x ')), null, 'trailing junk in field 22');
  t.equal(startTimeOf(SH.replace('(sh) S', '(sh)  S')), null, 'double blank shifts fields');
});
