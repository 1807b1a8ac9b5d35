/**
 * Cascaded second-order sections in direct form II transposed, with the semantics of
 * scipy.signal.sosfilt / sosfilt_zi. Each section computes, per sample and in this exact order
 * (SciPy's _sosfilt kernel):
 *   y  = b0·x + z0
 *   z0 = b1·x - a1·y + z1
 *   z1 = b2·x - a2·y
 * so results agree with SciPy to the last bit.
 *
 * State layout: a flat Float64Array of length 2·n_sections, [z0, z1] of section 0, then section 1, ...
 * It is the row-major flattening of SciPy's zi of shape (n_sections, 2).
 *
 * Performance: a block runs all sections per sample (sections unrolled, coefficients and states in
 * locals). Measured in V8 (Node 20, AMD EPYC Zen 4) on a 4-section cascade over 10 M samples:
 * 70-80 ms this way against 170-190 ms section by section over blocks of 256-16384 samples
 * (bench/dsp-filter.bench.ts keeps that variant as a comparison row), because the recurrences of
 * different sections overlap in the CPU pipeline instead of each section's latency chain running
 * alone. Both orders give bitwise the same output.
 */
import { flattenSos, type SosLike } from './types.js';
import { assertFinite } from './lfilter.js';

/** Samples per pass when a cascade of more than four sections is split into groups. */
const GROUP_BLOCK = 2048;

type Kernel = (c: Float64Array, s0: number, z: Float64Array, src: Float64Array, si: number, dst: Float64Array, di: number, n: number) => void;

// One kernel per section count and direction: V8 compiles a loop over src[si + k] with a constant
// direction to tight code, while a runtime step (i += step) measured about 40 % slower.

function cascade1Fwd(c: Float64Array, s0: number, z: Float64Array, src: Float64Array, si: number, dst: Float64Array, di: number, n: number): void {
  const o = 6 * s0, q = 2 * s0;
  const b00 = c[o], b01 = c[o + 1], b02 = c[o + 2], a01 = c[o + 4], a02 = c[o + 5];
  let z00 = z[q], z01 = z[q + 1];
  for (let k = 0; k < n; k++) {
    const x = src[si + k];
    const y0 = b00 * x + z00; z00 = b01 * x - a01 * y0 + z01; z01 = b02 * x - a02 * y0;
    dst[di + k] = y0;
  }
  z[q] = z00; z[q + 1] = z01;
}

function cascade1Bwd(c: Float64Array, s0: number, z: Float64Array, src: Float64Array, si: number, dst: Float64Array, di: number, n: number): void {
  const o = 6 * s0, q = 2 * s0;
  const b00 = c[o], b01 = c[o + 1], b02 = c[o + 2], a01 = c[o + 4], a02 = c[o + 5];
  let z00 = z[q], z01 = z[q + 1];
  for (let k = n - 1; k >= 0; k--) {
    const x = src[si + k];
    const y0 = b00 * x + z00; z00 = b01 * x - a01 * y0 + z01; z01 = b02 * x - a02 * y0;
    dst[di + k] = y0;
  }
  z[q] = z00; z[q + 1] = z01;
}

function cascade2Fwd(c: Float64Array, s0: number, z: Float64Array, src: Float64Array, si: number, dst: Float64Array, di: number, n: number): void {
  const o = 6 * s0, q = 2 * s0;
  const b00 = c[o], b01 = c[o + 1], b02 = c[o + 2], a01 = c[o + 4], a02 = c[o + 5];
  const b10 = c[o + 6], b11 = c[o + 7], b12 = c[o + 8], a11 = c[o + 10], a12 = c[o + 11];
  let z00 = z[q], z01 = z[q + 1], z10 = z[q + 2], z11 = z[q + 3];
  for (let k = 0; k < n; k++) {
    const x = src[si + k];
    const y0 = b00 * x + z00; z00 = b01 * x - a01 * y0 + z01; z01 = b02 * x - a02 * y0;
    const y1 = b10 * y0 + z10; z10 = b11 * y0 - a11 * y1 + z11; z11 = b12 * y0 - a12 * y1;
    dst[di + k] = y1;
  }
  z[q] = z00; z[q + 1] = z01; z[q + 2] = z10; z[q + 3] = z11;
}

