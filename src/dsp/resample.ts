/**
 * Polyphase rational resampling, scipy.signal.upfirdn and scipy.signal.resample_poly: upsample by
 * zero insertion, FIR filter, downsample, computed directly on the polyphase branches so no zero
 * of the upsampled signal is ever multiplied (P. P. Vaidyanathan, "Multirate Systems and Filter
 * Banks", 1993, ch. 4).
 */
import { firwin } from './fir.js';
import { assertFinite } from './lfilter.js';
import type { WindowSpec } from './windows.js';

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

function checkFactor(v: number, name: string): void {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
}

/** Output length of upfirdn: ((n - 1)·up + len(h) - 1) / down, rounded down, plus one. */
function upfirdnLength(nh: number, nx: number, up: number, down: number): number {
  return Math.floor(((nx - 1) * up + nh - 1) / down) + 1;
}

/** y[k] = Σ_j h[j]·u[k·down - j] with u the x upsampled by `up`, for k in [k0, k0 + out.length). */
function polyphase(h: Float64Array, x: Float64Array, up: number, down: number, k0: number, out: Float64Array): void {
  const nh = h.length, nx = x.length;
  for (let k = 0; k < out.length; k++) {
    const m = (k0 + k) * down;
    // Taps that land on real samples: j ≡ m (mod up), x index (m - j) / up within [0, nx).
    let j = m % up;
    let xi = (m - j) / up;
    if (xi >= nx) {
      const skip = xi - nx + 1;
      j += skip * up;
      xi -= skip;
    }
    let s = 0;
    for (; j < nh && xi >= 0; j += up, xi--) s += h[j]! * x[xi]!;
    out[k] = s;
  }
}

/** Upsample by `up`, FIR filter with h, downsample by `down` (scipy.signal.upfirdn, mode 'constant'). */
export function upfirdn(h: ArrayLike<number>, x: ArrayLike<number>, up = 1, down = 1): Float64Array {
  checkFactor(up, 'up');
  checkFactor(down, 'down');
  if (h.length === 0) throw new RangeError('h must hold at least one coefficient');
  assertFinite(h, 'h');
  assertFinite(x, 'x');
  if (x.length === 0) return new Float64Array(0);
  const out = new Float64Array(upfirdnLength(h.length, x.length, up, down));
  polyphase(Float64Array.from(h), Float64Array.from(x), up, down, 0, out);
  return out;
}

/** Options of {@link resamplePoly}. */
export interface ResamplePolyOptions {
  /**
   * Anti-aliasing filter: a window for a firwin design of 20·max(up, down) + 1 taps with cutoff at
   * the lower of the two Nyquist frequencies, or the FIR coefficients themselves. default: ['kaiser', 5.0]
   */
  window?: WindowSpec | ArrayLike<number>;
  /** Signal extension beyond the ends: zeros, as SciPy's default. default: 'constant' */
  padtype?: 'constant';
}

function isWindowSpec(w: WindowSpec | ArrayLike<number>): w is WindowSpec {
  return typeof w === 'string' || typeof (w as ArrayLike<unknown>)[0] === 'string';
}

/**
 * x resampled by the rational factor up/down (scipy.signal.resample_poly): output length
 * ceil(n·up/down), aligned so that output sample k sits at input time k·down/up.
 */
export function resamplePoly(x: ArrayLike<number>, up: number, down: number, opts: ResamplePolyOptions = {}): Float64Array {
  checkFactor(up, 'up');
  checkFactor(down, 'down');
  if (opts.padtype !== undefined && opts.padtype !== 'constant') {
    throw new TypeError(`padtype must be 'constant', got ${String(opts.padtype)}`);
  }
  assertFinite(x, 'x');
  const g = gcd(up, down);
  up /= g;
  down /= g;
  const xs = Float64Array.from(x);
  if (up === 1 && down === 1) return xs;
  const nIn = xs.length;
  const nOut = Math.ceil((nIn * up) / down);
  const window = opts.window ?? (['kaiser', 5.0] as const);
  let h: Float64Array, halfLen: number;
  if (isWindowSpec(window)) {
    const maxRate = Math.max(up, down);
    halfLen = 10 * maxRate;
    h = firwin(2 * halfLen + 1, 1 / maxRate, { window });
  } else {
    if (window.length === 0) throw new RangeError('window must hold at least one filter coefficient');
    assertFinite(window, 'window');
    h = Float64Array.from(window);
    halfLen = Math.floor((h.length - 1) / 2);
  }
  // Zero-pad the filter in front so that output k lands on input time k·down/up (SciPy's alignment).
  const prePad = down - (halfLen % down);
  let postPad = 0;
  const preRemove = Math.floor((halfLen + prePad) / down);
  while (upfirdnLength(h.length + prePad + postPad, nIn, up, down) < nOut + preRemove) postPad++;
  const hp = new Float64Array(prePad + h.length + postPad);
  for (let i = 0; i < h.length; i++) hp[prePad + i] = h[i]! * up;
  const y = new Float64Array(nOut);
  if (nIn > 0) polyphase(hp, xs, up, down, preRemove, y);
  return y;
}
