/**
 * PPG cleaning, systolic peak detection and pulse onsets.
 *
 * Peaks follow Elgendi et al. 2013, "Systolic peak detection in acceleration photoplethysmograms
 * measured from emergency responders in tropical conditions", PLoS ONE 8(10):e76585:
 *  1. zero-phase Butterworth bandpass 0.5-8 Hz (order 2 per pass);
 *  2. negative values clipped to zero, then squared (only the systolic upslope region keeps energy);
 *  3. two centred moving averages of that energy, over a systolic peak (W1 = 111 ms) and over a beat
 *     (W2 = 667 ms); blocks of interest are where the peak average exceeds the beat average plus an
 *     offset, beta = 0.02 times the mean energy;
 *  4. a block narrower than W1 is noise; every other block holds one peak, at the maximum of the
 *     filtered signal in it.
 * Additions, in the spirit of the ECG detectors' decision rules (Pan & Tompkins 1985): candidates
 * closer than the refractory period (0.3 s, 200 pulses/min) keep the higher one; a candidate lower
 * than 0.1 times the running median pulse height is noise; an early candidate (before 0.6 times the
 * recent median interval) under half the height of the pulse before it is that pulse's diastolic
 * wave, which at slow rates lies outside the 0.67 s beat window and forms its own block. Near the
 * slice ends the moving averages divide by the samples inside the signal (zero padding would lower
 * the beat average there). Each peak is finally refined to the maximum of the lightly filtered signal
 * (zero-phase lowpass 12 Hz: keeps the waveform, removes noise) within 0.1 s, because the 0.5-8 Hz
 * band moves the peak of a steep, asymmetric pulse by tens of ms.
 *
 * Onsets (feet): the minimum before each peak within the preceding pulse, i.e. in (previous peak,
 * peak] and at most 1 s back, of the 0.5-8 Hz bandpassed signal (not the second-derivative or
 * intersecting-tangent methods). The bandpassed signal is used because it is free of baseline wander,
 * which otherwise tilts the foot and moves its minimum by up to 0.2 s.
 *
 * Polarity: some devices record absorbance, which inverts the pulse. `invert: true` negates the
 * signal; `'auto'` chooses the polarity in which the pulse looks upright: its peaks are sharper than
 * its troughs (positive skewness of the bandpassed signal) and it rises faster than it falls (positive
 * skewness of its first difference); the sum of the two skewnesses decides, so that one ambiguous cue
 * (a filtered, nearly symmetric pulse; a sawtooth-like one) does not.
 *
 * Everything is defined block by block (see beat-stream.ts): `ppgPeaks` on a whole signal equals
 * chunked detection with BeatStream and `PpgDetector`.
 */
import { butter } from '../dsp/iir-design.js';
import { sosfiltfilt } from '../dsp/filtfilt.js';
import { assertFinite } from '../dsp/lfilter.js';
import type { Sos } from '../dsp/types.js';
import { detectInBlocks, type BlockDetector } from './beat-stream.js';
import { minimaBefore } from './minima-before.js';
import { checkBand, checkFs, bandpassSos, onlyRoundOff } from './band.js';

export interface CleanPpgOptions {
  /** Passband in Hz; the upper edge is lowered to 0.45 fs when fs is too low for it. default: [0.5, 8] */
  bandHz?: [number, number];
  /** Butterworth order per pass (zero-phase filtering doubles it). default: 2 */
  order?: number;
}

