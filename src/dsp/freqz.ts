/**
 * Frequency response of digital filters, as scipy.signal.freqz_sos (alias sosfreqz) and freqz:
 * H(e^jw) evaluated on a uniform grid of `worN` points over [0, pi) (or [0, 2 pi) with
 * `wholeCircle`), or at given frequencies in the units of `fs`.
 */
import { type SosLike, flattenSos } from './types.js';

export interface FreqzOptions {
  /** Number of equally spaced frequencies, or the frequencies themselves (in the units of fs). default: 512 */
  worN?: number | ArrayLike<number>;
  /** Sampling rate; frequencies are in its units. default: 2*pi (radians/sample) */
  fs?: number;
  /** Cover the whole circle [0, fs) instead of [0, fs/2). default: false */
  wholeCircle?: boolean;
}

export interface FrequencyResponse {
  /** Frequencies in the units of fs. */
  f: Float64Array;
  /** Real part of H at each frequency. */
  re: Float64Array;
  /** Imaginary part of H at each frequency. */
  im: Float64Array;
}

/** Frequencies (units of fs) and angular frequencies (rad/sample) to evaluate. */
function grid(opts: FreqzOptions): { f: Float64Array; w: Float64Array } {
  const fs = opts.fs ?? 2 * Math.PI;
  if (typeof fs !== 'number' || !(fs > 0) || !Number.isFinite(fs)) throw new RangeError(`fs must be a positive finite number, got ${fs}`);
  const worN = opts.worN ?? 512;
  if (typeof worN === 'number') {
    if (!Number.isInteger(worN) || worN < 0) throw new RangeError(`worN must be a non-negative integer or an array of frequencies, got ${worN}`);
    // Same arithmetic as numpy.linspace(0, last, N, endpoint=False) followed by w * fs / (2 pi).
    const step = (opts.wholeCircle ? 2 * Math.PI : Math.PI) / worN;
    const toF = fs / (2 * Math.PI);
    const w = new Float64Array(worN);
    const f = new Float64Array(worN);
    for (let i = 0; i < worN; i++) {
      w[i] = i * step;
      f[i] = w[i]! * toF;
    }
    return { f, w };
  }
  const f = Float64Array.from(worN);
  const w = new Float64Array(f.length);
  for (let i = 0; i < f.length; i++) {
    if (!Number.isFinite(f[i]!)) throw new RangeError(`worN frequencies must be finite, got ${f[i]} at index ${i}`);
    w[i] = (2 * Math.PI * f[i]!) / fs;
  }
  return { f, w };
}

/** (br + j bi) / (ar + j ai) into out[0], out[1]: Smith's division with a reciprocal, as NumPy divides. */
function quotient(br: number, bi: number, ar: number, ai: number, out: Float64Array): void {
  if (Math.abs(ar) >= Math.abs(ai)) {
    const r = ai / ar, sc = 1 / (ar + ai * r);
    out[0] = (br + bi * r) * sc;
    out[1] = (bi - br * r) * sc;
  } else {
    const r = ar / ai, sc = 1 / (ai + ar * r);
    out[0] = (br * r + bi) * sc;
    out[1] = (bi * r - br) * sc;
  }
}

/** Frequency response of second-order sections: the product of each section's response. */
export function sosfreqz(sos: SosLike, opts: FreqzOptions = {}): FrequencyResponse {
  const flat = flattenSos(sos);
  const { f, w } = grid(opts);
  const n = w.length;
  const ns = flat.length;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  const q = new Float64Array(2);
  for (let i = 0; i < n; i++) {
    const xr = Math.cos(w[i]!), xi = -Math.sin(w[i]!);
    let hr = 1, hi = 0;
    for (let s = 0; s < ns; s += 6) {
      // Horner in x = z^-1 from the highest power, then the quotient, in SciPy's order of operations:
      // near a pole the rounding of these steps is the error, so doing them alike keeps us on SciPy.
      const ur = flat[s + 2]! * xr + flat[s + 1]!, ui = flat[s + 2]! * xi;
      const br = ur * xr - ui * xi + flat[s]!, bi = ur * xi + ui * xr;
      const vr = flat[s + 5]! * xr + flat[s + 4]!, vi = flat[s + 5]! * xi;
      const ar = vr * xr - vi * xi + flat[s + 3]!, ai = vr * xi + vi * xr;
      quotient(br, bi, ar, ai, q);
      const qr = q[0]!, qi = q[1]!;
      const tr = hr * qr - hi * qi;
      hi = hr * qi + hi * qr;
      hr = tr;
    }
    re[i] = hr;
    im[i] = hi;
  }
  return { f, re, im };
}

function checkPoly(name: string, c: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(c);
  if (out.length === 0) throw new RangeError(`${name} must have at least one coefficient`);
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i]!)) throw new RangeError(`${name} must be finite, got ${out[i]} at index ${i}`);
  }
  return out;
}

/** Frequency response B(e^jw) / A(e^jw) of a transfer function, as scipy.signal.freqz. */
export function freqz(b: ArrayLike<number>, a: ArrayLike<number> | number = 1, opts: FreqzOptions = {}): FrequencyResponse {
  const bb = checkPoly('b', b);
  const aa = checkPoly('a', typeof a === 'number' ? [a] : a);
  if (aa.every((v) => v === 0)) throw new RangeError('a must have a non-zero coefficient');
  const { f, w } = grid(opts);
  const n = w.length;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  const nb = bb.length, na = aa.length;
  const q = new Float64Array(2);
  for (let i = 0; i < n; i++) {
    // Horner in x = z^-1 = e^{-jw}, highest power first.
    const xr = Math.cos(w[i]!), xi = -Math.sin(w[i]!);
    let br = bb[nb - 1]!, bi = 0;
    for (let j = nb - 2; j >= 0; j--) {
      const t = br * xr - bi * xi + bb[j]!;
      bi = br * xi + bi * xr;
      br = t;
    }
    let ar = aa[na - 1]!, ai = 0;
    for (let j = na - 2; j >= 0; j--) {
      const t = ar * xr - ai * xi + aa[j]!;
      ai = ar * xi + ai * xr;
      ar = t;
    }
    quotient(br, bi, ar, ai, q);
    re[i] = q[0]!;
    im[i] = q[1]!;
  }
  return { f, re, im };
}
