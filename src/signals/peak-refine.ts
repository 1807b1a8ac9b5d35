/**
 * Moves approximate R-peak positions (from a filtered or integrated detection signal, which is smooth
 * and may lag) onto the R extremum of the raw or lightly filtered ECG, as reference annotators mark it.
 *
 * Polarity is decided per beat and locally: the extremum that deviates most from the local baseline
 * wins when it clearly dominates (|up - down| / (up + down) above `dominance`); otherwise, for
 * biphasic (RS) complexes, the polarity that dominates the neighbouring beats decides, so that a
 * steady morphology is marked at the same wave beat after beat. A wide inverted ventricular beat in an
 * upright lead is thus marked at its negative extremum, and a lead whose polarity flips follows it.
 */
import { medianInPlace } from '../dsp/select.js';

export const FIDUCIALS = ['peak', 'upstroke', 'midpoint'] as const;

/** The point of the R wave that marks a beat; see {@link RefineOptions.fiducial}. */
export type Fiducial = typeof FIDUCIALS[number];

export interface RefineOptions {
  /** Half-width in s of the window searched around each candidate. default: 0.075 */
  searchSeconds?: number;
  /** Half-width in s of the window whose median is the local baseline. default: 0.2 */
  baselineSeconds?: number;
  /** 'auto' chooses per beat as described above; 'positive' / 'negative' force one polarity. default: 'auto' */
  polarity?: 'auto' | 'positive' | 'negative';
  /** Normalised difference (up - down) / (up + down) above which a beat's own polarity wins. default: 0.25 */
  dominance?: number;
  /** Beats on each side that vote when a beat's own polarity is ambiguous. default: 2 */
  neighbours?: number;
  /**
   * Which point of the R wave marks the beat: 'peak' is the R extremum; 'upstroke' the steepest
   * point of the edge leading to it; 'midpoint' the sample nearest the instant halfway between the
   * two (both located to a fraction of a sample). Reference databases disagree: the MIT-BIH
   * Arrhythmia DB marks the extremum, the MIT-BIH Supraventricular Arrhythmia DB the upstroke, about
   * 15 ms earlier on a normal QRS; the midpoint keeps within about half that gap of either.
   * Choose 'peak' where the extremum itself matters (R amplitude, pulse transit time).
   * default: 'midpoint'
   */
  fiducial?: Fiducial;
}

/** Samples of the baseline window that enter its median (evenly spaced), bounding the cost per beat. */
const BASELINE_POINTS = 63;

/**
 * Median of x[a..b] taken on at most BASELINE_POINTS evenly spaced samples: robust to the QRS itself,
 * even a wide ventricular one, which a mean is not.
 */
function baseline(x: ArrayLike<number>, a: number, b: number, tmp: Float64Array): number {
  const step = Math.max(1, Math.ceil((b - a + 1) / BASELINE_POINTS));
  let k = 0;
  for (let i = a; i <= b; i += step) tmp[k++] = x[i]!;
  return medianInPlace(tmp, k);
}

/** Index in (e - w, e] where the central difference rises fastest towards the extremum e. */
function steepestBefore(x: ArrayLike<number>, e: number, w: number, positive: boolean): number {
  const sign = positive ? 1 : -1;
  let best = 0, at = e;
  for (let i = Math.max(1, e - w + 1); i <= e && i + 1 < x.length; i++) {
    const d = sign * (x[i + 1]! - x[i - 1]!);
    if (d > best) { best = d; at = i; }
  }
  return at;
}

/** Sub-sample position of the extremum of x (order 0) or of its central difference (order 1) at i, by a parabola through three points. */
function vertex(x: ArrayLike<number>, i: number, order: 0 | 1): number {
  if (i < 1 + order || i + 1 + order >= x.length) return i;
  const f = order === 0 ? (j: number) => x[j]! : (j: number) => x[j + 1]! - x[j - 1]!;
  const a = f(i - 1), b = f(i), c = f(i + 1);
  const den = a - 2 * b + c;
  if (den === 0) return i;
  const d = 0.5 * (a - c) / den;
  return d > -1 && d < 1 ? i + d : i;
}

