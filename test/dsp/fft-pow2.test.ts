import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Pow2Kernel, isPow2, pow2Kernel } from '../../src/dsp/fft-pow2.js';
import { caseInput, dft, dftRounding, kernelGolden, l2, pick, randomComplex, relativeError } from '../helpers/fft-kernels.js';

// Expected values: test/golden/dsp/make_fft_kernels.py (numpy.fft.fft). test/dsp/fft.test.ts covers
// the public wrapper (plans, aliasing, rfft unpacking); these tests drive the kernel itself.

/** Relative to the output's norm (relativeError); these cases measure up to 6e-16. */
const TOL = 5e-15;

/** The path the kernel takes for n, as its header describes it. */
function path(n: number): string {
  const log = Math.log2(n);
  const first = n === 1 ? 'a copy' : n === 2 ? 'one radix-2 butterfly' : log % 2 === 1 ? 'a radix-8 first pass' : 'a radix-4 first pass';
  return n > 4096 ? `${first} after the tiled bit reversal, in place` : `${first} fused with the bit-reversed load`;
}

const isPow2Cases: [number, boolean][] = [
  [0, false], [-4, false], [1, true], [2, true], [3, false], [6, false], [12, false],
  [4096, true], [4095, false], [4097, false], [3 << 10, false], [2 ** 30, true],
];
for (const [n, want] of isPow2Cases) {
  test(`isPow2(${n}) is ${want}`, () => {
    assert.equal(isPow2(n), want);
  });
}

for (const c of kernelGolden.pow2) {
  test(`run matches numpy.fft.fft for ${c.kind} input of ${c.n} points (${path(c.n)})`, () => {
    const x = caseInput(c);
    const outRe = new Float64Array(c.n), outIm = new Float64Array(c.n);
    pow2Kernel(c.n).run(x.re, x.im, outRe, outIm);
    const err = relativeError(pick(outRe, c.bins), pick(outIm, c.bins), c.re, c.im, c.n, c.norm);
    assert.ok(err <= TOL, `relative error ${err}`);
  });
}

for (const c of kernelGolden.pow2.filter((g) => g.kind === 'complex')) {
  test(`runPacked reads interleaved complex input of ${c.n} points and matches numpy.fft.fft`, () => {
    const x = caseInput(c);
    const packed = new Float64Array(2 * c.n);
    for (let k = 0; k < c.n; k++) { packed[2 * k] = x.re[k]!; packed[2 * k + 1] = x.im[k]!; }
    const outRe = new Float64Array(c.n), outIm = new Float64Array(c.n);
    new Pow2Kernel(c.n).runPacked(packed, outRe, outIm);
    const err = relativeError(pick(outRe, c.bins), pick(outIm, c.bins), c.re, c.im, c.n, c.norm);
    assert.ok(err <= TOL, `relative error ${err}`);
  });
}

test('run and runPacked agree with a direct O(n^2) DFT on random input for every power of two up to 2^16', () => {
  for (let log = 0; log <= 16; log++) {
    const n = 1 << log;
    const x = randomComplex(n, 77 + log);
    // Full comparison while the direct DFT is cheap; above that, bins at both ends, around n/2 and scattered.
    const bins = n <= 4096 ? undefined : [0, 1, 2, 3, n / 2 - 1, n / 2, n / 2 + 1, n - 2, n - 1, ...Array.from({ length: 40 }, (_, q) => (q * 1601 + 5) % n)];
    const ref = dft(x.re, x.im, bins);
    // Parseval: the output norm is sqrt(n) times the input norm.
    const norm = Math.sqrt(n) * l2(x.re, x.im);
    const kernel = pow2Kernel(n);
    const outRe = new Float64Array(n), outIm = new Float64Array(n);
    kernel.run(x.re, x.im, outRe, outIm);
    const errRun = relativeError(pick(outRe, bins), pick(outIm, bins), ref.re, ref.im, n, norm);
    assert.ok(errRun <= TOL + dftRounding(n), `run n=${n}: relative error ${errRun}`);
    const packed = new Float64Array(2 * n);
    for (let k = 0; k < n; k++) { packed[2 * k] = x.re[k]!; packed[2 * k + 1] = x.im[k]!; }
    outRe.fill(NaN); outIm.fill(NaN);
    kernel.runPacked(packed, outRe, outIm);
    const errPacked = relativeError(pick(outRe, bins), pick(outIm, bins), ref.re, ref.im, n, norm);
    assert.ok(errPacked <= TOL + dftRounding(n), `runPacked n=${n}: relative error ${errPacked}`);
  }
});

test('an impulse at index 1 transforms to the twiddles exp(-2 pi i k / n) in natural order', () => {
  // Every output bin depends on where the bit reversal put the one non-zero value.
  for (const n of [2, 4, 8, 32, 64, 4096, 8192, 16384]) {
    const re = new Float64Array(n), im = new Float64Array(n);
    re[1] = 1;
    const outRe = new Float64Array(n), outIm = new Float64Array(n);
    pow2Kernel(n).run(re, im, outRe, outIm);
    for (let k = 0; k < n; k++) {
      const a = (-2 * Math.PI * k) / n;
      assert.ok(Math.abs(outRe[k]! - Math.cos(a)) <= 1e-14 && Math.abs(outIm[k]! - Math.sin(a)) <= 1e-14, `n=${n} bin ${k}: ${outRe[k]} ${outIm[k]}`);
    }
  }
});

test('a kernel leaves its input unchanged and gives the same result when run again on it', () => {
  // The tiled path keeps tile buffers between runs: a second run must not see the first one's values.
  for (const n of [8, 16, 2048, 8192, 16384]) {
    const a = randomComplex(n, 5), b = randomComplex(n, 6);
    const aRe = a.re.slice(), aIm = a.im.slice();
    const kernel = pow2Kernel(n);
    const first = [new Float64Array(n), new Float64Array(n)] as const;
    kernel.run(a.re, a.im, first[0], first[1]);
    assert.deepEqual(a.re, aRe, `n=${n}: run changed its real input`);
    assert.deepEqual(a.im, aIm, `n=${n}: run changed its imaginary input`);
    const other = [new Float64Array(n), new Float64Array(n)] as const;
    kernel.run(b.re, b.im, other[0], other[1]);
    const again = [new Float64Array(n), new Float64Array(n)] as const;
    kernel.run(a.re, a.im, again[0], again[1]);
    assert.deepEqual(again[0], first[0], `n=${n}: second run differs (re)`);
    assert.deepEqual(again[1], first[1], `n=${n}: second run differs (im)`);
    const packed = new Float64Array(2 * n);
    for (let k = 0; k < n; k++) { packed[2 * k] = a.re[k]!; packed[2 * k + 1] = a.im[k]!; }
    const before = packed.slice();
    kernel.runPacked(packed, again[0], again[1]);
    assert.deepEqual(packed, before, `n=${n}: runPacked changed its input`);
  }
});
