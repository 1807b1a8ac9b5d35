/**
 * Second-order sections as SciPy returns them: one row [b0, b1, b2, a0, a1, a2] per section.
 * Kernels also accept the same rows flattened into a Float64Array of length 6 * sections.
 */
export type Sos = number[][];
export type SosLike = Sos | Float64Array;

/** Flat row-major copy of the sections, each normalised so that a0 = 1. */
export function flattenSos(sos: SosLike): Float64Array {
  if (!(sos instanceof Float64Array)) {
    // Each row must be a whole section (SciPy checks sos.shape[1] == 6): rows of other lengths would
    // otherwise be re-cut at the wrong places whenever their total is a multiple of six.
    const bad = sos.findIndex((row) => row.length !== 6);
    if (bad >= 0) throw new RangeError(`sos must have shape (n_sections, 6), got a row of ${sos[bad]!.length} values at section ${bad}`);
  }
  const flat = sos instanceof Float64Array ? Float64Array.from(sos) : Float64Array.from(sos.flat());
  if (flat.length === 0 || flat.length % 6 !== 0) {
    throw new RangeError(`sos must have shape (n_sections, 6), got ${flat.length} values`);
  }
  for (let s = 0; s < flat.length; s += 6) {
    const a0 = flat[s + 3]!;
    if (a0 === 0 || !Number.isFinite(a0)) throw new RangeError(`sos section ${s / 6} has a0 = ${a0}`);
    if (a0 !== 1) for (let k = 0; k < 6; k++) flat[s + k]! /= a0;
  }
  return flat;
}
