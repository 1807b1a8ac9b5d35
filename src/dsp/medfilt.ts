/**
 * Running median with zero padding beyond the ends, scipy.signal.medfilt (ndimage.rank_filter with
 * mode 'constant', cval 0). The window is kept sorted: each step removes the leaving sample and
 * inserts the entering one by binary search, O(n·k) moves done by typed-array copyWithin, which for
 * the kernel sizes used on physiological signals (up to a few hundred) beats heap-based schemes.
 */
import { assertFinite } from './lfilter.js';

/** First index in sorted[0..len) whose value is >= v. */
function lowerBound(sorted: Float64Array, len: number, v: number): number {
  let lo = 0, hi = len;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Median of each kernelSize window centred on each sample, zeros beyond the ends. */
export function medfilt(x: ArrayLike<number>, kernelSize = 3): Float64Array {
  if (!Number.isInteger(kernelSize) || kernelSize < 1 || kernelSize % 2 === 0) {
    throw new RangeError(`kernelSize must be a positive odd integer, got ${kernelSize}`);
  }
  assertFinite(x, 'x');
  const n = x.length, k = kernelSize, half = (k - 1) / 2;
  const y = new Float64Array(n);
  if (n === 0) return y;
  const at = (i: number): number => (i >= 0 && i < n ? x[i]! : 0);
  const win = new Float64Array(k);
  for (let j = 0; j < k; j++) win[j] = at(j - half);
  win.sort();
  for (let i = 0; i < n; i++) {
    y[i] = win[half]!;
    if (i === n - 1) break;
    const out = at(i - half), inc = at(i + half + 1);
    if (out === inc) continue;
    const p = lowerBound(win, k, out);
    const q = lowerBound(win, k, inc);
    if (q <= p) {
      // Shift win[q..p) right by one and put inc at q.
      win.copyWithin(q + 1, q, p);
      win[q] = inc;
    } else {
      // Shift win(p..q) left by one and put inc just before q.
      win.copyWithin(p, p + 1, q);
      win[q - 1] = inc;
    }
  }
  return y;
}
