/**
 * Pan & Tompkins, "A real-time QRS detection algorithm", IEEE TBME 32(3):230-236, 1985.
 *
 * Stages as in the paper: bandpass 5-15 Hz, five-point derivative, squaring, moving-window
 * integration over 150 ms; fiducial marks are the local maxima of the integrated signal at least
 * 200 ms apart. Each mark is classified with two adaptive thresholds (integrated and filtered
 * signal): SPK/NPK running estimates (1/8 update, 1/4 for searchback beats), THRESHOLD1 = NPK +
 * 0.25 (SPK - NPK), THRESHOLD2 = THRESHOLD1 / 2, both halved for irregular rhythm; searchback with
 * THRESHOLD2 when no beat was found within 166 % of the regular RR average; a mark 200-360 ms after
 * a beat with less than half its maximal slope is a T wave. Thresholds learn on the first 2 s.
 *
 * Offline differences from the real-time original (documented, for timing only): the bandpass is
 * zero-phase Butterworth and the derivative and integration windows are centred, so marks carry no
 * filter delay; each beat is then moved onto the R wave of the input by `refinePeaks`.
 */
import { butter } from '../dsp/iir-design.js';
import { sosfiltfilt } from '../dsp/filtfilt.js';
import { refinePeaks, type RefineOptions } from './peak-refine.js';
import type { BlockDetector } from './beat-stream.js';
import { checkFs, onlyRoundOff } from './band.js';

/** Largest value of |v| over [a, b]. */
function absMax(v: Float64Array, a: number, b: number): number {
  let best = 0;
  for (let i = Math.max(0, a); i <= Math.min(v.length - 1, b); i++) {
    const s = Math.abs(v[i]!);
    if (s > best) best = s;
  }
  return best;
}

export interface PanTompkinsOptions {
  /** How marks are moved onto the R wave of the input. default: see RefineOptions */
  refine?: RefineOptions;
}

