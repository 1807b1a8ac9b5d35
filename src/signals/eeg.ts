/**
 * EEG band powers from a Welch spectrum (scipy.signal.welch semantics: Hann window, 50 % overlap,
 * constant detrend, one-sided density): absolute and relative power per band, total power, spectral
 * edge frequencies and normalised spectral entropy, for a whole signal or per fixed-length epoch.
 *
 * Band power is the rectangle-rule integral sum(P) * df over the bins with low <= f < high (half-open,
 * so adjacent bands share no bin). The analysis range runs from the lowest band edge to the highest;
 * total power, SEF and entropy are taken over it with the same half-open rule.
 */

import { welch } from '../dsp/spectral.js';
import { DEFAULT_EEG_BANDS, type EegBands } from './eeg-bands.js';

export interface EegBandOptions {
  /** Bands in Hz. default: delta 0.5-4, theta 4-8, alpha 8-13, beta 13-30, gamma 30-45 */
  bands?: EegBands;
  /** Welch segment length in s (rounded to samples, clamped to the signal length). default: 2 */
  nperseg?: number;
  /** Spectral edge percentages: SEFx is the frequency below which x % of the total power lies. default: [90, 95] */
  sef?: readonly number[];
}

export interface EegBandPowers {
  /** Band power in (signal unit)^2, per band name. */
  absolute: Record<string, number>;
  /** Band power / total power (0..1), per band name. */
  relative: Record<string, number>;
  /** Power over the analysis range. */
  totalPower: number;
  /** Spectral edge frequency in Hz, keyed 'sef90', 'sef95', ... */
  sef: Record<string, number>;
  /** Shannon entropy of the normalised PSD over the analysis range, divided by ln(bins): 0..1. */
  spectralEntropy: number;
}

interface Resolved { bands: [string, number, number][]; lo: number; hi: number; sef: number[]; npersegSamples: number }

function resolve(fs: number, n: number, opts: EegBandOptions): Resolved {
  if (!(fs > 0) || !Number.isFinite(fs)) throw new RangeError(`fs must be a positive number, got ${fs}`);
  const bands = Object.entries(opts.bands ?? DEFAULT_EEG_BANDS).map(([k, [a, b]]): [string, number, number] => [k, a, b]);
  if (bands.length === 0) throw new RangeError('bands must name at least one band');
  let lo = Infinity, hi = -Infinity;
  for (const [k, a, b] of bands) {
    if (!Number.isFinite(a) || !Number.isFinite(b) || a < 0 || b <= a) throw new RangeError(`bands.${k} must be [low, high) with 0 <= low < high, got [${a}, ${b}]`);
    if (b > fs / 2) throw new RangeError(`bands.${k} must end at or below Nyquist (fs/2 = ${fs / 2}), got ${b}`);
    lo = Math.min(lo, a);
    hi = Math.max(hi, b);
  }
  const sef = [...(opts.sef ?? [90, 95])];
  for (const q of sef) if (!(q > 0 && q <= 100)) throw new RangeError(`sef percentages must be in (0, 100], got ${q}`);
  const seconds = opts.nperseg ?? 2;
  if (!(seconds > 0) || !Number.isFinite(seconds)) throw new RangeError(`nperseg must be a positive duration in s, got ${seconds}`);
  const npersegSamples = Math.min(n, Math.max(2, Math.round(seconds * fs)));
  return { bands, lo, hi, sef, npersegSamples };
}

/** Band powers, SEF and spectral entropy of one signal `x` sampled at `fs` Hz. */
export function eegBandPowers(x: ArrayLike<number>, fs: number, opts: EegBandOptions = {}): EegBandPowers {
  if (x.length < 2) throw new RangeError(`x must hold at least 2 samples, got ${x.length}`);
  const r = resolve(fs, x.length, opts);
  const data = x instanceof Float64Array ? x : Float64Array.from(x);
  const { f, p } = welch(data, {
    fs, window: 'hann', nperseg: r.npersegSamples, noverlap: Math.floor(r.npersegSamples / 2),
    nfft: r.npersegSamples, detrend: 'constant', scaling: 'density', average: 'mean',
  });
  let big = 0;
  for (let i = 0; i < data.length; i++) big = Math.max(big, Math.abs(data[i]!));
  return fromSpectrum(f, p, r, big);
}

