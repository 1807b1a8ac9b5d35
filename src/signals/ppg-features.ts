/**
 * Pulse rate and per-pulse PPG features from detected peaks and onsets (see ppg.ts).
 *
 * Features follow the usual PPG morphology definitions (Elgendi 2012, "On the analysis of fingertip
 * photoplethysmogram signals", Curr Cardiol Rev 8(1):14-25): the amplitude is measured from the
 * foot, the rise time from foot to systolic peak, and the pulse width at half of that amplitude, with
 * both crossings placed by linear interpolation between samples.
 */
import { median } from '../dsp/stats.js';
import { checkFs } from './band.js';

export interface PulseFeatures {
  /** x[peak] - x[onset], in the unit of x. */
  amplitude: Float64Array;
  /** Onset to peak in s. */
  riseTime: Float64Array;
  /**
   * Width of the pulse at 50 % of its amplitude above the onset in s; NaN when the pulse does not
   * fall back below that level before the next onset (or the end of the signal).
   */
  width: Float64Array;
  /** Time from the previous peak in s; NaN for the first pulse. */
  interval: Float64Array;
}

export interface PulseFeaturesOptions {
  /** Level, as a fraction of the amplitude above the onset, at which the width is measured. default: 0.5 */
  widthLevel?: number;
}

/** Pulse rate in beats/min: 60 / median interval between consecutive peaks; NaN with fewer than 2 peaks. */
export function pulseRate(peaks: ArrayLike<number>, fs: number): number {
  checkFs(fs);
  if (peaks.length < 2) return NaN;
  const d = new Float64Array(peaks.length - 1);
  for (let i = 0; i < d.length; i++) d[i] = (peaks[i + 1]! - peaks[i]!) / fs;
  return 60 / median(d);
}

/**
 * Amplitude, rise time, width at half amplitude and interval of each pulse. `x` is used as given:
 * pass the raw signal for amplitudes in its own unit, or a lightly filtered one (noisy recordings).
 */
export function ppgPulseFeatures(
  x: ArrayLike<number>,
  fs: number,
  peaks: ArrayLike<number>,
  onsets: ArrayLike<number>,
  opts: PulseFeaturesOptions = {},
): PulseFeatures {
  checkFs(fs);
  const m = peaks.length, n = x.length;
  if (onsets.length !== m) throw new RangeError(`onsets must have one entry per peak (${m}), got ${onsets.length}`);
  const level = opts.widthLevel ?? 0.5;
  if (!(level > 0 && level < 1)) throw new RangeError(`widthLevel must be in (0, 1), got ${level}`);
  for (let k = 0; k < m; k++) {
    const p = peaks[k]!, o = onsets[k]!;
    if (!Number.isInteger(p) || p < 0 || p >= n) throw new RangeError(`peaks[${k}] must be a sample index in [0, ${n}), got ${p}`);
    if (!Number.isInteger(o) || o < 0 || o > p) throw new RangeError(`onsets[${k}] must be a sample index in [0, peaks[${k}] = ${p}], got ${o}`);
    if (k > 0 && !(p > peaks[k - 1]!)) throw new RangeError(`peaks must be strictly increasing, got ${peaks[k - 1]} then ${p}`);
  }
  const amplitude = new Float64Array(m), riseTime = new Float64Array(m);
  const width = new Float64Array(m), interval = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const p = peaks[k]!, o = onsets[k]!;
    const base = x[o]!, amp = x[p]! - base;
    amplitude[k] = amp;
    riseTime[k] = (p - o) / fs;
    interval[k] = k > 0 ? (p - peaks[k - 1]!) / fs : NaN;
    const lvl = base + level * amp;
    // Left crossing: the last sample below the level on the way up (the onset itself is below).
    let i = p;
    while (i > o && x[i]! >= lvl) i--;
    const left = x[i]! < lvl ? crossing(x, i, lvl) : NaN;
    // Right crossing: the first sample below the level after the peak, before the next onset.
    const end = k + 1 < m ? Math.max(p, onsets[k + 1]!) : n - 1;
    let j = p;
    while (j < end && x[j]! >= lvl) j++;
    const right = x[j]! < lvl ? crossing(x, j - 1, lvl) : NaN;
    width[k] = amp > 0 ? (right - left) / fs : NaN;
  }
  return { amplitude, riseTime, width, interval };
}

/** Fractional index where the line from x[i] to x[i + 1] meets `lvl` (one side below, one at or above). */
function crossing(x: ArrayLike<number>, i: number, lvl: number): number {
  const a = x[i]!, b = x[i + 1]!;
  return a === b ? i : i + (lvl - a) / (b - a);
}
