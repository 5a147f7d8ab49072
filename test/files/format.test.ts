import { readFileSync } from 'node:fs';
import t from 'tap';
import { clampU64, kb, kbLine, U64_MAX } from '../../src/files/format.js';

const HOST = readFileSync(new URL('../fixtures/host-noswap/meminfo', import.meta.url), 'utf8');

t.test('kbLine uses the kernel layout: label+colon in 16 columns, value in 8, " kB"', async (t) => {
  t.equal(kbLine('MemTotal', 262144n), 'MemTotal:         262144 kB');
  t.equal(kbLine('Buffers', 0n), 'Buffers:               0 kB');
  t.equal(kbLine('ShmemPmdMapped', 0n), 'ShmemPmdMapped:        0 kB');
  t.equal(kbLine('MemTotal', 0n).length, 27);
});

t.test('kbLine reproduces every kB line of a real host /proc/meminfo byte for byte', async (t) => {
  let checked = 0;
  for (const line of HOST.split('\n')) {
    if (!line.endsWith(' kB')) continue;
    const colon = line.indexOf(':');
    const value = BigInt(line.slice(colon + 1, -3).trim());
    t.equal(kbLine(line.slice(0, colon), value), line, line);
    checked++;
  }
  t.ok(checked > 40, `checked ${checked} lines`);
});

t.test('values wider than 8 columns push the unit right (as the kernel does)', async (t) => {
  t.equal(kbLine('VmallocTotal', 34359738367n), 'VmallocTotal:   34359738367 kB');
  t.equal(kbLine('MemFree', 123456789n), 'MemFree:        123456789 kB');
});

t.test('kbLine never prints a negative or ≥ 2^64 value', async (t) => {
  t.equal(kbLine('MemFree', -5n), 'MemFree:               0 kB');
  t.equal(kbLine('MemFree', 1n << 70n), `MemFree:        ${String(U64_MAX)} kB`);
  t.equal(kbLine('MemFree', U64_MAX), `MemFree:        18446744073709551615 kB`);
});

t.test('kb truncates and treats negative counts as 0', async (t) => {
  t.equal(kb(0n), 0n);
  t.equal(kb(1023n), 0n);
  t.equal(kb(1024n), 1n);
  t.equal(kb(2047n), 1n);
  t.equal(kb(9223372036854771712n), 9007199254740988n);
  t.equal(kb(-4096n), 0n);
});

t.test('clampU64', async (t) => {
  t.equal(clampU64(-1n), 0n);
  t.equal(clampU64(U64_MAX + 1n), U64_MAX);
  t.equal(clampU64(42n), 42n);
  t.equal(U64_MAX, 18446744073709551615n);
});