function cascade2Bwd(c: Float64Array, s0: number, z: Float64Array, src: Float64Array, si: number, dst: Float64Array, di: number, n: number): void {
  const o = 6 * s0, q = 2 * s0;
  const b00 = c[o], b01 = c[o + 1], b02 = c[o + 2], a01 = c[o + 4], a02 = c[o + 5];
  const b10 = c[o + 6], b11 = c[o + 7], b12 = c[o + 8], a11 = c[o + 10], a12 = c[o + 11];
  let z00 = z[q], z01 = z[q + 1], z10 = z[q + 2], z11 = z[q + 3];
  for (let k = n - 1; k >= 0; k--) {
    const x = src[si + k];
    const y0 = b00 * x + z00; z00 = b01 * x - a01 * y0 + z01; z01 = b02 * x - a02 * y0;
    const y1 = b10 * y0 + z10; z10 = b11 * y0 - a11 * y1 + z11; z11 = b12 * y0 - a12 * y1;
    dst[di + k] = y1;
  }
  z[q] = z00; z[q + 1] = z01; z[q + 2] = z10; z[q + 3] = z11;
}

function cascade3Fwd(c: Float64Array, s0: number, z: Float64Array, src: Float64Array, si: number, dst: Float64Array, di: number, n: number): void {
  const o = 6 * s0, q = 2 * s0;
  const b00 = c[o], b01 = c[o + 1], b02 = c[o + 2], a01 = c[o + 4], a02 = c[o + 5];
  const b10 = c[o + 6], b11 = c[o + 7], b12 = c[o + 8], a11 = c[o + 10], a12 = c[o + 11];
  const b20 = c[o + 12], b21 = c[o + 13], b22 = c[o + 14], a21 = c[o + 16], a22 = c[o + 17];
  let z00 = z[q], z01 = z[q + 1], z10 = z[q + 2], z11 = z[q + 3], z20 = z[q + 4], z21 = z[q + 5];
  for (let k = 0; k < n; k++) {
    const x = src[si + k];
    const y0 = b00 * x + z00; z00 = b01 * x - a01 * y0 + z01; z01 = b02 * x - a02 * y0;
    const y1 = b10 * y0 + z10; z10 = b11 * y0 - a11 * y1 + z11; z11 = b12 * y0 - a12 * y1;
    const y2 = b20 * y1 + z20; z20 = b21 * y1 - a21 * y2 + z21; z21 = b22 * y1 - a22 * y2;
    dst[di + k] = y2;
  }
  z[q] = z00; z[q + 1] = z01; z[q + 2] = z10; z[q + 3] = z11; z[q + 4] = z20; z[q + 5] = z21;
}

function cascade3Bwd(c: Float64Array, s0: number, z: Float64Array, src: Float64Array, si: number, dst: Float64Array, di: number, n: number): void {
  const o = 6 * s0, q = 2 * s0;
  const b00 = c[o], b01 = c[o + 1], b02 = c[o + 2], a01 = c[o + 4], a02 = c[o + 5];
  const b10 = c[o + 6], b11 = c[o + 7], b12 = c[o + 8], a11 = c[o + 10], a12 = c[o + 11];
  const b20 = c[o + 12], b21 = c[o + 13], b22 = c[o + 14], a21 = c[o + 16], a22 = c[o + 17];
  let z00 = z[q], z01 = z[q + 1], z10 = z[q + 2], z11 = z[q + 3], z20 = z[q + 4], z21 = z[q + 5];
  for (let k = n - 1; k >= 0; k--) {
    const x = src[si + k];
    const y0 = b00 * x + z00; z00 = b01 * x - a01 * y0 + z01; z01 = b02 * x - a02 * y0;
    const y1 = b10 * y0 + z10; z10 = b11 * y0 - a11 * y1 + z11; z11 = b12 * y0 - a12 * y1;
    const y2 = b20 * y1 + z20; z20 = b21 * y1 - a21 * y2 + z21; z21 = b22 * y1 - a22 * y2;
    dst[di + k] = y2;
  }
  z[q] = z00; z[q + 1] = z01; z[q + 2] = z10; z[q + 3] = z11; z[q + 4] = z20; z[q + 5] = z21;
}

