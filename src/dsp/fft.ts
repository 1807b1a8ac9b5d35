/**
 * Discrete Fourier transforms with numpy.fft conventions: the forward transform is unnormalised,
 * the inverse carries 1/n. A plan (`Fft`, `RealFft`) is built once per size and cached; building it
 * precomputes every twiddle factor and permutation so that a transform allocates nothing.
 *
 * Algorithms, chosen once per size (kernels in fft-pow2.ts and fft-mixed.ts):
 * - powers of two: iterative radix-4 decimation in time with a bit-reversed load;
 * - lengths whose prime factors are small: Stockham autosort mixed radix;
 * - anything else (large prime factors): Bluestein's chirp-z algorithm.
 * Real input of even length is packed into a complex transform of half the length and unpacked
 * with one twiddle pass, as numpy.fft.rfft's result.
 */

import { BluesteinKernel, MixedRadixKernel, factorize } from './fft-mixed.js';
import { isPow2, pow2Kernel, type Kernel, type PackedKernel } from './fft-pow2.js';

function chooseKernel(n: number): Kernel {
  if (isPow2(n)) return pow2Kernel(n);
  const factors = factorize(n);
  // Rough operation counts: a radix-p stage costs about p multiply-adds per point for the generic
  // butterfly (under 2 for the dedicated ones); Bluestein costs two power-of-two FFTs of m >= 2n-1.
  let mixed = 0;
  for (const p of factors) mixed += p <= 5 ? 2 : p;
  mixed *= n;
  let m = 1;
  while (m < 2 * n - 1) m *= 2;
  const bluestein = 2.5 * m * Math.log2(m) + 4 * n;
  return mixed <= bluestein ? new MixedRadixKernel(n, factors) : new BluesteinKernel(n);
}

function checkArrays(n: number, arrays: Float64Array[]): void {
  for (const a of arrays) {
    if (!(a instanceof Float64Array)) throw new TypeError('FFT arrays must be Float64Array');
    if (a.length < n) throw new RangeError(`FFT of size ${n} needs arrays of at least ${n} values, got ${a.length}`);
  }
}

/**
 * Complex FFT plan for one length. forward is numpy.fft.fft (unnormalised), inverse is
 * numpy.fft.ifft (scaled by 1/n). Outputs may alias the inputs.
 */
export class Fft {
  readonly n: number;
  private readonly kernel: Kernel;
  /** The kernel again when it can read interleaved input directly (powers of two). */
  private readonly packed: PackedKernel | undefined;
  private scratch: [Float64Array, Float64Array] | undefined;

  constructor(n: number) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`FFT size n must be a positive integer, got ${n}`);
    this.n = n;
    this.kernel = chooseKernel(n);
    this.packed = 'runPacked' in this.kernel ? (this.kernel as PackedKernel) : undefined;
  }

  forward(re: Float64Array, im: Float64Array, outRe: Float64Array, outIm: Float64Array): void {
    checkArrays(this.n, [re, im, outRe, outIm]);
    this.exec(re, im, outRe, outIm);
  }

  /** Forward transform of the complex values stored interleaved: z[k] = x[2k] + i x[2k+1]. */
  forwardInterleaved(x: Float64Array, outRe: Float64Array, outIm: Float64Array): void {
    checkArrays(this.n, [outRe, outIm]);
    if (!(x instanceof Float64Array) || x.length < 2 * this.n) throw new RangeError(`interleaved input of FFT size ${this.n} needs ${2 * this.n} values`);
    if (this.packed && x.buffer !== outRe.buffer && x.buffer !== outIm.buffer) {
      this.packed.runPacked(x, outRe, outIm);
      return;
    }
    this.scratch ??= [new Float64Array(this.n), new Float64Array(this.n)];
    const [sr, si] = this.scratch;
    for (let k = 0; k < this.n; k++) { sr[k] = x[2 * k]!; si[k] = x[2 * k + 1]!; }
    this.kernel.run(sr, si, outRe, outIm);
  }

  inverse(re: Float64Array, im: Float64Array, outRe: Float64Array, outIm: Float64Array): void {
    checkArrays(this.n, [re, im, outRe, outIm]);
    // ifft(z) = swap(fft(swap(z))) / n, swap exchanging real and imaginary parts
    this.exec(im, re, outIm, outRe);
    const s = 1 / this.n;
    for (let k = 0; k < this.n; k++) { outRe[k]! *= s; outIm[k]! *= s; }
  }

  private exec(re: Float64Array, im: Float64Array, outRe: Float64Array, outIm: Float64Array): void {
    const shared = outRe.buffer === re.buffer || outRe.buffer === im.buffer || outIm.buffer === re.buffer || outIm.buffer === im.buffer;
    if (shared) {
      this.scratch ??= [new Float64Array(this.n), new Float64Array(this.n)];
      const [sr, si] = this.scratch;
      sr.set(re.subarray(0, this.n)); si.set(im.subarray(0, this.n));
      this.kernel.run(sr, si, outRe, outIm);
    } else {
      this.kernel.run(re, im, outRe, outIm);
    }
  }
}

