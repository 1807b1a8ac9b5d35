/**
 * RR intervals, heart rate, and RR artefact detection and correction after Lipponen & Tarvainen,
 * "A robust algorithm for heart rate variability time series artefact correction using novel beat
 * classification", J Med Eng Technol 43(3):173-181, 2019.
 *
 * The method, as the paper describes it: dRR (successive RR differences) and mRR (RR minus its
 * 11-beat median, negative values doubled) are normalised by time-varying thresholds, alpha (5.2)
 * times the quartile deviation of |dRR| and |mRR| over 91 beats. A beat is ectopic when its dRR jumps
 * beyond 1 and the neighbouring differences (S12) fall in the ectopic region of the dRR/S12 plane
 * (boundaries with slope c1 = 0.13 and offset c2 = 0.17); long or short when dRR with S22 or |mRR| > 3
 * say so; a long interval about twice the median is a missed beat, a short one that with its successor
 * adds up to the median is an extra beat. Correction: an extra beat is removed (its two intervals
 * merge), a missed beat is inserted (the interval splits in two), ectopic, long and short intervals are
 * replaced by the mean of the nearest normal intervals on each side. Nothing is changed silently:
 * every input interval carries its flag. The paper leaves the series' ends open; here a neighbour
 * past either end counts as no jump (0), and the first interval, which has no jump of its own, is
 * judged by its distance from the median.
 */

/** The flags an interval can get; a flag code is an index into this list. */
export const RR_FLAGS = ['normal', 'ectopic', 'missed', 'extra', 'long', 'short'] as const;
export type RRFlag = (typeof RR_FLAGS)[number];

const NORMAL = 0, ECTOPIC = 1, MISSED = 2, EXTRA = 3, LONG = 4, SHORT = 5;

export interface CorrectRROptions {
  /** Threshold multiplier of the quartile deviation. default: 5.2 */
  alpha?: number;
  /** Beats in the window of the time-varying thresholds. default: 91 */
  window?: number;
  /** Beats in the median filter of mRR. default: 11 */
  medianWindow?: number;
  /** Ectopic region slope c1. default: 0.13 */
  c1?: number;
  /** Ectopic region offset c2. default: 0.17 */
  c2?: number;
  /** Intervals classified per pass: bounds the memory on long series, the flags do not depend on it. default: 65536 */
  chunk?: number;
}

export interface CorrectedRR {
  /** Corrected NN series (same unit as the input). */
  nn: Float64Array;
  /** Flag code of each input interval, an index into RR_FLAGS: one byte per interval on long series. */
  codes: Uint8Array;
  /** Flag of each input interval by name (made from `codes` on first use). */
  readonly flags: RRFlag[];
  /** For each NN interval, 1 when it was corrected or inserted, else 0. */
  corrected: Uint8Array;
  /** Number of input intervals per flag. */
  counts: Record<RRFlag, number>;
}

/** RR intervals in s between consecutive beats (sample indices at `fs` Hz). */
export function rrIntervals(peaks: ArrayLike<number>, fs: number): Float64Array {
  if (!(fs > 0)) throw new RangeError(`fs must be a positive number, got ${fs}`);
  const n = Math.max(0, peaks.length - 1);
  const rr = new Float64Array(n);
  for (let i = 0; i < n; i++) rr[i] = (peaks[i + 1]! - peaks[i]!) / fs;
  return rr;
}

/** Instantaneous heart rate in beats/min for each interval between consecutive beats (60 / RR). */
export function heartRate(peaks: ArrayLike<number>, fs: number): Float64Array {
  const rr = rrIntervals(peaks, fs);
  for (let i = 0; i < rr.length; i++) {
    if (!(rr[i]! > 0)) throw new RangeError(`peaks must be strictly increasing, got ${peaks[i]} then ${peaks[i + 1]}`);
    rr[i] = 60 / rr[i]!;
  }
  return rr;
}

