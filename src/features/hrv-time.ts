/**
 * Time-domain and geometric HRV from NN intervals in milliseconds (Task Force of the ESC/NASPE,
 * "Heart rate variability: standards of measurement", Circulation 93:1043-1065, 1996).
 *
 * Two reference implementations disagree on several conventions; `conventions` selects one set and
 * each field can be overridden. Verified against the published values of both (see the tests):
 *
 * | quantity | 'pyhrv' (pyHRV 0.4) | 'hrvanalysis' (hrv-analysis 1.0) |
 * | --- | --- | --- |
 * | SDNN, CVNN | ddof 1 | ddof 1 (its test value 43.1130... is the n-1 estimate) |
 * | SDSD | std of abs(ΔNN), ddof 1 | std of signed ΔNN, ddof 0 |
 * | std_hr | ddof 1 | ddof 0 |
 * | pNN50/pNN20 | count / (n-1) | count / (n-1) (older releases divided by n) |
 * | mean_hr | mean of 60000/NN | mean of 60000/NN |
 * | histogram | 7.8125 ms bins from 0 to max NN | 8 ms bins, edges 300, 308, ..., 1996 ms |
 * | SDANN, SDNN index | greedy 300 s segments, trailing one kept | (not computed; same as pyhrv) |
 */

import { mean, std, sumInOrder } from '../dsp/stats.js';
import { medianInPlace } from '../dsp/select.js';

export type HrvConventions = 'pyhrv' | 'hrvanalysis';

export interface HrvTimeOptions {
  /** Preset for every convention below (see the table at the top of this file). default: 'pyhrv' */
  conventions?: HrvConventions;
  /**
   * Delta degrees of freedom of SDNN, CVNN, SDANN and the SDNN index. Given explicitly it also
   * applies to every other standard deviation whose own option is not set. default: 1
   */
  ddof?: number;
  /** ddof of SDSD. default: preset (pyhrv 1, hrvanalysis 0) */
  sdsdDdof?: number;
  /** SDSD of |ΔNN| (pyHRV) rather than of the signed ΔNN. default: preset (pyhrv true, hrvanalysis false) */
  sdsdAbsolute?: boolean;
  /** ddof of std_hr. default: preset (pyhrv 1, hrvanalysis 0) */
  hrDdof?: number;
  /** Denominator of pNN50/pNN20: the n-1 successive differences or the n intervals. default: 'differences' */
  pnnDenominator?: 'differences' | 'intervals';
  /** mean_hr as the mean of the beat-to-beat rates 60000/NN, or as 60000/mean_nn. default: 'mean-of-hr' */
  meanHr?: 'mean-of-hr' | 'from-mean-nn';
  /** Histogram bin width in ms (triangular index, TINN). default: preset (pyhrv 7.8125 = 1/128 s, hrvanalysis 8) */
  histogramBinMs?: number;
  /** Lower edge of the first histogram bin in ms. default: preset (pyhrv 0, hrvanalysis 300) */
  histogramStartMs?: number;
  /**
   * Stop of the bin edges in ms, numpy.arange style (the last edge is below it); intervals above the
   * last edge are not binned. default: preset (pyhrv: max NN + bin width, hrvanalysis 2000)
   */
  histogramStopMs?: number;
  /** Segment length for SDANN and the SDNN index, in s. default: 300 */
  segmentSeconds?: number;
}

export interface HrvTimeResult {
  mean_nn: number;
  sdnn: number;
  rmssd: number;
  sdsd: number;
  nn50: number;
  pnn50: number;
  nn20: number;
  pnn20: number;
  median_nn: number;
  range_nn: number;
  cvnn: number;
  mean_hr: number;
  min_hr: number;
  max_hr: number;
  std_hr: number;
  hrv_triangular_index: number;
  tinn: number;
  sdann: number;
  sdnn_index: number;
  warnings: string[];
}

