/**
 * Frequency-domain HRV from NN intervals (ms): band powers (ms^2), peak frequencies, relative powers,
 * normalised units and LF/HF (Task Force 1996), from two spectra:
 *
 * - Welch (keys without prefix): the tachogram (NN value at each beat time) is interpolated onto an
 *   even grid (numpy.arange(0, t_last, 1/fs), beat times counted from the first beat), its mean is
 *   removed, and scipy.signal.welch semantics give a one-sided density in ms^2/Hz.
 * - Lomb-Scargle (keys prefixed `ls_`): the generalised periodogram (scipy.signal.lombscargle,
 *   floating mean) of the mean-removed NN values at the raw, uneven beat times, scaled to a one-sided
 *   density 2 P T / N (ms^2/Hz) so that it integrates to the variance, like the Welch spectrum.
 *
 * Presets (`conventions`), read from the references' source and checked against their numbers:
 * | setting | 'pyhrv' (welch_psd) | 'hrvanalysis' (get_frequency_domain_features) |
 * | --- | --- | --- |
 * | resampling | 4 Hz, cubic spline (interp1d 'cubic', not-a-knot) | 7 Hz, linear |
 * | Welch | hamming, nperseg 300 samples (whole series if < 300 s), nfft 4096 | hann, nperseg 256, nfft 4096 |
 * | bands | VLF 0-0.04, LF 0.04-0.15, HF 0.15-0.4 Hz, both edges included | VLF 0.0033-0.04, ..., [low, high) |
 * | band power | rectangle rule: sum(P) * df | trapezoid rule (numpy.trapz) over in-band bins |
 * pyHRV's own Lomb-Scargle passes periods (2 pi / f) where SciPy expects angular frequencies and sets
 * P(0) = 2 by hand, so it is not reproduced; `ls_` values follow the definition above instead.
 */

import { lombscargleGrid } from '../dsp/lombscargle-grid.js';
import { lombscargleGridFast } from '../dsp/lombscargle-fast.js';
import { welch, type SampleSource } from '../dsp/spectral.js';
import { arange, arangeLength, CubicSpline, interpLinear } from '../dsp/interpolate.js';
import type { WindowSpec } from '../dsp/windows.js';
import { sumInOrder } from '../dsp/stats.js';
import { nnArray, resolveConventions, scratchOf, type HrvConventions } from './hrv-time.js';

/** Band limits in Hz, [low, high]. */
export type Band = readonly [number, number];

export interface HrvBands {
  ulf: Band;
  vlf: Band;
  lf: Band;
  hf: Band;
}

export interface HrvFrequencyOptions {
  /** Preset for the settings in the table above. default: 'pyhrv' */
  conventions?: HrvConventions;
  /** Rate of the interpolated tachogram, Hz. default: preset (pyhrv 4, hrvanalysis 7) */
  resampleHz?: number;
  /** Interpolation of the tachogram. default: preset (pyhrv 'cubic', hrvanalysis 'linear') */
  interpolation?: 'cubic' | 'linear';
  /** Welch window. default: preset (pyhrv 'hamming', hrvanalysis 'hann') */
  window?: WindowSpec;
  /** Welch segment length in samples, clamped to the series length. default: preset (pyhrv 300, or the whole series under 300 s; hrvanalysis 256) */
  nperseg?: number;
  /** Welch overlap in samples. default: floor(nperseg / 2) */
  noverlap?: number;
  /** FFT length (zero padding), at least nperseg. default: 4096 */
  nfft?: number;
  /** Detrending of each Welch segment, after the series mean has been removed. default: 'constant' */
  detrend?: 'constant' | 'linear' | false;
  /**
   * Band limits in Hz. default: ULF 0-0.003, VLF from the top of ULF when ULF is reported (else from
   * 0) to 0.04, LF 0.04-0.15, HF 0.15-0.4; the hrvanalysis preset sets VLF 0.0033-0.04.
   */
  bands?: Partial<HrvBands>;
  /**
   * Whether to report ULF. 'auto': only when the spectrum resolves it, i.e. its resolution (Welch:
   * resampleHz / nperseg; Lomb-Scargle: 1 / duration) is at most half the top of the ULF band, which
   * in practice means long records. default: preset (pyhrv 'auto', hrvanalysis false)
   */
  ulf?: boolean | 'auto';
  /** Band power integration. default: preset (pyhrv 'rectangle', hrvanalysis 'trapezoid') */
  integration?: 'rectangle' | 'trapezoid';
  /** 'closed': low <= f <= high; 'half-open': low <= f < high. default: preset (pyhrv 'closed', hrvanalysis 'half-open') */
  bandEdges?: 'closed' | 'half-open';
  /** Also compute the Lomb-Scargle features (O(N * lsPoints)). default: true */
  lombScargle?: boolean;
  /** Lomb-Scargle frequencies: k * fmax / lsPoints for k = 1..lsPoints, fmax = top of HF. default: 1024 */
  lsPoints?: number;
}

