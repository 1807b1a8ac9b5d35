/**
 * Interpolation of samples known at increasing abscissae onto other abscissae: the not-a-knot cubic
 * spline, linear interpolation, and the evenly spaced grid (numpy.arange semantics) they are usually
 * evaluated on.
 *
 * Why not-a-knot: pyHRV (frequency_domain.welch_psd) and hrv-analysis resample the tachogram with
 * `scipy.interpolate.interp1d(t, nn, kind='cubic')`. Since SciPy 0.19 that call builds
 * `make_interp_spline(x, y, k=3)` with its default boundary condition, which for k = 3 is not-a-knot:
 * the unique C2 interpolating cubic whose third derivative is also continuous at the second and the
 * next-to-last knots. That is the same function as `CubicSpline(x, y, bc_type='not-a-knot')` (the two
 * agree to ~1e-12 on the pyHRV sample series); `splrep` (a smoothing B-spline with s > 0 by default)
 * and natural splines are different functions. So this spline is the one the HRV references use.
 */

/**
 * Cubic spline through (x[i], y[i]) with not-a-knot end conditions, stored in Hermite form (knot
 * values and first derivatives). 2 points give the line, 3 points the parabola through them, as SciPy.
 */
export class CubicSpline {
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** First derivative of the spline at each knot. */
  readonly slopes: Float64Array;

  /**
   * `work`: scratch of at least x.length values for the solve, for callers that reuse one buffer
   * across steps on long series. default: allocated here
   */
  constructor(x: ArrayLike<number>, y: ArrayLike<number>, work?: Float64Array) {
    const n = x.length;
    if (work && work.length < n) throw new RangeError(`work must hold ${n} values, got ${work.length}`);
    if (y.length !== n) throw new RangeError(`x and y must have the same length, got ${n} and ${y.length}`);
    if (n < 2) throw new RangeError(`a spline needs at least 2 points, got ${n}`);
    // Float64Array knots are kept, not copied (a week of beats is millions of them): callers must
    // not change them while the spline is in use.
    this.x = x instanceof Float64Array ? x : Float64Array.from(x);
    this.y = y instanceof Float64Array ? y : Float64Array.from(y);
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(this.x[i]!) || !Number.isFinite(this.y[i]!)) {
        throw new RangeError(`x and y must be finite, got (${this.x[i]}, ${this.y[i]}) at index ${i}`);
      }
      if (i > 0 && !(this.x[i]! > this.x[i - 1]!)) {
        throw new RangeError(`x must be strictly increasing, got x[${i - 1}] = ${this.x[i - 1]} and x[${i}] = ${this.x[i]}`);
      }
    }
    this.slopes = notAKnotSlopes(this.x, this.y, work);
  }

  /** Values at `xq` (any order; outside [x0, xn-1] the end polynomials extrapolate). */
  evaluate(xq: ArrayLike<number>, out: Float64Array = new Float64Array(xq.length)): Float64Array {
    if (out.length < xq.length) throw new RangeError(`out must hold ${xq.length} values, got ${out.length}`);
    let k = 0;
    for (let q = 0; q < xq.length; q++) {
      const v = xq[q]!;
      k = this.segment(k, v);
      out[q] = this.at(k, v);
    }
    return out;
  }

  /**
   * Values on the grid start + q * step, from <= q < from + count (`evaluate(arange(...))` without
   * the grid array, which for a week of beats at 4 Hz is millions of values).
   */
  evaluateGrid(start: number, step: number, count: number, out: Float64Array = new Float64Array(count), from = 0): Float64Array {
    if (out.length < count) throw new RangeError(`out must hold ${count} values, got ${out.length}`);
    // Grid points from..from+count-1 (a piece of a longer grid, each point computed as in one call).
    let k = from > 0 ? segmentOf(this.x, start + from * step) : 0;
    for (let q = from; q < from + count; q++) {
      const v = start + q * step;
      k = this.segment(k, v);
      out[q - from] = this.at(k, v);
    }
    return out;
  }

  /** Segment of v, searched from segment k: queries are usually increasing, so walk; bisect only on a jump back. */
  private segment(k: number, v: number): number {
    const x = this.x, last = x.length - 2;
    if (v < x[k]!) k = segmentOf(x, v);
    while (k < last && v >= x[k + 1]!) k++;
    return k;
  }

  private at(k: number, v: number): number {
    const x = this.x, y = this.y, s = this.slopes;
    const h = x[k + 1]! - x[k]!;
    const t = (v - x[k]!) / h;
    const y0 = y[k]!, y1 = y[k + 1]!, d0 = s[k]! * h, d1 = s[k + 1]! * h;
    // Cubic Hermite basis in Horner form: y0 + t*(d0 + t*(c2 + t*c3)).
    const c2 = 3 * (y1 - y0) - 2 * d0 - d1;
    const c3 = 2 * (y0 - y1) + d0 + d1;
    return y0 + t * (d0 + t * (c2 + t * c3));
  }
}