function cascade4Fwd(c: Float64Array, s0: number, z: Float64Array, src: Float64Array, si: number, dst: Float64Array, di: number, n: number): void {
  const o = 6 * s0, q = 2 * s0;
  const b00 = c[o], b01 = c[o + 1], b02 = c[o + 2], a01 = c[o + 4], a02 = c[o + 5];
  const b10 = c[o + 6], b11 = c[o + 7], b12 = c[o + 8], a11 = c[o + 10], a12 = c[o + 11];
  const b20 = c[o + 12], b21 = c[o + 13], b22 = c[o + 14], a21 = c[o + 16], a22 = c[o + 17];
  const b30 = c[o + 18], b31 = c[o + 19], b32 = c[o + 20], a31 = c[o + 22], a32 = c[o + 23];
  let z00 = z[q], z01 = z[q + 1], z10 = z[q + 2], z11 = z[q + 3], z20 = z[q + 4], z21 = z[q + 5], z30 = z[q + 6], z31 = z[q + 7];
  for (let k = 0; k < n; k++) {
    const x = src[si + k];
    const y0 = b00 * x + z00; z00 = b01 * x - a01 * y0 + z01; z01 = b02 * x - a02 * y0;
    const y1 = b10 * y0 + z10; z10 = b11 * y0 - a11 * y1 + z11; z11 = b12 * y0 - a12 * y1;
    const y2 = b20 * y1 + z20; z20 = b21 * y1 - a21 * y2 + z21; z21 = b22 * y1 - a22 * y2;
    const y3 = b30 * y2 + z30; z30 = b31 * y2 - a31 * y3 + z31; z31 = b32 * y2 - a32 * y3;
    dst[di + k] = y3;
  }
  z[q] = z00; z[q + 1] = z01; z[q + 2] = z10; z[q + 3] = z11; z[q + 4] = z20; z[q + 5] = z21; z[q + 6] = z30; z[q + 7] = z31;
}

function cascade4Bwd(c: Float64Array, s0: number, z: Float64Array, src: Float64Array, si: number, dst: Float64Array, di: number, n: number): void {
  const o = 6 * s0, q = 2 * s0;
  const b00 = c[o], b01 = c[o + 1], b02 = c[o + 2], a01 = c[o + 4], a02 = c[o + 5];
  const b10 = c[o + 6], b11 = c[o + 7], b12 = c[o + 8], a11 = c[o + 10], a12 = c[o + 11];
  const b20 = c[o + 12], b21 = c[o + 13], b22 = c[o + 14], a21 = c[o + 16], a22 = c[o + 17];
  const b30 = c[o + 18], b31 = c[o + 19], b32 = c[o + 20], a31 = c[o + 22], a32 = c[o + 23];
  let z00 = z[q], z01 = z[q + 1], z10 = z[q + 2], z11 = z[q + 3], z20 = z[q + 4], z21 = z[q + 5], z30 = z[q + 6], z31 = z[q + 7];
  for (let k = n - 1; k >= 0; k--) {
    const x = src[si + k];
    const y0 = b00 * x + z00; z00 = b01 * x - a01 * y0 + z01; z01 = b02 * x - a02 * y0;
    const y1 = b10 * y0 + z10; z10 = b11 * y0 - a11 * y1 + z11; z11 = b12 * y0 - a12 * y1;
    const y2 = b20 * y1 + z20; z20 = b21 * y1 - a21 * y2 + z21; z21 = b22 * y1 - a22 * y2;
    const y3 = b30 * y2 + z30; z30 = b31 * y2 - a31 * y3 + z31; z31 = b32 * y2 - a32 * y3;
    dst[di + k] = y3;
  }
  z[q] = z00; z[q + 1] = z01; z[q + 2] = z10; z[q + 3] = z11; z[q + 4] = z20; z[q + 5] = z21; z[q + 6] = z30; z[q + 7] = z31;
}