/** Band features of one spectrum; NaN where undefined. Percentages for *_rel and *_nu. */
export interface BandFeatures {
  ulf_power: number; vlf_power: number; lf_power: number; hf_power: number;
  ulf_peak: number; vlf_peak: number; lf_peak: number; hf_peak: number;
  ulf_rel: number; vlf_rel: number; lf_rel: number; hf_rel: number;
  lf_nu: number; hf_nu: number; lf_hf: number; total_power: number;
}

type Prefixed<T, P extends string> = { [K in keyof T as `${P}${K & string}`]: T[K] };

export type HrvFrequencyResult = BandFeatures & Prefixed<BandFeatures, 'ls_'> & { warnings: string[] };

interface FreqSettings {
  resampleHz: number; interpolation: 'cubic' | 'linear'; window: WindowSpec; nperseg: number | undefined;
  nfft: number; bandsGiven: Partial<HrvBands>; ulf: boolean | 'auto';
  integration: 'rectangle' | 'trapezoid'; bandEdges: 'closed' | 'half-open';
}

const PRESETS: Record<HrvConventions, FreqSettings> = {
  pyhrv: {
    resampleHz: 4, interpolation: 'cubic', window: 'hamming', nperseg: undefined, nfft: 4096,
    bandsGiven: {}, ulf: 'auto', integration: 'rectangle', bandEdges: 'closed',
  },
  hrvanalysis: {
    resampleHz: 7, interpolation: 'linear', window: 'hann', nperseg: 256, nfft: 4096,
    bandsGiven: { vlf: [0.0033, 0.04] }, ulf: false, integration: 'trapezoid', bandEdges: 'half-open',
  },
};

const BAND_NAMES = ['ulf', 'vlf', 'lf', 'hf'] as const;

function nanBands(): BandFeatures {
  return {
    ulf_power: NaN, vlf_power: NaN, lf_power: NaN, hf_power: NaN,
    ulf_peak: NaN, vlf_peak: NaN, lf_peak: NaN, hf_peak: NaN,
    ulf_rel: NaN, vlf_rel: NaN, lf_rel: NaN, hf_rel: NaN,
    lf_nu: NaN, hf_nu: NaN, lf_hf: NaN, total_power: NaN,
  };
}

/** Band limits for one spectrum once it is known whether ULF is reported. */
export function resolveBands(given: Partial<HrvBands>, withUlf: boolean): HrvBands {
  const ulf = given.ulf ?? [0, 0.003];
  const b: HrvBands = {
    ulf,
    vlf: given.vlf ?? [withUlf ? ulf[1] : ulf[0], 0.04],
    lf: given.lf ?? [0.04, 0.15],
    hf: given.hf ?? [0.15, 0.4],
  };
  for (const k of BAND_NAMES) {
    const [lo, hi] = b[k];
    if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo < 0 || hi <= lo) {
      throw new RangeError(`bands.${k} must be [low, high] with 0 <= low < high, got [${lo}, ${hi}]`);
    }
  }
  return b;
}

/**
 * Power of p over the bins of f inside [lo, hi] (or [lo, hi) when half-open), by rectangles of
 * width df or by trapezoids between the bins inside, with the frequency of its largest bin and the
 * number of bins. A loop of its own: V8 optimises it once rather than bandFeatures from inside it.
 */
