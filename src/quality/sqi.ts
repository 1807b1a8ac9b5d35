/**
 * Signal quality indices of one window of raw samples: cheap, computed before any cleaning, so that
 * screening decides how much work each window deserves.
 *
 * Time domain: flatline (longest constant run), clipping (samples stuck at the window extremes in
 * runs of three or more), robust amplitude (1st-99th percentile), kurtosis and skewness (Li & Clifford
 * 2008 kSQI; Elgendi 2016 SSQI), zero-crossing rate. Frequency domain, from one Hann-windowed
 * periodogram of the window (band-power ratios need no averaging over sub-segments, and one FFT per
 * window keeps screening cheap on long records):
 * baseline wander (basSQI, Zhao & Zhang 2018), powerline share, high-frequency noise share, QRS band
 * share (pSQI), share of the signal type's physiological band, and that band's SNR in dB.
 */
import { getRealFft } from '../dsp/fft.js';
import { getWindow } from '../dsp/windows.js';
import type { SignalType } from '../signals/signal-type.js';

export interface Sqis {
  flatline: number;
  clipping: number;
  amplitude: number;
  kurtosis: number;
  skewness: number;
  /** Mean-crossings per second. */
  zeroCrossingRate: number;
  /** 1 - P(0-1 Hz) / P(0-40 Hz). */
  baseline: number;
  /** P(50 +- 1 Hz and 60 +- 1 Hz) / P(total). */
  powerline: number;
  /** P(> 40 Hz) / P(total); 0 when fs/2 <= 40. */
  hfNoise: number;
  /** P(5-15 Hz) / P(5-40 Hz). */
  qrsPower: number;
  /** P(physiological band of the signal type) / P(total). */
  bandPower: number;
  /** 10 log10(P(band) / P(outside band)). */
  snrDb: number;
}

export const sqiNames = ['flatline', 'clipping', 'amplitude', 'kurtosis', 'skewness', 'zeroCrossingRate', 'baseline', 'powerline', 'hfNoise', 'qrsPower', 'bandPower', 'snrDb'] as const satisfies readonly (keyof Sqis)[];

/** Physiological band per signal type, Hz; 'unknown' uses [0, fs/4]. */
export const physiologicalBand: Record<Exclude<SignalType, 'unknown'>, [number, number]> = {
  ecg: [0.5, 40],
  ppg: [0.5, 5],
  eeg: [0.5, 45],
  resp: [0.05, 1],
};

/** Power over bins whose frequency k * df lies in [lo, hi). */
function bandSum(p: Float64Array, df: number, lo: number, hi: number): number {
  const k0 = Math.max(0, Math.ceil(lo / df - 1e-9));
  const k1 = Math.min(p.length, hi === Infinity ? p.length : Math.ceil(hi / df - 1e-9));
  let s = 0;
  for (let k = k0; k < k1; k++) s += p[k]!;
  return s;
}

/** Scratch per window length: the Hann window, FFT input and output buffers, a selection copy. */
interface Scratch { n: number; nfft: number; win: Float64Array; buf: Float64Array; re: Float64Array; im: Float64Array; p: Float64Array; sel: Float64Array }
let scratch: Scratch | undefined;

function scratchFor(n: number): Scratch {
  if (scratch?.n === n) return scratch;
  let nfft = 1;
  while (nfft < n) nfft *= 2;
  const bins = nfft / 2 + 1;
  scratch = { n, nfft, win: getWindow('hann', n, { sym: false }), buf: new Float64Array(nfft), re: new Float64Array(bins), im: new Float64Array(bins), p: new Float64Array(bins), sel: new Float64Array(n) };
  return scratch;
}

/** k-th smallest of a[lo..hi] by quickselect (Hoare partition, median of three), reordering `a`. */
function select(a: Float64Array, k: number): number {
  let lo = 0, hi = a.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < a[lo]!) { const t = a[mid]!; a[mid] = a[lo]!; a[lo] = t; }
    if (a[hi]! < a[lo]!) { const t = a[hi]!; a[hi] = a[lo]!; a[lo] = t; }
    if (a[hi]! < a[mid]!) { const t = a[hi]!; a[hi] = a[mid]!; a[mid] = t; }
    const pivot = a[mid]!;
    let i = lo, j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) { const t = a[i]!; a[i] = a[j]!; a[j] = t; i++; j--; }
    }
    if (k <= j) hi = j; else if (k >= i) lo = i; else return a[k]!;
  }
  return a[k]!;
}

/** numpy's linear-interpolation percentile (q in [0, 1]) of the values in `a`, which it reorders. */
function quantile(a: Float64Array, q: number): number {
  const h = (a.length - 1) * q, k = Math.floor(h);
  const lo = select(a, k);
  if (k + 1 >= a.length || h === k) return lo;
  let next = Infinity;
  for (let i = k + 1; i < a.length; i++) if (a[i]! < next) next = a[i]!;
  return lo + (h - k) * (next - lo);
}

