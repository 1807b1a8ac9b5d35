/**
 * Savitzky-Golay smoothing and differentiation, scipy.signal.savgol_coeffs / savgol_filter
 * (A. Savitzky, M. J. E. Golay, Anal. Chem. 36(8), 1964): each output is the value (or derivative)
 * at the window centre of the least-squares polynomial through the window. Positions are scaled to
 * [-1, 1] and the small least-squares problems solved by QR, which keeps high orders and long windows
 * well conditioned where a monomial Vandermonde system would not be.
 */
import { assertFinite } from './lfilter.js';

/** Boundary handling, as scipy.ndimage.convolve1d modes; 'interp' fits a polynomial to each end window. */
export type SavgolMode = 'interp' | 'mirror' | 'nearest' | 'constant' | 'wrap';

/** Options of {@link savgolFilter}. */
export interface SavgolOptions {
  /** Order of the derivative to compute (0 smooths). default: 0 */
  deriv?: number;
  /** Sample spacing, used to scale derivatives. default: 1 */
  delta?: number;
  /** Edge handling. default: 'interp' */
  mode?: SavgolMode;
  /** Value beyond the edges for mode 'constant'. default: 0 */
  cval?: number;
}

/** Thin QR of the column-major m x p matrix `a` by Gram-Schmidt with re-orthogonalisation ("twice is enough"). */
function thinQr(a: Float64Array[], m: number): { q: Float64Array[]; r: Float64Array[] } {
  const p = a.length;
  const q: Float64Array[] = [];
  const r = Array.from({ length: p }, () => new Float64Array(p));
  for (let j = 0; j < p; j++) {
    const v = Float64Array.from(a[j]!);
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < j; i++) {
        const qi = q[i]!;
        let d = 0;
        for (let k = 0; k < m; k++) d += qi[k]! * v[k]!;
        for (let k = 0; k < m; k++) v[k] = v[k]! - d * qi[k]!;
        r[i]![j] = r[i]![j]! + d;
      }
    }
    let norm = 0;
    for (let k = 0; k < m; k++) norm += v[k]! * v[k]!;
    norm = Math.sqrt(norm);
    r[j]![j] = norm;
    for (let k = 0; k < m; k++) v[k] = v[k]! / norm;
    q.push(v);
  }
  return { q, r };
}

/** Columns u^0 .. u^order at the given positions. */
function powerColumns(u: Float64Array, order: number): Float64Array[] {
  const cols: Float64Array[] = [];
  for (let k = 0; k <= order; k++) cols.push(u.map((v) => (k === 0 ? 1 : v ** k)));
  return cols;
}

function factorial(n: number): number {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return f;
}

function checkInt(v: number, name: string, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new RangeError(`${name} must be an integer >= ${min}, got ${v}`);
}

/**
 * Filter coefficients in 'dot' order: output = Σ c[j]·x[centre + j - pos], pos = (windowLength-1)/2
 * (a half-integer for even windows). SciPy's savgol_coeffs(..., use='dot'); reverse for 'conv'.
 * Computed as the minimum-norm solution of Aᵀ-constrained least squares, c = Q·R⁻ᵀ·e_deriv.
 */
export function savgolCoeffs(windowLength: number, polyorder: number, deriv = 0, delta = 1): Float64Array {
  checkInt(windowLength, 'windowLength', 1);
  checkInt(polyorder, 'polyorder', 0);
  checkInt(deriv, 'deriv', 0);
  if (polyorder >= windowLength) throw new RangeError(`polyorder must be less than windowLength (${windowLength}), got ${polyorder}`);
  if (!(delta > 0) || !Number.isFinite(delta)) throw new RangeError(`delta must be a positive finite number, got ${delta}`);
  const c = new Float64Array(windowLength);
  if (deriv > polyorder) return c;
  const pos = (windowLength - 1) / 2;
  const scale = Math.max(pos, 0.5);
  const u = new Float64Array(windowLength).map((_, j) => (j - pos) / scale);
  const { q, r } = thinQr(powerColumns(u, polyorder), windowLength);
  // Solve Rᵀ w = y' with y' = e_deriv · deriv! / (delta·scale)^deriv.
  const p = polyorder + 1;
  const w = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let s = i === deriv ? factorial(deriv) / (delta * scale) ** deriv : 0;
    for (let k = 0; k < i; k++) s -= r[k]![i]! * w[k]!;
    w[i] = s / r[i]![i]!;
  }
  for (let i = 0; i < p; i++) {
    const qi = q[i]!, wi = w[i]!;
    for (let j = 0; j < windowLength; j++) c[j] = c[j]! + wi * qi[j]!;
  }
  return c;
}

