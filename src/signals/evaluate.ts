/**
 * Beat-by-beat comparison of detected beats against reference annotations, following ANSI/AAMI EC57
 * (as implemented by the WFDB `bxb` tool): a detection matches a reference beat when they are at most
 * the match window apart (150 ms), each beat is matched at most once, and the closest pairs are
 * matched first so that one early detection cannot steal the reference beat of a better one.
 */

export interface MatchOptions {
  /** Match window: largest |test - ref| in s counted as a match. default: 0.15 */
  windowSeconds?: number;
  /** Only beats at or after this time (s) are scored, e.g. 300 to skip the first 5 min. default: 0 */
  startSeconds?: number;
  /** Only beats before this time (s) are scored. default: Infinity (to the end) */
  endSeconds?: number;
}

export interface MatchResult {
  /** Reference beats matched by a detection. */
  tp: number;
  /** Reference beats without a detection. */
  fn: number;
  /** Detections without a reference beat. */
  fp: number;
  /** tp / (tp + fn), 1 when there are no reference beats. */
  sensitivity: number;
  /** Positive predictivity tp / (tp + fp), 1 when there are no detections. */
  ppv: number;
  /** 2 tp / (2 tp + fn + fp), 1 when both sides are empty. */
  f1: number;
  /** Mean |test - ref| over matched pairs in ms (0 without matches). */
  meanAbsErrorMs: number;
  /** Mean signed test - ref over matched pairs in ms: a constant detector delay shows here. */
  meanErrorMs: number;
  /** Largest |test - ref| over matched pairs in ms. */
  maxAbsErrorMs: number;
  /** Reference beats (sample indices) that were missed. */
  missed: number[];
  /** Detections (sample indices) that matched nothing. */
  extra: number[];
}

function sortedWithin(v: ArrayLike<number>, lo: number, hi: number, name: string): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < v.length; i++) {
    const s = v[i]!;
    if (!Number.isFinite(s)) throw new RangeError(`${name}[${i}] must be a finite sample index, got ${s}`);
    if (s >= lo && s < hi) out.push(s);
  }
  return Float64Array.from(out).sort();
}

/**
 * `seconds` in samples at `fs`, a product within round-off of a whole number taken as that number:
 * 0.29 s at 100 Hz is 29 samples, not 28.999999999999996, so that a bound given in seconds includes
 * or excludes the sample on it as documented.
 */
function samplesOf(seconds: number, fs: number): number {
  const v = seconds * fs, r = Math.round(v);
  return Math.abs(v - r) <= 1e-9 * Math.max(1, Math.abs(v)) ? r : v;
}

/** Matches detections `test` to reference beats `ref` (both in samples at rate `fs`), one to one. */
export function matchBeats(ref: ArrayLike<number>, test: ArrayLike<number>, fs: number, opts: MatchOptions = {}): MatchResult {
  if (!(fs > 0) || !Number.isFinite(fs)) throw new RangeError(`fs must be a positive number, got ${fs}`);
  const winS = opts.windowSeconds ?? 0.15;
  if (!(winS >= 0) || !Number.isFinite(winS)) throw new RangeError(`windowSeconds must be a non-negative number, got ${winS}`);
  const lo = samplesOf(opts.startSeconds ?? 0, fs);
  const hi = samplesOf(opts.endSeconds ?? Infinity, fs);
  if (!(hi > lo)) throw new RangeError(`endSeconds must be after startSeconds, got ${opts.startSeconds ?? 0}..${opts.endSeconds}`);
  const r = sortedWithin(ref, lo, hi, 'ref');
  const t = sortedWithin(test, lo, hi, 'test');
  const win = samplesOf(winS, fs);

  // Every pair within the window (few per beat because both lists are sorted), closest first; ties
  // go to the earlier reference beat, then the earlier detection, so the result is deterministic.
  const pairs: [number, number, number][] = [];
  let j0 = 0;
  for (let i = 0; i < r.length; i++) {
    const ri = r[i]!;
    while (j0 < t.length && t[j0]! < ri - win) j0++;
    for (let j = j0; j < t.length && t[j]! <= ri + win; j++) pairs.push([Math.abs(t[j]! - ri), i, j]);
  }
  pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);

  const refUsed = new Uint8Array(r.length);
  const testUsed = new Uint8Array(t.length);
  let tp = 0, sumAbs = 0, sum = 0, maxAbs = 0;
  for (const [d, i, j] of pairs) {
    if (refUsed[i] || testUsed[j]) continue;
    refUsed[i] = 1;
    testUsed[j] = 1;
    tp++;
    sumAbs += d;
    sum += t[j]! - r[i]!;
    if (d > maxAbs) maxAbs = d;
  }
  const missed: number[] = [];
  const extra: number[] = [];
  r.forEach((s, i) => { if (!refUsed[i]) missed.push(s); });
  t.forEach((s, j) => { if (!testUsed[j]) extra.push(s); });
  const fn = r.length - tp, fp = t.length - tp;
  const ms = 1000 / fs;
  return {
    tp, fn, fp,
    sensitivity: r.length ? tp / r.length : 1,
    ppv: t.length ? tp / t.length : 1,
    f1: r.length + t.length ? (2 * tp) / (2 * tp + fn + fp) : 1,
    meanAbsErrorMs: tp ? (sumAbs / tp) * ms : 0,
    meanErrorMs: tp ? (sum / tp) * ms : 0,
    maxAbsErrorMs: maxAbs * ms,
    missed, extra,
  };
}