interface TimeSettings {
  ddof: number; sdsdDdof: number; sdsdAbsolute: boolean; hrDdof: number;
  pnnDenominator: 'differences' | 'intervals'; meanHr: 'mean-of-hr' | 'from-mean-nn';
  histogramBinMs: number; histogramStartMs: number; histogramStopMs: number | undefined; segmentSeconds: number;
}

const PRESETS: Record<HrvConventions, Omit<TimeSettings, 'ddof' | 'segmentSeconds'>> = {
  pyhrv: {
    sdsdDdof: 1, sdsdAbsolute: true, hrDdof: 1, pnnDenominator: 'differences', meanHr: 'mean-of-hr',
    histogramBinMs: 7.8125, histogramStartMs: 0, histogramStopMs: undefined,
  },
  hrvanalysis: {
    sdsdDdof: 0, sdsdAbsolute: false, hrDdof: 0, pnnDenominator: 'differences', meanHr: 'mean-of-hr',
    histogramBinMs: 8, histogramStartMs: 300, histogramStopMs: 2000,
  },
};

/** Checks a conventions name and returns it (default 'pyhrv'). */
export function resolveConventions(c: HrvConventions | undefined): HrvConventions {
  const v = c ?? 'pyhrv';
  if (v !== 'pyhrv' && v !== 'hrvanalysis') throw new RangeError(`conventions must be 'pyhrv' or 'hrvanalysis', got '${String(v)}'`);
  return v;
}

/** Checks a ddof option: an integer (pyHRV itself uses -1 in one place, so negatives are allowed). */
export function checkDdof(name: string, v: number): number {
  if (!Number.isInteger(v)) throw new RangeError(`${name} must be an integer, got ${v}`);
  return v;
}

function settings(opts: HrvTimeOptions): TimeSettings {
  const p = PRESETS[resolveConventions(opts.conventions)];
  const ddof = checkDdof('ddof', opts.ddof ?? 1);
  const s: TimeSettings = {
    ...p,
    ddof,
    sdsdDdof: checkDdof('sdsdDdof', opts.sdsdDdof ?? opts.ddof ?? p.sdsdDdof),
    hrDdof: checkDdof('hrDdof', opts.hrDdof ?? opts.ddof ?? p.hrDdof),
    sdsdAbsolute: opts.sdsdAbsolute ?? p.sdsdAbsolute,
    pnnDenominator: opts.pnnDenominator ?? p.pnnDenominator,
    meanHr: opts.meanHr ?? p.meanHr,
    histogramBinMs: opts.histogramBinMs ?? p.histogramBinMs,
    histogramStartMs: opts.histogramStartMs ?? p.histogramStartMs,
    histogramStopMs: opts.histogramStopMs ?? p.histogramStopMs,
    segmentSeconds: opts.segmentSeconds ?? 300,
  };
  if (s.pnnDenominator !== 'differences' && s.pnnDenominator !== 'intervals') {
    throw new RangeError(`pnnDenominator must be 'differences' or 'intervals', got '${String(s.pnnDenominator)}'`);
  }
  if (s.meanHr !== 'mean-of-hr' && s.meanHr !== 'from-mean-nn') {
    throw new RangeError(`meanHr must be 'mean-of-hr' or 'from-mean-nn', got '${String(s.meanHr)}'`);
  }
  if (!(s.histogramBinMs > 0) || !Number.isFinite(s.histogramBinMs)) throw new RangeError(`histogramBinMs must be a positive number, got ${s.histogramBinMs}`);
  if (!Number.isFinite(s.histogramStartMs)) throw new RangeError(`histogramStartMs must be finite, got ${s.histogramStartMs}`);
  if (s.histogramStopMs !== undefined && !(s.histogramStopMs > s.histogramStartMs)) {
    throw new RangeError(`histogramStopMs must be above histogramStartMs (${s.histogramStartMs}), got ${s.histogramStopMs}`);
  }
  if (!(s.segmentSeconds > 0) || !Number.isFinite(s.segmentSeconds)) throw new RangeError(`segmentSeconds must be a positive number, got ${s.segmentSeconds}`);
  return s;
}

