/**
 * Power spectral density estimates with the semantics of scipy.signal.welch and
 * scipy.signal.periodogram (SciPy 1.17): segments start at multiples of nperseg - noverlap and only
 * whole segments are used; each segment is detrended, then multiplied by the periodic window, then
 * transformed with nfft points. Welch 1967, "The use of the fast Fourier transform for the estimation
 * of power spectra", IEEE Trans. Audio Electroacoust. 15:70-73.
 */
import { getRealFft } from './fft.js';
import { getWindow, type WindowSpec } from './windows.js';

export type Detrend = 'constant' | 'linear' | false;

export interface WelchOptions {
  /** Sampling frequency in Hz. default: 1 */
  fs?: number;
  /** Window name or spec (periodic, as SciPy's get_window), or the window values themselves. default: 'hann' */
  window?: WindowSpec | Float64Array;
  /** Segment length in samples. default: 256, clipped to len(x) (or the window's length when given as values) */
  nperseg?: number;
  /** Samples shared by consecutive segments. default: floor(nperseg / 2) */
  noverlap?: number;
  /** FFT length, >= nperseg (zero-padding). default: nperseg */
  nfft?: number;
  /** Trend removed from each segment before windowing. default: 'constant' */
  detrend?: Detrend;
  /** One-sided spectrum (negative frequencies folded in) for real input. default: true */
  returnOnesided?: boolean;
  /** 'density' (V^2/Hz) or 'spectrum' (V^2). default: 'density' */
  scaling?: 'density' | 'spectrum';
  /** How segment periodograms are combined; 'median' is bias-corrected as SciPy does. default: 'mean' */
  average?: 'mean' | 'median';
}

export interface PeriodogramOptions {
  /** Sampling frequency in Hz. default: 1 */
  fs?: number;
  /** Window name or spec (periodic), or values of length min(nfft, len(x)). default: 'boxcar' */
  window?: WindowSpec | Float64Array;
  /** FFT length: shorter than x truncates x, longer zero-pads. default: len(x) */
  nfft?: number;
  /** Trend removed before windowing. default: 'constant' */
  detrend?: Detrend;
  /** One-sided spectrum for real input. default: true */
  returnOnesided?: boolean;
  /** 'density' (V^2/Hz) or 'spectrum' (V^2). default: 'density' */
  scaling?: 'density' | 'spectrum';
}

/** Frequencies in Hz (numpy rfftfreq order, or fftfreq order when two-sided) and the power values. */
export interface Spectrum {
  f: Float64Array;
  p: Float64Array;
}

/**
 * Samples produced on demand, for a series too long to hold (the resampled tachogram of a week of
 * beats): `read(start, out)` writes samples start .. start + out.length - 1 into out.
 */
export interface SampleSource {
  readonly length: number;
  read(start: number, out: Float64Array): void;
}

/** Validated segmentation shared by welch and periodogram. */
interface SegmentSetup {
  x: Float64Array | SampleSource;
  win: Float64Array;
  nperseg: number;
  step: number;
  nseg: number;
  nfft: number;
  detrend: Detrend;
}

function toSignal(x: ArrayLike<number>, name: string): Float64Array {
  if (x == null || typeof x.length !== 'number') throw new TypeError(`${name} must be an array of numbers`);
  const out = x instanceof Float64Array ? x : Float64Array.from(x);
  for (let i = 0; i < out.length; i++) {
    if (Number.isNaN(out[i]!)) throw new RangeError(`${name} must not contain NaN (index ${i})`);
  }
  return out;
}

function checkInteger(v: number, name: string, min: number): number {
  if (!Number.isInteger(v) || v < min) throw new RangeError(`${name} must be an integer >= ${min}, got ${v}`);
  return v;
}

function checkCommon(fs: number, detrend: unknown, scaling: unknown): void {
  if (!(fs > 0) || !Number.isFinite(fs)) throw new RangeError(`fs must be a positive finite number, got ${fs}`);
  if (detrend !== 'constant' && detrend !== 'linear' && detrend !== false) {
    throw new TypeError(`detrend must be 'constant', 'linear' or false, got ${String(detrend)}`);
  }
  if (scaling !== 'density' && scaling !== 'spectrum') throw new TypeError(`scaling must be 'density' or 'spectrum', got ${String(scaling)}`);
}

