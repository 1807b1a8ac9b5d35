/**
 * Removal of the mean or of the least-squares straight line, scipy.signal.detrend (no breakpoints).
 * The line is fitted in centred coordinates (t - mean t), where the normal equations decouple into a
 * mean and a slope, so the fit is as accurate as SciPy's SVD least squares.
 */
import { assertFinite } from './lfilter.js';

/** x minus its least-squares line ('linear') or minus its mean ('constant'). */
export function detrend(x: ArrayLike<number>, type: 'linear' | 'constant' = 'linear'): Float64Array {
  if (type !== 'linear' && type !== 'constant') throw new TypeError(`type must be 'linear' or 'constant', got ${String(type)}`);
  assertFinite(x, 'x');
  const n = x.length;
  const y = Float64Array.from(x);
  if (n === 0) return y;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += y[i]!;
  const mean = sum / n;
  if (type === 'constant' || n === 1) {
    for (let i = 0; i < n; i++) y[i] = y[i]! - mean;
    return y;
  }
  // Second pass on residuals keeps the fit exact when the mean is large compared with the variation.
  let rsum = 0;
  for (let i = 0; i < n; i++) rsum += y[i]! - mean;
  const m = mean + rsum / n;
  const tc = (n - 1) / 2;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < n; i++) {
    const t = i - tc;
    sxy += t * (y[i]! - m);
    sxx += t * t;
  }
  const slope = sxy / sxx;
  for (let i = 0; i < n; i++) y[i] = y[i]! - m - slope * (i - tc);
  return y;
}