/** Index k of the segment [x[k], x[k+1]) holding v, clamped to the first and last segments. */
function segmentOf(x: Float64Array, v: number): number {
  let lo = 0, hi = x.length - 2;
  if (v <= x[0]!) return 0;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (x[mid]! <= v) lo = mid; else hi = mid - 1;
  }
  return lo;
}

/**
 * Knot derivatives of the not-a-knot spline. Interior rows are the C2 conditions
 *   h[i] s[i-1] + 2 (h[i-1] + h[i]) s[i] + h[i-1] s[i+1] = 3 (h[i] m[i-1] + h[i-1] m[i]),
 * (h: knot spacing, m: secant slopes). The not-a-knot condition at x1 (equal third derivatives of the
 * first two pieces) involves s0..s2; eliminating s2 with the C2 row at x1 leaves a row in s0, s1 only,
 * so the whole system stays tridiagonal and is solved by the Thomas algorithm (diagonally dominant).
 */
function notAKnotSlopes(x: Float64Array, y: Float64Array, work?: Float64Array): Float64Array {
  const n = x.length;
  const s = new Float64Array(n);
  // Knot spacings and secant slopes are computed where used (the same values every time): a series
  // of a million beats needs no arrays for them.
  const h = (i: number) => span(x, i);
  const m = (i: number) => secant(x, y, i);
  if (n === 2) {
    s[0] = s[1] = m(0);
    return s;
  }
  if (n === 3) {
    // Not-a-knot with 3 points: one parabola through all of them.
    const c = (m(1) - m(0)) / (h(0) + h(1));
    s[0] = m(0) - c * h(0);
    s[1] = m(0) + c * h(0);
    s[2] = m(1) + c * h(1);
    return s;
  }
  // Tridiagonal system: the diagonal (b) and right-hand side (r) are stored; the sub-diagonal is
  // h(i) (dn in the last row) and the super-diagonal h(i-1) (d0 in the first row). The solution
  // overwrites r. Each loop is a function of its own, which V8 optimises once.
  const b = work ?? new Float64Array(n), r = s;
  const d0 = h(0) + h(1);
  b[0] = h(1);
  r[0] = ((h(0) + 2 * d0) * h(1) * m(0) + h(0) * h(0) * m(1)) / d0;
  interiorRows(x, y, b, r);
  const hl = h(n - 2), hp = h(n - 3), dn = hl + hp;
  b[n - 1] = hp;
  r[n - 1] = (hl * hl * m(n - 3) + (2 * dn + hl) * hp * m(n - 2)) / dn;
  eliminate(x, b, r, d0, dn);
  backSubstitute(x, b, r, s, d0);
  return s;
}

/** Knot spacing x[i+1] - x[i]. */
function span(x: Float64Array, i: number): number {
  return x[i + 1]! - x[i]!;
}

