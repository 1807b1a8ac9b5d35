/**
 * FFT kernels for lengths that are not powers of two (unnormalised forward DFT, out never aliasing in).
 * - MixedRadixKernel: Stockham autosort (C. Van Loan, "Computational Frameworks for the Fast
 *   Fourier Transform", SIAM 1992), dedicated 2/3/4/5 butterflies and a generic odd-prime one.
 * - BluesteinKernel: the chirp-z algorithm (L. Bluestein 1970) on a power-of-two FFT of length
 *   >= 2n - 1, for lengths with large prime factors.
 */
import { pow2Kernel, type Kernel } from './fft-pow2.js';

/** Prime factors with 4s first (fewer passes), then ascending. */
export function factorize(n: number): number[] {
  const f: number[] = [];
  while (n % 4 === 0) { f.push(4); n /= 4; }
  for (let p = 2; p * p <= n; p++) while (n % p === 0) { f.push(p); n /= p; }
  if (n > 1) f.push(n);
  return f;
}

/** Stockham autosort: stage with radix p maps length L = p*m at stride s, output in natural order. */
export class MixedRadixKernel implements Kernel {
  private readonly factors: number[];
  /** Per stage: twiddles W_L^(j*k), j < m, k = 1..p-1, as [cos, sin] pairs. */
  private readonly twiddles: Float64Array[] = [];
  private readonly workRe: Float64Array;
  private readonly workIm: Float64Array;
  /** Generic-radix scratch: cos/sin of 2 pi t / p per odd prime p, and the butterfly inputs. */
  private readonly roots = new Map<number, Float64Array>();
  private readonly ar: Float64Array;
  private readonly ai: Float64Array;

  constructor(private readonly n: number, factors: number[]) {
    this.factors = factors;
    let len = n;
    let maxP = 0;
    for (const p of factors) {
      const m = len / p;
      const tw = new Float64Array(2 * m * (p - 1));
      for (let j = 0; j < m; j++) {
        for (let k = 1; k < p; k++) {
          const a = (-2 * Math.PI * ((j * k) % len)) / len;
          tw[2 * (j * (p - 1) + k - 1)] = Math.cos(a);
          tw[2 * (j * (p - 1) + k - 1) + 1] = Math.sin(a);
        }
      }
      this.twiddles.push(tw);
      if (p > 5 && !this.roots.has(p)) {
        const r = new Float64Array(2 * p);
        for (let t = 0; t < p; t++) { r[2 * t] = Math.cos((2 * Math.PI * t) / p); r[2 * t + 1] = Math.sin((2 * Math.PI * t) / p); }
        this.roots.set(p, r);
      }
      maxP = Math.max(maxP, p);
      len = m;
    }
    this.workRe = new Float64Array(n);
    this.workIm = new Float64Array(n);
    this.ar = new Float64Array(maxP);
    this.ai = new Float64Array(maxP);
  }

  run(inRe: Float64Array, inIm: Float64Array, outRe: Float64Array, outIm: Float64Array): void {
    const stages = this.factors.length;
    let srcRe = inRe, srcIm = inIm;
    let len = this.n, s = 1;
    for (let st = 0; st < stages; st++) {
      // Ping-pong so that the last stage lands in `out`.
      const toOut = (stages - 1 - st) % 2 === 0;
      const dstRe = toOut ? outRe : this.workRe, dstIm = toOut ? outIm : this.workIm;
      const p = this.factors[st]!, m = len / p, tw = this.twiddles[st]!;
      switch (p) {
        case 2: stage2(srcRe, srcIm, dstRe, dstIm, m, s, tw); break;
        case 3: stage3(srcRe, srcIm, dstRe, dstIm, m, s, tw); break;
        case 4: stage4(srcRe, srcIm, dstRe, dstIm, m, s, tw); break;
        case 5: stage5(srcRe, srcIm, dstRe, dstIm, m, s, tw); break;
        default: stageOdd(srcRe, srcIm, dstRe, dstIm, m, s, tw, p, this.roots.get(p)!, this.ar, this.ai);
      }
      srcRe = dstRe; srcIm = dstIm;
      len = m; s *= p;
    }
  }
}