/**
 * Power at or below this, relative to the square of the input's largest magnitude, is the
 * round-off of removing a constant's mean (about 1e-32 of it), not a spectrum: its shares, edges
 * and entropy would describe nothing. As `onlyRoundOff` for the beat detectors.
 */
const ROUND_OFF_POWER = 1e-18;

function fromSpectrum(f: Float64Array, p: Float64Array, r: Resolved, big: number): EegBandPowers {
  const df = f[1]! - f[0]!;
  const absolute: Record<string, number> = {};
  const relative: Record<string, number> = {};
  for (const [k, a, b] of r.bands) {
    let s = 0;
    for (let i = 0; i < f.length; i++) if (f[i]! >= a && f[i]! < b) s += p[i]!;
    absolute[k] = s * df;
  }
  // Analysis range: bins in [lo, hi).
  let i0 = 0;
  while (i0 < f.length && f[i0]! < r.lo) i0++;
  let i1 = i0;
  while (i1 < f.length && f[i1]! < r.hi) i1++;
  let sum = 0;
  for (let i = i0; i < i1; i++) sum += p[i]!;
  const totalPower = sum * df;
  if (totalPower <= ROUND_OFF_POWER * big * big) sum = 0;
  for (const [k] of r.bands) relative[k] = sum > 0 ? absolute[k]! / totalPower : NaN;

  const sef: Record<string, number> = {};
  for (const q of r.sef) {
    const target = (q / 100) * sum;
    let acc = 0, edge = NaN;
    for (let i = i0; i < i1; i++) {
      acc += p[i]!;
      if (acc >= target) { edge = f[i]!; break; }
    }
    sef[`sef${q}`] = sum > 0 ? edge : NaN;
  }

  let h = 0;
  const bins = i1 - i0;
  if (sum > 0) {
    for (let i = i0; i < i1; i++) {
      const q = p[i]! / sum;
      if (q > 0) h -= q * Math.log(q);
    }
  }
  const spectralEntropy = sum > 0 && bins > 1 ? h / Math.log(bins) : NaN;
  return { absolute, relative, totalPower, sef, spectralEntropy };
}

export interface EegEpochOptions extends EegBandOptions {
  /** Epoch length in s; a trailing partial epoch is dropped. default: 30 */
  epochSeconds?: number;
}

export interface EegEpochFeatures extends EegBandPowers {
  /** Start of the epoch in s from the start of `x`. */
  start: number;
}

/** Band features of each complete, non-overlapping epoch of `x`. */
export function eegEpochFeatures(x: ArrayLike<number>, fs: number, opts: EegEpochOptions = {}): EegEpochFeatures[] {
  const seconds = opts.epochSeconds ?? 30;
  if (!(seconds > 0) || !Number.isFinite(seconds)) throw new RangeError(`epochSeconds must be a positive number, got ${seconds}`);
  if (!(fs > 0) || !Number.isFinite(fs)) throw new RangeError(`fs must be a positive number, got ${fs}`);
  const len = Math.round(seconds * fs);
  if (len < 2) throw new RangeError(`epochSeconds must span at least 2 samples at ${fs} Hz, got ${seconds}`);
  const data = x instanceof Float64Array ? x : Float64Array.from(x);
  const out: EegEpochFeatures[] = [];
  for (let s = 0; s + len <= data.length; s += len) {
    out.push({ start: s / fs, ...eegBandPowers(data.subarray(s, s + len), fs, opts) });
  }
  return out;
}
