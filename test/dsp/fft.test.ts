import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Fft, RealFft, fft, getFft, getRealFft, ifft, irfft, nextFastLength, rfft } from '../../src/dsp/fft.js';
import { repoRoot } from '../helpers/shared.js';

// Expected values: test/golden/dsp/make_spectral_extra.py (numpy.fft.fft / rfft / irfft, NumPy 2.4).
interface Golden {
  fft: { n: number; re: number[]; im: number[]; expectedRe: number[]; expectedIm: number[] }[];
  rfft: { x: number[]; n: number; expectedRe: number[]; expectedIm: number[]; irfft: number[] }[];
}
const golden = JSON.parse(readFileSync(join(repoRoot, 'test/golden/dsp/spectral_extra.json'), 'utf8')) as Golden;

/** max |a - e| <= tol * max |e| (the error a float FFT makes scales with the largest value). */
function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i]! - expected[i]!);
    if (err > tol * scale + 1e-300) assert.fail(`${what}[${i}]: got ${actual[i]}, expected ${expected[i]} (scale ${scale})`);
  }
}

function randomVector(n: number, seed: number): Float64Array {
  // xorshift: deterministic inputs without touching Math.random
  let s = seed >>> 0 || 1;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** Direct DFT of one bin, for spot checks of sizes too large for the golden file. */
function dftBin(re: Float64Array, im: Float64Array, k: number): [number, number] {
  const n = re.length;
  let sr = 0, si = 0;
  for (let j = 0; j < n; j++) {
    const a = (-2 * Math.PI * ((j * k) % n)) / n, c = Math.cos(a), s = Math.sin(a);
    sr += re[j]! * c - im[j]! * s;
    si += re[j]! * s + im[j]! * c;
  }
  return [sr, si];
}

test('Fft.forward matches numpy.fft.fft for prime, odd, mixed-radix and power-of-two lengths', () => {
  for (const c of golden.fft) {
    const plan = new Fft(c.n);
    const outRe = new Float64Array(c.n), outIm = new Float64Array(c.n);
    plan.forward(Float64Array.from(c.re), Float64Array.from(c.im), outRe, outIm);
    assertClose(outRe, c.expectedRe, 1e-13, `fft n=${c.n} re`);
    assertClose(outIm, c.expectedIm, 1e-13, `fft n=${c.n} im`);
  }
});

test('Fft.inverse is numpy.fft.ifft: it undoes forward, including the 1/n scaling', () => {
  for (const c of golden.fft) {
    const back = ifft(c.expectedRe, c.expectedIm);
    assertClose(back.re, c.re, 1e-13, `ifft n=${c.n} re`);
    assertClose(back.im, c.im, 1e-13, `ifft n=${c.n} im`);
  }
});

test('rfft and irfft match numpy on even, odd, zero-padded and truncated lengths', () => {
  for (const c of golden.rfft) {
    const r = rfft(c.x, c.n);
    assertClose(r.re, c.expectedRe, 1e-13, `rfft len=${c.x.length} n=${c.n} re`);
    assertClose(r.im, c.expectedIm, 1e-13, `rfft len=${c.x.length} n=${c.n} im`);
    assertClose(irfft(c.expectedRe, c.expectedIm, c.n), c.irfft, 1e-13, `irfft n=${c.n}`);
  }
});

test('irfft ignores the imaginary parts of the DC and Nyquist bins, as numpy does', () => {
  const x = randomVector(16, 3);
  const { re, im } = rfft(x);
  im[0] = 5; im[8] = -7;
  assertClose(irfft(re, im, 16), x, 1e-14, 'irfft');
});

test('large power-of-two (cache-blocked), mixed-radix and Bluestein sizes agree with the direct DFT at sampled bins', () => {
  for (const n of [1 << 14, 1 << 16, 1 << 17, 3 * (1 << 12), 5 * 7 * 11 * 13, 4099]) {
    const re = randomVector(n, n), im = randomVector(n, n + 1);
    const X = fft(re, im);
    let scale = 0;
    for (let k = 0; k < n; k++) scale = Math.max(scale, Math.hypot(X.re[k]!, X.im[k]!));
    for (const k of [0, 1, 7, n >> 1, n - 3, (n * 2) / 3 | 0]) {
      const [r, i] = dftBin(re, im, k);
      assert.ok(Math.abs(X.re[k]! - r) <= 1e-12 * scale && Math.abs(X.im[k]! - i) <= 1e-12 * scale, `n=${n} bin ${k}`);
    }
  }
});

test('Fft outputs may alias the inputs', () => {
  for (const n of [64, 60, 37]) {
    const re = randomVector(n, 11), im = randomVector(n, 12);
    const expected = fft(re, im);
    const plan = getFft(n);
    plan.forward(re, im, re, im);
    assertClose(re, expected.re, 1e-15, `in-place n=${n} re`);
    assertClose(im, expected.im, 1e-15, `in-place n=${n} im`);
    const swapRe = Float64Array.from(expected.re), swapIm = Float64Array.from(expected.im);
    plan.inverse(swapRe, swapIm, swapIm, swapRe); // crossed aliasing
    const back = ifft(expected.re, expected.im);
    assertClose(swapIm, back.re, 1e-15, `crossed n=${n}`);
  }
});

test('forwardInterleaved transforms x[2k] + i x[2k+1] for every kernel kind', () => {
  for (const n of [1, 256, 1 << 13, 1 << 16, 90, 53]) {
    const x = randomVector(2 * n, 5);
    const re = x.filter((_, i) => i % 2 === 0), im = x.filter((_, i) => i % 2 === 1);
    const expected = fft(re, im);
    const outRe = new Float64Array(n), outIm = new Float64Array(n);
    getFft(n).forwardInterleaved(x, outRe, outIm);
    assertClose(outRe, expected.re, 1e-15, `n=${n} re`);
    assertClose(outIm, expected.im, 1e-15, `n=${n} im`);
  }
});

test('RealFft gives the same bins as the complex FFT of real input', () => {
  for (const n of [2, 8, 10, 1 << 14, 1 << 18, 99]) {
    const x = randomVector(n, 21);
    const full = fft(x);
    const plan = new RealFft(n);
    const re = new Float64Array(plan.bins), im = new Float64Array(plan.bins);
    plan.forward(x, re, im);
    assert.equal(plan.bins, Math.floor(n / 2) + 1);
    assertClose(re, full.re.subarray(0, plan.bins), 1e-14, `n=${n} re`);
    assertClose(im, full.im.subarray(0, plan.bins), 1e-14, `n=${n} im`);
  }
});

test('plans are cached per size', () => {
  assert.equal(getFft(96), getFft(96));
  assert.equal(getRealFft(96), getRealFft(96));
  assert.notEqual(getFft(96), getFft(97));
});

test('invalid sizes and short arrays give a RangeError naming the argument', () => {
  for (const n of [0, -4, 2.5, NaN]) {
    assert.throws(() => new Fft(n), (e: unknown) => e instanceof RangeError && /n must be a positive integer/.test(e.message));
    assert.throws(() => rfft([1, 2, 3], n), (e: unknown) => e instanceof RangeError && /\bn\b/.test(e.message));
  }
  const plan = new Fft(8);
  assert.throws(() => plan.forward(new Float64Array(4), new Float64Array(8), new Float64Array(8), new Float64Array(8)), RangeError);
  assert.throws(() => irfft([1, 2], [0], 2), (e: unknown) => e instanceof RangeError && /re and im/.test(e.message));
});

test('nextFastLength is the smallest even 5-smooth number not below n', () => {
  const smooth = (v: number): boolean => { for (const p of [2, 3, 5]) while (v % p === 0) v /= p; return v === 1; };
  for (let n = 1; n < 2000; n++) {
    let want = Math.max(2, n);
    while (want % 2 !== 0 || !smooth(want)) want++;
    assert.equal(nextFastLength(n), want, `n=${n}`);
  }
});