function stage2(xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array, m: number, s: number, tw: Float64Array): void {
  for (let j = 0; j < m; j++) {
    const wr = tw[2 * j]!, wi = tw[2 * j + 1]!;
    const a = s * j, b = s * (j + m), o = s * 2 * j;
    for (let q = 0; q < s; q++) {
      const ar = xr[a + q]!, ai = xi[a + q]!, br = xr[b + q]!, bi = xi[b + q]!;
      yr[o + q] = ar + br; yi[o + q] = ai + bi;
      const dr = ar - br, di = ai - bi;
      yr[o + s + q] = dr * wr - di * wi; yi[o + s + q] = dr * wi + di * wr;
    }
  }
}

const S3 = Math.sqrt(3) / 2;
function stage3(xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array, m: number, s: number, tw: Float64Array): void {
  for (let j = 0; j < m; j++) {
    const w1r = tw[4 * j]!, w1i = tw[4 * j + 1]!, w2r = tw[4 * j + 2]!, w2i = tw[4 * j + 3]!;
    const i0 = s * j, i1 = s * (j + m), i2 = s * (j + 2 * m), o = s * 3 * j;
    for (let q = 0; q < s; q++) {
      const a0r = xr[i0 + q]!, a0i = xi[i0 + q]!;
      const tr = xr[i1 + q]! + xr[i2 + q]!, ti = xi[i1 + q]! + xi[i2 + q]!;
      const dr = xr[i1 + q]! - xr[i2 + q]!, di = xi[i1 + q]! - xi[i2 + q]!;
      const mr = a0r - 0.5 * tr, mi = a0i - 0.5 * ti;
      yr[o + q] = a0r + tr; yi[o + q] = a0i + ti;
      const b1r = mr + S3 * di, b1i = mi - S3 * dr, b2r = mr - S3 * di, b2i = mi + S3 * dr;
      yr[o + s + q] = b1r * w1r - b1i * w1i; yi[o + s + q] = b1r * w1i + b1i * w1r;
      yr[o + 2 * s + q] = b2r * w2r - b2i * w2i; yi[o + 2 * s + q] = b2r * w2i + b2i * w2r;
    }
  }
}

function stage4(xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array, m: number, s: number, tw: Float64Array): void {
  for (let j = 0; j < m; j++) {
    const t = 6 * j;
    const w1r = tw[t]!, w1i = tw[t + 1]!, w2r = tw[t + 2]!, w2i = tw[t + 3]!, w3r = tw[t + 4]!, w3i = tw[t + 5]!;
    const i0 = s * j, i1 = s * (j + m), i2 = s * (j + 2 * m), i3 = s * (j + 3 * m), o = s * 4 * j;
    for (let q = 0; q < s; q++) {
      const a0r = xr[i0 + q]!, a0i = xi[i0 + q]!, a1r = xr[i1 + q]!, a1i = xi[i1 + q]!;
      const a2r = xr[i2 + q]!, a2i = xi[i2 + q]!, a3r = xr[i3 + q]!, a3i = xi[i3 + q]!;
      const s02r = a0r + a2r, s02i = a0i + a2i, d02r = a0r - a2r, d02i = a0i - a2i;
      const s13r = a1r + a3r, s13i = a1i + a3i, d13r = a1r - a3r, d13i = a1i - a3i;
      yr[o + q] = s02r + s13r; yi[o + q] = s02i + s13i;
      const b1r = d02r + d13i, b1i = d02i - d13r;
      const b2r = s02r - s13r, b2i = s02i - s13i;
      const b3r = d02r - d13i, b3i = d02i + d13r;
      yr[o + s + q] = b1r * w1r - b1i * w1i; yi[o + s + q] = b1r * w1i + b1i * w1r;
      yr[o + 2 * s + q] = b2r * w2r - b2i * w2i; yi[o + 2 * s + q] = b2r * w2i + b2i * w2r;
      yr[o + 3 * s + q] = b3r * w3r - b3i * w3i; yi[o + 3 * s + q] = b3r * w3i + b3i * w3r;
    }
  }
}