const FORWARD: readonly Kernel[] = [cascade1Fwd, cascade1Fwd, cascade2Fwd, cascade3Fwd, cascade4Fwd];
const BACKWARD: readonly Kernel[] = [cascade1Bwd, cascade1Bwd, cascade2Bwd, cascade3Bwd, cascade4Bwd];

/**
 * Runs the cascade `flat` (a0-normalised rows of 6) over the n samples src[si..si+n), writing
 * dst[di..di+n) (src may equal dst), in time order or, with `backward`, from the last sample to the
 * first. `z` is the flat state, updated. Each section sees exactly the same input sequence whatever
 * the grouping, so splitting a long cascade into groups of four over short blocks changes no bit.
 */
export function runCascade(flat: Float64Array, z: Float64Array, src: Float64Array, si: number, dst: Float64Array, di: number, n: number, backward = false): void {
  const nsec = flat.length / 6;
  const kernels = backward ? BACKWARD : FORWARD;
  if (nsec <= 4) {
    kernels[nsec]!(flat, 0, z, src, si, dst, di, n);
    return;
  }
  for (let done = 0; done < n; done += GROUP_BLOCK) {
    const m = Math.min(GROUP_BLOCK, n - done);
    const off = backward ? n - done - m : done;
    kernels[4]!(flat, 0, z, src, si + off, dst, di + off, m);
    for (let g = 4; g < nsec; g += 4) kernels[Math.min(4, nsec - g)]!(flat, g, z, dst, di + off, dst, di + off, m);
  }
}

/** True when every state value is finite: NaN or ±Inf in the input always reaches the state. */
export function stateIsFinite(z: Float64Array): boolean {
  for (let i = 0; i < z.length; i++) if (!Number.isFinite(z[i])) return false;
  return true;
}

/**
 * Steady-state initial conditions of the step response, per section (scipy.signal.sosfilt_zi):
 * section k starts at lfilter_zi of its own coefficients times the DC gain of sections 0..k-1.
 * Multiply by the first sample to start a filter without a transient. Flat layout, length 2·n_sections.
 */
export function sosfiltZi(sos: SosLike): Float64Array {
  const flat = flattenSos(sos);
  assertFinite(flat, 'sos');
  const nsec = flat.length / 6;
  const zi = new Float64Array(2 * nsec);
  let scale = 1;
  for (let s = 0; s < nsec; s++) {
    const o = 6 * s;
    const b0 = flat[o]!, b1 = flat[o + 1]!, b2 = flat[o + 2]!, a1 = flat[o + 4]!, a2 = flat[o + 5]!;
    const asum = 1 + a1 + a2;
    if (asum === 0) throw new RangeError(`sos section ${s} has a pole at z = 1; its step response has no steady state`);
    // Closed form of lfilter_zi for one biquad: with unit input the output settles at the DC gain
    // g = sum(b)/sum(a), and each delay holds the sum of the remaining taps' contributions. This is
    // exact where SciPy's 2x2 solve rounds (e.g. [-1, 1] for b = [1, -2, 1]); both agree to ~1e-12.
    const g = (b0 + b1 + b2) / asum;
    const z1 = b2 - a2 * g;
    zi[2 * s] = scale * (b1 - a1 * g + z1);
    zi[2 * s + 1] = scale * z1;
    scale *= g;
  }
  return zi;
}

function readSosZi(zi: Float64Array | number[][], nsec: number): Float64Array {
  let flat: Float64Array;
  if (zi instanceof Float64Array) {
    flat = Float64Array.from(zi);
  } else {
    if (zi.length !== nsec || zi.some((row) => row.length !== 2)) {
      throw new RangeError(`zi must have shape (n_sections, 2) = (${nsec}, 2), got ${zi.length} rows`);
    }
    flat = Float64Array.from(zi.flat());
  }
  if (flat.length !== 2 * nsec) throw new RangeError(`zi must hold 2 * n_sections = ${2 * nsec} values, got ${flat.length}`);
  assertFinite(flat, 'zi');
  return flat;
}

