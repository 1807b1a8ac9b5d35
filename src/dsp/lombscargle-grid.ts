/**
 * Lomb-Scargle on an evenly spaced grid of angular frequencies w_k = w0 + k dw, with the semantics
 * of `lombscargle` (scipy.signal.lombscargle 1.17, generalised form of Zechmeister & Kurster 2009)
 * but without a sine or cosine per sample and frequency: for each sample, cos(w_k t) and
 * sin(w_k t) follow from those of w_{k-1} by the angle-addition recurrence, and the tau rotation is
 * applied to the accumulated sums instead of to every term. O(N K) multiply-adds, no trig in the
 * inner loop; agrees with the direct form to rounding (about 1e-12 relative over 10^4 steps).
 */

export interface GridOptions {
  /** Fit an offset together with the harmonic at every frequency. default: false */
  floatingMean?: boolean;
  /** false: power (A^2 N / 4); true: normalised to the sum of squares of y. default: false */
  normalize?: boolean;
}

/** Guard of the divisions, as in lombscargle.ts. */
const EPSNEG = 2 ** -53;

export function lombscargleGrid(x: ArrayLike<number>, y: ArrayLike<number>, w0: number, dw: number, count: number, opts: GridOptions = {}): Float64Array {
  const n = x.length;
  if (n === 0 || y.length !== n) throw new RangeError(`x and y must be non-empty and of equal length, got ${n} and ${y.length}`);
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be a positive integer, got ${count}`);
  if (!Number.isFinite(w0) || !Number.isFinite(dw)) throw new RangeError(`w0 and dw must be finite, got ${w0} and ${dw}`);
  const floating = opts.floatingMean ?? false;
  const inv = 1 / n;
  let Y = 0, YY = 0;
  for (let i = 0; i < n; i++) {
    const v = y[i]!;
    if (Number.isNaN(v) || Number.isNaN(x[i]!)) throw new RangeError(`x and y must not contain NaN (index ${i})`);
    Y += v * inv; YY += v * v * inv;
  }
  if (floating) YY -= Y * Y;
  const C = new Float64Array(count), S = new Float64Array(count), CC = new Float64Array(count), CS = new Float64Array(count);
  const YC = new Float64Array(count), YS = new Float64Array(count);
  // Raw sums in the loop; the 1/n weights are applied once per frequency afterwards.
  for (let i = 0; i < n; i++) {
    const t = x[i]!, yi = y[i]!;
    const cd = Math.cos(dw * t), sd = Math.sin(dw * t);
    let c = Math.cos(w0 * t), s = Math.sin(w0 * t);
    for (let k = 0; k < count; k++) {
      C[k]! += c; S[k]! += s;
      CC[k]! += c * c; CS[k]! += c * s;
      YC[k]! += yi * c; YS[k]! += yi * s;
      const c2 = c * cd - s * sd;
      s = s * cd + c * sd;
      c = c2;
    }
  }
  for (let k = 0; k < count; k++) {
    C[k]! *= inv; S[k]! *= inv; CC[k]! *= inv; CS[k]! *= inv; YC[k]! *= inv; YS[k]! *= inv;
  }
  const p = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    let cc = CC[k]!, ss = 1 - CC[k]!, cs = CS[k]!;
    const c1 = C[k]!, s1 = S[k]!;
    if (floating) { cc -= c1 * c1; ss -= s1 * s1; cs -= c1 * s1; }
    const tau = 0.5 * Math.atan2(2 * cs, cc - ss);
    const ct = Math.cos(tau), st = Math.sin(tau);
    let yc = ct * YC[k]! + st * YS[k]!, ys = ct * YS[k]! - st * YC[k]!;
    // Sums over the rotated terms cos(w t - tau), sin(w t - tau), from the unrotated ones.
    const rawCC = CC[k]!, rawCS = CS[k]!;
    let cct = ct * ct * rawCC + 2 * ct * st * rawCS + st * st * (1 - rawCC);
    const cmt = ct * c1 + st * s1, smt = ct * s1 - st * c1;
    let sst = 1 - cct;
    if (floating) { yc -= Y * cmt; ys -= Y * smt; cct -= cmt * cmt; sst -= smt * smt; }
    if (cct < EPSNEG) cct = EPSNEG;
    if (sst < EPSNEG) sst = EPSNEG;
    p[k] = 2 * ((yc / cct) * yc + (ys / sst) * ys);
  }
  const scale = opts.normalize ? 0.5 / YY : n / 4;
  for (let k = 0; k < count; k++) p[k]! *= scale;
  return p;
}
