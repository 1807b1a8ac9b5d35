/**
 * Direct-form II transposed filtering with a single transfer function b(z)/a(z), with the semantics of
 * scipy.signal.lfilter and scipy.signal.lfilter_zi. For high orders prefer second-order sections
 * (sosfilt): a single high-order polynomial loses precision when its poles crowd together.
 */

/** Throws a RangeError naming `name` when `x` holds NaN or an infinity (SciPy would propagate them silently). */
export function assertFinite(x: ArrayLike<number>, name: string): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (!Number.isFinite(v)) throw new RangeError(`${name} must be finite, got ${v} at index ${i}`);
  }
}

/** A transfer function with a[0] = 1, both polynomials zero-padded to the same length. */
export interface TransferFunction {
  b: Float64Array;
  a: Float64Array;
}

/** Normalises b and a by a[0] and pads the shorter with zeros, as lfilter does before filtering. */
export function normalizeBA(b: ArrayLike<number>, a: ArrayLike<number>): TransferFunction {
  if (b.length === 0) throw new RangeError('b must hold at least one coefficient');
  if (a.length === 0) throw new RangeError('a must hold at least one coefficient');
  assertFinite(b, 'b');
  assertFinite(a, 'a');
  const a0 = a[0]!;
  if (a0 === 0) throw new RangeError('a[0] must be nonzero');
  const n = Math.max(a.length, b.length);
  const bn = new Float64Array(n), an = new Float64Array(n);
  for (let i = 0; i < b.length; i++) bn[i] = a0 === 1 ? b[i]! : b[i]! / a0;
  for (let i = 0; i < a.length; i++) an[i] = a0 === 1 ? a[i]! : a[i]! / a0;
  return { b: bn, a: an };
}

/**
 * Filters buf in place, `n` samples starting at `start` and moving by `step` (+1 forward, -1 backward,
 * so that filtfilt's backward pass needs no reversed copy). `z` holds the len-1 delay states and is
 * updated. Operation order follows SciPy's lfilter kernel so results agree to the last bits.
 */
export function lfilterInPlace(tf: TransferFunction, z: Float64Array, buf: Float64Array, start: number, n: number, step: number): void {
  const b = tf.b, a = tf.a, order = b.length - 1;
  let i = start;
  if (order === 0) {
    const b0 = b[0]!;
    for (let k = 0; k < n; k++, i += step) buf[i] = buf[i]! * b0;
    return;
  }
  const b0 = b[0]!;
  for (let k = 0; k < n; k++, i += step) {
    const x = buf[i]!;
    const y = z[0]! + b0 * x;
    for (let m = 1; m < order; m++) z[m - 1] = z[m]! + b[m]! * x - a[m]! * y;
    z[order - 1] = b[order]! * x - a[order]! * y;
    buf[i] = y;
  }
}

/**
 * Solves the small dense system m·v = rhs (row-major m, size k) by Gaussian elimination with partial
 * pivoting, the same factorisation LAPACK's gesv uses in numpy.linalg.solve.
 */
function solveDense(m: Float64Array, rhs: Float64Array, k: number): Float64Array {
  for (let col = 0; col < k; col++) {
    let piv = col;
    for (let r = col + 1; r < k; r++) if (Math.abs(m[r * k + col]!) > Math.abs(m[piv * k + col]!)) piv = r;
    if (m[piv * k + col] === 0) throw new RangeError('a describes a filter with a pole at z = 1; its step response has no steady state');
    if (piv !== col) {
      for (let c = 0; c < k; c++) { const t = m[col * k + c]!; m[col * k + c] = m[piv * k + c]!; m[piv * k + c] = t; }
      const t = rhs[col]!; rhs[col] = rhs[piv]!; rhs[piv] = t;
    }
    const d = m[col * k + col]!;
    for (let r = col + 1; r < k; r++) {
      const f = m[r * k + col]! / d;
      if (f === 0) continue;
      for (let c = col; c < k; c++) m[r * k + c] = m[r * k + c]! - f * m[col * k + c]!;
      rhs[r] = rhs[r]! - f * rhs[col]!;
    }
  }
  const v = new Float64Array(k);
  for (let r = k - 1; r >= 0; r--) {
    let s = rhs[r]!;
    for (let c = r + 1; c < k; c++) s -= m[r * k + c]! * v[c]!;
    v[r] = s / m[r * k + r]!;
  }
  return v;
}

/**
 * Initial state for the steady state of the step response (scipy.signal.lfilter_zi): zi solves
 * zi = companion(a)ᵀ·zi + (b[1:] - a[1:]·b[0]). Scale by the first sample to start without a transient.
 */
export function lfilterZi(b: ArrayLike<number>, a: ArrayLike<number>): Float64Array {
  // lfilter_zi (unlike lfilter) drops leading zeros of a.
  let lead = 0;
  while (lead < a.length - 1 && a[lead] === 0) lead++;
  const tf = normalizeBA(b, Array.from(a).slice(lead));
  const k = tf.b.length - 1;
  if (k === 0) return new Float64Array(0);
  const m = new Float64Array(k * k), rhs = new Float64Array(k);
  // I - companion(a)ᵀ: first column 1 + a[1], a[2], ...; superdiagonal -1; identity elsewhere.
  for (let r = 0; r < k; r++) {
    m[r * k + r] = 1;
    if (r + 1 < k) m[r * k + r + 1] = -1;
    m[r * k] = m[r * k]! + tf.a[r + 1]!;
    rhs[r] = tf.b[r + 1]! - tf.a[r + 1]! * tf.b[0]!;
  }
  return solveDense(m, rhs, k);
}

/** Initial delay state given to lfilter: flat, length max(len(a), len(b)) - 1. */
function readZi(zi: ArrayLike<number>, k: number): Float64Array {
  if (zi.length !== k) throw new RangeError(`zi must have length max(len(a), len(b)) - 1 = ${k}, got ${zi.length}`);
  assertFinite(zi, 'zi');
  return Float64Array.from(zi);
}

/** Filters x with b(z)/a(z) from rest (scipy.signal.lfilter). */
export function lfilter(b: ArrayLike<number>, a: ArrayLike<number>, x: ArrayLike<number>): Float64Array;
/** Filters x from the initial state zi and also returns the final state zf. */
export function lfilter(b: ArrayLike<number>, a: ArrayLike<number>, x: ArrayLike<number>, zi: ArrayLike<number>): { y: Float64Array; zf: Float64Array };
export function lfilter(
  b: ArrayLike<number>,
  a: ArrayLike<number>,
  x: ArrayLike<number>,
  zi?: ArrayLike<number>,
): Float64Array | { y: Float64Array; zf: Float64Array } {
  const tf = normalizeBA(b, a);
  assertFinite(x, 'x');
  const k = tf.b.length - 1;
  const z = zi === undefined ? new Float64Array(k) : readZi(zi, k);
  const y = Float64Array.from(x);
  lfilterInPlace(tf, z, y, 0, y.length, 1);
  return zi === undefined ? y : { y, zf: z };
}
