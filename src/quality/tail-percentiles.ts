/**
 * numpy's linear-interpolation percentiles near the two ends of a window (the 1st and 99th for the
 * amplitude SQI) without selecting over the whole window twice. A strided subsample gives one
 * threshold per tail that a few times the needed number of samples are expected to pass; the pass
 * over the window that sums it anyway copies the samples beyond each threshold, branch-free, and
 * quickselect (Hoare 1961) runs on those few. Every sample that can hold a wanted rank is copied,
 * whatever the thresholds, so the result is exactly the full selection's. When a tail comes out
 * short (the subsample misjudged it) the window falls back to quickselect over a copy of itself,
 * as do short windows and windows holding NaN.
 */
import { selectKth } from '../dsp/select.js';

/** Every STRIDE-th sample forms the subsample the thresholds come from. */
const STRIDE = 16;
/** Each threshold aims at MARGIN times the samples its tail needs, plus 2. */
const MARGIN = 3;
/** Below this length the subsample is too small to be worth it. */
const MIN_LENGTH = 32 * STRIDE;

/** numpy's linear method on n values at q: ranks k = floor((n - 1) q) and k + 1, weight frac of the latter. */
interface Rank { k: number; frac: number }

function rankOf(n: number, q: number): Rank {
  const h = (n - 1) * q, k = Math.floor(h);
  return { k, frac: h - k };
}

/** Ranks and buffers for one window length and pair of percentiles, reused across windows. */
export interface Tails {
  n: number;
  low: Rank;
  high: Rank;
  /** Samples needed at least below the low threshold (ranks 0 .. k + 1) and above the high one (ranks k .. n - 1). */
  lowNeed: number;
  highNeed: number;
  sub: Float64Array;
  /** Samples at or below the low threshold; the quickselect copy on the fallback path. */
  lowBuf: Float64Array;
  /** Samples at or above the high threshold. */
  highBuf: Float64Array;
  /** Thresholds of the last scan, and how many samples it kept in lowBuf and highBuf. */
  lowThreshold: number;
  highThreshold: number;
  lowCount: number;
  highCount: number;
  /** The two percentiles, set by tailPercentiles (fields rather than a returned pair: nothing allocated per window). */
  pLow: number;
  pHigh: number;
}

/** Scratch for windows of n samples and the percentiles at fractions qLow < qHigh (0.01 and 0.99 for the 1st and 99th). */
export function tailScratch(n: number, qLow: number, qHigh: number): Tails {
  const low = rankOf(n, qLow), high = rankOf(n, qHigh);
  return {
    n, low, high, lowNeed: Math.min(n, low.k + 2), highNeed: n - high.k,
    sub: new Float64Array(Math.ceil(n / STRIDE)), lowBuf: new Float64Array(n), highBuf: new Float64Array(n),
    lowThreshold: -Infinity, highThreshold: Infinity, lowCount: 0, highCount: 0, pLow: NaN, pHigh: NaN,
  };
}

/** Value of rank k in a[0..len), interpolated towards rank k + 1 by frac (numpy's linear method); reorders a[0..len). */
function interpolated(a: Float64Array, len: number, k: number, frac: number): number {
  const lo = selectKth(a, 0, len - 1, k);
  if (k + 1 >= len || frac === 0) return lo;
  // After the selection everything past k is >= a[k]: rank k + 1 is the smallest of them.
  let next = Infinity;
  for (let i = k + 1; i < len; i++) if (a[i]! < next) next = a[i]!;
  return lo + frac * (next - lo);
}

/**
 * Sets t.lowThreshold and t.highThreshold to order statistics of the strided subsample that the
 * needed counts of x should pass with margin; infinite (nothing kept) for short windows.
 */
function setThresholds(x: Float64Array, t: Tails): void {
  const n = x.length, sub = t.sub;
  if (n < MIN_LENGTH) {
    t.lowThreshold = -Infinity; t.highThreshold = Infinity;
    return;
  }
  let m = 0;
  for (let i = 0; i < n; i += STRIDE) sub[m++] = x[i]!;
  const rLow = Math.min(m - 1, Math.ceil((MARGIN * t.lowNeed * m) / n) + 2);
  const rHigh = Math.max(0, m - 1 - Math.ceil((MARGIN * t.highNeed * m) / n) - 2);
  t.lowThreshold = selectKth(sub, 0, m - 1, rLow);
  // The first selection split sub around rLow: the second one needs only the side holding rHigh.
  t.highThreshold = rHigh >= rLow ? selectKth(sub, rLow, m - 1, rHigh) : selectKth(sub, 0, rLow, rHigh);
}

/**
 * Sum (in index order), min and max of x, keeping its tails in `t` on the way: one pass, as the
 * sum is a chain of dependent additions that leaves the comparisons and stores room to run.
 */
export function scanWindow(x: Float64Array, t: Tails): { sum: number; min: number; max: number } {
  setThresholds(x, t);
  const lowBuf = t.lowBuf, highBuf = t.highBuf, tLow = t.lowThreshold, tHigh = t.highThreshold;
  let sum = 0, min = Infinity, max = -Infinity, nLow = 0, nHigh = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
    // Store always, advance only past a kept sample: no branch to mispredict.
    lowBuf[nLow] = v; nLow += +(v <= tLow);
    highBuf[nHigh] = v; nHigh += +(v >= tHigh);
  }
  t.lowCount = nLow; t.highCount = nHigh;
  return { sum, min, max };
}

/**
 * numpy.percentile(x, [100 qLow, 100 qHigh]) into t.pLow and t.pHigh, after scanWindow(x, t).
 * `hasNaN` sends the window to plain quickselect over all of it, the path such windows have
 * always taken.
 */
export function tailPercentiles(x: Float64Array, t: Tails, hasNaN: boolean): void {
  const n = x.length, low = t.low, high = t.high;
  if (!hasNaN && t.lowCount >= t.lowNeed && t.highCount >= t.highNeed) {
    // The n - highCount samples left out are below all of highBuf: rank r of x is rank r - skip there.
    const skip = n - t.highCount;
    t.pLow = interpolated(t.lowBuf, t.lowCount, low.k, low.frac);
    t.pHigh = interpolated(t.highBuf, t.highCount, high.k - skip, high.frac);
    return;
  }
  const a = t.lowBuf;
  a.set(x);
  t.pHigh = interpolated(a, n, high.k, high.frac);
  t.pLow = interpolated(a, n, low.k, low.frac);
}