export interface PpgPeaksOptions {
  /** Passband of the detection signal in Hz (Elgendi's). default: [0.5, 8] */
  bandHz?: [number, number];
  /** Systolic peak window W1 in s. default: 0.111 */
  peakSeconds?: number;
  /** Beat window W2 in s. default: 0.667 */
  beatSeconds?: number;
  /** Offset of the block threshold as a fraction of the mean energy (Elgendi's beta). default: 0.02 */
  offset?: number;
  /** Shortest interval between two pulses in s. default: 0.3 */
  refractorySeconds?: number;
  /** A candidate lower than this fraction of the running median pulse height is rejected. default: 0.1 */
  minRelativeHeight?: number;
  /** A candidate earlier than this fraction of the recent median interval and under half the previous pulse is its diastolic wave. default: 0.6 */
  diastolicRatio?: number;
  /** Cutoff in Hz of the lowpass that gives the lightly filtered signal (lowered to 0.45 fs). default: 12 */
  lightHz?: number;
  /** Half-width in s of the window in which a peak is refined on the lightly filtered signal (0: no refinement). default: 0.1 */
  refineSeconds?: number;
  /** Longest search back from a peak for its onset in s. default: 1 */
  onsetSeconds?: number;
  /**
   * Negate the signal (absorbance recordings); 'auto' decides from the signal, see above: ppgPeaks
   * decides once for the whole signal, a PpgDetector used on its own decides per slice. default: false
   */
  invert?: boolean | 'auto';
  /** Block length of the blockwise definition in s. default: 60 */
  blockSeconds?: number;
}

export interface PpgPeaks {
  /** Sample index of each systolic peak, increasing. */
  peaks: Int32Array;
  /** Sample index of each pulse onset (foot), one per peak, at or before it. */
  onsets: Int32Array;
  /** Whether the signal was negated before detection (the 'auto' decision, or the option). */
  inverted: boolean;
}

function lowpassSos(hz: number, fs: number): Sos {
  if (!(hz > 0)) throw new RangeError(`lightHz must be positive, got ${hz}`);
  return butter(2, Math.min(hz, 0.45 * fs), { btype: 'lowpass', fs });
}

/** Zero-phase filtering that leaves signals too short for the edge padding unfiltered. */
function zeroPhase(sos: Sos, x: Float64Array): Float64Array {
  // sosfiltfilt pads each side with at most 3 (2 sections + 1) samples (SciPy's default padlen).
  const pad = 3 * (2 * sos.length + 1);
  return x.length > pad ? sosfiltfilt(sos, x) : Float64Array.from(x);
}

/** Zero-phase Butterworth bandpass of a PPG (default 0.5-8 Hz, order 2 per pass), as Elgendi 2013. */
export function cleanPpg(x: ArrayLike<number>, fs: number, opts: CleanPpgOptions = {}): Float64Array {
  checkFs(fs);
  return sosfiltfilt(bandpassSos(opts.bandHz ?? [0.5, 8], opts.order ?? 2, fs), x);
}

/** Pulses kept in the running medians of height and interval. */
const HISTORY = 8;

function medianOf(v: Float64Array, n: number, tmp: Float64Array): number {
  for (let i = 0; i < n; i++) tmp[i] = v[i]!;
  const s = tmp.subarray(0, n).sort();
  return n % 2 ? s[(n - 1) >> 1]! : 0.5 * (s[n / 2 - 1]! + s[n / 2]!);
}

/** Sample skewness (biased, as scipy.stats.skew), 0 for a constant signal. */
function skew(v: Float64Array, from: number, to: number): number {
  const n = to - from;
  if (n < 3) return 0;
  let m = 0;
  for (let i = from; i < to; i++) m += v[i]!;
  m /= n;
  let m2 = 0, m3 = 0;
  for (let i = from; i < to; i++) {
    const d = v[i]! - m;
    m2 += d * d;
    m3 += d * d * d;
  }
  m2 /= n;
  m3 /= n;
  return m2 > 0 ? m3 / Math.pow(m2, 1.5) : 0;
}

/** Upright score of a bandpassed pulse signal: skew(y) + skew(diff(y)); negative means inverted. */
function uprightScore(y: Float64Array): number {
  const d = new Float64Array(Math.max(0, y.length - 1));
  for (let i = 0; i < d.length; i++) d[i] = y[i + 1]! - y[i]!;
  return skew(y, 0, y.length) + skew(d, 0, d.length);
}

/** The Elgendi 2013 systolic peak detector as a BlockDetector; holds filter designs and scratch per fs. */
export class PpgDetector implements BlockDetector {
  readonly contextSeconds: number;
  readonly refractorySeconds: number;
  private readonly o: Required<Omit<PpgPeaksOptions, 'bandHz' | 'invert' | 'blockSeconds' | 'onsetSeconds'>> & { band: [number, number] };
  private readonly invert: boolean | 'auto';
  private fs = 0;
  private band: Sos = [];
  private light: Sos = [];
  private energy = new Float64Array(0);