/** Index into x for position i beyond the ends, following scipy.ndimage boundary modes. */
function boundaryIndex(i: number, n: number, mode: 'mirror' | 'nearest' | 'wrap'): number {
  if (i >= 0 && i < n) return i;
  if (mode === 'nearest') return i < 0 ? 0 : n - 1;
  if (mode === 'wrap') return ((i % n) + n) % n;
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  const k = ((i % period) + period) % period;
  return k < n ? k : period - k;
}

/**
 * Replaces the first and last windowLength/2 outputs by the polynomial fitted to the first and last
 * full windows, evaluated (or differentiated) at those positions: SciPy's mode 'interp'.
 */
function fitEdges(x: ArrayLike<number>, y: Float64Array, w: number, polyorder: number, deriv: number, delta: number): void {
  const n = x.length, half = Math.floor(w / 2);
  const tc = (w - 1) / 2, scale = Math.max(tc, 1);
  const u = new Float64Array(w).map((_, i) => (i - tc) / scale);
  const { q, r } = thinQr(powerColumns(u, polyorder), w);
  const p = polyorder + 1;
  for (const leftEdge of [true, false]) {
    const start = leftEdge ? 0 : n - w;
    // beta = R⁻¹ Qᵀ d: polynomial coefficients in u.
    const beta = new Float64Array(p);
    for (let i = 0; i < p; i++) {
      let d = 0;
      for (let k = 0; k < w; k++) d += q[i]![k]! * x[start + k]!;
      beta[i] = d;
    }
    for (let i = p - 1; i >= 0; i--) {
      let s = beta[i]!;
      for (let k = i + 1; k < p; k++) s -= r[i]![k]! * beta[k]!;
      beta[i] = s / r[i]![i]!;
    }
    const from = leftEdge ? 0 : n - half, to = leftEdge ? half : n;
    const unit = (scale * delta) ** deriv;
    for (let i = from; i < to; i++) {
      const ui = u[i - start]!;
      let v = 0;
      for (let k = p - 1; k >= deriv; k--) v = v * ui + beta[k]! * (factorial(k) / factorial(k - deriv));
      y[i] = v / unit;
    }
  }
}

/** Savitzky-Golay filtered x (scipy.signal.savgol_filter). */
export function savgolFilter(x: ArrayLike<number>, windowLength: number, polyorder: number, opts: SavgolOptions = {}): Float64Array {
  const deriv = opts.deriv ?? 0, delta = opts.delta ?? 1, mode = opts.mode ?? 'interp', cval = opts.cval ?? 0;
  if (!['interp', 'mirror', 'nearest', 'constant', 'wrap'].includes(mode)) {
    throw new TypeError(`mode must be 'interp', 'mirror', 'nearest', 'constant' or 'wrap', got ${String(mode)}`);
  }
  const c = savgolCoeffs(windowLength, polyorder, deriv, delta);
  assertFinite(x, 'x');
  const n = x.length;
  if (mode === 'interp' && windowLength > n) {
    throw new RangeError(`windowLength must not exceed the signal length (${n}) in mode 'interp', got ${windowLength}`);
  }
  const w = windowLength;
  // ndimage.convolve1d alignment: output i sees x[i - before .. i - before + w - 1].
  const before = w - 1 - Math.floor(w / 2);
  const ext = new Float64Array(n + w - 1);
  for (let i = 0; i < ext.length; i++) {
    const j = i - before;
    if (j >= 0 && j < n) ext[i] = x[j]!;
    else ext[i] = mode === 'interp' ? 0 : mode === 'constant' ? cval : x[boundaryIndex(j, n, mode)]!;
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < w; k++) s += c[k]! * ext[i + k]!;
    y[i] = s;
  }
  if (mode === 'interp') fitEdges(x, y, w, polyorder, deriv, delta);
  return y;
}
