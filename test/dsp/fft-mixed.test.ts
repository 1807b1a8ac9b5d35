import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BluesteinKernel, MixedRadixKernel, factorize } from '../../src/dsp/fft-mixed.js';
import type { Kernel } from '../../src/dsp/fft-pow2.js';
import { caseInput, dft, dftRounding, kernelGolden, l2, pick, randomComplex, relativeError } from '../helpers/fft-kernels.js';

// Expected values: test/golden/dsp/make_fft_kernels.py (numpy.fft.fft). test/dsp/fft.test.ts covers
// the public wrapper, which picks one kernel per size; these tests run both kernels on every size.

/**
 * Relative to the output's norm (relativeError). Against numpy: up to 2.2e-15 measured for the mixed
 * radix kernel (large primes summed directly by the generic butterfly), 9e-16 for Bluestein.
 */
const TOL = 1e-14;

function runKernel(kernel: Kernel, re: Float64Array, im: Float64Array): { re: Float64Array; im: Float64Array } {
  const out = { re: new Float64Array(re.length), im: new Float64Array(re.length) };
  kernel.run(re, im, out.re, out.im);
  return out;
}

const factorCases: [number, number[]][] = [
  [1, []], [2, [2]], [3, [3]], [4, [4]], [8, [4, 2]], [16, [4, 4]], [12, [4, 3]], [18, [2, 3, 3]],
  [50, [2, 5, 5]], [60, [4, 3, 5]], [49, [7, 7]], [97, [97]], [1001, [7, 11, 13]], [4099, [4099]],
  [2 ** 5 * 3 ** 2 * 7, [4, 4, 2, 3, 3, 7]],
];
for (const [n, want] of factorCases) {
  test(`factorize(${n}) gives ${JSON.stringify(want)}: fours first, then primes ascending`, () => {
    assert.deepEqual(factorize(n), want);
  });
}

for (const c of kernelGolden.mixed) {
  const factors = factorize(c.n);
  test(`MixedRadixKernel with factors ${factors.join('x')} matches numpy.fft.fft for ${c.kind} input of ${c.n} points`, () => {
    const x = caseInput(c);
    const out = runKernel(new MixedRadixKernel(c.n, factors), x.re, x.im);
    const err = relativeError(pick(out.re, c.bins), pick(out.im, c.bins), c.re, c.im, c.n, c.norm);
    assert.ok(err <= TOL, `relative error ${err}`);
  });
  test(`BluesteinKernel matches numpy.fft.fft for ${c.kind} input of ${c.n} points`, () => {
    const x = caseInput(c);
    const out = runKernel(new BluesteinKernel(c.n), x.re, x.im);
    const err = relativeError(pick(out.re, c.bins), pick(out.im, c.bins), c.re, c.im, c.n, c.norm);
    assert.ok(err <= TOL, `relative error ${err}`);
  });
}

// Any factorisation is a valid Stockham plan: the stages' order and count change which buffer each
// stage writes (the last must land in `out`) but not the result.
const orders: [number, number[]][] = [
  [60, [4, 3, 5]], [60, [5, 4, 3]], [60, [3, 5, 4]], [60, [2, 2, 3, 5]], [60, [5, 3, 2, 2]], [60, [2, 3, 2, 5]],
  [12, [3, 4]], [12, [2, 3, 2]], [210, [7, 5, 3, 2]], [360, [2, 2, 2, 3, 3, 5]], [1001, [13, 11, 7]],
  // Composite radices go through the generic butterfly, which is a plain DFT of p points.
  [9, [9]], [25, [25]], [12, [6, 2]], [35, [35]],
];
for (const [n, factors] of orders) {
  test(`MixedRadixKernel(${n}, [${factors.join(', ')}]) gives numpy's transform whatever the stage order`, () => {
    const c = kernelGolden.mixed.find((g) => g.n === n && g.kind === 'complex')!;
    const x = caseInput(c);
    const out = runKernel(new MixedRadixKernel(n, factors), x.re, x.im);
    const err = relativeError(out.re, out.im, c.re, c.im, c.n, c.norm);
    assert.ok(err <= TOL, `relative error ${err}`);
  });
}

