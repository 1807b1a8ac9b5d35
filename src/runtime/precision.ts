/**
 * Precision of in-memory signals shared with the workers. Float32 halves their memory; it is used
 * for a channel only when the rounding error it causes stays below a stated bound relative to the
 * channel's range (default 1e-6, far below any ADC's quantisation step: a 16-bit ADC's is 1.5e-5).
 * Channels that need more stay float64. File sources are read block by block and need no choice.
 */

export type Precision = 'float64' | 'float32';

export interface PrecisionChoice {
  precision: Precision;
  /** Largest |x - float32(x)| over the channel, relative to its range (0 for float64). */
  relError: number;
}

/** float32 when its worst rounding error relative to the range of `x` is at most `bound`. */
export function choosePrecision(x: Float64Array | Float32Array, bound: number): PrecisionChoice {
  if (x instanceof Float32Array) return { precision: 'float32', relError: 0 };
  let lo = Infinity, hi = -Infinity, err = 0;
  const f = new Float32Array(1);
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    // NaN and the infinities are exact in float32; the range is that of the finite samples.
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    f[0] = v;
    const e = Math.abs(f[0] - v);
    if (e > err) err = e;
  }
  const range = hi > lo ? hi - lo : 0;
  const rel = range > 0 ? err / range : err > 0 ? Infinity : 0;
  return rel <= bound ? { precision: 'float32', relError: rel } : { precision: 'float64', relError: 0 };
}
