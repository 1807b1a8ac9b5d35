/**
 * Two zero-phase filters of one signal in one pass: each output is bitwise what
 * scipy.signal.sosfiltfilt semantics (`sosfiltfilt` here, odd padding, default padlen) give.
 *
 * Why: a cascade's sections overlap in the CPU pipeline, but each section is a recurrence whose
 * dependent chain (multiply, subtract, add per sample) sets the pace, about 4 ns per sample on the
 * machines we measured, whatever else the loop does. Stepping two independent cascades in the same
 * loop fills that idle issue width, so the pair costs little more than one filter
 * (bench/dsp-filter.bench.ts). A pipeline that cleans a signal with one band-pass and detects beats
 * on another band of the same samples pays for one.
 *
 * The paired loop serves two cascades of two sections each (two 4th-order band-passes, the common
 * case); other shapes fall back to two `sosfiltfilt` calls, chosen once per call.
 */
import { flattenSos, type SosLike } from './types.js';
import { backwardStart, defaultSosPadlen, edgeExtension, forwardStart, resolvePadlen, sosfiltfilt } from './filtfilt.js';
import { sosfiltZi, stateIsFinite } from './sosfilt.js';
import { assertFinite } from './lfilter.js';

/**
 * One pass of both two-section cascades (same order of operations per section as sosfilt.ts's
 * kernels, so each output is bitwise that of its own cascade): forward over x into ya and yb, or
 * backward over ya and yb in place. Two loops with a constant direction each: V8 compiles those
 * tighter than one loop with a step.
 */
function pairPass(ca: Float64Array, za: Float64Array, ya: Float64Array, cb: Float64Array, zb: Float64Array, yb: Float64Array, x: Float64Array | undefined, n: number): void {
  const a00 = ca[0]!, a01 = ca[1]!, a02 = ca[2]!, p01 = ca[4]!, p02 = ca[5]!;
  const a10 = ca[6]!, a11 = ca[7]!, a12 = ca[8]!, p11 = ca[10]!, p12 = ca[11]!;
  const b00 = cb[0]!, b01 = cb[1]!, b02 = cb[2]!, q01 = cb[4]!, q02 = cb[5]!;
  const b10 = cb[6]!, b11 = cb[7]!, b12 = cb[8]!, q11 = cb[10]!, q12 = cb[11]!;
  let u00 = za[0]!, u01 = za[1]!, u10 = za[2]!, u11 = za[3]!;
  let v00 = zb[0]!, v01 = zb[1]!, v10 = zb[2]!, v11 = zb[3]!;
  if (x) {
    for (let k = 0; k < n; k++) {
      const s = x[k]!;
      const r0 = a00 * s + u00; u00 = a01 * s - p01 * r0 + u01; u01 = a02 * s - p02 * r0;
      const t0 = b00 * s + v00; v00 = b01 * s - q01 * t0 + v01; v01 = b02 * s - q02 * t0;
      const r1 = a10 * r0 + u10; u10 = a11 * r0 - p11 * r1 + u11; u11 = a12 * r0 - p12 * r1;
      const t1 = b10 * t0 + v10; v10 = b11 * t0 - q11 * t1 + v11; v11 = b12 * t0 - q12 * t1;
      ya[k] = r1; yb[k] = t1;
    }
  } else {
    for (let k = n - 1; k >= 0; k--) {
      const s = ya[k]!, w = yb[k]!;
      const r0 = a00 * s + u00; u00 = a01 * s - p01 * r0 + u01; u01 = a02 * s - p02 * r0;
      const t0 = b00 * w + v00; v00 = b01 * w - q01 * t0 + v01; v01 = b02 * w - q02 * t0;
      const r1 = a10 * r0 + u10; u10 = a11 * r0 - p11 * r1 + u11; u11 = a12 * r0 - p12 * r1;
      const t1 = b10 * t0 + v10; v10 = b11 * t0 - q11 * t1 + v11; v11 = b12 * t0 - q12 * t1;
      ya[k] = r1; yb[k] = t1;
    }
  }
  za[0] = u00; za[1] = u01; za[2] = u10; za[3] = u11;
  zb[0] = v00; zb[1] = v01; zb[2] = v10; zb[3] = v11;
}

/**
 * `sosfiltfilt(sosA, x)` and `sosfiltfilt(sosB, x)` (odd padding, SciPy's default padlen), written
 * into `outA` and `outB` when given (each of x's length, distinct from x and from each other).
 */
export function sosfiltfiltPair(sosA: SosLike, sosB: SosLike, x: Float64Array, outA?: Float64Array, outB?: Float64Array): [Float64Array, Float64Array] {
  const n = x.length;
  for (const o of [outA, outB]) {
    if (o && o.length !== n) throw new RangeError(`outputs must have the signal's length ${n}, got ${o.length}`);
    if (o && o.buffer === x.buffer) throw new RangeError('sosfiltfiltPair outputs must not share memory with x');
  }
  if (outA && outB && outA.buffer === outB.buffer) throw new RangeError('sosfiltfiltPair outputs must not share memory');
  const fa = flattenSos(sosA), fb = flattenSos(sosB);
  if (fa.length !== 12 || fb.length !== 12) {
    return [sosfiltfilt(fa, x, outA ? { out: outA } : {}), sosfiltfilt(fb, x, outB ? { out: outB } : {})];
  }
  const ea = resolvePadlen('odd', undefined, n, defaultSosPadlen(fa));
  const eb = resolvePadlen('odd', undefined, n, defaultSosPadlen(fb));
  const zia = sosfiltZi(fa), zib = sosfiltZi(fb);
  const za = new Float64Array(4), zb = new Float64Array(4);
  const ya = outA ?? new Float64Array(n), yb = outB ?? new Float64Array(n);
  const ra = ea > 0 ? edgeExtension(x, 0, n, ea, 'odd', 'right') : undefined;
  const rb = eb > 0 ? edgeExtension(x, 0, n, eb, 'odd', 'right') : undefined;
  forwardStart(fa, zia, x, 0, n, ea, 'odd', za);
  forwardStart(fb, zib, x, 0, n, eb, 'odd', zb);
  pairPass(fa, za, ya, fb, zb, yb, x, n);
  if (!stateIsFinite(za) || !stateIsFinite(zb)) assertFinite(x, 'x');
  backwardStart(fa, zia, ra, ya[n - 1]!, za);
  backwardStart(fb, zib, rb, yb[n - 1]!, zb);
  pairPass(fa, za, ya, fb, zb, yb, undefined, n);
  return [ya, yb];
}