/** buf[i] = x[off + i] win[i]. */
function windowPlain(x: Float64Array, off: number, win: Float64Array, buf: Float64Array): void {
  for (let i = 0; i < win.length; i++) buf[i] = x[off + i]! * win[i]!;
}

/** Mean of x[off..off + n): four partial sums (a single running sum would serialise on the add latency). */
function segmentMean(x: Float64Array, off: number, n: number, quads: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  for (let i = 0; i < quads; i += 4) { s0 += x[off + i]!; s1 += x[off + i + 1]!; s2 += x[off + i + 2]!; s3 += x[off + i + 3]!; }
  for (let i = quads; i < n; i++) s0 += x[off + i]!;
  return (s0 + s1 + (s2 + s3)) / n;
}

/** buf[i] = (x[off + i] - mean) win[i]. */
function windowConstant(x: Float64Array, off: number, mean: number, win: Float64Array, buf: Float64Array): void {
  for (let i = 0; i < win.length; i++) buf[i] = (x[off + i]! - mean) * win[i]!;
}

/** Sum of (i - tMid)(x[off + i] - mean): the least-squares slope times sum(t^2). */
function linearSum(x: Float64Array, off: number, mean: number, n: number, tMid: number): number {
  let sumTX = 0;
  for (let i = 0; i < n; i++) sumTX += (i - tMid) * (x[off + i]! - mean);
  return sumTX;
}

/** buf[i] = (x[off + i] - mean - slope (i - tMid)) win[i]. */
function windowLinear(x: Float64Array, off: number, mean: number, slope: number, tMid: number, win: Float64Array, buf: Float64Array): void {
  for (let i = 0; i < win.length; i++) buf[i] = (x[off + i]! - mean - slope * (i - tMid)) * win[i]!;
}

/**
 * Calls `sink` with the rfft (k = 0..nfft/2) of every detrended, windowed segment, zero-padded to
 * `nfft` points (the setup's unless given). One buffer set per call; the per-segment loop
 * allocates nothing.
 */
function forEachSegment(s: SegmentSetup, sink: (re: Float64Array, im: Float64Array, seg: number) => void, nfft = s.nfft): void {
  const { win, nperseg, step, nseg, detrend } = s;
  const plan = getRealFft(nfft);
  const buf = new Float64Array(nfft); // tail beyond nperseg stays zero
  const re = new Float64Array(plan.bins), im = new Float64Array(plan.bins);
  // centred abscissa for the least-squares line: slope = sum(t x) / sum(t^2), intercept = mean
  const tMid = (nperseg - 1) / 2;
  const sumT2 = (nperseg * (nperseg * nperseg - 1)) / 12;
  const quads = nperseg & ~3;
  // A source fills one segment buffer; an array is read in place (off = segment start).
  const source = s.x instanceof Float64Array ? undefined : s.x;
  const segBuf = source ? new Float64Array(nperseg) : undefined;
  for (let seg = 0; seg < nseg; seg++) {
    let x = s.x as Float64Array, off = seg * step;
    if (source) {
      source.read(off, segBuf!);
      for (let i = 0; i < nperseg; i++) if (Number.isNaN(segBuf![i]!)) throw new RangeError(`x must not contain NaN (index ${off + i})`);
      x = segBuf!;
      off = 0;
    }
    // The per-sample loops are functions of their own, which V8 optimises once each instead of
    // compiling this function again from each loop it enters.
    if (detrend === false) {
      windowPlain(x, off, win, buf);
    } else {
      const mean = segmentMean(x, off, nperseg, quads);
      if (detrend === 'constant') windowConstant(x, off, mean, win, buf);
      else windowLinear(x, off, mean, sumT2 > 0 ? linearSum(x, off, mean, nperseg, tMid) / sumT2 : 0, tMid, win, buf);
    }
    plan.forward(buf, re, im);
    sink(re, im, seg);
  }
}

/** scipy.signal._spectral_py._median_bias: bias of the median of n chi^2_2 periodograms vs the mean. */
export function medianBias(n: number): number {
  let sum = 0;
  for (let i = 1; i <= (n - 1) >> 1; i++) sum += 1 / (2 * i + 1) - 1 / (2 * i);
  return 1 + sum;
}

