/**
 * 1-D linear convolution with scipy.signal.convolve / fftconvolve semantics:
 * 'full' gives len(a)+len(b)-1 values; 'same' gives len(a) values centred on the full output;
 * 'valid' gives the max(n,m)-min(n,m)+1 values that need no zero padding (inputs are swapped when b
 * is the longer one, as SciPy does). An empty input gives an empty output. NaN propagates.
 * Method selection follows scipy.signal.choose_conv_method: compare estimated operation counts
 * of the direct sum and the FFT route, with constants measured on this implementation.
 */
import { getRealFft, nextFastLength } from './fft.js';

export type ConvolveMode = 'full' | 'same' | 'valid';
export type ConvolveMethod = 'auto' | 'direct' | 'fft';

function toArray(x: ArrayLike<number>, name: string): Float64Array {
  if (x == null || typeof x.length !== 'number') throw new TypeError(`${name} must be an array of numbers`);
  return x instanceof Float64Array ? x : Float64Array.from(x);
}

/** Start (in the full output) and length of the requested part. */
function outputSpan(n: number, m: number, mode: ConvolveMode): { start: number; len: number } {
  switch (mode) {
    case 'full': return { start: 0, len: n + m - 1 };
    case 'same': return { start: (m - 1) >> 1, len: n };
    case 'valid': return { start: Math.min(n, m) - 1, len: Math.abs(n - m) + 1 };
    default: throw new TypeError(`mode must be 'full', 'same' or 'valid', got ${String(mode)}`);
  }
}

/** Multiply-adds the direct method performs for the requested span. */
function directOps(n: number, m: number, start: number, len: number): number {
  let ops = 0;
  for (let k = start; k < start + len; k++) ops += Math.min(k, n - 1) - Math.max(0, k - m + 1) + 1;
  return ops;
}

/**
 * Costs in nanoseconds measured on Node 20 (only their ratios matter): one multiply-add of the
 * direct loop, one (L/2) log2(L/2) unit of a real FFT of length L (three are needed), the pointwise
 * work per FFT point, and the fixed cost of the FFT route (plans, buffers).
 */
const DIRECT_NS_PER_MAC = 1.5;
const FFT_NS_PER_NLOGN = 2.2;
const FFT_NS_PER_POINT = 6;
const FFT_NS_FIXED = 5000;

/** 'direct' or 'fft', whichever is estimated to be faster for these lengths and mode. */
export function chooseConvMethod(a: ArrayLike<number>, b: ArrayLike<number>, mode: ConvolveMode = 'full'): 'direct' | 'fft' {
  const n = toArray(a, 'a').length, m = toArray(b, 'b').length;
  const { start, len } = outputSpan(n, m, mode);
  if (n === 0 || m === 0) return 'direct';
  // the direct cost counts only the requested outputs; the FFT always computes the full result
  const direct = DIRECT_NS_PER_MAC * directOps(n, m, start, len);
  const l = nextFastLength(n + m - 1);
  const fft = FFT_NS_PER_NLOGN * 3 * (l / 2) * Math.log2(l / 2) + FFT_NS_PER_POINT * l + FFT_NS_FIXED;
  return fft < direct ? 'fft' : 'direct';
}

function directSpan(a: Float64Array, b: Float64Array, start: number, len: number): Float64Array {
  const n = a.length, m = b.length;
  const out = new Float64Array(len);
  for (let o = 0; o < len; o++) {
    const k = start + o;
    const lo = k - m + 1 > 0 ? k - m + 1 : 0, hi = k < n - 1 ? k : n - 1;
    let s = 0;
    for (let i = lo; i <= hi; i++) s += a[i]! * b[k - i]!;
    out[o] = s;
  }
  return out;
}

/** Direct-sum convolution (numpy.convolve's arithmetic), any mode. */
export function convolveDirect(a: ArrayLike<number>, b: ArrayLike<number>, mode: ConvolveMode = 'full'): Float64Array {
  const x = toArray(a, 'a'), y = toArray(b, 'b');
  const { start, len } = outputSpan(x.length, y.length, mode);
  if (x.length === 0 || y.length === 0) return new Float64Array(0);
  return directSpan(x, y, start, len);
}

/** scipy.signal.fftconvolve for 1-D real inputs. */
export function fftConvolve(a: ArrayLike<number>, b: ArrayLike<number>, mode: ConvolveMode = 'full'): Float64Array {
  const x = toArray(a, 'a'), y = toArray(b, 'b');
  const n = x.length, m = y.length;
  const { start, len } = outputSpan(n, m, mode);
  if (n === 0 || m === 0) return new Float64Array(0);
  const l = nextFastLength(n + m - 1);
  const plan = getRealFft(l);
  const buf = new Float64Array(l);
  const ar = new Float64Array(plan.bins), ai = new Float64Array(plan.bins);
  const br = new Float64Array(plan.bins), bi = new Float64Array(plan.bins);
  buf.set(x);
  plan.forward(buf, ar, ai);
  buf.fill(0);
  buf.set(y);
  plan.forward(buf, br, bi);
  for (let k = 0; k < plan.bins; k++) {
    const r = ar[k]! * br[k]! - ai[k]! * bi[k]!;
    ai[k] = ar[k]! * bi[k]! + ai[k]! * br[k]!;
    ar[k] = r;
  }
  plan.inverse(ar, ai, buf);
  return buf.slice(start, start + len);
}

/**
 * scipy.signal.convolve: `method` 'auto' (default) picks the direct sum or the FFT by estimated
 * cost (chooseConvMethod); results agree to rounding either way.
 */
export function convolve(a: ArrayLike<number>, b: ArrayLike<number>, mode: ConvolveMode = 'full', method: ConvolveMethod = 'auto'): Float64Array {
  if (method !== 'auto' && method !== 'direct' && method !== 'fft') throw new TypeError(`method must be 'auto', 'direct' or 'fft', got ${String(method)}`);
  const x = toArray(a, 'a'), y = toArray(b, 'b');
  const use = method === 'auto' ? chooseConvMethod(x, y, mode) : method;
  return use === 'fft' ? fftConvolve(x, y, mode) : convolveDirect(x, y, mode);
}