  constructor(opts: PpgPeaksOptions = {}) {
    this.o = {
      band: opts.bandHz ?? [0.5, 8],
      peakSeconds: opts.peakSeconds ?? 0.111,
      beatSeconds: opts.beatSeconds ?? 0.667,
      offset: opts.offset ?? 0.02,
      refractorySeconds: opts.refractorySeconds ?? 0.3,
      minRelativeHeight: opts.minRelativeHeight ?? 0.1,
      diastolicRatio: opts.diastolicRatio ?? 0.6,
      lightHz: opts.lightHz ?? 12,
      refineSeconds: opts.refineSeconds ?? 0.1,
    };
    checkBand(this.o.band);
    for (const k of ['peakSeconds', 'beatSeconds', 'refractorySeconds', 'lightHz'] as const) {
      if (!(this.o[k] > 0) || !Number.isFinite(this.o[k])) throw new RangeError(`${k} must be a positive number, got ${this.o[k]}`);
    }
    if (!(this.o.beatSeconds > this.o.peakSeconds)) {
      throw new RangeError(`beatSeconds (${this.o.beatSeconds}) must exceed peakSeconds (${this.o.peakSeconds})`);
    }
    if (!(this.o.offset >= 0)) throw new RangeError(`offset must be non-negative, got ${this.o.offset}`);
    if (!(this.o.refineSeconds >= 0)) throw new RangeError(`refineSeconds must be non-negative, got ${this.o.refineSeconds}`);
    const inv = opts.invert ?? false;
    if (inv !== true && inv !== false && inv !== 'auto') throw new TypeError(`invert must be true, false or 'auto', got ${String(inv)}`);
    this.invert = inv;
    this.refractorySeconds = this.o.refractorySeconds;
    // The 0.5 Hz highpass settles within about 3 s and the beat window spans 0.67 s.
    this.contextSeconds = 5;
  }

  private design(fs: number): void {
    if (this.fs === fs) return;
    this.band = bandpassSos(this.o.band, 2, fs);
    this.light = lowpassSos(this.o.lightHz, fs);
    this.fs = fs;
  }

  /** Bandpassed slice in upright polarity, and whether it was negated. */
  private upright(x: Float64Array, fs: number): { y: Float64Array; negated: boolean } {
    this.design(fs);
    const y = zeroPhase(this.band, x);
    const negated = this.invert === 'auto' ? uprightScore(y) < 0 : this.invert;
    if (negated) for (let i = 0; i < y.length; i++) y[i] = -y[i]!;
    return { y, negated };
  }

  detect(x: Float64Array, fs: number): Int32Array {
    checkFs(fs);
    const m = x.length;
    if (m < Math.round(fs)) return new Int32Array(0);
    const o = this.o;
    const { y, negated } = this.upright(x, fs);
    if (onlyRoundOff(x, y)) return new Int32Array(0);
    const hp = Math.max(1, Math.round((o.peakSeconds * fs - 1) / 2));
    const hb = Math.max(hp + 1, Math.round((o.beatSeconds * fs - 1) / 2));

    // Clipped, squared signal, zero-padded by hb + 1 on both sides so the window sums need no edge tests.
    const off = hb + 1;
    if (this.energy.length < m + 2 * off) this.energy = new Float64Array(m + 2 * off);
    const u = this.energy;
    u.fill(0, 0, off);
    u.fill(0, off + m, m + 2 * off);
    let total = 0;
    for (let i = 0; i < m; i++) {
      const v = y[i]!;
      const e = v > 0 ? v * v : 0;
      u[off + i] = e;
      total += e;
    }
    if (total === 0) return new Int32Array(0);
    const alpha = (o.offset * total) / m;
    const minWidth = 2 * hp + 1;
    const refr = Math.max(1, Math.round(o.refractorySeconds * fs));

    // One pass: running centred sums, blocks of interest, one candidate per wide enough block at the
    // maximum of y (accepted or not by select). Near the slice ends the averages divide by the samples actually inside the window: a window
    // that counted the padding as zero energy would lower the beat average there and let the
    // diastolic wave of the last pulse through.
    const cand: number[] = [];
    let accP = 0, accB = 0;
    for (let k = off - hp; k < off + hp; k++) accP += u[k]!;
    for (let k = off - hb; k < off + hb; k++) accB += u[k]!;
    let inBlock = false, start = 0, bestPos = 0, best = -Infinity;
    const close = (end: number): void => {
      if (end - start >= minWidth) cand.push(bestPos);
    };
    const last = m - 1;
    for (let i = 0; i < m; i++) {
      const c = off + i;
      accP += u[c + hp]! - u[c - hp - 1]!;
      accB += u[c + hb]! - u[c - hb - 1]!;
      const nP = Math.min(last, i + hp) - Math.max(0, i - hp) + 1;
      const nB = Math.min(last, i + hb) - Math.max(0, i - hb) + 1;
      if (accP / nP > accB / nB + alpha) {
        if (!inBlock) { inBlock = true; start = i; best = -Infinity; }
        if (y[i]! > best) { best = y[i]!; bestPos = i; }
      } else if (inBlock) {
        inBlock = false;
        close(i);
      }
    }
    if (inBlock) close(m);
    const beats = this.select(y, cand, fs);
    if (o.refineSeconds === 0 || beats.length === 0) return Int32Array.from(beats);
    return this.refine(x, beats, fs, negated, refr);
  }