function bandIntegral(
  f: Float64Array, p: Float64Array, df: number, lo: number, hi: number, integration: 'rectangle' | 'trapezoid', edges: 'closed' | 'half-open',
): { power: number; peak: number; count: number } {
  let power = 0, peak = NaN, peakP = -Infinity, count = 0, prevF = NaN, prevP = NaN;
  for (let i = 0; i < f.length; i++) {
    const fi = f[i]!;
    if (fi < lo || fi > hi || (edges === 'half-open' && fi === hi)) continue;
    const pi = p[i]!;
    if (integration === 'rectangle') power += pi * df;
    else if (count > 0) power += 0.5 * (pi + prevP) * (fi - prevF);
    if (pi > peakP) { peakP = pi; peak = fi; }
    prevF = fi; prevP = pi; count++;
  }
  return { power, peak, count };
}

/**
 * Band features of a one-sided density `p` at increasing, evenly spaced frequencies `f`. Relative
 * powers are percentages of the total over the reported bands; normalised units are 100 LF/(LF+HF).
 */
export function bandFeatures(
  f: Float64Array, p: Float64Array, bands: HrvBands, withUlf: boolean,
  integration: 'rectangle' | 'trapezoid', edges: 'closed' | 'half-open', warnings: string[], label: string,
): BandFeatures {
  const out = nanBands();
  const df = f.length > 1 ? f[1]! - f[0]! : NaN;
  let total = 0;
  for (const k of BAND_NAMES) {
    if (k === 'ulf' && !withUlf) continue;
    const [lo, hi] = bands[k];
    const { power, peak, count } = bandIntegral(f, p, df, lo, hi, integration, edges);
    if (count === 0) {
      warnings.push(`${label}: no spectral bin inside the ${k.toUpperCase()} band [${lo}, ${hi}] Hz`);
      continue;
    }
    out[`${k}_power`] = power;
    out[`${k}_peak`] = peak;
    total += power;
  }
  out.total_power = total;
  for (const k of BAND_NAMES) out[`${k}_rel`] = (100 * out[`${k}_power`]) / total;
  const lf = out.lf_power, hf = out.hf_power;
  out.lf_nu = (100 * lf) / (lf + hf);
  out.hf_nu = (100 * hf) / (lf + hf);
  out.lf_hf = lf / hf;
  for (const key of Object.keys(out) as (keyof BandFeatures)[]) if (!Number.isFinite(out[key])) out[key] = NaN;
  return out;
}

function settings(opts: HrvFrequencyOptions): FreqSettings & { noverlap: number | undefined; detrend: 'constant' | 'linear' | false; lombScargle: boolean; lsPoints: number } {
  const p = PRESETS[resolveConventions(opts.conventions)];
  const s = {
    resampleHz: opts.resampleHz ?? p.resampleHz,
    interpolation: opts.interpolation ?? p.interpolation,
    window: opts.window ?? p.window,
    nperseg: opts.nperseg ?? p.nperseg,
    noverlap: opts.noverlap,
    nfft: opts.nfft ?? p.nfft,
    detrend: opts.detrend ?? 'constant' as const,
    bandsGiven: { ...p.bandsGiven, ...opts.bands },
    ulf: opts.ulf ?? p.ulf,
    integration: opts.integration ?? p.integration,
    bandEdges: opts.bandEdges ?? p.bandEdges,
    lombScargle: opts.lombScargle ?? true,
    lsPoints: opts.lsPoints ?? 1024,
  };
  if (!(s.resampleHz > 0) || !Number.isFinite(s.resampleHz)) throw new RangeError(`resampleHz must be a positive number, got ${s.resampleHz}`);
  if (s.interpolation !== 'cubic' && s.interpolation !== 'linear') throw new RangeError(`interpolation must be 'cubic' or 'linear', got '${String(s.interpolation)}'`);
  if (s.nperseg !== undefined && (!Number.isInteger(s.nperseg) || s.nperseg < 2)) throw new RangeError(`nperseg must be an integer >= 2, got ${s.nperseg}`);
  if (!Number.isInteger(s.nfft) || s.nfft < 2) throw new RangeError(`nfft must be an integer >= 2, got ${s.nfft}`);
  if (s.integration !== 'rectangle' && s.integration !== 'trapezoid') throw new RangeError(`integration must be 'rectangle' or 'trapezoid', got '${String(s.integration)}'`);
  if (s.bandEdges !== 'closed' && s.bandEdges !== 'half-open') throw new RangeError(`bandEdges must be 'closed' or 'half-open', got '${String(s.bandEdges)}'`);
  if (s.ulf !== true && s.ulf !== false && s.ulf !== 'auto') throw new RangeError(`ulf must be true, false or 'auto', got '${String(s.ulf)}'`);
  if (!Number.isInteger(s.lsPoints) || s.lsPoints < 2) throw new RangeError(`lsPoints must be an integer >= 2, got ${s.lsPoints}`);
  resolveBands(s.bandsGiven, false);
  if (s.ulf !== false) resolveBands(s.bandsGiven, true);
  return s;
}