/**
 * Real-input FFT plan: forward gives the n/2+1 bins of numpy.fft.rfft, inverse is numpy.fft.irfft
 * (imaginary parts of the DC and, for even n, Nyquist bins are ignored).
 */
export class RealFft {
  readonly n: number;
  /** Number of bins, floor(n/2) + 1. */
  readonly bins: number;
  private readonly half: Fft | undefined;
  private readonly full: Fft | undefined;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  private readonly bufRe: Float64Array;
  private readonly bufIm: Float64Array;
  private readonly zRe: Float64Array;
  private readonly zIm: Float64Array;

  constructor(n: number) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`FFT size n must be a positive integer, got ${n}`);
    this.n = n;
    this.bins = Math.floor(n / 2) + 1;
    const even = n % 2 === 0;
    const len = even ? n / 2 : n;
    if (even) this.half = getFft(len); else this.full = getFft(n);
    this.bufRe = new Float64Array(len); this.bufIm = new Float64Array(len);
    this.zRe = new Float64Array(len); this.zIm = new Float64Array(len);
    // W^k = exp(-2 pi i k / n) for k <= n/4: bins k and n/2 - k are unpacked together
    const quarter = even ? (len >> 1) + 1 : 0;
    this.cos = new Float64Array(quarter);
    this.sin = new Float64Array(quarter);
    for (let k = 0; k < quarter; k++) {
      this.cos[k] = Math.cos((2 * Math.PI * k) / n);
      this.sin[k] = -Math.sin((2 * Math.PI * k) / n);
    }
  }

  /** Writes the `bins` values of rfft(x[0..n)) into outRe/outIm. */
  forward(x: Float64Array, outRe: Float64Array, outIm: Float64Array): void {
    const n = this.n, zRe = this.zRe, zIm = this.zIm, bufRe = this.bufRe, bufIm = this.bufIm;
    if (x.length < n) throw new RangeError(`rfft of size ${n} needs ${n} input values, got ${x.length}`);
    if (outRe.length < this.bins || outIm.length < this.bins) throw new RangeError(`rfft of size ${n} needs outputs of ${this.bins} bins`);
    if (this.full) {
      bufRe.set(x.subarray(0, n)); bufIm.fill(0);
      this.full.forward(bufRe, bufIm, zRe, zIm);
      outRe.set(zRe.subarray(0, this.bins)); outIm.set(zIm.subarray(0, this.bins));
      return;
    }
    const h = n / 2, c = this.cos, s = this.sin;
    this.half!.forwardInterleaved(x, zRe, zIm);
    // E and O, the DFTs of the even and odd samples, come out of Z[k] and conj Z[h-k];
    // X[k] = E + W^k O and X[h-k] = conj(E - W^k O).
    for (let k = 0; k <= h >> 1; k++) {
      const j = k === 0 ? 0 : h - k;
      const zr = zRe[k]!, zi = zIm[k]!, yr = zRe[j]!, yi = zIm[j]!;
      const er = 0.5 * (zr + yr), ei = 0.5 * (zi - yi);
      const or = 0.5 * (zi + yi), oi = -0.5 * (zr - yr);
      const tr = c[k]! * or - s[k]! * oi, ti = c[k]! * oi + s[k]! * or;
      outRe[k] = er + tr; outIm[k] = ei + ti;
      outRe[h - k] = er - tr; outIm[h - k] = ti - ei;
    }
  }

  /** Writes irfft of the `bins` values re/im (length n real signal) into out. */
  inverse(re: Float64Array, im: Float64Array, out: Float64Array): void {
    const n = this.n, zRe = this.zRe, zIm = this.zIm, bufRe = this.bufRe, bufIm = this.bufIm;
    if (re.length < this.bins || im.length < this.bins) throw new RangeError(`irfft of size ${n} needs ${this.bins} bins`);
    if (out.length < n) throw new RangeError(`irfft of size ${n} needs an output of ${n} values, got ${out.length}`);
    if (this.full) {
      bufRe[0] = re[0]!; bufIm[0] = 0;
      for (let k = 1; k < this.bins; k++) {
        bufRe[k] = re[k]!; bufIm[k] = im[k]!;
        bufRe[n - k] = re[k]!; bufIm[n - k] = -im[k]!;
      }
      this.full.inverse(bufRe, bufIm, zRe, zIm);
      out.set(zRe.subarray(0, n));
      return;
    }
    const h = n / 2, c = this.cos, s = this.sin;
    // Z[k] = E + i O with E = (X[k] + conj X[h-k]) / 2, O = (X[k] - conj X[h-k]) / 2 conj(W^k);
    // Z[h-k] = conj(E) + i conj(O). numpy ignores the imaginary parts of X[0] and X[h].
    for (let k = 0; k <= h >> 1; k++) {
      const xr = re[k]!, xi = k === 0 ? 0 : im[k]!;
      const yr = re[h - k]!, yi = k === 0 ? 0 : -im[h - k]!;
      const er = 0.5 * (xr + yr), ei = 0.5 * (xi + yi);
      const dr = 0.5 * (xr - yr), di = 0.5 * (xi - yi);
      const or = dr * c[k]! + di * s[k]!, oi = di * c[k]! - dr * s[k]!;
      bufRe[k] = er - oi; bufIm[k] = ei + or;
      if (k > 0) { bufRe[h - k] = er + oi; bufIm[h - k] = or - ei; }
    }
    this.half!.inverse(bufRe, bufIm, zRe, zIm);
    for (let k = 0; k < h; k++) { out[2 * k] = zRe[k]!; out[2 * k + 1] = zIm[k]!; }
  }
}