const randomSizes: { n: number; kernel: 'mixed' | 'bluestein' }[] = [
  { n: 216, kernel: 'mixed' }, { n: 343, kernel: 'mixed' }, { n: 840, kernel: 'mixed' }, { n: 1024, kernel: 'mixed' },
  { n: 2 * 3 * 5 * 7 * 11, kernel: 'mixed' }, { n: 3 * 1021, kernel: 'mixed' }, { n: 6000, kernel: 'mixed' },
  { n: 1, kernel: 'bluestein' }, { n: 2, kernel: 'bluestein' }, { n: 17, kernel: 'bluestein' }, { n: 2 * 1021, kernel: 'bluestein' },
  // m = 16384 points: the inner power-of-two transform takes its tiled path
  { n: 5000, kernel: 'bluestein' }, { n: 8191, kernel: 'bluestein' },
  // 2n - 1 > 16384 just above a power of two: m = 32768
  { n: 8193, kernel: 'bluestein' },
];
for (const { n, kernel } of randomSizes) {
  test(`${kernel === 'mixed' ? 'MixedRadixKernel' : 'BluesteinKernel'} agrees with a direct O(n^2) DFT on random input of ${n} points`, () => {
    const x = randomComplex(n, 1234 + n);
    const bins = n <= 4096 ? undefined : [0, 1, 2, n >> 1, (n >> 1) + 1, n - 2, n - 1, ...Array.from({ length: 60 }, (_, q) => (q * 2741 + 11) % n)];
    const ref = dft(x.re, x.im, bins);
    const norm = Math.sqrt(n) * l2(x.re, x.im); // Parseval
    const k = kernel === 'mixed' ? new MixedRadixKernel(n, factorize(n)) : new BluesteinKernel(n);
    const out = runKernel(k, x.re, x.im);
    const err = relativeError(pick(out.re, bins), pick(out.im, bins), ref.re, ref.im, n, norm);
    assert.ok(err <= TOL + dftRounding(n), `relative error ${err}`);
  });
}

test('BluesteinKernel keeps the chirp accurate at large k: a tone at bin k0 of a large prime length is n at k0 and nothing elsewhere', () => {
  // exp(i pi k^2 / n) with k^2 near 10^8 would lose digits if the phase were not reduced mod 2n first.
  const n = 10007, k0 = 9001;
  const re = new Float64Array(n), im = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const a = (2 * Math.PI * ((j * k0) % n)) / n;
    re[j] = Math.cos(a); im[j] = Math.sin(a);
  }
  const out = runKernel(new BluesteinKernel(n), re, im);
  let worst = 0;
  for (let k = 0; k < n; k++) worst = Math.max(worst, Math.hypot(out.re[k]! - (k === k0 ? n : 0), out.im[k]!));
  // relative to the RMS of the output, sqrt(n)
  assert.ok(worst / Math.sqrt(n) <= 1e-12, `largest error ${worst}`);
});

test('both kernels leave their input unchanged and can be run again with other input', () => {
  // Each keeps work buffers between runs: Stockham ping-pong arrays, Bluestein's padded chirp product.
  for (const n of [60, 77, 97, 1009]) {
    for (const make of [() => new MixedRadixKernel(n, factorize(n)), () => new BluesteinKernel(n)]) {
      const kernel = make();
      const a = randomComplex(n, 31), b = randomComplex(n, 32);
      const aRe = a.re.slice(), aIm = a.im.slice();
      const first = runKernel(kernel, a.re, a.im);
      assert.deepEqual(a.re, aRe, `n=${n}: input changed (re)`);
      assert.deepEqual(a.im, aIm, `n=${n}: input changed (im)`);
      runKernel(kernel, b.re, b.im);
      const again = runKernel(kernel, a.re, a.im);
      assert.deepEqual(again.re, first.re, `n=${n}: second run differs (re)`);
      assert.deepEqual(again.im, first.im, `n=${n}: second run differs (im)`);
    }
  }
});
