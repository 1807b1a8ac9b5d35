/**
 * Respiration: cleaning, breath detection (inhalation peaks, exhalation troughs), breathing rate and
 * its variability.
 *
 * Breaths follow the "zero-crossing algorithm with amplitude threshold" of Khodadad et al. 2018,
 * "Optimized breath detection algorithm in electrical impedance tomography", Physiol Meas
 * 39(9):094001 (NeuroKit2's rsp_findpeaks 'khodadad2018' is a variant of it):
 *  1. zero-phase Butterworth bandpass 0.05-1 Hz (order 2 per pass), so the signal oscillates about 0
 *     (the 0.05 Hz edge removes drift and keeps 3 breaths/min);
 *  2. between consecutive zero crossings one extremum: the maximum of a positive run (end of
 *     inhalation), the minimum of a negative run (end of exhalation), so extrema alternate; an
 *     extremum on the first or last sample (a run cut by the signal end) is dropped;
 *  3. false breaths removed by amplitude: while some half-breath (the height difference between
 *     neighbouring extrema) is smaller than 0.3 times the median of the half-breaths around it (8 on
 *     each side), the smallest one is removed, keeping the higher peak and the lower trough of the two
 *     it separated, so extrema still alternate. Unlike a threshold on the mean over the whole record,
 *     the reference follows the recent breaths, so a long recording whose depth changes keeps its
 *     shallow stretches.
 * Two inhalation peaks closer than the refractory period (1 s) merge the same way. Defined block by
 * block like the beat detectors (see beat-stream.ts); troughs are then the minimum of the cleaned
 * signal between consecutive peaks (minima-before.ts): after step 3 the same point, up to the
 * slice-dependent edge effects of the filter.
 */
import { sosfiltfilt } from '../dsp/filtfilt.js';
import { assertFinite } from '../dsp/lfilter.js';
import { median, std } from '../dsp/stats.js';
import type { Sos } from '../dsp/types.js';
import { detectInBlocks, type BlockDetector } from './beat-stream.js';
import { minimaBefore } from './minima-before.js';
import { checkFs, bandpassSos, onlyRoundOff } from './band.js';

export interface CleanRespOptions {
  /** Passband in Hz; the upper edge is lowered to 0.45 fs when fs is too low for it. default: [0.05, 1] */
  bandHz?: [number, number];
  /** Butterworth order per pass (zero-phase filtering doubles it). default: 2 */
  order?: number;
}

export interface BreathOptions {
  /** Passband of the cleaned signal in Hz. default: [0.05, 1] */
  bandHz?: [number, number];
  /** A half-breath smaller than this fraction of the median of its neighbours is removed. default: 0.3 */
  minRelativeAmplitude?: number;
  /** Half-breaths on each side in that median. default: 8 */
  neighbours?: number;
  /** Shortest interval between two inhalation peaks in s. default: 1 */
  refractorySeconds?: number;
  /** Longest breath in s: how far back from a peak its trough is searched. default: 20 */
  maxBreathSeconds?: number;
  /** Block length of the blockwise definition in s (at least the 40 s context). default: 120 */
  blockSeconds?: number;
}

export interface Breaths {
  /** Sample index of each inhalation peak (end of inhalation), increasing. */
  peaks: Int32Array;
  /** Sample index of the exhalation trough before each peak (its breath's start), one per peak. */
  troughs: Int32Array;
}

export interface BreathVariability {
  /** Mean breath interval (peak to peak) in s. */
  meanInterval: number;
  /** Standard deviation of the breath intervals in s (ddof 1). */
  std: number;
  /** Coefficient of variation: std / meanInterval. */
  cv: number;
}

/** Zero-phase Butterworth bandpass of a respiration signal (default 0.05-1 Hz, order 2 per pass). */
export function cleanResp(x: ArrayLike<number>, fs: number, opts: CleanRespOptions = {}): Float64Array {
  checkFs(fs);
  return sosfiltfilt(bandpassSos(opts.bandHz ?? [0.05, 1], opts.order ?? 2, fs), x);
}

/** Alternating extrema: sample positions and values, and whether each is a peak. */
interface Extrema { pos: number[]; val: number[]; peak: boolean[] }