const C51 = Math.cos((2 * Math.PI) / 5), C52 = Math.cos((4 * Math.PI) / 5);
const S51 = Math.sin((2 * Math.PI) / 5), S52 = Math.sin((4 * Math.PI) / 5);
function stage5(xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array, m: number, s: number, tw: Float64Array): void {
  for (let j = 0; j < m; j++) {
    const t = 8 * j;
    const i0 = s * j, i1 = s * (j + m), i2 = s * (j + 2 * m), i3 = s * (j + 3 * m), i4 = s * (j + 4 * m), o = s * 5 * j;
    for (let q = 0; q < s; q++) {
      const a0r = xr[i0 + q]!, a0i = xi[i0 + q]!;
      const t1r = xr[i1 + q]! + xr[i4 + q]!, t1i = xi[i1 + q]! + xi[i4 + q]!;
      const d1r = xr[i1 + q]! - xr[i4 + q]!, d1i = xi[i1 + q]! - xi[i4 + q]!;
      const t2r = xr[i2 + q]! + xr[i3 + q]!, t2i = xi[i2 + q]! + xi[i3 + q]!;
      const d2r = xr[i2 + q]! - xr[i3 + q]!, d2i = xi[i2 + q]! - xi[i3 + q]!;
      yr[o + q] = a0r + t1r + t2r; yi[o + q] = a0i + t1i + t2i;
      const m1r = a0r + C51 * t1r + C52 * t2r, m1i = a0i + C51 * t1i + C52 * t2i;
      const m2r = a0r + C52 * t1r + C51 * t2r, m2i = a0i + C52 * t1i + C51 * t2i;
      // -i * v = (v.im, -v.re)
      const v1r = S51 * d1r + S52 * d2r, v1i = S51 * d1i + S52 * d2i;
      const v2r = S52 * d1r - S51 * d2r, v2i = S52 * d1i - S51 * d2i;
      const b1r = m1r + v1i, b1i = m1i - v1r, b4r = m1r - v1i, b4i = m1i + v1r;
      const b2r = m2r + v2i, b2i = m2i - v2r, b3r = m2r - v2i, b3i = m2i + v2r;
      let w = tw[t]!, v = tw[t + 1]!;
      yr[o + s + q] = b1r * w - b1i * v; yi[o + s + q] = b1r * v + b1i * w;
      w = tw[t + 2]!; v = tw[t + 3]!;
      yr[o + 2 * s + q] = b2r * w - b2i * v; yi[o + 2 * s + q] = b2r * v + b2i * w;
      w = tw[t + 4]!; v = tw[t + 5]!;
      yr[o + 3 * s + q] = b3r * w - b3i * v; yi[o + 3 * s + q] = b3r * v + b3i * w;
      w = tw[t + 6]!; v = tw[t + 7]!;
      yr[o + 4 * s + q] = b4r * w - b4i * v; yi[o + 4 * s + q] = b4r * v + b4i * w;
    }
  }
}

function stageOdd(
  xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array, m: number, s: number,
  tw: Float64Array, p: number, roots: Float64Array, ar: Float64Array, ai: Float64Array,
): void {
  for (let j = 0; j < m; j++) {
    const t = 2 * j * (p - 1), o = s * p * j;
    for (let q = 0; q < s; q++) {
      for (let r = 0; r < p; r++) { ar[r] = xr[s * (j + r * m) + q]!; ai[r] = xi[s * (j + r * m) + q]!; }
      for (let k = 0; k < p; k++) {
        let br = 0, bi = 0, idx = 0;
        for (let r = 0; r < p; r++) {
          const c = roots[2 * idx]!, sn = roots[2 * idx + 1]!;
          br += ar[r]! * c + ai[r]! * sn;
          bi += ai[r]! * c - ar[r]! * sn;
          idx += k; if (idx >= p) idx -= p;
        }
        if (k === 0) { yr[o + q] = br; yi[o + q] = bi; continue; }
        const wr = tw[t + 2 * (k - 1)]!, wi = tw[t + 2 * (k - 1) + 1]!;
        yr[o + k * s + q] = br * wr - bi * wi; yi[o + k * s + q] = br * wi + bi * wr;
      }
    }
  }
}