/** Secant slope of piece i. */
function secant(x: Float64Array, y: Float64Array, i: number): number {
  return (y[i + 1]! - y[i]!) / span(x, i);
}

/** Diagonal and right-hand side of rows 1..n-2 (C2 continuity at the interior knots). */
function interiorRows(x: Float64Array, y: Float64Array, b: Float64Array, r: Float64Array): void {
  for (let i = 1; i < x.length - 1; i++) {
    b[i] = 2 * (span(x, i - 1) + span(x, i));
    r[i] = 3 * (span(x, i) * secant(x, y, i - 1) + span(x, i - 1) * secant(x, y, i));
  }
}

/** Forward elimination of the Thomas algorithm (sub-diagonal dn in the last row). */
function eliminate(x: Float64Array, b: Float64Array, r: Float64Array, d0: number, dn: number): void {
  const n = x.length;
  for (let i = 1; i < n; i++) {
    const w = (i === n - 1 ? dn : span(x, i)) / b[i - 1]!;
    b[i] = b[i]! - w * (i - 1 === 0 ? d0 : span(x, i - 2));
    r[i] = r[i]! - w * r[i - 1]!;
  }
}

/** Back substitution into s (super-diagonal d0 in the first row); s may be r. */
function backSubstitute(x: Float64Array, b: Float64Array, r: Float64Array, s: Float64Array, d0: number): void {
  const n = x.length;
  s[n - 1] = r[n - 1]! / b[n - 1]!;
  for (let i = n - 2; i >= 0; i--) s[i] = (r[i]! - (i === 0 ? d0 : span(x, i - 1)) * s[i + 1]!) / b[i]!;
}

/**
 * Piecewise-linear interpolation (numpy.interp / interp1d(kind='linear') inside the range); outside
 * [x0, xn-1] the end segments extrapolate. `x` must be strictly increasing.
 */
export function interpLinear(
  x: ArrayLike<number>, y: ArrayLike<number>, xq: ArrayLike<number>, out: Float64Array = new Float64Array(xq.length),
): Float64Array {
  const n = x.length;
  if (y.length !== n) throw new RangeError(`x and y must have the same length, got ${n} and ${y.length}`);
  if (n < 2) throw new RangeError(`linear interpolation needs at least 2 points, got ${n}`);
  if (out.length < xq.length) throw new RangeError(`out must hold ${xq.length} values, got ${out.length}`);
  const xs = Float64Array.from(x);
  for (let i = 1; i < n; i++) {
    if (!(xs[i]! > xs[i - 1]!)) throw new RangeError(`x must be strictly increasing, got x[${i - 1}] = ${xs[i - 1]} and x[${i}] = ${xs[i]}`);
  }
  let k = 0;
  for (let q = 0; q < xq.length; q++) {
    const v = xq[q]!;
    if (v < xs[k]!) k = segmentOf(xs, v);
    while (k < n - 2 && v >= xs[k + 1]!) k++;
    const t = (v - xs[k]!) / (xs[k + 1]! - xs[k]!);
    out[q] = y[k]! + t * (y[k + 1]! - y[k]!);
  }
  return out;
}

/** Number of values of `arange(start, stop, step)`. */
export function arangeLength(start: number, stop: number, step: number): number {
  if (!Number.isFinite(start) || !Number.isFinite(stop)) throw new RangeError(`start and stop must be finite, got ${start} and ${stop}`);
  if (!(step > 0) || !Number.isFinite(step)) throw new RangeError(`step must be a positive number, got ${step}`);
  return Math.max(0, Math.ceil((stop - start) / step));
}

/**
 * `numpy.arange(start, stop, step)`: ceil((stop - start) / step) values start + i*step, so `stop`
 * itself is excluded. This is the resampling grid both HRV references build.
 */
export function arange(start: number, stop: number, step: number): Float64Array {
  const n = arangeLength(start, stop, step);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = start + i * step;
  return out;
}
