/**
 * Lomb-Scargle periodogram of unevenly sampled data with scipy.signal.lombscargle semantics as of
 * SciPy 1.17: frequencies are ANGULAR (rad per unit of x), weights are normalised to sum 1, and
 * each frequency is a weighted least-squares fit of a cos + b sin (+ c with floatingMean), the
 * generalised form of Zechmeister & Kürster 2009 (A&A 496:577) of Lomb 1976 / Scargle 1982.
 */

export interface LombScargleOptions {
  /** Subtract the unweighted mean of y first (deprecated in SciPy 1.17; prefer floatingMean). default: false */
  precenter?: boolean;
  /**
   * false / 'power': (A^2) N / 4 for a harmonic of amplitude A; true / 'normalize': power relative
   * to the weighted sum of y^2, in [0, 1]; 'amplitude': |A| of the best fit (lombscargleComplex
   * gives the complex amplitude with its phase). default: false
   */
  normalize?: boolean | 'power' | 'normalize' | 'amplitude';
  /** Non-negative sample weights with a positive sum. default: all 1 */
  weights?: ArrayLike<number>;
  /** Fit an offset c together with the harmonic at every frequency. default: false */
  floatingMean?: boolean;
}

/** float64 epsneg: the smallest CC and SS allowed, guarding the divisions. */
const EPSNEG = 2 ** -53;

function toFinite(v: ArrayLike<number>, name: string): Float64Array {
  if (v == null || typeof v.length !== 'number') throw new TypeError(`${name} must be an array of numbers`);
  const out = Float64Array.from(v);
  if (out.length === 0) throw new RangeError(`${name} must not be empty`);
  for (let i = 0; i < out.length; i++) if (Number.isNaN(out[i]!)) throw new RangeError(`${name} must not contain NaN (index ${i})`);
  return out;
}

type Mode = 'power' | 'normalize' | 'amplitude';

interface Fit {
  /** 2 (a YC + b YS) per frequency, before the mode's scaling. */
  pgram: Float64Array;
  re: Float64Array;
  im: Float64Array;
  /** Weighted sum of squares of y (about the weighted mean with floatingMean). */
  yy: number;
  n: number;
}

