/**
 * Window functions with scipy.signal.get_window semantics: `sym: true` gives the symmetric window
 * used in filter design (firwin), `sym: false` the periodic one used in spectral analysis (welch).
 */

export type WindowName = 'hann' | 'hamming' | 'blackman' | 'boxcar' | 'bartlett';
/** A window by name, or `['kaiser', beta]` / `['tukey', alpha]` as in SciPy. */
export type WindowSpec = WindowName | readonly ['kaiser', number] | readonly ['tukey', number];

/** Modified Bessel function of the first kind, order 0 (power series; converges for all x used by Kaiser windows). */
export function besselI0(x: number): number {
  const q = (x * x) / 4;
  let term = 1, sum = 1;
  for (let k = 1; k < 500; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

/** Generalized cosine window sum_k (-1)^k a_k cos(2 pi k n / (M-1)), SciPy's general_cosine. */
function cosineSum(out: Float64Array, a: readonly number[]): void {
  const m = out.length;
  if (m === 1) { out[0] = 1; return; }
  const step = (2 * Math.PI) / (m - 1);
  for (let n = 0; n < m; n++) {
    let v = 0;
    for (let k = 0; k < a.length; k++) v += (k % 2 ? -1 : 1) * a[k]! * Math.cos(k * step * n);
    out[n] = v;
  }
}

/**
 * Returns the window of length `n`. A periodic window is the symmetric window of length n+1 with its
 * last point dropped, exactly as SciPy computes it.
 */
export function getWindow(spec: WindowSpec, n: number, opts: { sym?: boolean } = {}): Float64Array {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`window length must be a positive integer, got ${n}`);
  const sym = opts.sym ?? true;
  const m = sym ? n : n + 1;
  const w = new Float64Array(m);
  const name = typeof spec === 'string' ? spec : spec[0];
  switch (name) {
    case 'hann': cosineSum(w, [0.5, 0.5]); break;
    case 'hamming': cosineSum(w, [0.54, 0.46]); break;
    case 'blackman': cosineSum(w, [0.42, 0.5, 0.08]); break;
    case 'boxcar': w.fill(1); break;
    case 'bartlett': {
      for (let i = 0; i < m; i++) w[i] = m === 1 ? 1 : 1 - Math.abs((2 * i) / (m - 1) - 1);
      break;
    }
    case 'kaiser': {
      const beta = (spec as readonly ['kaiser', number])[1];
      const alpha = (m - 1) / 2, d = besselI0(beta);
      for (let i = 0; i < m; i++) {
        const r = alpha === 0 ? 0 : (i - alpha) / alpha;
        w[i] = besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / d;
      }
      break;
    }
    case 'tukey': {
      const alpha = (spec as readonly ['tukey', number])[1];
      if (alpha <= 0) { w.fill(1); break; }
      if (alpha >= 1) { cosineSum(w, [0.5, 0.5]); break; }
      const width = Math.floor((alpha * (m - 1)) / 2);
      for (let i = 0; i < m; i++) {
        if (i <= width) w[i] = 0.5 * (1 + Math.cos(Math.PI * (-1 + (2 * i) / alpha / (m - 1))));
        else if (i < m - width - 1) w[i] = 1;
        else w[i] = 0.5 * (1 + Math.cos(Math.PI * (-2 / alpha + 1 + (2 * i) / alpha / (m - 1))));
      }
      break;
    }
    default: throw new TypeError(`unknown window '${String(name)}'`);
  }
  // SciPy returns ones for a single point, before any formula (a periodic one would be the first
  // point of a 2-point window, and Tukey's divides 0 by 0).
  if (n === 1) return Float64Array.of(1);
  return sym ? w : w.subarray(0, n).slice();
}