const PLAN_CACHE_SIZE = 32;
const complexPlans = new Map<number, Fft>();
const realPlans = new Map<number, RealFft>();

function cached<T>(cache: Map<number, T>, n: number, make: (n: number) => T): T {
  let plan = cache.get(n);
  if (plan) {
    cache.delete(n); // move to most recent
  } else {
    plan = make(n);
    if (cache.size >= PLAN_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  }
  cache.set(n, plan);
  return plan;
}

/** Cached complex plan of size n (the 32 most recently used sizes are kept). */
export function getFft(n: number): Fft {
  return cached(complexPlans, n, (k) => new Fft(k));
}

/** Cached real-input plan of size n. */
export function getRealFft(n: number): RealFft {
  return cached(realPlans, n, (k) => new RealFft(k));
}

function toLength(x: ArrayLike<number>, n: number): Float64Array {
  const out = new Float64Array(n);
  const m = Math.min(n, x.length);
  if (x instanceof Float64Array) out.set(x.subarray(0, m));
  else for (let i = 0; i < m; i++) out[i] = x[i]!;
  return out;
}

function checkSize(n: number, name: string): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name} must be a positive integer, got ${n}`);
}

/** numpy.fft.fft: `n` points (input truncated or zero-padded). */
export function fft(re: ArrayLike<number>, im?: ArrayLike<number>, n = re.length): { re: Float64Array; im: Float64Array } {
  checkSize(n, 'n');
  const xr = toLength(re, n), xi = im ? toLength(im, n) : new Float64Array(n);
  getFft(n).forward(xr, xi, xr, xi);
  return { re: xr, im: xi };
}

/** numpy.fft.ifft: `n` points, scaled by 1/n. */
export function ifft(re: ArrayLike<number>, im?: ArrayLike<number>, n = re.length): { re: Float64Array; im: Float64Array } {
  checkSize(n, 'n');
  const xr = toLength(re, n), xi = im ? toLength(im, n) : new Float64Array(n);
  getFft(n).inverse(xr, xi, xr, xi);
  return { re: xr, im: xi };
}

/** numpy.fft.rfft: floor(n/2)+1 bins of the real input truncated or zero-padded to n. */
export function rfft(x: ArrayLike<number>, n = x.length): { re: Float64Array; im: Float64Array } {
  checkSize(n, 'n');
  const plan = getRealFft(n);
  const re = new Float64Array(plan.bins), im = new Float64Array(plan.bins);
  plan.forward(x instanceof Float64Array && x.length >= n ? x : toLength(x, n), re, im);
  return { re, im };
}

/** numpy.fft.irfft: real signal of length n (default 2*(bins-1)) from its one-sided spectrum. */
export function irfft(re: ArrayLike<number>, im: ArrayLike<number>, n = 2 * (re.length - 1)): Float64Array {
  checkSize(n, 'n');
  if (im.length !== re.length) throw new RangeError(`irfft re and im must have equal lengths, got ${re.length} and ${im.length}`);
  const plan = getRealFft(n);
  const out = new Float64Array(n);
  plan.inverse(toLength(re, plan.bins), toLength(im, plan.bins), out);
  return out;
}

/** Smallest even 2^a 3^b 5^c >= n: a length the real FFT handles fastest (scipy.fft.next_fast_len). */
export function nextFastLength(n: number): number {
  if (n <= 2) return 2;
  let best = Infinity;
  for (let p5 = 1; p5 < best; p5 *= 5) {
    for (let p35 = p5; p35 < best; p35 *= 3) {
      let v = p35 * 2;
      while (v < n) v *= 2;
      if (v < best) best = v;
    }
  }
  return best;
}
