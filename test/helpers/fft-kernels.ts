/**
 * Shared by the FFT kernel tests (test/dsp/fft-pow2.test.ts, test/dsp/fft-mixed.test.ts): the golden
 * file made by test/golden/dsp/make_fft_kernels.py, the generator its inputs come from, a direct
 * O(n^2) DFT, and the error measure the tolerances are stated in.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './shared.js';

export interface KernelCase {
  n: number;
  kind: 'complex' | 'real';
  seed: number;
  /** First values the generator gives for this case. */
  head: number[];
  /** L2 norm of the whole numpy output. */
  norm: number;
  /** Output bins given in re/im when not all of them (n > 1024). */
  bins?: number[];
  re: number[];
  im: number[];
}

export const kernelGolden = JSON.parse(readFileSync(join(repoRoot, 'test/golden/dsp/fft_kernels.json'), 'utf8')) as {
  numpy: string;
  pow2: KernelCase[];
  mixed: KernelCase[];
};

/** The golden file's input generator, value for value (see make_fft_kernels.py). */
export function lcg(seed: number, count: number): Float64Array {
  let s = seed >>> 0;
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s >>> 8) / 2 ** 23 - 1;
  }
  return out;
}

/** The input of a golden case, checked against the values the script recorded. */
export function caseInput(c: KernelCase): { re: Float64Array; im: Float64Array } {
  const v = lcg(c.seed, c.kind === 'complex' ? 2 * c.n : c.n);
  assert.deepEqual(Array.from(v.subarray(0, c.head.length)), c.head, `n=${c.n} ${c.kind}: generator differs from the script's`);
  return c.kind === 'complex'
    ? { re: v.slice(0, c.n), im: v.slice(c.n) }
    : { re: v, im: new Float64Array(c.n) };
}

/** Independent random input (xorshift32), values in [-1, 1). */
export function randomComplex(n: number, seed: number): { re: Float64Array; im: Float64Array } {
  let s = seed >>> 0 || 1;
  const next = (): number => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s / 2 ** 31 - 1;
  };
  const re = new Float64Array(n), im = new Float64Array(n);
  for (let i = 0; i < n; i++) { re[i] = next(); im[i] = next(); }
  return { re, im };
}

/** Direct DFT at the given bins (all when omitted): X[k] = sum_j x[j] exp(-2 pi i jk / n), twiddles from a table indexed by jk mod n. */
export function dft(re: Float64Array, im: Float64Array, bins?: readonly number[]): { re: Float64Array; im: Float64Array } {
  const n = re.length;
  const c = new Float64Array(n), s = new Float64Array(n);
  for (let j = 0; j < n; j++) { c[j] = Math.cos((2 * Math.PI * j) / n); s[j] = -Math.sin((2 * Math.PI * j) / n); }
  const ks = bins ?? Array.from({ length: n }, (_, k) => k);
  const outRe = new Float64Array(ks.length), outIm = new Float64Array(ks.length);
  ks.forEach((k, q) => {
    let sr = 0, si = 0, idx = 0;
    for (let j = 0; j < n; j++) {
      const wr = c[idx]!, wi = s[idx]!, xr = re[j]!, xi = im[j]!;
      sr += xr * wr - xi * wi;
      si += xr * wi + xi * wr;
      idx += k; if (idx >= n) idx -= n;
    }
    outRe[q] = sr; outIm[q] = si;
  });
  return { re: outRe, im: outIm };
}

/**
 * What the direct DFT's own rounding adds to a comparison with it, in relativeError's terms: a sum of
 * n terms, growing like sqrt(n) (with power-of-two kernels under 1e-15, 2e-15 measured at 4096
 * points and 8e-15 at 65536).
 */
export const dftRounding = (n: number): number => 1e-16 * Math.sqrt(n);

/**
 * RMS error over the compared bins relative to the RMS of the whole output (its L2 norm over sqrt n).
 * With every bin compared this is ||X - ref|| / ||ref||; floating-point FFT error grows with that norm.
 */
export function relativeError(
  actRe: ArrayLike<number>, actIm: ArrayLike<number>, refRe: ArrayLike<number>, refIm: ArrayLike<number>,
  n: number, norm: number,
): number {
  let e = 0;
  for (let q = 0; q < refRe.length; q++) e += (actRe[q]! - refRe[q]!) ** 2 + (actIm[q]! - refIm[q]!) ** 2;
  const rmsErr = Math.sqrt(e / refRe.length), rmsRef = norm / Math.sqrt(n);
  return rmsRef === 0 ? rmsErr : rmsErr / rmsRef;
}

/** L2 norm of a complex vector. */
export function l2(re: ArrayLike<number>, im: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < re.length; i++) s += re[i]! ** 2 + im[i]! ** 2;
  return Math.sqrt(s);
}

/** Values of `a` at `bins` (all of `a` when omitted). */
export function pick(a: Float64Array, bins?: readonly number[]): Float64Array {
  return bins ? Float64Array.from(bins, (k) => a[k]!) : a;
}