function fit(x: ArrayLike<number>, y: ArrayLike<number>, freqs: ArrayLike<number>, opts: LombScargleOptions, amplitude: boolean): Fit {
  const t = toFinite(x, 'x'), v = toFinite(y, 'y'), f = toFinite(freqs, 'freqs');
  const n = t.length;
  if (v.length !== n) throw new RangeError(`x and y must have equal lengths, got ${n} and ${v.length}`);
  const w = opts.weights === undefined ? new Float64Array(n).fill(1) : toFinite(opts.weights, 'weights');
  if (w.length !== n) throw new RangeError(`weights must have len(x) = ${n} values, got ${w.length}`);
  let wsum = 0;
  for (let i = 0; i < n; i++) {
    if (!(w[i]! >= 0)) throw new RangeError(`weights must be non-negative, got ${w[i]} at index ${i}`);
    wsum += w[i]!;
  }
  if (!(wsum > 0)) throw new RangeError('weights must have a positive sum');
  const inv = 1 / wsum;
  for (let i = 0; i < n; i++) w[i]! *= inv;
  if (opts.precenter) {
    let m = 0;
    for (let i = 0; i < n; i++) m += v[i]!;
    m /= n;
    for (let i = 0; i < n; i++) v[i]! -= m;
  }
  const floating = opts.floatingMean ?? false;
  const wy = new Float64Array(n);
  let Y = 0, YY = 0;
  for (let i = 0; i < n; i++) { wy[i] = w[i]! * v[i]!; Y += wy[i]!; YY += wy[i]! * v[i]!; }
  if (floating) YY -= Y * Y;

  const nf = f.length;
  const pgram = new Float64Array(nf);
  const re = new Float64Array(amplitude ? nf : 0), im = new Float64Array(amplitude ? nf : 0);
  const wt = new Float64Array(n);
  for (let k = 0; k < nf; k++) {
    const omega = f[k]!;
    // tau rotates the time origin so that the cos and sin terms decouple (Eq. 19)
    let cc = 0, cs = 0, c1 = 0, s1 = 0;
    for (let i = 0; i < n; i++) {
      const a = omega * t[i]!;
      wt[i] = a;
      const c = Math.cos(a), s = Math.sin(a), wi = w[i]!;
      cc += wi * c * c; cs += wi * c * s;
      c1 += wi * c; s1 += wi * s;
    }
    let ss = 1 - cc;
    if (floating) { cc -= c1 * c1; ss -= s1 * s1; cs -= c1 * s1; }
    const tau = 0.5 * Math.atan2(2 * cs, cc - ss);
    let yc = 0, ys = 0, cct = 0, ct = 0, st = 0;
    for (let i = 0; i < n; i++) {
      const c = Math.cos(wt[i]! - tau), s = Math.sin(wt[i]! - tau), wi = w[i]!;
      yc += wy[i]! * c; ys += wy[i]! * s;
      cct += wi * c * c;
      ct += wi * c; st += wi * s;
    }
    let sst = 1 - cct;
    if (floating) { yc -= Y * ct; ys -= Y * st; cct -= ct * ct; sst -= st * st; }
    if (cct < EPSNEG) cct = EPSNEG;
    if (sst < EPSNEG) sst = EPSNEG;
    const a = yc / cct, b = ys / sst;
    pgram[k] = 2 * (a * yc + b * ys);
    if (amplitude) {
      // (a + ib) e^{i tau}: undo the tau rotation
      const ctau = Math.cos(tau), stau = Math.sin(tau);
      re[k] = a * ctau - b * stau;
      im[k] = a * stau + b * ctau;
    }
  }
  return { pgram, re, im, yy: YY, n };
}

function modeOf(normalize: LombScargleOptions['normalize']): Mode {
  const mode = normalize === true ? 'normalize' : normalize === false || normalize === undefined ? 'power' : normalize;
  if (mode !== 'power' && mode !== 'normalize' && mode !== 'amplitude') {
    throw new TypeError(`normalize must be false, 'power', true, 'normalize' or 'amplitude', got ${String(normalize)}`);
  }
  return mode;
}

/**
 * scipy.signal.lombscargle(x, y, freqs, ...) at angular frequencies `freqs`. With normalize
 * 'amplitude' this returns the magnitude of SciPy's complex result; use lombscargleComplex for the phase.
 */
export function lombscargle(x: ArrayLike<number>, y: ArrayLike<number>, freqs: ArrayLike<number>, opts: LombScargleOptions = {}): Float64Array {
  const mode = modeOf(opts.normalize);
  const r = fit(x, y, freqs, opts, mode === 'amplitude');
  const p = r.pgram;
  if (mode === 'power') {
    const s = r.n / 4;
    for (let k = 0; k < p.length; k++) p[k]! *= s;
  } else if (mode === 'normalize') {
    const s = 0.5 / r.yy;
    for (let k = 0; k < p.length; k++) p[k]! *= s;
  } else {
    for (let k = 0; k < p.length; k++) p[k] = Math.sqrt(r.re[k]! * r.re[k]! + r.im[k]! * r.im[k]!);
  }
  return p;
}

/** scipy.signal.lombscargle(..., normalize='amplitude'): complex amplitude (a + ib) e^{i tau} per frequency. */
export function lombscargleComplex(x: ArrayLike<number>, y: ArrayLike<number>, freqs: ArrayLike<number>, opts: Omit<LombScargleOptions, 'normalize'> = {}): { re: Float64Array; im: Float64Array } {
  const r = fit(x, y, freqs, opts, true);
  return { re: r.re, im: r.im };
}
