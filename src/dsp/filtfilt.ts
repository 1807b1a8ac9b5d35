/**
 * Zero-phase forward-backward filtering with edge padding, scipy.signal.sosfiltfilt and
 * scipy.signal.filtfilt (method 'pad'): the signal is extended at both ends (odd, even or constant
 * extension of padlen samples), filtered forward from the steady state of its first extended sample,
 * then backward from the steady state of the last forward output, and the extension is cut off.
 */
import { flattenSos, type SosLike } from './types.js';
import { assertFinite, lfilterInPlace, lfilterZi, normalizeBA } from './lfilter.js';
import { runCascade, sosfiltZi, stateIsFinite } from './sosfilt.js';

/** Edge extension: 'odd' reflects about the end sample (2·x[0] - x[k]), 'even' mirrors, 'constant' repeats the end sample, null pads nothing. */
export type PadType = 'odd' | 'even' | 'constant' | null;

/** Options of {@link sosfiltfilt}. */
export interface SosfiltfiltOptions {
  /** Edge extension type. default: 'odd' */
  padtype?: PadType;
  /** Extension length per side. default: 3·(2·n_sections + 1 - min(number of zero b2, number of zero a2)) as SciPy */
  padlen?: number;
  /** Caller-owned output of the signal's length (may be `x` itself); a new array when absent. */
  out?: Float64Array;
}

/** Options of {@link filtfilt}. */
export interface FiltfiltOptions {
  /** Edge extension type. default: 'odd' */
  padtype?: PadType;
  /** Extension length per side. default: 3·max(len(a), len(b)) */
  padlen?: number;
}

/** Validates padtype/padlen against the signal length and returns the extension length (0 for padtype null). */
export function resolvePadlen(padtype: PadType | undefined, padlen: number | undefined, n: number, defaultPadlen: number): number {
  if (padtype !== undefined && padtype !== null && padtype !== 'odd' && padtype !== 'even' && padtype !== 'constant') {
    throw new TypeError(`padtype must be 'odd', 'even', 'constant' or null, got ${String(padtype)}`);
  }
  if (padlen !== undefined && (!Number.isInteger(padlen) || padlen < 0)) {
    throw new RangeError(`padlen must be a non-negative integer, got ${padlen}`);
  }
  const edge = padtype === null ? 0 : padlen ?? defaultPadlen;
  if (n <= edge) throw new RangeError(`x must be longer than padlen (${edge}), got ${n} samples`);
  return edge;
}

/**
 * The `edge` extension samples beyond one end of x[start..end), in signal order (left: the samples
 * before x[start], right: the samples after x[end-1]).
 */
export function edgeExtension(x: ArrayLike<number>, start: number, end: number, edge: number, padtype: PadType, side: 'left' | 'right'): Float64Array {
  const ext = new Float64Array(edge);
  if (side === 'left') {
    const x0 = x[start]!;
    for (let k = 0; k < edge; k++) {
      const mirrored = x[start + edge - k]!;
      ext[k] = padtype === 'odd' ? 2 * x0 - mirrored : padtype === 'even' ? mirrored : x0;
    }
  } else {
    const xl = x[end - 1]!;
    for (let k = 0; k < edge; k++) {
      const mirrored = x[end - 2 - k]!;
      ext[k] = padtype === 'odd' ? 2 * xl - mirrored : padtype === 'even' ? mirrored : xl;
    }
  }
  return ext;
}

/** Sets z = zi·v. */
function scaleState(z: Float64Array, zi: Float64Array, v: number): void {
  for (let i = 0; i < z.length; i++) z[i] = zi[i]! * v;
}

/**
 * The forward pass's state at x[start]: after running over the left extension from its steady
 * state when leftPad > 0, else the steady state zi·x[start].
 */
export function forwardStart(flat: Float64Array, zi: Float64Array, x: ArrayLike<number>, start: number, end: number, leftPad: number, padtype: PadType, z: Float64Array): void {
  if (leftPad > 0) {
    const left = edgeExtension(x, start, end, leftPad, padtype, 'left');
    scaleState(z, zi, left[0]!);
    runCascade(flat, z, left, 0, left, 0, leftPad);
  } else {
    scaleState(z, zi, x[start]!);
  }
}

/**
 * The backward pass's state at the last forward output yLast: with a right extension (`right`,
 * taken from the input before the forward pass), the forward pass continues over it, then the
 * backward pass runs over it from its steady state; without one, the steady state zi·yLast.
 */
