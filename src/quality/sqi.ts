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
import { getRealFft, type RealFft } from '../dsp/fft.js';
import { getWindow } from '../dsp/windows.js';
import { scanWindow, tailPercentiles, tailScratch, type Tails } from './tail-percentiles.js';
import type { SignalType } from '../signals/signal-type.js';

import type { Sqis } from './sqi-names.js';

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

type TimeDomain = Pick<Sqis, 'flatline' | 'clipping' | 'amplitude' | 'kurtosis' | 'skewness' | 'zeroCrossingRate'>;

/** Scratch per window length: the Hann window, FFT plan and buffers, percentile buffers. */
interface Scratch { n: number; nfft: number; fft: RealFft; win: Float64Array; buf: Float64Array; re: Float64Array; im: Float64Array; p: Float64Array; tails: Tails }

/**
 * A few lengths are kept: a block's windows share one length but for its last, and screening
 * (computeSqis) and validation (bandSnrDb) alternate over them.
 */
const SCRATCH_SLOTS = 4;
const scratches: Scratch[] = [];

function scratchFor(n: number): Scratch {
  for (const s of scratches) if (s.n === n) return s;
  let nfft = 1;
  while (nfft < n) nfft *= 2;
  const bins = nfft / 2 + 1;
  const s: Scratch = {
    n, nfft, fft: getRealFft(nfft), win: getWindow('hann', n, { sym: false }), buf: new Float64Array(nfft),
    re: new Float64Array(bins), im: new Float64Array(bins), p: new Float64Array(bins), tails: tailScratch(n, 0.01, 0.99),
  };
  if (scratches.length >= SCRATCH_SLOTS) scratches.shift();
  scratches.push(s);
  return s;
}

/**
 * Moments, flatline, clipping and crossings in one pass after scanWindow (which gave the mean and
 * range). The crossing and equal-run counters take comparison results as 0/1 numbers rather than
 * branching on them: on sampled, quantised signals those branches go either way unpredictably
 * (about one sample in six repeats its neighbour in MIT-BIH record 100), and their mispredictions
 * cost more than the rest of the pass. The range SQI comes from the percentile tails apart.
 */
function shape(x: Float64Array, fs: number, mean: number, min: number, max: number): Omit<TimeDomain, 'amplitude'> {
  const n = x.length;
  let m2 = 0, m3 = 0, m4 = 0, crossings = 0, run = 1, longest = 1, stuck = 0, stuckRun = 0;
  const tol = (max - min) * 1e-9;
  const clipped = max > min, top = max - tol, bottom = min + tol;
  // prev = NaN: the first sample starts a run, as no neighbour equals it.
  let prevSign = +(x[0]! >= mean), prev = NaN;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    const d = v - mean, d2 = d * d;
    m2 += d2; m3 += d2 * d; m4 += d2 * d2;
    const sign = +(v >= mean);
    crossings += sign ^ prevSign;
    prevSign = sign;
    // run + 1 after an equal neighbour, 1 otherwise.
    const same = +(Math.abs(v - prev) <= tol);
    run = run * same + 1;
    if (run > longest) longest = run;
    prev = v;
    if (clipped && (v >= top || v <= bottom)) {
      stuckRun++;
    } else {
      if (stuckRun >= 3) stuck += stuckRun;
      stuckRun = 0;
    }
  }
  if (stuckRun >= 3) stuck += stuckRun;
  m2 /= n; m3 /= n; m4 /= n;
  return {
    flatline: n > 1 ? longest / n : 1,
    clipping: stuck / n,
    kurtosis: m2 > 0 ? m4 / (m2 * m2) - 3 : 0,
    skewness: m2 > 0 ? m3 / Math.pow(m2, 1.5) : 0,
    zeroCrossingRate: (crossings * fs) / n,
  };
}

/**
 * One-sided power spectrum of the mean-removed, Hann-windowed window, zero-padded to a power of
 * two, into sc.p; returns the sum of all bins (summed in bin order, as bandSum would).
 */
