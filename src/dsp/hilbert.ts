/**
 * Analytic signal with scipy.signal.hilbert semantics: FFT of n points (input truncated or
 * zero-padded), negative frequencies zeroed, positive ones doubled, DC (and the Nyquist bin for
 * even n) kept, inverse FFT. The imaginary part is the Hilbert transform of the input
 * (Marple 1999, "Computing the discrete-time analytic signal via FFT", IEEE Trans. Signal Process. 47).
 */
import { getFft, getRealFft } from './fft.js';

/** scipy.signal.hilbert(x, N=n): real part equals x (when n = len(x)), abs(...) is the envelope. */
export function hilbert(x: ArrayLike<number>, n?: number): { re: Float64Array; im: Float64Array } {
  if (x == null || typeof x.length !== 'number') throw new TypeError('x must be an array of numbers');
  const len = n ?? x.length;
  if (!Number.isInteger(len) || len < 1) throw new RangeError(`n must be a positive integer, got ${len}`);
  const sig = new Float64Array(len);
  const m = Math.min(len, x.length);
  for (let i = 0; i < m; i++) {
    const v = x[i]!;
    if (Number.isNaN(v)) throw new RangeError(`x must not contain NaN (index ${i})`);
    sig[i] = v;
  }
  const real = getRealFft(len);
  const bins = real.bins;
  const re = new Float64Array(len), im = new Float64Array(len);
  real.forward(sig, re, im); // bins 0..floor(len/2); the upper half stays zero
  const lastDoubled = len % 2 === 0 ? bins - 2 : bins - 1;
  for (let k = 1; k <= lastDoubled; k++) { re[k]! *= 2; im[k]! *= 2; }
  getFft(len).inverse(re, im, re, im);
  return { re, im };
}

/** |hilbert(x)|: the amplitude envelope. */
export function envelope(x: ArrayLike<number>, n?: number): Float64Array {
  const { re, im } = hilbert(x, n);
  const out = new Float64Array(re.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.sqrt(re[i]! * re[i]! + im[i]! * im[i]!);
  return out;
}
