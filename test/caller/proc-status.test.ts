import t from 'tap';
import { parseNsPid, parsePpid, parseTgid } from '../../src/caller/proc-status.js';

// Head of a real /proc/<pid>/status (Debian 12, kernel 6.18) for a process in a child pid ns.
const NESTED = [
  'Name:\tsleep', 'Umask:\t0022', 'State:\tS (sleeping)', 'Tgid:\t5006', 'Ngid:\t0',
  'Pid:\t5007', 'PPid:\t5005', 'TracerPid:\t0', 'Uid:\t0\t0\t0\t0', 'Gid:\t0\t0\t0\t0',
  'FDSize:\t256', 'Groups:\t ', 'NStgid:\t5006\t1', 'NSpid:\t5007\t2', 'NSpgid:\t5002\t1',
  'NSsid:\t2685\t1', 'Kthread:\t0', 'VmPeak:\t    2920 kB', '',
].join('\n');

t.test('reads Tgid, PPid and every NSpid level', async (t) => {
  t.equal(parseTgid(NESTED), 5006);
  t.equal(parsePpid(NESTED), 5005);
  t.same(parseNsPid(NESTED), [5007, 2]);
});

t.test('NSpid is not confused with NStgid/NSpgid/NSsid', async (t) => {
  const text = 'Name:\tx\nNStgid:\t9\t1\nNSpgid:\t9\t1\nNSsid:\t9\t1\nNSpid:\t10\t3\t2\n';
  t.same(parseNsPid(text), [10, 3, 2]);
});

t.test('a key at the very start of the text is found', async (t) => {
  t.equal(parsePpid('PPid:\t0\n'), 0);
  t.same(parseNsPid('NSpid:\t1\n'), [1]);
});

t.test('a Name: that looks like a key does not match (kernel escapes newlines in Name)', async (t) => {
  const text = 'Name:\tNSpid:\\t1\nTgid:\t7\nPPid:\t3\nNSpid:\t7\t4\n';
  t.same(parseNsPid(text), [7, 4]);
  t.equal(parseTgid('Name:\tTgid: 99\nTgid:\t7\n'), 7);
});

t.test('missing lines give null (NSpid appeared in 4.1)', async (t) => {
  const old = 'Name:\tinit\nTgid:\t1\nPid:\t1\nPPid:\t0\n';
  t.equal(parseNsPid(old), null);
  t.equal(parseTgid(''), null);
  t.equal(parsePpid('Name:\tx\n'), null);
});

t.test('truncated input gives null, never a partial number', async (t) => {
  t.equal(parseNsPid('Tgid:\t5\nNSpid:\t5007\t'), null, 'cut inside NSpid');
  t.equal(parseNsPid('Tgid:\t5\nNSpid:\t50'), null, 'cut inside a number');
  t.equal(parseNsPid('Tgid:\t5\nNSp'), null, 'cut inside the key');
  t.equal(parsePpid('PPid:\t50'), null);
  t.equal(parseTgid('Tgid:'), null);
});

t.test('malformed values give null', async (t) => {
  t.equal(parseNsPid('NSpid:\t\n'), null, 'empty');
  t.equal(parseNsPid('NSpid:\t12\tx\n'), null, 'not a number');
  t.equal(parseNsPid('NSpid:\t-1\n'), null, 'negative');
  t.equal(parsePpid('PPid:\t1e3\n'), null, 'exponent');
  t.equal(parseTgid('Tgid:\t12 13\n'), null, 'two values');
});