/** Beat times in s from the first beat: t[i] = (nn[1] + ... + nn[i]) / 1000, as both references. */
export function beatTimes(nn: Float64Array): Float64Array {
  const t = new Float64Array(nn.length);
  let acc = 0;
  for (let i = 1; i < nn.length; i++) { acc += nn[i]!; t[i] = acc / 1000; }
  return t;
}

/**
 * Evenly resampled tachogram: NN values at the beat times interpolated on arange(0, t_last, 1/fs),
 * with its mean removed (the references' "detrend").
 */
export function resampleTachogram(nn: Float64Array, fs: number, interpolation: 'cubic' | 'linear', t = beatTimes(nn)): Float64Array {
  if (interpolation === 'cubic') {
    const source = tachogramSource(nn, fs, t);
    const x = new Float64Array(source.length);
    source.read(0, x);
    return x;
  }
  const x = interpLinear(t, nn, arange(0, t[t.length - 1]!, 1 / fs));
  subtract(x, sumInOrder(x) / x.length);
  return x;
}

/** v[i] -= c. */
function subtract(v: Float64Array, c: number): void {
  for (let i = 0; i < v.length; i++) v[i]! -= c;
}

/**
 * The cubic resampled tachogram, mean removed, as a sample source: values are computed per Welch
 * segment, so a week of beats needs no array of millions of grid values.
 */
function tachogramSource(nn: Float64Array, fs: number, t: Float64Array, work?: Float64Array): SampleSource {
  const spline = new CubicSpline(t, nn, scratchOf(work, nn.length));
  const count = arangeLength(0, t[t.length - 1]!, 1 / fs);
  const piece = new Float64Array(Math.min(count, 4096));
  let mu = 0;
  for (let a = 0; a < count; a += piece.length) {
    const m = Math.min(piece.length, count - a);
    spline.evaluateGrid(0, 1 / fs, m, piece, a);
    mu = sumInOrder(piece, m, mu);
  }
  mu /= count;
  return {
    length: count,
    read(start, out) {
      spline.evaluateGrid(0, 1 / fs, out.length, out, start);
      subtract(out, mu);
    },
  };
}

/**
 * Frequency-domain HRV of one NN series (ms). Undefined quantities are NaN with a warning.
 * `work`: scratch of at least nn.length values, not `nn` itself (the spline solve, then the
 * Lomb-Scargle input). default: allocated here
 */
