/**
 * Descriptive statistics with NumPy/SciPy conventions.
 *
 * NaN handling: as NumPy's default (no nan-skipping): any NaN in the input makes the result NaN.
 * An empty input gives NaN (NumPy warns and returns nan). Sums use Neumaier's compensated
 * summation, so results can differ from NumPy's pairwise sums in the last bits only.
 */

function check(x: ArrayLike<number>): ArrayLike<number> {
  if (x == null || typeof x.length !== 'number') throw new TypeError('x must be an array of numbers');
  return x;
}

/** Neumaier 1974: Kahan summation that also survives terms larger than the running sum. */
function sum(x: ArrayLike<number>): number {
  let s = 0, c = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!, t = s + v;
    c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
    s = t;
  }
  return Number.isFinite(s) ? s + c : s; // keep +-Infinity rather than Infinity - Infinity
}

/**
 * acc + x[0] + ... + x[n - 1], added one at a time in index order and without compensation (unlike
 * `sum`): for values whose rounding is that of a plain loop. A function of its own also lets V8
 * optimise the loop once, rather than the function that would hold it from inside it.
 */
export function sumInOrder(x: ArrayLike<number>, n = x.length, acc = 0): number {
  for (let i = 0; i < n; i++) acc += x[i]!;
  return acc;
}

/** numpy.mean. */
export function mean(x: ArrayLike<number>): number {
  check(x);
  return x.length === 0 ? NaN : sum(x) / x.length;
}

/** Central moments 2..4 about the mean (two-pass, compensated). */
function centralMoments(x: ArrayLike<number>, m: number): [number, number, number] {
  let s2 = 0, c2 = 0, s3 = 0, c3 = 0, s4 = 0, c4 = 0;
  for (let i = 0; i < x.length; i++) {
    const d = x[i]! - m, d2 = d * d, d3 = d2 * d, d4 = d2 * d2;
    let t = s2 + d2; c2 += Math.abs(s2) >= d2 ? s2 - t + d2 : d2 - t + s2; s2 = t;
    t = s3 + d3; c3 += Math.abs(s3) >= Math.abs(d3) ? s3 - t + d3 : d3 - t + s3; s3 = t;
    t = s4 + d4; c4 += Math.abs(s4) >= d4 ? s4 - t + d4 : d4 - t + s4; s4 = t;
  }
  const n = x.length;
  return [(s2 + c2) / n, (s3 + c3) / n, (s4 + c4) / n];
}

/** numpy.var(x, ddof): sum((x - mean)^2) / (n - ddof). NaN when n - ddof <= 0. */
export function variance(x: ArrayLike<number>, ddof = 0): number {
  check(x);
  if (!Number.isInteger(ddof) || ddof < 0) throw new RangeError(`ddof must be a non-negative integer, got ${ddof}`);
  const n = x.length;
  if (n - ddof <= 0) return NaN;
  const m = mean(x);
  let s = 0, c = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i]! - m, v = d * d, t = s + v;
    c += s >= v ? s - t + v : v - t + s;
    s = t;
  }
  // Once the sum overflows, its correction is Infinity - Infinity: NumPy gives Infinity.
  return (Number.isFinite(s) ? s + c : s) / (n - ddof);
}

/** numpy.std(x, ddof). */
export function std(x: ArrayLike<number>, ddof = 0): number {
  return Math.sqrt(variance(x, ddof));
}

/**
 * scipy.stats.skew(x, bias=True): m3 / m2^1.5 with population moments. NaN when the variance is
 * zero to working precision (m2 <= (eps * mean)^2), as SciPy.
 */
export function skewness(x: ArrayLike<number>): number {
  check(x);
  if (x.length === 0) return NaN;
  const m = mean(x);
  const [m2, m3] = centralMoments(x, m);
  if (m2 <= (Number.EPSILON * m) ** 2) return NaN;
  return m3 / m2 ** 1.5;
}

/** scipy.stats.kurtosis(x, fisher=True, bias=True): m4 / m2^2 - 3; NaN for zero variance as skewness. */
export function kurtosis(x: ArrayLike<number>): number {
  check(x);
  if (x.length === 0) return NaN;
  const m = mean(x);
  const [m2, , m4] = centralMoments(x, m);
  if (m2 <= (Number.EPSILON * m) ** 2) return NaN;
  return m4 / (m2 * m2) - 3;
}