/**
 * Per candidate: the indices of the largest and smallest samples within w of it, and its polarity
 * score (up - down) / (up + down) about the baseline median within wb.
 */
function measure(x: ArrayLike<number>, candidates: ArrayLike<number>, w: number, wb: number, iMax: Int32Array, iMin: Int32Array, score: Float64Array): void {
  const n = x.length;
  const scratch = new Float64Array(BASELINE_POINTS + 1);
  for (let k = 0; k < iMax.length; k++) {
    const c = Math.min(n - 1, Math.max(0, Math.round(candidates[k]!)));
    const ref = baseline(x, Math.max(0, c - wb), Math.min(n - 1, c + wb), scratch);
    const s0 = Math.max(0, c - w), s1 = Math.min(n - 1, c + w);
    let hi = -Infinity, lo = Infinity, ih = c, il = c;
    for (let i = s0; i <= s1; i++) {
      const v = x[i]!;
      if (v > hi) { hi = v; ih = i; }
      if (v < lo) { lo = v; il = i; }
    }
    iMax[k] = ih;
    iMin[k] = il;
    const up = hi - ref, down = ref - lo;
    score[k] = up + down > 0 ? (up - down) / (up + down) : 0;
  }
}

/** Per candidate: its polarity (own score, else the neighbours' vote) and the fiducial point on that extremum, into res. */
function place(
  x: ArrayLike<number>, iMax: Int32Array, iMin: Int32Array, score: Float64Array, w: number,
  mode: NonNullable<RefineOptions['polarity']>, dominance: number, nb: number, fiducial: Fiducial, res: Int32Array,
): void {
  const m = iMax.length;
  for (let k = 0; k < m; k++) {
    let positive: boolean;
    if (mode !== 'auto') positive = mode === 'positive';
    else if (Math.abs(score[k]!) > dominance) positive = score[k]! > 0;
    else {
      let vote = 0;
      for (let j = Math.max(0, k - nb); j <= Math.min(m - 1, k + nb); j++) vote += score[j]!;
      positive = vote >= 0;
    }
    const e = positive ? iMax[k]! : iMin[k]!;
    if (fiducial === 'peak') res[k] = e;
    else {
      const u = steepestBefore(x, e, w, positive);
      // Halfway rounds towards the extremum, the better-defined of the two points.
      res[k] = fiducial === 'upstroke' ? u : Math.round(0.5 * (vertex(x, e, 0) + vertex(x, u, 1)));
    }
  }
}

/**
 * Refines each candidate (sample index into `x`) to its R wave (see `fiducial`). Returns one index per candidate,
 * in the same order; two candidates may land on the same extremum, which callers deduplicate.
 */
export function refinePeaks(x: ArrayLike<number>, candidates: ArrayLike<number>, fs: number, opts: RefineOptions = {}, out?: Int32Array): Int32Array {
  if (!(fs > 0)) throw new RangeError(`fs must be a positive number, got ${fs}`);
  const m = candidates.length;
  const res = out ?? new Int32Array(m);
  if (res.length < m) throw new RangeError(`out must hold ${m} indices, got ${res.length}`);
  const n = x.length;
  if (m === 0 || n === 0) return res;
  const w = Math.max(1, Math.round((opts.searchSeconds ?? 0.075) * fs));
  const wb = Math.max(w, Math.round((opts.baselineSeconds ?? 0.2) * fs));
  const mode = opts.polarity ?? 'auto';
  const dominance = opts.dominance ?? 0.25;
  const nb = opts.neighbours ?? 2;
  const fiducial = opts.fiducial ?? 'midpoint';
  if (!FIDUCIALS.includes(fiducial)) {
    throw new RangeError(`fiducial must be one of ${FIDUCIALS.join(', ')}, got '${String(fiducial)}'`);
  }

  const iMax = new Int32Array(m), iMin = new Int32Array(m);
  const score = new Float64Array(m);
  measure(x, candidates, w, wb, iMax, iMin, score);
  place(x, iMax, iMin, score, w, mode, dominance, nb, fiducial, res);
  return res;
}