/** Moments, flatline, clipping, crossings and range in two passes over the window. */
function timeDomain(x: Float64Array, fs: number): Pick<Sqis, 'flatline' | 'clipping' | 'amplitude' | 'kurtosis' | 'skewness' | 'zeroCrossingRate'> {
  const n = x.length;
  let sum = 0, min = Infinity, max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = sum / n;
  let m2 = 0, m3 = 0, m4 = 0, crossings = 0, run = 1, longest = 1, stuck = 0, stuckRun = 0;
  const tol = (max - min) * 1e-9;
  let prevSign = x[0]! >= mean;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    const d = v - mean, d2 = d * d;
    m2 += d2; m3 += d2 * d; m4 += d2 * d2;
    const sign = v >= mean;
    if (sign !== prevSign) crossings++;
    prevSign = sign;
    if (i > 0 && Math.abs(v - x[i - 1]!) <= tol) { if (++run > longest) longest = run; } else run = 1;
    if (max > min && (v >= max - tol || v <= min + tol)) {
      stuckRun++;
    } else {
      if (stuckRun >= 3) stuck += stuckRun;
      stuckRun = 0;
    }
  }
  if (stuckRun >= 3) stuck += stuckRun;
  m2 /= n; m3 /= n; m4 /= n;
  const sel = scratchFor(n).sel;
  sel.set(x);
  const p99 = quantile(sel, 0.99), p01 = quantile(sel, 0.01);
  return {
    flatline: n > 1 ? longest / n : 1,
    clipping: stuck / n,
    amplitude: p99 - p01,
    kurtosis: m2 > 0 ? m4 / (m2 * m2) - 3 : 0,
    skewness: m2 > 0 ? m3 / Math.pow(m2, 1.5) : 0,
    zeroCrossingRate: (crossings * fs) / n,
  };
}

/** One-sided power spectrum of the mean-removed, Hann-windowed window, zero-padded to a power of two. */
function spectrum(x: Float64Array, fs: number): { p: Float64Array; df: number } {
  const sc = scratchFor(x.length);
  let mean = 0;
  for (let i = 0; i < x.length; i++) mean += x[i]!;
  mean /= x.length;
  const { buf, win, re, im, p } = sc;
  for (let i = 0; i < x.length; i++) buf[i] = (x[i]! - mean) * win[i]!;
  buf.fill(0, x.length);
  getRealFft(sc.nfft).forward(buf, re, im);
  for (let k = 0; k < p.length; k++) p[k] = re[k]! * re[k]! + im[k]! * im[k]!;
  return { p, df: fs / sc.nfft };
}

/** The physiological band of a signal type, Hz. */
export function bandOf(type: SignalType, fs: number): [number, number] {
  return type === 'unknown' ? [0, fs / 4] : physiologicalBand[type];
}

/** SNR of the type's physiological band, dB: what cleaning should raise (used by validation). */
export function bandSnrDb(x: Float64Array, fs: number, type: SignalType): number {
  const { p, df } = spectrum(x, fs);
  const [lo, hi] = bandOf(type, fs);
  const total = bandSum(p, df, 0, Infinity), inBand = bandSum(p, df, lo, hi);
  return 10 * Math.log10((inBand || Number.MIN_VALUE) / Math.max(total - inBand, total * 1e-12, Number.MIN_VALUE));
}

/** All SQIs of one window (at least 16 samples), in any consistent unit. */
export function computeSqis(x: Float64Array, fs: number, type: SignalType): Sqis {
  if (x.length < 16) throw new RangeError(`a quality window needs at least 16 samples, got ${x.length}`);
  const td = timeDomain(x, fs);
  const { p, df } = spectrum(x, fs);
  const nyq = fs / 2;
  const total = bandSum(p, df, 0, Infinity) || Number.MIN_VALUE;
  const to40 = bandSum(p, df, 0, 40) || Number.MIN_VALUE;
  const qrsAll = bandSum(p, df, 5, 40) || Number.MIN_VALUE;
  const [lo, hi] = bandOf(type, fs);
  const inBand = bandSum(p, df, lo, hi);
  const powerline = (nyq > 51 ? bandSum(p, df, 49, 51.0001) : 0) + (nyq > 61 ? bandSum(p, df, 59, 61.0001) : 0);
  return {
    ...td,
    baseline: 1 - bandSum(p, df, 0, 1) / to40,
    powerline: powerline / total,
    hfNoise: nyq > 40 ? bandSum(p, df, 40, Infinity) / total : 0,
    qrsPower: bandSum(p, df, 5, 15) / qrsAll,
    bandPower: inBand / total,
    snrDb: 10 * Math.log10((inBand || Number.MIN_VALUE) / Math.max(total - inBand, total * 1e-12)),
  };
}