/** Sorted copy, or undefined when x holds a NaN (the result is then NaN, as NumPy). */
function sortedOrNaN(x: ArrayLike<number>): Float64Array | undefined {
  const s = Float64Array.from(x);
  for (let i = 0; i < s.length; i++) if (Number.isNaN(s[i]!)) return undefined;
  return s.sort();
}

/** NumPy's 'linear' quantile (Hyndman & Fan type 7) on sorted data, with numpy's _lerp rounding. */
function quantileSorted(s: Float64Array, q: number): number {
  const n = s.length;
  const v = (n - 1) * (q / 100);
  const lo = Math.min(Math.max(Math.floor(v), 0), n - 1), hi = Math.min(lo + 1, n - 1);
  const g = v - Math.floor(v);
  const a = s[lo]!, b = s[hi]!, diff = b - a;
  // numpy evaluates from the nearer end for better accuracy
  return g >= 0.5 ? b - diff * (1 - g) : a + diff * g;
}

/**
 * numpy.percentile(x, q) with the default 'linear' method; q in [0, 100], one value or several
 * (then one result per q). NaN in x gives NaN; empty x gives NaN.
 */
export function percentile(x: ArrayLike<number>, q: number): number;
export function percentile(x: ArrayLike<number>, q: readonly number[]): Float64Array;
export function percentile(x: ArrayLike<number>, q: number | readonly number[]): number | Float64Array {
  check(x);
  const qs = typeof q === 'number' ? [q] : q;
  for (const v of qs) if (!(v >= 0 && v <= 100)) throw new RangeError(`q must be within [0, 100], got ${v}`);
  const s = x.length === 0 ? undefined : sortedOrNaN(x);
  const out = new Float64Array(qs.length);
  for (let i = 0; i < qs.length; i++) out[i] = s ? quantileSorted(s, qs[i]!) : NaN;
  return typeof q === 'number' ? out[0]! : out;
}

/** numpy.median: the middle value, or the mean of the two middle values. */
export function median(x: ArrayLike<number>): number {
  check(x);
  const s = x.length === 0 ? undefined : sortedOrNaN(x);
  if (!s) return NaN;
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

/** Root mean square: sqrt(mean(x^2)). */
export function rms(x: ArrayLike<number>): number {
  check(x);
  if (x.length === 0) return NaN;
  let s = 0, c = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]! * x[i]!, t = s + v;
    c += s >= v ? s - t + v : v - t + s;
    s = t;
  }
  return Math.sqrt((Number.isFinite(s) ? s + c : s) / x.length);
}

/**
 * Streaming mean and variance: Welford 1962 updates, and the pairwise merge of Chan, Golub &
 * LeVeque 1979 so that chunks processed separately combine exactly as one pass. A NaN pushed
 * makes mean and variance NaN from then on.
 */
export class Welford {
  private n = 0;
  private mu = 0;
  private m2 = 0;

  get count(): number { return this.n; }

  /** NaN before the first value. */
  get mean(): number { return this.n === 0 ? NaN : this.mu; }

  push(v: number): void {
    this.n++;
    const d = v - this.mu;
    this.mu += d / this.n;
    this.m2 += d * (v - this.mu);
  }

  pushArray(x: ArrayLike<number>): void {
    let n = this.n, mu = this.mu, m2 = this.m2;
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      n++;
      const d = v - mu;
      mu += d / n;
      m2 += d * (v - mu);
    }
    this.n = n; this.mu = mu; this.m2 = m2;
  }

  /** Sum of squared deviations / (count - ddof); NaN when count - ddof <= 0. */
  variance(ddof = 0): number {
    return this.n - ddof <= 0 ? NaN : this.m2 / (this.n - ddof);
  }

  /** Folds another accumulator's values into this one. */
  merge(other: Welford): void {
    if (other.n === 0) return;
    if (this.n === 0) { this.n = other.n; this.mu = other.mu; this.m2 = other.m2; return; }
    const n = this.n + other.n, d = other.mu - this.mu;
    this.mu += (d * other.n) / n;
    this.m2 += other.m2 + (d * d * this.n * other.n) / n;
    this.n = n;
  }
}
