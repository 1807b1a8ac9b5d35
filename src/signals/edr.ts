/**
 * ECG-derived respiration (EDR): breathing moves the heart relative to the electrodes and changes the
 * thoracic impedance, which modulates the QRS amplitude beat by beat (Moody et al. 1985, "Derivation
 * of respiratory signals from multi-lead ECGs", Computers in Cardiology 12:113-116). One value per
 * beat, measured on the QRS, is interpolated onto an even grid with the not-a-knot cubic spline, the
 * resampling that HRV tachograms use (scipy.interpolate.CubicSpline / interp1d kind 'cubic').
 *
 * Per-beat measures:
 *  - 'amplitude': peak-to-peak of the QRS window (R to the deeper of Q and S), which needs no
 *    baseline and is the same for upright and inverted complexes (the R-S amplitude EDR);
 *  - 'area': area between the QRS and the straight line joining the window ends, in unit x s (the
 *    QRS area that Moody et al. measure per lead, here on one lead), less sensitive to a single
 *    noisy sample.
 */
import { CubicSpline } from '../dsp/interpolate.js';
import { checkFs } from './band.js';

export interface EdrOptions {
  /** Per-beat measure, see above. default: 'amplitude' */
  method?: 'amplitude' | 'area';
  /** Half-width of the QRS window around each R peak in s. default: 0.05 */
  qrsSeconds?: number;
  /** Rate of the output grid in Hz. default: 4 */
  outFs?: number;
}

export interface Edr {
  /** Times in s of the output grid, from the first to the last R peak every 1 / outFs s. */
  t: Float64Array;
  /** EDR value at each time (unit of the ECG, or unit x s for 'area'). */
  x: Float64Array;
}

/**
 * ECG-derived respiration from the ECG `ecg` sampled at `fs` Hz and its R peaks (sample indices).
 * With fewer than 2 R peaks there is nothing to interpolate and both arrays are empty.
 */
export function edr(ecg: ArrayLike<number>, fs: number, rpeaks: ArrayLike<number>, opts: EdrOptions = {}): Edr {
  checkFs(fs);
  const method = opts.method ?? 'amplitude';
  if (method !== 'amplitude' && method !== 'area') throw new RangeError(`method must be 'amplitude' or 'area', got '${String(method)}'`);
  const qrsS = opts.qrsSeconds ?? 0.05;
  if (!(qrsS > 0)) throw new RangeError(`qrsSeconds must be positive, got ${qrsS}`);
  const outFs = opts.outFs ?? 4;
  if (!(outFs > 0) || !Number.isFinite(outFs)) throw new RangeError(`outFs must be a positive number, got ${outFs}`);
  const n = ecg.length, m = rpeaks.length;
  for (let k = 0; k < m; k++) {
    const r = rpeaks[k]!;
    if (!Number.isInteger(r) || r < 0 || r >= n) throw new RangeError(`rpeaks[${k}] must be a sample index in [0, ${n}), got ${r}`);
    if (k > 0 && !(r > rpeaks[k - 1]!)) throw new RangeError(`rpeaks must be strictly increasing, got ${rpeaks[k - 1]} then ${r}`);
  }
  if (m < 2) return { t: new Float64Array(0), x: new Float64Array(0) };

  const w = Math.max(1, Math.round(qrsS * fs));
  const beatT = new Float64Array(m), beatV = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const r = rpeaks[k]!;
    const a = Math.max(0, r - w), b = Math.min(n - 1, r + w);
    beatT[k] = r / fs;
    beatV[k] = method === 'amplitude' ? peakToPeak(ecg, a, b) : areaAboveChord(ecg, a, b) / fs;
  }
  const t0 = beatT[0]!, t1 = beatT[m - 1]!;
  const count = Math.floor((t1 - t0) * outFs + 1e-9) + 1;
  const t = new Float64Array(count);
  for (let i = 0; i < count; i++) t[i] = t0 + i / outFs;
  return { t, x: new CubicSpline(beatT, beatV).evaluate(t) };
}

function peakToPeak(x: ArrayLike<number>, a: number, b: number): number {
  let hi = -Infinity, lo = Infinity;
  for (let i = a; i <= b; i++) {
    const v = x[i]!;
    if (v > hi) hi = v;
    if (v < lo) lo = v;
  }
  return hi - lo;
}

/** Sum over [a, b] of |x - chord| where the chord joins x[a] and x[b] (a baseline that follows wander). */
function areaAboveChord(x: ArrayLike<number>, a: number, b: number): number {
  const xa = x[a]!, slope = b > a ? (x[b]! - xa) / (b - a) : 0;
  let s = 0;
  for (let i = a; i <= b; i++) s += Math.abs(x[i]! - (xa + slope * (i - a)));
  return s;
}