/** Step 2: one extremum per run between zero crossings. */
function zeroCrossingExtrema(y: Float64Array): Extrema {
  const e: Extrema = { pos: [], val: [], peak: [] };
  const n = y.length;
  let i = 0;
  while (i < n && y[i] === 0) i++;
  while (i < n) {
    const up = y[i]! > 0;
    let at = i, v = y[i]!;
    for (; i < n && (up ? y[i]! > 0 : y[i]! <= 0); i++) {
      if (up ? y[i]! > v : y[i]! < v) { v = y[i]!; at = i; }
    }
    e.pos.push(at);
    e.val.push(v);
    e.peak.push(up);
  }
  return e;
}

/**
 * Removes extrema i and i + 1 (a half-breath), keeping the more extreme of each type among them and
 * their outer neighbours, so the sequence still alternates.
 */
function mergeAt(e: Extrema, i: number): void {
  const n = e.pos.length;
  if (i === 0 || i + 1 === n - 1) {
    // At an end the outer extremum has no partner: drop it alone.
    const j = i === 0 ? 0 : n - 1;
    e.pos.splice(j, 1); e.val.splice(j, 1); e.peak.splice(j, 1);
    return;
  }
  // e[i - 1] has the type of e[i + 1], e[i + 2] the type of e[i].
  const better = (a: number, b: number): boolean => (e.peak[a] ? e.val[a]! > e.val[b]! : e.val[a]! < e.val[b]!);
  if (better(i + 1, i - 1)) { e.pos[i - 1] = e.pos[i + 1]!; e.val[i - 1] = e.val[i + 1]!; }
  if (i + 2 < n && better(i, i + 2)) { e.pos[i + 2] = e.pos[i]!; e.val[i + 2] = e.val[i]!; }
  e.pos.splice(i, 2); e.val.splice(i, 2); e.peak.splice(i, 2);
}

/** Median of t[0..n), sorting that part of t in place. */
function medianInPlace(t: Float64Array, n: number): number {
  const s = t.subarray(0, n).sort();
  return n % 2 ? s[(n - 1) >> 1]! : 0.5 * (s[n / 2 - 1]! + s[n / 2]!);
}

/** Breath detector (Khodadad 2018 zero crossings with local amplitude pruning) as a BlockDetector. */
export class BreathDetector implements BlockDetector {
  readonly contextSeconds: number;
  readonly refractorySeconds: number;
  private readonly band: [number, number];
  private readonly rel: number;
  private readonly k: number;
  private fs = 0;
  private sos: Sos = [];

  constructor(opts: BreathOptions = {}) {
    this.band = opts.bandHz ?? [0.05, 1];
    const [lo, hi] = this.band;
    if (!(lo > 0) || !(hi > lo)) throw new RangeError(`bandHz must be [low, high] with 0 < low < high, got [${lo}, ${hi}]`);
    this.rel = opts.minRelativeAmplitude ?? 0.3;
    if (!(this.rel >= 0 && this.rel < 1)) throw new RangeError(`minRelativeAmplitude must be in [0, 1), got ${this.rel}`);
    this.k = opts.neighbours ?? 8;
    if (!Number.isInteger(this.k) || this.k < 1) throw new RangeError(`neighbours must be a positive integer, got ${this.k}`);
    this.refractorySeconds = opts.refractorySeconds ?? 1;
    if (!(this.refractorySeconds > 0)) throw new RangeError(`refractorySeconds must be positive, got ${this.refractorySeconds}`);
    // At least 3 breaths at 6/min; the 0.05 Hz highpass settles within about 20 s.
    this.contextSeconds = 40;
  }

  /** The cleaned slice (bandpass designed once per fs); slices too short to pad stay unfiltered. */
  clean(x: Float64Array, fs: number): Float64Array {
    checkFs(fs);
    if (this.fs !== fs) {
      this.sos = bandpassSos(this.band, 2, fs);
      this.fs = fs;
    }
    return x.length > 3 * (2 * this.sos.length + 1) ? sosfiltfilt(this.sos, x) : Float64Array.from(x);
  }