/**
 * Validated NN interval series (a copy unless already a Float64Array): every value finite and
 * positive (ms). Shared by all HRV domains so they reject the same inputs with the same message.
 */
export function nnArray(nn: ArrayLike<number>): Float64Array {
  if (nn == null || typeof nn.length !== 'number') throw new TypeError('nn must be an array of NN intervals in ms');
  // Only read by the features: a Float64Array is checked and used as it is (the domains of hrv()
  // would otherwise each copy a week of beats again).
  const out = nn instanceof Float64Array ? nn : Float64Array.from(nn);
  for (let i = 0; i < out.length; i++) {
    const v = out[i]!;
    if (!Number.isFinite(v) || v <= 0) throw new RangeError(`nn must hold positive finite intervals in ms, got nn[${i}] = ${nn[i]}`);
  }
  return out;
}

/**
 * The first n values of a caller's scratch series when it is long enough, else a new array: the
 * domains' optional `work` argument (hrv() passes one series to all of them in turn).
 */
export function scratchOf(work: Float64Array | undefined, n: number): Float64Array {
  return work && work.length >= n ? work.subarray(0, n) : new Float64Array(n);
}

/** Warnings every domain adds for an implausible series (kept in one place so hrv() does not repeat them). */
export function nnSanityWarnings(nn: Float64Array): string[] {
  const w: string[] = [];
  let max = 0;
  for (let i = 0; i < nn.length; i++) if (nn[i]! > max) max = nn[i]!;
  if (nn.length > 0 && max < 10) w.push(`NN intervals look like seconds (max ${max}); HRV expects milliseconds`);
  return w;
}

/** Standard deviation with `ddof`, NaN when there are not more values than ddof. */
function stdOrNaN(x: Float64Array, ddof: number): number {
  return x.length - ddof > 0 && x.length > 0 ? std(x, ddof) : NaN;
}

/** Smallest and largest value. */
function extent(v: Float64Array): [number, number] {
  let min = Infinity, max = -Infinity;
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  return [min, max];
}

/** 60000 / nn into the start of `out`; returns that part. */
function heartRates(nn: Float64Array, out: Float64Array): Float64Array {
  for (let i = 0; i < nn.length; i++) out[i] = 60000 / nn[i]!;
  return out;
}

/** Successive differences into diff (their absolute values if `absolute`): sum of squares and counts above 50 and 20 ms. */
function successiveDifferences(nn: Float64Array, diff: Float64Array, absolute: boolean): { sq: number; c50: number; c20: number } {
  let sq = 0, c50 = 0, c20 = 0;
  for (let i = 0; i < nn.length - 1; i++) {
    const d = nn[i + 1]! - nn[i]!;
    const a = Math.abs(d);
    sq += d * d;
    if (a > 50) c50++;
    if (a > 20) c20++;
    diff[i] = absolute ? a : d;
  }
  return { sq, c50, c20 };
}

/**
 * Time-domain and geometric HRV of one NN series (ms). Undefined quantities are NaN with a warning.
 * `work`: scratch of at least nn.length values, not `nn` itself (hrv() passes one to every domain).
 * default: allocated here
 */