/** Beats of `x` (sampled at `fs` Hz) by Pan-Tompkins; sample indices of the R peaks, increasing. */
export function panTompkins(x: ArrayLike<number>, fs: number, opts: PanTompkinsOptions = {}): Int32Array {
  checkFs(fs);
  if (fs < 40) throw new RangeError(`fs must be at least 40 Hz for the 5-15 Hz band, got ${fs}`);
  const input = x instanceof Float64Array ? x : Float64Array.from(x);
  const n = input.length;
  if (n < Math.round(0.5 * fs)) return new Int32Array(0);

  const bp = sosfiltfilt(butter(2, [5, 15], { btype: 'bandpass', fs }), input);
  if (onlyRoundOff(input, bp)) return new Int32Array(0);
  // Five-point derivative (1/8T)(-x[n-2] - 2x[n-1] + 2x[n+1] + x[n+2]), centred; step h scales it
  // to the paper's 200 Hz spacing so its frequency response is the same at any fs.
  const h = Math.max(1, Math.round(fs / 200));
  const slope = new Float64Array(n);
  for (let i = 2 * h; i < n - 2 * h; i++) {
    slope[i] = (-bp[i - 2 * h]! - 2 * bp[i - h]! + 2 * bp[i + h]! + bp[i + 2 * h]!) * (fs / (8 * h));
  }
  // Squaring and centred moving-window integration over 150 ms.
  const half = Math.max(1, Math.round((0.15 * fs) / 2));
  const mwi = new Float64Array(n);
  const inv = 1 / (2 * half + 1);
  let acc = 0;
  for (let i = 0; i < Math.min(half, n); i++) acc += slope[i]! * slope[i]!;
  for (let i = 0; i < n; i++) {
    if (i + half < n) acc += slope[i + half]! * slope[i + half]!;
    if (i - half - 1 >= 0) acc -= slope[i - half - 1]! * slope[i - half - 1]!;
    mwi[i] = Math.max(0, acc) * inv;
  }

  // Fiducial marks: local maxima of the integrated signal; within 200 ms the larger one stays.
  const refr = Math.round(0.2 * fs);
  const marks: number[] = [];
  for (let i = 1; i < n - 1; i++) {
    if (mwi[i]! > mwi[i - 1]! && mwi[i]! >= mwi[i + 1]!) {
      const last = marks.length - 1;
      if (last >= 0 && i - marks[last]! < refr) {
        if (mwi[i]! > mwi[marks[last]!]!) marks[last] = i;
      } else marks.push(i);
    }
  }

  // Learning phase 1: initial signal and noise peaks from the first 2 s.
  const learn = Math.min(n, Math.round(2 * fs));
  let maxI = 0, sumI = 0, maxF = 0, sumF = 0;
  for (let i = 0; i < learn; i++) {
    maxI = Math.max(maxI, mwi[i]!); sumI += mwi[i]!;
    maxF = Math.max(maxF, Math.abs(bp[i]!)); sumF += Math.abs(bp[i]!);
  }
  let spki = maxI / 3, npki = sumI / learn / 2;
  let spkf = maxF / 3, npkf = sumF / learn / 2;

  const beats: number[] = [];
  const beatSlope: number[] = [];
  const rr1: number[] = [], rr2: number[] = [];
  let rrAvg2 = 0;
  const tWin = Math.round(0.36 * fs);
  // Marks since the last beat that were noise, kept for searchback.
  let pending: { p: number; pi: number; pf: number }[] = [];

  const accept = (p: number, pi: number, pf: number, searchback: boolean): void => {
    const w = searchback ? 0.25 : 0.125;
    spki = w * pi + (1 - w) * spki;
    spkf = w * pf + (1 - w) * spkf;
    if (beats.length > 0) {
      const rr = p - beats[beats.length - 1]!;
      rr1.push(rr);
      if (rr1.length > 8) rr1.shift();
      if (rrAvg2 === 0 || (rr > 0.92 * rrAvg2 && rr < 1.16 * rrAvg2)) {
        rr2.push(rr);
        if (rr2.length > 8) rr2.shift();
      }
      const a1 = rr1.reduce((s, v) => s + v, 0) / rr1.length;
      rrAvg2 = rr2.length > 0 ? rr2.reduce((s, v) => s + v, 0) / rr2.length : a1;
    }
    beats.push(p);
    beatSlope.push(absMax(slope, p - half, p + half));
    pending = [];
  };

  for (const p of marks) {
    const pi = mwi[p]!;
    const pf = absMax(bp, p - half, p + half);
    // Irregular rhythm (last RR outside 92-116 % of the regular average): halve the thresholds.
    const last = rr1.length ? rr1[rr1.length - 1]! : 0;
    const irregular = rrAvg2 > 0 && (last < 0.92 * rrAvg2 || last > 1.16 * rrAvg2);
    const k = irregular ? 0.5 : 1;
    const thI1 = k * (npki + 0.25 * (spki - npki)), thF1 = k * (npkf + 0.25 * (spkf - npkf));

    // Searchback: a beat is overdue, take the largest earlier mark above THRESHOLD2.
    if (beats.length > 0 && rrAvg2 > 0 && p - beats[beats.length - 1]! > 1.66 * rrAvg2) {
      let best: { p: number; pi: number; pf: number } | undefined;
      for (const c of pending) {
        if (c.p - beats[beats.length - 1]! >= refr && c.pi > 0.5 * thI1 && c.pf > 0.5 * thF1 && (!best || c.pi > best.pi)) best = c;
      }
      if (best && p - best.p >= refr) accept(best.p, best.pi, best.pf, true);
    }

    if (pi > thI1 && pf > thF1) {
      const prev = beats.length ? beats[beats.length - 1]! : -Infinity;
      if (p - prev < refr) continue;
      if (p - prev < tWin && absMax(slope, p - half, p + half) < 0.5 * beatSlope[beatSlope.length - 1]!) {
        npki = 0.125 * pi + 0.875 * npki;
        npkf = 0.125 * pf + 0.875 * npkf;
        continue;
      }
      accept(p, pi, pf, false);
    } else {
      npki = 0.125 * pi + 0.875 * npki;
      npkf = 0.125 * pf + 0.875 * npkf;
      pending.push({ p, pi, pf });
    }
  }
  const refined = refinePeaks(input, beats, fs, opts.refine);
  return Int32Array.from(new Set(refined)).sort();
}

/** Pan-Tompkins as a BlockDetector for BeatStream (thresholds relearn on each block's context). */
export function panTompkinsDetector(opts: PanTompkinsOptions = {}): BlockDetector {
  return { detect: (x, fs) => panTompkins(x, fs, opts), contextSeconds: 5, refractorySeconds: 0.2 };
}