  detect(x: Float64Array, fs: number): Int32Array {
    // Shorter than two refractory periods there is no breath to find (and nothing to filter).
    if (x.length < 2 * this.refractorySeconds * fs) return new Int32Array(0);
    const y = this.clean(x, fs);
    if (y !== x && onlyRoundOff(x, y)) return new Int32Array(0);
    const e = zeroCrossingExtrema(y);
    // An extremum on the slice edge belongs to a run cut by the signal end, not to a breath.
    if (e.pos.length > 0 && e.pos[0] === 0) { e.pos.shift(); e.val.shift(); e.peak.shift(); }
    if (e.pos.length > 0 && e.pos[e.pos.length - 1] === y.length - 1) { e.pos.pop(); e.val.pop(); e.peak.pop(); }
    this.prune(e, Math.max(1, Math.round(this.refractorySeconds * fs)));
    const out: number[] = [];
    for (let i = 0; i < e.pos.length; i++) if (e.peak[i]) out.push(e.pos[i]!);
    return Int32Array.from(out);
  }

  /** Step 3 and the refractory merge, smallest offender first, until none is left. */
  private prune(e: Extrema, refr: number): void {
    const tmp = new Float64Array(2 * this.k + 1);
    for (;;) {
      const n = e.pos.length;
      if (n < 2) return;
      const amp = new Float64Array(n - 1);
      for (let i = 0; i + 1 < n; i++) amp[i] = Math.abs(e.val[i + 1]! - e.val[i]!);
      let worst = -1, worstRatio = Infinity;
      for (let i = 0; i + 1 < n; i++) {
        const a = Math.max(0, i - this.k), b = Math.min(n - 2, i + this.k);
        let m = 0;
        for (let j = a; j <= b; j++) tmp[m++] = amp[j]!;
        const ref = medianInPlace(tmp, m);
        let ratio = ref > 0 ? amp[i]! / ref : 1;
        // A trough between two peaks closer than the refractory period is not a breath: remove it
        // with the lower of its peaks, before any amplitude decision.
        if (!e.peak[i] && i > 0 && i + 1 < n && e.pos[i + 1]! - e.pos[i - 1]! < refr) ratio = -1;
        if (ratio < worstRatio) { worstRatio = ratio; worst = i; }
      }
      if (!(worstRatio < this.rel)) return;
      // For a refractory violation at trough i, the half-breath to remove pairs it with its lower peak.
      if (worstRatio === -1 && e.val[worst - 1]! < e.val[worst + 1]!) worst -= 1;
      mergeAt(e, worst);
    }
  }
}

/** Inhalation peaks and exhalation troughs of a respiration signal `x` sampled at `fs` Hz (see above). */
export function breaths(x: ArrayLike<number>, fs: number, opts: BreathOptions = {}): Breaths {
  checkFs(fs);
  const input = x instanceof Float64Array ? x : Float64Array.from(x);
  // Troughs are filtered across the whole signal, so no gap is allowed here (BreathDetector in
  // BeatStream takes one); checked up front so that the index named is within x, not a block.
  assertFinite(input, 'x');
  const det = new BreathDetector(opts);
  const blockSeconds = opts.blockSeconds ?? 120;
  const peaks = detectInBlocks(input, fs, det, { blockSeconds });
  const back = opts.maxBreathSeconds ?? 20;
  if (!(back > 0) || !Number.isFinite(back)) throw new RangeError(`maxBreathSeconds must be a positive number, got ${back}`);
  const troughs = minimaBefore(input, fs, peaks, (s) => det.clean(s, fs), {
    blockSeconds,
    maxBackSeconds: back,
    contextSeconds: Math.max(det.contextSeconds, back),
  });
  return { peaks, troughs };
}

function intervals(peaks: ArrayLike<number>, fs: number): Float64Array {
  checkFs(fs);
  const d = new Float64Array(Math.max(0, peaks.length - 1));
  for (let i = 0; i < d.length; i++) d[i] = (peaks[i + 1]! - peaks[i]!) / fs;
  return d;
}

/** Breathing rate in breaths/min: 60 / median breath interval; NaN with fewer than 2 peaks. */
export function breathingRate(peaks: ArrayLike<number>, fs: number): number {
  const d = intervals(peaks, fs);
  return d.length ? 60 / median(d) : NaN;
}

/** Mean, standard deviation (ddof 1) and coefficient of variation of the breath intervals; NaN where undefined. */
export function breathVariability(peaks: ArrayLike<number>, fs: number): BreathVariability {
  const d = intervals(peaks, fs);
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i]!;
  const meanInterval = d.length ? s / d.length : NaN;
  const sd = d.length >= 2 ? std(d, 1) : NaN;
  return { meanInterval, std: sd, cv: sd / meanInterval };
}