export function hrvTime(nnIn: ArrayLike<number>, opts: HrvTimeOptions = {}, work?: Float64Array): HrvTimeResult {
  const s = settings(opts);
  const nn = nnArray(nnIn);
  const n = nn.length;
  const warnings: string[] = [];
  const r: HrvTimeResult = {
    mean_nn: NaN, sdnn: NaN, rmssd: NaN, sdsd: NaN, nn50: NaN, pnn50: NaN, nn20: NaN, pnn20: NaN,
    median_nn: NaN, range_nn: NaN, cvnn: NaN, mean_hr: NaN, min_hr: NaN, max_hr: NaN, std_hr: NaN,
    hrv_triangular_index: NaN, tinn: NaN, sdann: NaN, sdnn_index: NaN, warnings,
  };
  if (n === 0) {
    warnings.push('no NN intervals: every time-domain feature is undefined');
    return r;
  }
  // The loops are in functions of their own, which V8 optimises once each; with them all here, it
  // compiled this function again from each loop it entered, in every thread.
  const [min, max] = extent(nn);
  // One scratch series serves the median (selected in place), the heart rates and the successive
  // differences in turn: a record-level series is millions of values, and each is needed once.
  const tmp = scratchOf(work, n);
  tmp.set(nn);
  r.mean_nn = mean(nn);
  r.median_nn = medianInPlace(tmp, n);
  r.range_nn = max - min;
  r.sdnn = stdOrNaN(nn, s.ddof);
  r.cvnn = r.sdnn / r.mean_nn;

  const hr = heartRates(nn, tmp);
  r.mean_hr = s.meanHr === 'mean-of-hr' ? mean(hr) : 60000 / r.mean_nn;
  r.min_hr = 60000 / max;
  r.max_hr = 60000 / min;
  r.std_hr = stdOrNaN(hr, s.hrDdof);

  if (n < 2) {
    warnings.push('fewer than 2 NN intervals: successive-difference features are undefined');
  } else {
    const diff = tmp.subarray(0, n - 1);
    const { sq, c50, c20 } = successiveDifferences(nn, diff, s.sdsdAbsolute);
    r.rmssd = Math.sqrt(sq / (n - 1));
    r.sdsd = stdOrNaN(diff, s.sdsdDdof);
    const den = s.pnnDenominator === 'differences' ? n - 1 : n;
    r.nn50 = c50;
    r.nn20 = c20;
    r.pnn50 = (100 * c50) / den;
    r.pnn20 = (100 * c20) / den;
  }

  const hist = nnHistogram(nn, s.histogramStartMs, s.histogramStopMs ?? max + s.histogramBinMs, s.histogramBinMs);
  const peak = hist.reduce((a, v) => (v > a ? v : a), 0);
  if (peak === 0) {
    warnings.push('no NN interval falls inside the histogram range: triangular index and TINN are undefined');
  } else {
    r.hrv_triangular_index = n / peak;
    r.tinn = tinn(hist, s.histogramBinMs);
  }

  const totalMs = segmentFeatures(nn, s, r);
  if (totalMs < 20 * 60000) warnings.push('recording shorter than 20 min: the Task Force advises against the triangular index and TINN');
  return r;
}

/**
 * Histogram with numpy.histogram semantics on the edges numpy.arange(start, stop, width): bin k holds
 * edges[k] <= v < edges[k+1], the last bin also holds v == last edge, values outside are dropped.
 */
export function nnHistogram(nn: Float64Array, start: number, stop: number, width: number): Float64Array {
  const edgeCount = Math.max(0, Math.ceil((stop - start) / width));
  const bins = Math.max(0, edgeCount - 1);
  const counts = new Float64Array(bins);
  if (bins === 0) return counts;
  const last = start + bins * width;
  for (let i = 0; i < nn.length; i++) {
    const v = nn[i]!;
    if (v < start || v > last) continue;
    let k = Math.min(bins - 1, Math.floor((v - start) / width));
    // Division can land one bin off an edge computed as start + k*width: settle on the exact edges.
    while (k > 0 && v < start + k * width) k--;
    while (k < bins - 1 && v >= start + (k + 1) * width) k++;
    counts[k]!++;
  }
  return counts;
}

/**
 * TINN (Task Force 1996): the base M - N of the triangle q that is 0 outside [N, M], rises linearly
 * from N to the histogram peak X and falls to M, fitted to the histogram D by least squares. The
 * histogram is taken as 0 beyond its ends and padded by its own length on each side, so N and M may
 * lie past the outermost occupied bins (pyHRV restricts them to its bins, which caps TINN at the
 * histogram span). The squared error splits into a part that depends on N only (bins left of X) and
 * one on M only, so each side is minimised on its own: O(bins^2) rather than O(bins^3). Positions are
 * bin indices; TINN is their difference times the bin width.
 */