export function backwardStart(flat: Float64Array, zi: Float64Array, right: Float64Array | undefined, yLast: number, z: Float64Array): void {
  if (right) {
    const m = right.length;
    runCascade(flat, z, right, 0, right, 0, m);
    scaleState(z, zi, right[m - 1]!);
    runCascade(flat, z, right, 0, right, 0, m, true);
  } else {
    scaleState(z, zi, yLast);
  }
}

/**
 * Forward-backward cascade over x[start..end), returning the zero-phase output for exactly those
 * samples. When leftPad > 0 the forward pass first runs over the left extension (so x[start] is the
 * true start of a recording); otherwise it starts at x[start] from the steady state zi·x[start].
 * Likewise rightPad > 0 runs over the right extension before turning back; otherwise the backward
 * pass starts at the last forward output from its steady state. With both pads this is exactly
 * sosfiltfilt; chunked filtering uses it without pads for blocks inside a recording.
 *
 * The extensions are filtered in small side buffers, so memory is one output array of end - start.
 */
export function zeroPhaseSegment(
  flat: Float64Array,
  zi: Float64Array,
  x: ArrayLike<number>,
  start: number,
  end: number,
  leftPad: number,
  rightPad: number,
  padtype: PadType,
  out?: Float64Array,
): Float64Array {
  const n = end - start;
  if (out && out.length !== n) throw new RangeError(`out must have the signal's length ${n}, got ${out.length}`);
  const y = out ?? new Float64Array(n);
  const z = new Float64Array(zi.length);
  // Both extensions are taken before the forward pass, which may overwrite x when out is x.
  const right = rightPad > 0 ? edgeExtension(x, start, end, rightPad, padtype, 'right') : undefined;
  forwardStart(flat, zi, x, start, end, leftPad, padtype, z);
  if (x instanceof Float64Array) {
    runCascade(flat, z, x, start, y, 0, n);
  } else {
    for (let i = 0; i < n; i++) y[i] = x[start + i]!;
    runCascade(flat, z, y, 0, y, 0, n);
  }
  if (!stateIsFinite(z)) assertFinite(x, 'x');
  backwardStart(flat, zi, right, y[n - 1]!, z);
  runCascade(flat, z, y, 0, y, 0, n, true);
  return y;
}

/** SciPy's default sosfiltfilt padlen: 3·(2·n_sections + 1 - min(#zero b2, #zero a2)). */
export function defaultSosPadlen(flat: Float64Array): number {
  const nsec = flat.length / 6;
  let zb = 0, za = 0;
  for (let s = 0; s < nsec; s++) {
    if (flat[6 * s + 2] === 0) zb++;
    if (flat[6 * s + 5] === 0) za++;
  }
  return 3 * (2 * nsec + 1 - Math.min(zb, za));
}

/** Zero-phase filtering with second-order sections (scipy.signal.sosfiltfilt). */
export function sosfiltfilt(sos: SosLike, x: ArrayLike<number>, opts: SosfiltfiltOptions = {}): Float64Array {
  const flat = flattenSos(sos);
  const padtype = opts.padtype === undefined ? 'odd' : opts.padtype;
  const edge = resolvePadlen(padtype, opts.padlen, x.length, defaultSosPadlen(flat));
  const zi = sosfiltZi(flat);
  return zeroPhaseSegment(flat, zi, x, 0, x.length, edge, edge, padtype, opts.out);
}

/** Zero-phase filtering with one transfer function b(z)/a(z) (scipy.signal.filtfilt, method 'pad'). */
export function filtfilt(b: ArrayLike<number>, a: ArrayLike<number>, x: ArrayLike<number>, opts: FiltfiltOptions = {}): Float64Array {
  const tf = normalizeBA(b, a);
  const padtype = opts.padtype === undefined ? 'odd' : opts.padtype;
  const n = x.length;
  const edge = resolvePadlen(padtype, opts.padlen, n, 3 * Math.max(a.length, b.length));
  assertFinite(x, 'x');
  const ext = new Float64Array(n + 2 * edge);
  if (edge > 0) {
    ext.set(edgeExtension(x, 0, n, edge, padtype, 'left'), 0);
    ext.set(edgeExtension(x, 0, n, edge, padtype, 'right'), edge + n);
  }
  for (let i = 0; i < n; i++) ext[edge + i] = x[i]!;
  const zi = lfilterZi(tf.b, tf.a);
  const z = new Float64Array(zi.length);
  scaleState(z, zi, ext[0]!);
  lfilterInPlace(tf, z, ext, 0, ext.length, 1);
  scaleState(z, zi, ext[ext.length - 1]!);
  lfilterInPlace(tf, z, ext, ext.length - 1, ext.length, -1);
  return ext.slice(edge, edge + n);
}