function median(values: Float64Array): number {
  values.sort();
  const n = values.length, h = n >> 1;
  return n % 2 ? values[h]! : (values[h - 1]! + values[h]!) / 2;
}

/**
 * Segments at least this many, and transforms at least this many times shorter than nfft, and the
 * summed periodogram comes from the segments' autocorrelation (summedPower) instead of one nfft-point
 * transform per segment.
 */
const CORRELATION_MIN_SEGMENTS = 16;
const CORRELATION_MIN_RATIO = 2;

/**
 * Sum over segments of |rfft(segment, nfft)|^2 into acc (nfft/2 + 1 bins), for segments much shorter
 * than nfft (pyHRV's 300-sample segments of a tachogram at nfft 4096: a day of beats has 2,300).
 * Wiener-Khinchin: a segment's periodogram at any nfft >= 2 nperseg - 1 is the transform of its
 * autocorrelation, so the sum of periodograms is the transform of the summed autocorrelations. Each
 * segment is transformed at m points only (the smallest power of two >= 2 nperseg - 1, where the
 * circular correlation holds every lag), the power spectra are summed, one inverse transform gives
 * the summed correlation and one nfft-point transform of it the result: 4x fewer points per segment
 * at 300/4096. The sum differs from the direct one by rounding, within 1e-13 of the largest bin in
 * the tests.
 */
function summedPower(s: SegmentSetup, m: number, acc: Float64Array): void {
  const { nperseg, nfft } = s;
  const half = m / 2 + 1;
  const sumRe = new Float64Array(half);
  forEachSegment(s, (re, im) => { for (let k = 0; k < half; k++) sumRe[k]! += re[k]! * re[k]! + im[k]! * im[k]!; }, m);
  const corr = new Float64Array(m);
  getRealFft(m).inverse(sumRe, new Float64Array(half), corr);
  // Lags 0..nperseg-1 and their negatives (at the end of the circular sequence), placed at nfft points.
  const r = new Float64Array(nfft);
  r[0] = corr[0]!;
  for (let l = 1; l < nperseg; l++) { r[l] = corr[l]!; r[nfft - l] = corr[m - l]!; }
  const plan = getRealFft(nfft);
  const re = new Float64Array(plan.bins), im = new Float64Array(plan.bins);
  plan.forward(r, re, im);
  for (let k = 0; k < acc.length; k++) acc[k] = re[k]!;
}

/** Averages the segment periodograms and applies scaling, one-sided doubling or two-sided mirroring. */
function estimate(s: SegmentSetup, fs: number, scaling: 'density' | 'spectrum', onesided: boolean, average: 'mean' | 'median'): Spectrum {
  const { win, nfft, nseg } = s;
  const bins = Math.floor(nfft / 2) + 1;
  const acc = new Float64Array(bins);
  let m = 1;
  while (m < 2 * s.nperseg - 1) m *= 2;
  if (average === 'mean' && nseg >= CORRELATION_MIN_SEGMENTS && m * CORRELATION_MIN_RATIO <= nfft) {
    summedPower(s, m, acc);
    for (let k = 0; k < bins; k++) acc[k]! /= nseg;
  } else if (average === 'mean' || nseg === 1) {
    forEachSegment(s, (re, im) => { for (let k = 0; k < bins; k++) acc[k]! += re[k]! * re[k]! + im[k]! * im[k]!; });
    for (let k = 0; k < bins; k++) acc[k]! /= nseg;
  } else {
    const all = new Float64Array(nseg * bins);
    forEachSegment(s, (re, im, seg) => {
      const row = seg * bins;
      for (let k = 0; k < bins; k++) all[row + k] = re[k]! * re[k]! + im[k]! * im[k]!;
    });
    const column = new Float64Array(nseg);
    const bias = medianBias(nseg);
    for (let k = 0; k < bins; k++) {
      for (let j = 0; j < nseg; j++) column[j] = all[j * bins + k]!;
      acc[k] = median(column) / bias;
    }
  }
  let sw = 0, sw2 = 0;
  for (let i = 0; i < win.length; i++) { sw += win[i]!; sw2 += win[i]! * win[i]!; }
  const scale = scaling === 'density' ? 1 / (fs * sw2) : 1 / (sw * sw);
  const df = 1 / (nfft * (1 / fs)); // numpy's rfftfreq / fftfreq spacing, bit for bit
  if (onesided) {
    const f = new Float64Array(bins), p = new Float64Array(bins);
    // every bin but DC (and Nyquist for even nfft) stands for a positive and a negative frequency
    const lastDoubled = nfft % 2 === 0 ? bins - 2 : bins - 1;
    for (let k = 0; k < bins; k++) {
      f[k] = k * df;
      p[k] = acc[k]! * scale * (k >= 1 && k <= lastDoubled ? 2 : 1);
    }
    return { f, p };
  }
  const f = new Float64Array(nfft), p = new Float64Array(nfft);
  const npos = Math.floor((nfft - 1) / 2) + 1;
  for (let k = 0; k < nfft; k++) {
    f[k] = (k < npos ? k : k - nfft) * df;
    p[k] = acc[k < bins ? k : nfft - k]! * scale;
  }
  return { f, p };
}

