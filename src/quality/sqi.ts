/**
 * Signal quality indices of one window of raw samples: cheap, computed before any cleaning, so that
 * screening decides how much work each window deserves.
 *
 * Time domain: flatline (longest constant run), clipping (samples stuck at the window extremes in
 * runs of three or more), robust amplitude (1st-99th percentile), kurtosis and skewness (Li & Clifford
 * 2008 kSQI; Elgendi 2016 SSQI), zero-crossing rate. Frequency domain, from one Welch spectrum:
 * baseline wander (basSQI, Zhao & Zhang 2018), powerline share, high-frequency noise share, QRS band
 * share (pSQI), share of the signal type's physiological band, and that band's SNR in dB.
 */
import { welch } from '../dsp/spectral.js';
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

function bandSum(f: Float64Array, p: Float64Array, lo: number, hi: number): number {
  let s = 0;
  for (let i = 0; i < f.length; i++) if (f[i]! >= lo && f[i]! < hi) s += p[i]!;
  return s;
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
  const sorted = Float64Array.from(x).sort();
  const q = (p: number) => {
    const h = (n - 1) * p, lo = Math.floor(h);
    return sorted[lo]! + (h - lo) * ((sorted[Math.min(n - 1, lo + 1)] ?? 0) - sorted[lo]!);
  };
  return {
    flatline: n > 1 ? longest / n : 1,
    clipping: stuck / n,
    amplitude: q(0.99) - q(0.01),
    kurtosis: m2 > 0 ? m4 / (m2 * m2) - 3 : 0,
    skewness: m2 > 0 ? m3 / Math.pow(m2, 1.5) : 0,
    zeroCrossingRate: (crossings * fs) / n,
  };
}

/** All SQIs of one window. `x` is in any consistent unit; the spectrum uses 2 s Welch segments. */
export function computeSqis(x: Float64Array, fs: number, type: SignalType): Sqis {
  const td = timeDomain(x, fs);
  const nperseg = Math.min(x.length, Math.max(16, Math.round(2 * fs)));
  const { f, p } = welch(x, { fs, nperseg });
  const total = bandSum(f, p, 0, Infinity) || Number.MIN_VALUE;
  const nyq = fs / 2;
  const to40 = bandSum(f, p, 0, 40) || Number.MIN_VALUE;
  const qrsAll = bandSum(f, p, 5, 40) || Number.MIN_VALUE;
  const [lo, hi] = type === 'unknown' ? [0, fs / 4] : physiologicalBand[type];
  const inBand = bandSum(f, p, lo, hi);
  const powerline = (nyq > 51 ? bandSum(f, p, 49, 51.0001) : 0) + (nyq > 61 ? bandSum(f, p, 59, 61.0001) : 0);
  return {
    ...td,
    baseline: 1 - bandSum(f, p, 0, 1) / to40,
    powerline: powerline / total,
    hfNoise: nyq > 40 ? bandSum(f, p, 40, Infinity) / total : 0,
    qrsPower: bandSum(f, p, 5, 15) / qrsAll,
    bandPower: inBand / total,
    snrDb: 10 * Math.log10((inBand || Number.MIN_VALUE) / Math.max(total - inBand, total * 1e-12)),
  };
}
