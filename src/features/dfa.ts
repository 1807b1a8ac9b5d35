/**
 * Detrended fluctuation analysis (Peng, Havlin, Stanley & Goldberger, Chaos 5:82-87, 1995): the
 * profile y(k) = sum_{i<=k} (x_i - mean) is cut into non-overlapping windows of n samples from the
 * start, a least-squares line is removed from each window, and the fluctuation F(n) of the residuals
 * grows as n^alpha. White noise gives alpha ~0.5, 1/f noise ~1, a random walk ~1.5.
 *
 * F(n) comes in two flavours. Peng's definition pools all residuals: F(n) = sqrt(mean of squares).
 * nolds.dfa (which pyHRV calls) averages the per-window RMS values instead; the two differ noticeably
 * at short scales (alpha1 1.197 vs 1.091 on the pyHRV sample series) and only the latter reproduces
 * pyHRV's report, so it is the default.
 */

import { sumInOrder } from '../dsp/stats.js';

export interface DfaOptions {
  /** 'window-mean': mean of the per-window RMS (nolds, pyHRV); 'rms': RMS over all residuals (Peng 1995). default: 'window-mean' */
  fluctuation?: 'window-mean' | 'rms';
}

export interface DfaResult {
  /** Slope of ln F(n) against ln n; NaN when fewer than 2 scales have F(n) > 0. */
  alpha: number;
  /** Scales (window lengths in samples) with F(n) > 0, as used in the fit. */
  scales: Float64Array;
  fluctuations: Float64Array;
}

/** Every integer from `lo` to `hi` inclusive: the usual beat ranges, e.g. scaleRange(4, 16). */
export function scaleRange(lo: number, hi: number): number[] {
  if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 2 || hi < lo) {
    throw new RangeError(`scale range must be integers with 2 <= lo <= hi, got [${lo}, ${hi}]`);
  }
  const out: number[] = [];
  for (let n = lo; n <= hi; n++) out.push(n);
  return out;
}

/**
 * DFA of `x` over the given window lengths (order-1 detrending, non-overlapping windows). Throws a
 * RangeError when a scale is not an integer >= 2 or is not below the series length, as nolds does.
 */
export function dfa(xIn: ArrayLike<number>, scales: readonly number[], opts: DfaOptions = {}): DfaResult {
  const mode = opts.fluctuation ?? 'window-mean';
  if (mode !== 'window-mean' && mode !== 'rms') throw new RangeError(`fluctuation must be 'window-mean' or 'rms', got '${String(mode)}'`);
  const n = xIn.length;
  if (scales.length < 2) throw new RangeError(`scales must hold at least 2 window lengths, got ${scales.length}`);
  for (const s of scales) {
    if (!Number.isInteger(s) || s < 2) throw new RangeError(`scales must be integers >= 2, got ${s}`);
    if (s >= n) throw new RangeError(`scales must be below the series length ${n}, got ${s}`);
  }
  const mu = sumInOrder(xIn) / n;
  const x = xIn instanceof Float64Array ? xIn : Float64Array.from(xIn);
  let widest = 0;
  for (const w of scales) widest = Math.max(widest, w);
  const buf = new Float64Array(widest);

  const keptScales: number[] = [];
  const flucts: number[] = [];
  for (const w of scales) {
    const f = fluctuation(x, mu, w, mode, buf);
    if (f > 0) { keptScales.push(w); flucts.push(f); }
  }
  let alpha = NaN;
  if (keptScales.length >= 2) {
    // Least-squares slope of ln F against ln n.
    let sx = 0, sy = 0, sxx = 0, sxy = 0;
    const k = keptScales.length;
    for (let i = 0; i < k; i++) {
      const lx = Math.log(keptScales[i]!), ly = Math.log(flucts[i]!);
      sx += lx; sy += ly; sxx += lx * lx; sxy += lx * ly;
    }
    alpha = (k * sxy - sx * sy) / (k * sxx - sx * sx);
  }
  return { alpha, scales: Float64Array.from(keptScales), fluctuations: Float64Array.from(flucts) };
}

/**
 * F(w) of the profile y(k) = sum_{i<=k} (x_i - mu) over floor(N / w) windows from the start, each
 * detrended by its own line. The profile is accumulated window by window into `buf` rather than
 * stored: a record-level series is millions of beats, a window at most a few dozen.
 */
function fluctuation(x: Float64Array, mu: number, w: number, mode: 'window-mean' | 'rms', buf: Float64Array): number {
  const windows = Math.floor(x.length / w);
  // Sums over t = 0..w-1 are the same for every window: the line fit needs only sum(y) and sum(t*y).
  const st = (w * (w - 1)) / 2;
  const stt = ((w - 1) * w * (2 * w - 1)) / 6;
  const det = w * stt - st * st;
  let total = 0, acc = 0;
  for (let k = 0; k < windows; k++) {
    const off = k * w;
    let sy = 0, sty = 0;
    for (let t = 0; t < w; t++) { acc += x[off + t]! - mu; buf[t] = acc; sy += acc; sty += t * acc; }
    const slope = (w * sty - st * sy) / det;
    const icpt = (sy - slope * st) / w;
    // Residuals summed explicitly: the closed form loses digits when the profile wanders far from 0.
    let rss = 0;
    for (let t = 0; t < w; t++) { const e = buf[t]! - icpt - slope * t; rss += e * e; }
    total += mode === 'rms' ? rss : Math.sqrt(rss / w);
  }
  return mode === 'rms' ? Math.sqrt(total / (windows * w)) : total / windows;
}