/** Quantile with linear interpolation between order statistics (numpy's default) of sorted s[0..len). */
function quantile(s: Float64Array, len: number, q: number): number {
  const pos = q * (len - 1);
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

/** Index of the first element of sorted s[0..len) not less than v. */
function lowerBound(s: Float64Array, len: number, v: number): number {
  let lo = 0, hi = len;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (s[mid]! < v) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/**
 * For each i, the statistic `f` of sorted v over the centred window of `w` beats (clipped at the
 * ends). The window is kept sorted as it slides: where one value leaves and one enters, the gap
 * left by the old value moves towards the new one's place (a single short shift), so a day of
 * beats costs milliseconds, not a sort per beat.
 */
export function rolling(v: Float64Array, w: number, f: (sorted: Float64Array, len: number) => number, out: Float64Array = new Float64Array(v.length)): Float64Array {
  const n = v.length, h = Math.floor(w / 2);
  const s = new Float64Array(Math.min(n, 2 * h + 1));
  let len = 0, a = 0, b = 0;
  for (let i = 0; i < n; i++) {
    const na = Math.max(0, i - h), nb = Math.min(n, i + h + 1);
    for (; a < na && b < nb; a++, b++) {
      const old = v[a]!, val = v[b]!;
      let at = lowerBound(s, len, old);
      if (val > old) {
        for (; at + 1 < len && s[at + 1]! < val; at++) s[at] = s[at + 1]!;
      } else {
        for (; at > 0 && s[at - 1]! > val; at--) s[at] = s[at - 1]!;
      }
      s[at] = val;
    }
    for (; b < nb; b++) {
      const at = lowerBound(s, len, v[b]!);
      s.copyWithin(at + 1, at, len);
      s[at] = v[b]!;
      len++;
    }
    for (; a < na; a++) {
      const at = lowerBound(s, len, v[a]!);
      s.copyWithin(at, at + 1, len);
      len--;
    }
    out[i] = f(s, len);
  }
  return out;
}

const quartileDeviation = (s: Float64Array, len: number): number => (quantile(s, len, 0.75) - quantile(s, len, 0.25)) / 2;
const med = (s: Float64Array, len: number): number => quantile(s, len, 0.5);

/** Classifies every interval of `rr` (any unit) and returns the corrected NN series. */
export function correctRR(rr: ArrayLike<number>, opts: CorrectRROptions = {}): CorrectedRR {
  const alpha = opts.alpha ?? 5.2, c1 = opts.c1 ?? 0.13, c2 = opts.c2 ?? 0.17;
  const win = opts.window ?? 91, mwin = opts.medianWindow ?? 11;
  const n = rr.length;
  // Only read: a Float64Array input is used as it is (a record-level series has millions of values).
  const x = rr instanceof Float64Array ? rr : Float64Array.from(rr);
  for (let i = 0; i < n; i++) if (!(x[i]! > 0)) throw new RangeError(`rr[${i}] must be a positive interval, got ${x[i]}`);
  const flags = new Uint8Array(n);
  if (n >= 4) classify(x, flags, alpha, c1, c2, win, mwin, Math.max(1, opts.chunk ?? 65536));
  return correct(x, flags);
}

/**
 * Intervals of context on each side of a classification pass: a flag depends on dRR and mRR within
 * 3 intervals, those on thresholds over `win` intervals, mRR on a median over `mwin`.
 */
const margin = (win: number, mwin: number) => Math.floor(win / 2) + Math.floor(mwin / 2) + 8;

/**
 * Classification in passes over [a, a + chunk) with `margin` intervals of context each side, so a
 * day or a week of beats needs a few arrays of `chunk` values, not of the whole series. Within the
 * margins a pass's windows see the same values as over the whole series (they are clipped only at
 * the series' ends), so the flags are those of one pass over everything.
 */
function classify(x: Float64Array, flags: Uint8Array, alpha: number, c1: number, c2: number, win: number, mwin: number, chunk: number): void {
  const n = x.length;
  // dRR of the first interval: the mean of the others, as it has no predecessor (summed in order).
  let sum = 0;
  for (let i = 1; i < n; i++) sum += x[i]! - x[i - 1]!;
  const d0 = sum / (n - 1);
  const pad = margin(win, mwin);
  // One set of pass arrays for every pass: a week of beats would otherwise leave a few dozen MB of
  // them for the collector.
  const size = Math.min(n, chunk + 2 * pad);
  const scratch: Scratch = { d: new Float64Array(size), abs: new Float64Array(size), th: new Float64Array(size), med: new Float64Array(size), m: new Float64Array(size) };
  for (let a = 0; a < n; a += chunk) {
    const b = Math.min(n, a + chunk);
    const lo = Math.max(0, a - pad), hi = Math.min(n, b + pad);
    classifyRange(x, flags, lo, hi, a, b, d0, alpha, c1, c2, win, mwin, scratch);
  }
}

interface Scratch { d: Float64Array; abs: Float64Array; th: Float64Array; med: Float64Array; m: Float64Array }

/** d[i] = x[lo + i] - x[lo + i - 1] (d0 at the series' start) and abs[i] = |d[i]|. */
function differences(x: Float64Array, lo: number, d0: number, d: Float64Array, abs: Float64Array): void {
  for (let i = 0; i < d.length; i++) {
    const v = lo + i === 0 ? d0 : x[lo + i]! - x[lo + i - 1]!;
    d[i] = v;
    abs[i] = Math.abs(v);
  }
}

/** th[i] *= alpha, then v[i] /= th[i] (0 where th[i] is not positive). */
function divideByScaled(v: Float64Array, th: Float64Array, alpha: number): void {
  for (let i = 0; i < v.length; i++) {
    const t = th[i]! * alpha;
    th[i] = t;
    v[i] = t > 0 ? v[i]! / t : 0;
  }
}

/** m[i] = xs[i] - med[i], doubled where negative, and abs[i] = |m[i]|. */
function medianDeviations(xs: Float64Array, medRR: Float64Array, m: Float64Array, abs: Float64Array): void {
  for (let i = 0; i < m.length; i++) {
    const v = xs[i]! - medRR[i]!;
    const w = v < 0 ? 2 * v : v;
    m[i] = w;
    abs[i] = Math.abs(w);
  }
}

/** Flags of intervals [a, b), computed from x[lo..hi). */
function classifyRange(x: Float64Array, flags: Uint8Array, lo: number, hi: number, a: number, b: number, d0: number, alpha: number, c1: number, c2: number, win: number, mwin: number, sc: Scratch): void {
  const n = x.length, len = hi - lo;
  const xs = x.subarray(lo, hi);
  const d = sc.d.subarray(0, len);
  // Arrays are reused where a value is not needed again: dRR is normalised in place, then the
  // array of its threshold holds that of mRR. Each step is a loop of its own: V8 then optimises
  // each loop as a small function instead of recompiling this one from every loop it enters.
  const abs = sc.abs.subarray(0, len);
  differences(x, lo, d0, d, abs);
  const th = rolling(abs, win, quartileDeviation, sc.th.subarray(0, len));
  divideByScaled(d, th, alpha);
  const medRR = rolling(xs, mwin, med, sc.med.subarray(0, len));
  const m = sc.m.subarray(0, len);
  medianDeviations(xs, medRR, m, abs);
  const th2 = rolling(abs, win, quartileDeviation, th);
  divideByScaled(m, th2, alpha);
  const dn = d, mn = m;
  // Neighbouring normalised differences (indices are global); past the series' ends there is no
  // jump, 0. Reflecting them there would mirror a jump near the end onto the normal interval after
  // it, which then looks like the other half of an ectopic pair.
  const at = (i: number): number => (i < 0 || i >= n ? 0 : dn[i - lo]!);

  for (let i = a; i < b; i++) {
    const di = dn[i - lo]!;
    if (Math.abs(di) <= 1 && Math.abs(mn[i - lo]!) <= 3) continue;
    // Ectopic: a big jump followed by the opposite jump (S12 is the neighbour of larger |value| in the jump's direction).
    const s12 = di > 0 ? Math.max(at(i - 1), at(i + 1)) : Math.min(at(i - 1), at(i + 1));
    if ((di > 1 && s12 < -c1 * di - c2) || (di < -1 && s12 > -c1 * di + c2)) { flags[i] = ECTOPIC; continue; }
    // Long or short, checked on this interval and, when its jump is the smaller one, also on the next.
    const last = i + 2 < n && Math.abs(dn[i + 1 - lo]!) < Math.abs(dn[i + 2 - lo]!) ? i + 1 : i;
    for (let j = i; j <= last; j++) {
      const k = j - lo;
      const dj = dn[k]!;
      const s22 = dj >= 0 ? Math.min(at(j + 1), at(j + 2)) : Math.max(at(j + 1), at(j + 2));
      // Long or short by the jump and its neighbours, or by the distance from the median alone:
      // the first interval has no jump of its own (its dRR is the mean), so only the median can say.
      const outlier = Math.abs(mn[k]!) > 3;
      const long = (dj > 1 && s22 < -1) || (outlier && x[j]! > medRR[k]!);
      const short = (dj < -1 && s22 > 1) || (outlier && x[j]! <= medRR[k]!);
      if (!long && !short) continue;
      const missed = Math.abs(x[j]! / 2 - medRR[k]!) < th2[k]!;
      const extra = j + 1 < n && Math.abs(x[j]! + x[j + 1]! - medRR[k]!) < th2[k]!;
      if (short && extra) flags[j] = EXTRA;
      else if (long && missed) flags[j] = MISSED;
      else if (flags[j] === NORMAL) flags[j] = x[j]! > medRR[k]! ? LONG : SHORT;
    }
  }
}

/** Intervals per flag code. */
function tallyOf(flags: Uint8Array): Float64Array {
  const tally = new Float64Array(RR_FLAGS.length);
  for (let i = 0; i < flags.length; i++) tally[flags[i]!]++;
  return tally;
}

/** Mean of the nearest normal intervals on each side of i: the value of an interpolated interval. */
function normalNear(x: Float64Array, flags: Uint8Array, i: number): number {
  const n = x.length;
  let l = i - 1, r = i + 1;
  while (l >= 0 && flags[l] !== NORMAL) l--;
  while (r < n && flags[r] !== NORMAL) r++;
  if (l >= 0 && r < n) return 0.5 * (x[l]! + x[r]!);
  if (l >= 0) return x[l]!;
  if (r < n) return x[r]!;
  return x[i]!;
}

/**
 * The corrected series into nn, with corr set where a value was corrected; returns its length. A
 * function of its own so that V8 optimises its loop once rather than correct() from each loop.
 */
function rebuild(x: Float64Array, flags: Uint8Array, nn: Float64Array, corr: Uint8Array): number {
  const n = x.length;
  let k = 0;
  for (let i = 0; i < n; i++) {
    switch (flags[i]) {
      case NORMAL:
        nn[k++] = x[i]!;
        break;
      case EXTRA:
        // The detection between intervals i and i+1 was spurious: they were one interval.
        corr[k] = 1;
        if (i + 1 < n) { nn[k++] = x[i]! + x[i + 1]!; i++; } else nn[k++] = x[i]!;
        break;
      case MISSED:
        corr[k] = corr[k + 1] = 1;
        nn[k++] = x[i]! / 2; nn[k++] = x[i]! / 2;
        break;
      default:
        corr[k] = 1;
        nn[k++] = normalNear(x, flags, i);
    }
  }
  return k;
}

function correct(x: Float64Array, flags: Uint8Array): CorrectedRR {
  const tally = tallyOf(flags);
  const counts = Object.fromEntries(RR_FLAGS.map((f, c) => [f, tally[c]!])) as Record<RRFlag, number>;
  const nn = new Float64Array(x.length + counts.missed);
  const corr = new Uint8Array(x.length + counts.missed);
  const k = rebuild(x, flags, nn, corr);
  // Views, not copies: an extra beat shortens the series by one, and a copy would be a second series.
  let names: RRFlag[] | undefined;
  return {
    nn: nn.subarray(0, k), codes: flags, corrected: corr.subarray(0, k), counts,
    get flags() { return (names ??= Array.from(flags, (c) => RR_FLAGS[c]!)); },
  };
}