  /**
   * Acceptance of the block candidates by their height in the bandpassed signal: within the
   * refractory period the higher one wins; a candidate far below the running median height of the
   * recent pulses is noise; and one that comes early (before diastolicRatio times the recent median
   * interval) and is less than half as high as the pulse before it is that pulse's diastolic wave,
   * which at slow rates lies outside the beat window and can form its own block.
   */
  private select(y: Float64Array, cand: number[], fs: number): number[] {
    const o = this.o;
    const refr = Math.max(1, Math.round(o.refractorySeconds * fs));
    const beats: number[] = [];
    const levels = new Float64Array(HISTORY), rrs = new Float64Array(HISTORY), tmp = new Float64Array(HISTORY);
    let nLevels = 0, nRR = 0;
    // Until pulses accumulate, the level is the upper quartile of the candidate heights in the slice.
    const hs = Float64Array.from(cand, (c) => y[c]!).sort();
    let level = hs.length ? hs[Math.floor(0.75 * (hs.length - 1))]! : 0;
    let rrMed = 0;
    const accept = (c: number): void => {
      if (beats.length > 0) {
        rrs[nRR % HISTORY] = c - beats[beats.length - 1]!;
        nRR++;
        rrMed = medianOf(rrs, Math.min(nRR, HISTORY), tmp);
      }
      beats.push(c);
      levels[nLevels % HISTORY] = y[c]!;
      nLevels++;
      level = medianOf(levels, Math.min(nLevels, HISTORY), tmp);
    };
    for (const c of cand) {
      const h = y[c]!;
      if (h < o.minRelativeHeight * level) continue;
      if (beats.length > 0) {
        const last = beats[beats.length - 1]!;
        const gap = c - last;
        if (gap < refr) {
          if (h > y[last]!) beats[beats.length - 1] = c;
          continue;
        }
        if (nRR >= 2 && gap < o.diastolicRatio * rrMed && h < 0.5 * y[last]!) continue;
      }
      accept(c);
    }
    return beats;
  }

  /** Moves each candidate to the maximum of the lightly filtered (upright) signal within refineSeconds. */
  private refine(x: Float64Array, cand: number[], fs: number, negated: boolean, refr: number): Int32Array {
    const z = zeroPhase(this.light, x);
    const sign = negated ? -1 : 1;
    const w = Math.max(1, Math.round(this.o.refineSeconds * fs));
    const out: number[] = [];
    for (const c of cand) {
      let at = c, v = sign * z[c]!;
      for (let i = Math.max(0, c - w); i <= Math.min(z.length - 1, c + w); i++) {
        if (sign * z[i]! > v) { v = sign * z[i]!; at = i; }
      }
      // A maximum on the slice edge is a pulse cut by the signal end, not a peak.
      if (at === 0 || at === z.length - 1) continue;
      // Two candidates refined onto one pulse: keep the first.
      if (out.length > 0 && at - out[out.length - 1]! < refr) continue;
      out.push(at);
    }
    return Int32Array.from(out);
  }