export function tinn(hist: Float64Array, width: number): number {
  const k = hist.length;
  if (k === 0) return NaN;
  const d = new Float64Array(3 * k);
  d.set(hist, k);
  let x = k;
  for (let i = k + 1; i < 2 * k; i++) if (d[i]! > d[x]!) x = i;
  const top = d[x]!;
  // Each search is a function of its own, which V8 optimises once (see hrvTime).
  const bestN = leftFoot(d, x, top), bestM = rightFoot(d, x, top);
  return (bestM - bestN) * width;
}

/** TINN's N: the foot in [0, x] whose left triangle side fits d[0..x) best (least squares). */
function leftFoot(d: Float64Array, x: number, top: number): number {
  let bestN = x, bestLeft = Infinity;
  for (let cand = 0; cand <= x; cand++) {
    let e = 0;
    for (let i = 0; i < x; i++) {
      const q = i <= cand ? 0 : (top * (i - cand)) / (x - cand);
      const r = d[i]! - q;
      e += r * r;
    }
    if (e < bestLeft) { bestLeft = e; bestN = cand; }
  }
  return bestN;
}

/** TINN's M: the foot in [x, d.length) whose right triangle side fits d(x..] best. */
function rightFoot(d: Float64Array, x: number, top: number): number {
  const end = d.length;
  let bestM = x, bestRight = Infinity;
  for (let cand = x; cand < end; cand++) {
    let e = 0;
    for (let i = x + 1; i < end; i++) {
      const q = i >= cand ? 0 : (top * (cand - i)) / (cand - x);
      const r = d[i]! - q;
      e += r * r;
    }
    if (e < bestRight) { bestRight = e; bestM = cand; }
  }
  return bestM;
}

/**
 * SDANN and SDNN index over consecutive segments, segmented as pyHRV 0.4 (tools.segmentation with
 * full=True): each segment takes intervals greedily while their sum stays within `segmentSeconds`,
 * ceil(total / segment) segments are formed and the trailing one is kept even when short. Defined
 * only for recordings longer than one segment. Returns the recording length in ms.
 */
function segmentFeatures(nn: Float64Array, s: TimeSettings, r: HrvTimeResult): number {
  const segMs = s.segmentSeconds * 1000;
  const total = sumInOrder(nn);
  if (!(total > segMs)) {
    r.warnings.push(`recording lasts ${(total / 1000).toFixed(1)} s, not more than one ${s.segmentSeconds} s segment: SDANN and SDNN index are undefined`);
    return total;
  }
  const count = Math.ceil(total / segMs);
  const means: number[] = [];
  const sds: number[] = [];
  let dropped = 0;
  let i = 0;
  for (let seg = 0; seg < count && i < nn.length; seg++) {
    const from = i;
    let sum = 0;
    while (i < nn.length && sum + nn[i]! <= segMs) sum += nn[i++]!;
    if (i === from) i++; // an interval longer than a segment forms a segment by itself
    const part = nn.subarray(from, i);
    if (part.length < 2) { dropped++; continue; }
    means.push(mean(part));
    sds.push(std(part, s.ddof));
  }
  if (dropped > 0) r.warnings.push(`${dropped} segment(s) with fewer than 2 NN intervals left out of SDANN and SDNN index`);
  if (means.length < 2) {
    r.warnings.push('fewer than 2 usable segments: SDANN is undefined');
  } else {
    r.sdann = means.length - s.ddof > 0 ? std(Float64Array.from(means), s.ddof) : NaN;
  }
  if (sds.length > 0) r.sdnn_index = mean(Float64Array.from(sds));
  return total;
}