/** Filters x from rest with second-order sections (scipy.signal.sosfilt). */
export function sosfilt(sos: SosLike, x: ArrayLike<number>): Float64Array;
/**
 * Filters x from the initial state zi, shape (n_sections, 2) as rows or flat row-major, and returns
 * the final state zf in the same flat layout (section s at zf[2s], zf[2s+1]).
 */
export function sosfilt(sos: SosLike, x: ArrayLike<number>, zi: Float64Array | number[][]): { y: Float64Array; zf: Float64Array };
export function sosfilt(sos: SosLike, x: ArrayLike<number>, zi?: Float64Array | number[][]): Float64Array | { y: Float64Array; zf: Float64Array } {
  const flat = flattenSos(sos);
  assertFinite(flat, 'sos');
  const nsec = flat.length / 6;
  const z = zi === undefined ? new Float64Array(2 * nsec) : readSosZi(zi, nsec);
  let y: Float64Array;
  if (x instanceof Float64Array) {
    y = new Float64Array(x.length);
    runCascade(flat, z, x, 0, y, 0, x.length);
  } else {
    y = Float64Array.from(x);
    runCascade(flat, z, y, 0, y, 0, y.length);
  }
  if (!stateIsFinite(z)) assertFinite(x, 'x');
  return zi === undefined ? y : { y, zf: z };
}

/** Options of {@link SosFilter}. */
export interface SosFilterOptions {
  /**
   * Initial state: 'zero' starts from rest; 'steady' starts as if the first sample had been applied
   * forever (sosfiltZi times the first sample of the first chunk after construction or reset).
   * default: 'zero'
   */
  zi?: 'zero' | 'steady';
}

/**
 * Streaming second-order-section filter: feeding a signal chunk by chunk gives bitwise the same output
 * as one call to sosfilt on the whole signal (same kernel, same operation order, state carried).
 */
export class SosFilter {
  readonly #flat: Float64Array;
  readonly #zi: Float64Array | undefined;
  readonly #state: Float64Array;
  readonly #saved: Float64Array;
  #started = false;

  constructor(sos: SosLike, opts: SosFilterOptions = {}) {
    this.#flat = flattenSos(sos);
    assertFinite(this.#flat, 'sos');
    const mode = opts.zi ?? 'zero';
    if (mode !== 'zero' && mode !== 'steady') throw new TypeError(`zi must be 'zero' or 'steady', got ${String(mode)}`);
    this.#zi = mode === 'steady' ? sosfiltZi(this.#flat) : undefined;
    this.#state = new Float64Array(this.#flat.length / 3);
    this.#saved = new Float64Array(this.#state.length);
  }

  /** Current delay state, flat (n_sections, 2) row-major; live view, copy it to keep a snapshot. */
  get state(): Float64Array {
    return this.#state;
  }

  /** Clears the state; with zi 'steady' the next sample processed sets it again. */
  reset(): void {
    this.#state.fill(0);
    this.#started = false;
  }

  /**
   * Filters the next chunk. Writes into `out` (which may be x itself) when given, else a new array;
   * returns the x.length samples written. A chunk holding NaN or ±Inf throws a RangeError and leaves
   * the state as it was before the chunk.
   */
  process(x: ArrayLike<number>, out?: Float64Array): Float64Array {
    const n = x.length;
    if (out !== undefined && out.length < n) throw new RangeError(`out must hold at least ${n} samples, got ${out.length}`);
    const y = out === undefined ? new Float64Array(n) : out.length === n ? out : out.subarray(0, n);
    if (n === 0) return y;
    const z = this.#state;
    this.#saved.set(z);
    const wasStarted = this.#started;
    if (!this.#started) {
      if (this.#zi !== undefined) for (let i = 0; i < z.length; i++) z[i] = this.#zi[i]! * x[0]!;
      this.#started = true;
    }
    let src: Float64Array;
    if (x instanceof Float64Array) src = x;
    else { y.set(x); src = y; }
    runCascade(this.#flat, z, src, 0, y, 0, n);
    if (!stateIsFinite(z)) {
      try {
        assertFinite(x, 'x');
      } catch (err) {
        z.set(this.#saved);
        this.#started = wasStarted;
        throw err;
      }
    }
    return y;
  }
}