export function hrvFrequency(nnIn: ArrayLike<number>, opts: HrvFrequencyOptions = {}, work?: Float64Array): HrvFrequencyResult {
  const s = settings(opts);
  const nn = nnArray(nnIn);
  const warnings: string[] = [];
  const welchPart = nanBands();
  const lsPart = nanBands();
  const result = (): HrvFrequencyResult => {
    const r = { ...welchPart, warnings } as HrvFrequencyResult;
    for (const k of Object.keys(lsPart) as (keyof BandFeatures)[]) (r as unknown as Record<string, number>)[`ls_${k}`] = lsPart[k];
    return r;
  };
  if (nn.length < 4) {
    warnings.push(`only ${nn.length} NN intervals: frequency-domain features need at least 4`);
    return result();
  }
  const t = beatTimes(nn);
  const duration = t[t.length - 1]!;
  const lfLow = resolveBands(s.bandsGiven, false).lf[0];
  if (lfLow > 0 && duration < 10 / lfLow) {
    warnings.push(`record of ${duration.toFixed(0)} s is shorter than 10 periods of the LF lower edge (${(10 / lfLow).toFixed(0)} s): LF is unreliable`);
  }

  const x = s.interpolation === 'cubic' ? tachogramSource(nn, s.resampleHz, t, work) : resampleTachogram(nn, s.resampleHz, s.interpolation, t);
  if (x.length >= 2) {
    // pyHRV: 300-sample segments once the beats span 300 s, else one segment of nfft (clamped).
    const spanMs = sumInOrder(nn.subarray(1));
    let nperseg = s.nperseg ?? (spanMs < 300000 ? s.nfft : 300);
    nperseg = Math.min(nperseg, x.length);
    if (s.nfft < nperseg) throw new RangeError(`nfft must be at least nperseg (${nperseg}), got ${s.nfft}`);
    const noverlap = s.noverlap ?? Math.floor(nperseg / 2);
    if (!Number.isInteger(noverlap) || noverlap < 0 || noverlap >= nperseg) {
      throw new RangeError(`noverlap must be an integer in [0, ${nperseg}), got ${noverlap}`);
    }
    const { f, p } = welch(x, {
      fs: s.resampleHz, window: s.window, nperseg, noverlap, nfft: s.nfft, detrend: s.detrend,
      scaling: 'density', average: 'mean',
    });
    const withUlf = ulfReported(s.ulf, s.resampleHz / nperseg, s.bandsGiven);
    const bands = resolveBands(s.bandsGiven, withUlf);
    Object.assign(welchPart, bandFeatures(f, p, bands, withUlf, s.integration, s.bandEdges, warnings, 'Welch'));
  } else {
    warnings.push('record too short to resample: Welch features are undefined');
  }

  if (s.lombScargle) {
    const withUlf = ulfReported(s.ulf, 1 / duration, s.bandsGiven);
    const bands = resolveBands(s.bandsGiven, withUlf);
    const { f, p } = lombDensity(t, nn, bands.hf[1], s.lsPoints, work);
    Object.assign(lsPart, bandFeatures(f, p, bands, withUlf, s.integration, s.bandEdges, warnings, 'Lomb-Scargle'));
  }
  return result();
}

function ulfReported(mode: boolean | 'auto', resolution: number, given: Partial<HrvBands>): boolean {
  if (mode !== 'auto') return mode;
  const ulfHigh = (given.ulf ?? [0, 0.003])[1];
  return resolution <= ulfHigh / 2;
}

/**
 * Sample-frequency terms from which the sums come from Press & Rybicki's FFT method (within 1e-10
 * of the exact sums on beat series, dsp/lombscargle-fast.ts) instead of the exact O(N K) loop:
 * about an hour of beats at 1024 frequencies, where the two cost the same. Five-minute segments
 * stay exact; a day of beats takes milliseconds instead of a second.
 */
const FAST_LS_TERMS = 2 ** 22;

/**
 * One-sided Lomb-Scargle density of the mean-removed NN values at beat times `t` (s), on
 * f_k = k * fmax / points. For evenly sampled data the legacy power P equals |DFT|^2 / N, so the
 * periodogram density is 2 P / fs = 2 P T / N with T = N * mean spacing; the same scale is used here.
 */
export function lombDensity(t: Float64Array, nn: Float64Array, fmax: number, points: number, work?: Float64Array): { f: Float64Array; p: Float64Array } {
  const n = nn.length;
  const mu = sumInOrder(nn) / n;
  const y = scratchOf(work, n);
  for (let i = 0; i < n; i++) y[i] = nn[i]! - mu;
  const f = new Float64Array(points);
  for (let k = 0; k < points; k++) f[k] = ((k + 1) * fmax) / points;
  const dw = (2 * Math.PI * fmax) / points;
  const pg = n * points >= FAST_LS_TERMS ? lombscargleGridFast(t, y, dw, dw, points, { floatingMean: true }) : lombscargleGrid(t, y, dw, dw, points, { floatingMean: true });
  const span = ((t[n - 1]! - t[0]!) * n) / (n - 1);
  const scale = (2 * span) / n;
  const p = new Float64Array(points);
  for (let k = 0; k < points; k++) p[k] = pg[k]! * scale;
  return { f, p };
}