function spectrum(x: Float64Array, sc: Scratch, mean: number): number {
  const { buf, win, re, im, p } = sc;
  const n = x.length;
  for (let i = 0; i < n; i++) buf[i] = (x[i]! - mean) * win[i]!;
  buf.fill(0, n);
  sc.fft.forward(buf, re, im);
  let total = 0;
  for (let k = 0; k < p.length; k++) {
    const v = re[k]! * re[k]! + im[k]! * im[k]!;
    p[k] = v;
    total += v;
  }
  return total;
}

/** Mean of x, summed in index order. */
function meanOf(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  return s / x.length;
}

/** The physiological band of a signal type, Hz. */
export function bandOf(type: SignalType, fs: number): [number, number] {
  return type === 'unknown' ? [0, fs / 4] : physiologicalBand[type];
}

/** SNR of the type's physiological band, dB: what cleaning should raise (used by validation). */
export function bandSnrDb(x: Float64Array, fs: number, type: SignalType): number {
  const sc = scratchFor(x.length);
  const total = spectrum(x, sc, meanOf(x));
  const [lo, hi] = bandOf(type, fs);
  const inBand = bandSum(sc.p, fs / sc.nfft, lo, hi);
  return 10 * Math.log10((inBand || Number.MIN_VALUE) / Math.max(total - inBand, total * 1e-12, Number.MIN_VALUE));
}

/** Fewest samples a quality window can be scored on. */
export const MIN_WINDOW_SAMPLES = 16;

/** All SQIs of one window (at least MIN_WINDOW_SAMPLES samples), in any consistent unit. */
export function computeSqis(x: Float64Array, fs: number, type: SignalType): Sqis {
  if (x.length < MIN_WINDOW_SAMPLES) throw new RangeError(`a quality window needs at least ${MIN_WINDOW_SAMPLES} samples, got ${x.length}`);
  if (!(fs > 0) || !Number.isFinite(fs)) throw new RangeError(`fs must be a positive number, got ${fs}`);
  const sc = scratchFor(x.length);
  const tails = sc.tails;
  const { sum, min, max } = scanWindow(x, tails);
  // A constant window's mean exactly, not sum / n: its round-off would leave deviations of 1e-16
  // that the shape and spectral ratios then read as a signal (kurtosis -2, all power in the QRS band).
  const mean = min === max ? min : sum / x.length;
  // The pass and the percentiles are separate calls: with both in one function, V8 left that
  // function unoptimised in about one process in four (code after the loop had not run yet when
  // the loop was first compiled), which left that part slower than before instead of 2x faster.
  const td = shape(x, fs, mean, min, max);
  // A NaN sum means NaN (or both infinities) in the window: plain quickselect handles those.
  tailPercentiles(x, tails, Number.isNaN(sum));
  const total = spectrum(x, sc, mean) || Number.MIN_VALUE;
  const p = sc.p, df = fs / sc.nfft;
  const nyq = fs / 2;
  const to40 = bandSum(p, df, 0, 40) || Number.MIN_VALUE;
  const qrsAll = bandSum(p, df, 5, 40) || Number.MIN_VALUE;
  const [lo, hi] = bandOf(type, fs);
  const inBand = bandSum(p, df, lo, hi);
  const powerline = (nyq > 51 ? bandSum(p, df, 49, 51.0001) : 0) + (nyq > 61 ? bandSum(p, df, 59, 61.0001) : 0);
  return {
    flatline: td.flatline,
    clipping: td.clipping,
    amplitude: tails.pHigh - tails.pLow,
    kurtosis: td.kurtosis,
    skewness: td.skewness,
    zeroCrossingRate: td.zeroCrossingRate,
    baseline: 1 - bandSum(p, df, 0, 1) / to40,
    powerline: powerline / total,
    hfNoise: nyq > 40 ? bandSum(p, df, 40, Infinity) / total : 0,
    qrsPower: bandSum(p, df, 5, 15) / qrsAll,
    bandPower: inBand / total,
    snrDb: 10 * Math.log10((inBand || Number.MIN_VALUE) / Math.max(total - inBand, total * 1e-12)),
  };
}