/** Bluestein: DFT as a circular convolution with the chirp exp(i pi k^2 / n), on a power-of-two FFT. */
export class BluesteinKernel implements Kernel {
  private readonly m: number;
  private readonly inner: Kernel;
  private readonly wr: Float64Array;
  private readonly wi: Float64Array;
  private readonly bRe: Float64Array;
  private readonly bIm: Float64Array;
  private readonly aRe: Float64Array;
  private readonly aIm: Float64Array;
  private readonly cRe: Float64Array;
  private readonly cIm: Float64Array;

  constructor(private readonly n: number) {
    let m = 1;
    while (m < 2 * n - 1) m *= 2;
    this.m = m;
    this.inner = pow2Kernel(m);
    this.wr = new Float64Array(n); this.wi = new Float64Array(n);
    // k^2 mod 2n, kept exact in integers so the chirp phase stays accurate for large k
    let r = 0;
    for (let k = 0; k < n; k++) {
      if (k > 0) { r += 2 * k - 1; r %= 2 * n; }
      const a = (Math.PI * r) / n;
      this.wr[k] = Math.cos(a); this.wi[k] = -Math.sin(a);
    }
    this.aRe = new Float64Array(m); this.aIm = new Float64Array(m);
    this.cRe = new Float64Array(m); this.cIm = new Float64Array(m);
    for (let k = 0; k < n; k++) {
      this.aRe[k] = this.wr[k]!; this.aIm[k] = -this.wi[k]!;
      if (k > 0) { this.aRe[m - k] = this.wr[k]!; this.aIm[m - k] = -this.wi[k]!; }
    }
    this.bRe = new Float64Array(m); this.bIm = new Float64Array(m);
    this.inner.run(this.aRe, this.aIm, this.bRe, this.bIm);
    // fold the inverse transform's 1/m into the kernel spectrum
    for (let k = 0; k < m; k++) { this.bRe[k]! /= m; this.bIm[k]! /= m; }
  }

  run(inRe: Float64Array, inIm: Float64Array, outRe: Float64Array, outIm: Float64Array): void {
    const n = this.n, m = this.m, wr = this.wr, wi = this.wi, aRe = this.aRe, aIm = this.aIm;
    const cRe = this.cRe, cIm = this.cIm, bRe = this.bRe, bIm = this.bIm;
    for (let k = 0; k < n; k++) {
      const xr = inRe[k]!, xi = inIm[k]!;
      aRe[k] = xr * wr[k]! - xi * wi[k]!; aIm[k] = xr * wi[k]! + xi * wr[k]!;
    }
    aRe.fill(0, n); aIm.fill(0, n);
    this.inner.run(aRe, aIm, cRe, cIm);
    for (let k = 0; k < m; k++) {
      const xr = cRe[k]!, xi = cIm[k]!, yr = bRe[k]!, yi = bIm[k]!;
      aRe[k] = xr * yr - xi * yi; aIm[k] = xr * yi + xi * yr;
    }
    // inverse by swapping real and imaginary parts around a forward transform
    this.inner.run(aIm, aRe, cIm, cRe);
    for (let k = 0; k < n; k++) {
      const xr = cRe[k]!, xi = cIm[k]!;
      outRe[k] = xr * wr[k]! - xi * wi[k]!; outIm[k] = xr * wi[k]! + xi * wr[k]!;
    }
  }
}