/** scipy.signal.welch for a real 1-D signal, given as values or as a source of them. */
export function welch(x: ArrayLike<number> | SampleSource, opts: WelchOptions = {}): Spectrum {
  const sig = 'read' in x ? x : toSignal(x, 'x');
  const fs = opts.fs ?? 1, detrend = opts.detrend ?? 'constant', scaling = opts.scaling ?? 'density';
  const average = opts.average ?? 'mean', onesided = opts.returnOnesided ?? true;
  checkCommon(fs, detrend, scaling);
  if (average !== 'mean' && average !== 'median') throw new TypeError(`average must be 'mean' or 'median', got ${String(average)}`);
  const window = opts.window ?? 'hann';
  if (opts.nperseg !== undefined) checkInteger(opts.nperseg, 'nperseg', 1);
  const n = sig.length;
  if (n === 0) return { f: new Float64Array(0), p: new Float64Array(0) };
  let nperseg: number, win: Float64Array;
  if (window instanceof Float64Array) {
    nperseg = opts.nperseg ?? window.length;
    if (nperseg !== window.length) throw new RangeError(`nperseg (${nperseg}) must equal the window length (${window.length})`);
    if (nperseg > n) throw new RangeError(`window length (${nperseg}) must not exceed len(x) (${n})`);
    win = window;
  } else {
    nperseg = Math.min(opts.nperseg ?? 256, n);
    win = getWindow(window, nperseg, { sym: false });
  }
  const nfft = opts.nfft === undefined ? nperseg : checkInteger(opts.nfft, 'nfft', 1);
  if (nfft < nperseg) throw new RangeError(`nfft must be >= nperseg (${nperseg}), got ${nfft}`);
  const noverlap = opts.noverlap === undefined ? Math.floor(nperseg / 2) : checkInteger(opts.noverlap, 'noverlap', 0);
  if (noverlap >= nperseg) throw new RangeError(`noverlap must be less than nperseg (${nperseg}), got ${noverlap}`);
  const step = nperseg - noverlap;
  const nseg = Math.floor((n - noverlap) / step);
  return estimate({ x: sig, win, nperseg, step, nseg, nfft, detrend }, fs, scaling, onesided, average);
}

/** scipy.signal.periodogram for a real 1-D signal: one segment, no overlap. */
export function periodogram(x: ArrayLike<number>, opts: PeriodogramOptions = {}): Spectrum {
  let sig = toSignal(x, 'x');
  const fs = opts.fs ?? 1, detrend = opts.detrend ?? 'constant', scaling = opts.scaling ?? 'density';
  checkCommon(fs, detrend, scaling);
  if (sig.length === 0) return { f: new Float64Array(0), p: new Float64Array(0) };
  let nfft = opts.nfft === undefined ? sig.length : checkInteger(opts.nfft, 'nfft', 1);
  if (nfft < sig.length) sig = sig.subarray(0, nfft);
  const nperseg = sig.length;
  nfft = Math.max(nfft, nperseg);
  const window = opts.window ?? 'boxcar';
  let win: Float64Array;
  if (window instanceof Float64Array) {
    if (window.length !== nperseg) throw new RangeError(`window length (${window.length}) must equal the segment length (${nperseg})`);
    win = window;
  } else {
    win = getWindow(window, nperseg, { sym: false });
  }
  return estimate({ x: sig, win, nperseg, step: nperseg, nseg: 1, nfft, detrend }, fs, scaling, opts.returnOnesided ?? true, 'mean');
}