  /** The bandpassed signal in the given polarity (the onset signal). */
  bandpassed(x: Float64Array, fs: number, negated: boolean): Float64Array {
    checkFs(fs);
    this.design(fs);
    const y = zeroPhase(this.band, x);
    if (negated) for (let i = 0; i < y.length; i++) y[i] = -y[i]!;
    return y;
  }

  /**
   * Polarity decision of 'auto' over a whole signal: the upright score summed over blocks (each
   * bandpassed with context), so a long recording is decided once, in bounded memory.
   */
  isInverted(x: Float64Array, fs: number, blockSeconds = 60): boolean {
    if (this.invert !== 'auto') return this.invert;
    checkFs(fs);
    this.design(fs);
    const block = Math.max(1, Math.round(blockSeconds * fs));
    const ctx = Math.ceil(this.contextSeconds * fs);
    let score = 0;
    for (let b0 = 0; b0 < x.length; b0 += block) {
      const s0 = Math.max(0, b0 - ctx), s1 = Math.min(x.length, b0 + block + ctx);
      const y = zeroPhase(this.band, x.subarray(s0, s1));
      score += uprightScore(y.subarray(b0 - s0, Math.min(x.length, b0 + block) - s0)) * (Math.min(x.length, b0 + block) - b0);
    }
    return score < 0;
  }
}

/**
 * Pulse onsets (feet) of the PPG `x`: for each peak, the minimum of the bandpassed signal in
 * (previous peak, peak], at most `onsetSeconds` back; computed block by block. `inverted` gives the
 * polarity (as decided by ppgPeaks); without it, `invert` is resolved as ppgPeaks does.
 */
export function ppgOnsets(x: ArrayLike<number>, fs: number, peaks: ArrayLike<number>, opts: PpgPeaksOptions & { inverted?: boolean } = {}): Int32Array {
  checkFs(fs);
  const input = x instanceof Float64Array ? x : Float64Array.from(x);
  // Checked here: the block filters would name the index within their slice, not within x.
  assertFinite(input, 'x');
  return onsetsOf(input, fs, peaks, opts);
}

/** ppgOnsets on a checked signal. */
function onsetsOf(input: Float64Array, fs: number, peaks: ArrayLike<number>, opts: PpgPeaksOptions & { inverted?: boolean }): Int32Array {
  const back = opts.onsetSeconds ?? 1;
  if (!(back > 0) || !Number.isFinite(back)) throw new RangeError(`onsetSeconds must be a positive number, got ${back}`);
  const det = new PpgDetector(opts);
  const negated = opts.inverted ?? det.isInverted(input, fs, opts.blockSeconds);
  return minimaBefore(input, fs, peaks, (s) => det.bandpassed(s, fs, negated), {
    blockSeconds: opts.blockSeconds ?? 60,
    maxBackSeconds: back,
    contextSeconds: Math.max(det.contextSeconds, back),
  });
}

/**
 * Systolic peaks and pulse onsets of the PPG `x` sampled at `fs` Hz (Elgendi 2013, see above). With
 * `invert: 'auto'` the polarity is decided once for the whole signal, then detection runs with it.
 */
export function ppgPeaks(x: ArrayLike<number>, fs: number, opts: PpgPeaksOptions = {}): PpgPeaks {
  checkFs(fs);
  const input = x instanceof Float64Array ? x : Float64Array.from(x);
  // Onsets are filtered across the whole signal, so no gap is allowed here (PpgDetector in
  // BeatStream takes one); checked up front so that the index named is within x, not a block.
  assertFinite(input, 'x');
  const blockSeconds = opts.blockSeconds ?? 60;
  const inverted = new PpgDetector(opts).isInverted(input, fs, blockSeconds);
  const fixed = { ...opts, invert: inverted };
  const peaks = detectInBlocks(input, fs, new PpgDetector(fixed), { blockSeconds });
  const onsets = onsetsOf(input, fs, peaks, { ...fixed, inverted });
  return { peaks, onsets, inverted };
}
