import t from 'tap';
import { swapFigures } from '../../src/files/swap-figures.js';

const MiB = 1024n * 1024n;
const HS = 524284n; // host SwapTotal, kB

t.test('off (-u) or not accounted → 0/0/0', async (t) => {
  t.same(swapFigures(HS, { max: null, usage: 10n * MiB }, false), { totalKb: 0n, usedKb: 0n, freeKb: 0n });
  t.same(swapFigures(HS, null, true), { totalKb: 0n, usedKb: 0n, freeKb: 0n });
});

t.test('max null → host swap', async (t) => {
  t.same(swapFigures(HS, { max: null, usage: 0n }, true), { totalKb: HS, usedKb: 0n, freeKb: HS });
});

t.test('v1 memsw-style max: min(host swap, max) — the spec §3.3 observation', async (t) => {
  t.same(swapFigures(HS, { max: 384n * MiB, usage: 0n }, true), { totalKb: 393216n, usedKb: 0n, freeKb: 393216n });
  // after pushing 300 MiB into the 256 MiB cgroup: swap usage = memsw.usage − usage
  const used = 329035776n - 268021760n;
  t.same(swapFigures(HS, { max: 384n * MiB, usage: used }, true), { totalKb: 393216n, usedKb: 59584n, freeKb: 333632n });
});

t.test('max above host swap is capped at host swap', async (t) => {
  t.same(swapFigures(HS, { max: 4096n * MiB, usage: MiB }, true), { totalKb: HS, usedKb: 1024n, freeKb: HS - 1024n });
});

t.test('max 0 → nothing, even with usage', async (t) => {
  t.same(swapFigures(HS, { max: 0n, usage: 5n * MiB }, true), { totalKb: 0n, usedKb: 0n, freeKb: 0n });
});

t.test('host without swap → 0 whatever the cgroup says', async (t) => {
  t.same(swapFigures(0n, { max: null, usage: MiB }, true), { totalKb: 0n, usedKb: 0n, freeKb: 0n });
});

t.test('used > total → used clamped, free 0 (lxcfs#695: no ~2^64)', async (t) => {
  t.same(swapFigures(HS, { max: 100n * MiB, usage: 200n * MiB }, true), { totalKb: 102400n, usedKb: 102400n, freeKb: 0n });
});

t.test('bytes are truncated to kB', async (t) => {
  t.same(swapFigures(HS, { max: 1024n * 1000n + 1023n, usage: 2047n }, true), { totalKb: 1000n, usedKb: 1n, freeKb: 999n });
});

t.test('absurd inputs stay within [0, 2^64)', async (t) => {
  const huge = 1n << 80n;
  const f = swapFigures(huge, { max: null, usage: -5n }, true);
  t.equal(f.totalKb, (1n << 64n) - 1n);
  t.equal(f.usedKb, 0n);
  t.same(swapFigures(-7n, { max: null, usage: 0n }, true), { totalKb: 0n, usedKb: 0n, freeKb: 0n });
});
