/**
 * The lowest point before each peak: pulse onsets (feet) of a PPG, exhalation troughs of a
 * respiration signal. Defined block by block like the detectors (see beat-stream.ts), so the cost in
 * memory is one block plus context whatever the length of the recording: the signal is cut into blocks
 * at fixed positions, each block is prepared (filtered) with `contextSeconds` of signal on each side,
 * and every peak in the block gets the minimum of the prepared signal in (previous peak, peak], at
 * most `maxBackSeconds` back.
 */

export interface MinimaBeforeOptions {
  /** Block length in s. default: 60 */
  blockSeconds?: number;
  /** Signal on each side of a block given to `prepare` in s; at least maxBackSeconds. default: 5 */
  contextSeconds?: number;
  /** Longest search back from a peak in s. default: 1 */
  maxBackSeconds?: number;
}

/**
 * For each peak (sorted sample indices into x), the index of the minimum of `prepare(slice)` in
 * (previous peak, peak] and within maxBackSeconds of it; the first peak searches back
 * maxBackSeconds (clipped to the signal start). `prepare` returns an array as long as its slice.
 */
export function minimaBefore(
  x: Float64Array,
  fs: number,
  peaks: ArrayLike<number>,
  prepare: (slice: Float64Array) => Float64Array,
  opts: MinimaBeforeOptions = {},
): Int32Array {
  if (!(fs > 0) || !Number.isFinite(fs)) throw new RangeError(`fs must be a positive number, got ${fs}`);
  const blockS = opts.blockSeconds ?? 60;
  const maxBackS = opts.maxBackSeconds ?? 1;
  const ctxS = opts.contextSeconds ?? Math.max(5, maxBackS);
  if (!(maxBackS > 0)) throw new RangeError(`maxBackSeconds must be positive, got ${maxBackS}`);
  if (!(ctxS >= maxBackS)) throw new RangeError(`contextSeconds (${ctxS}) must be at least maxBackSeconds (${maxBackS})`);
  const block = Math.round(blockS * fs);
  if (!(block >= 1) || !Number.isFinite(block)) throw new RangeError(`blockSeconds must give at least one sample, got ${blockS}`);
  const context = Math.ceil(ctxS * fs);
  const back = Math.max(1, Math.round(maxBackS * fs));
  const n = x.length, m = peaks.length;
  const out = new Int32Array(m);
  for (let k = 0; k < m; k++) {
    const p = peaks[k]!;
    if (!Number.isInteger(p) || p < 0 || p >= n) throw new RangeError(`peaks[${k}] must be a sample index in [0, ${n}), got ${p}`);
    if (k > 0 && !(p > peaks[k - 1]!)) throw new RangeError(`peaks must be strictly increasing, got ${peaks[k - 1]} then ${p}`);
  }

  let k = 0;
  while (k < m) {
    // The block holding peak k; blocks without peaks are never prepared.
    const b0 = Math.floor(peaks[k]! / block) * block;
    const b1 = Math.min(n, b0 + block);
    const s0 = Math.max(0, b0 - context), s1 = Math.min(n, b1 + context);
    const y = prepare(x.subarray(s0, s1));
    if (y.length !== s1 - s0) throw new RangeError(`prepare must return ${s1 - s0} samples, got ${y.length}`);
    for (; k < m && peaks[k]! < b1; k++) {
      const p = peaks[k]!;
      const from = Math.max(k > 0 ? peaks[k - 1]! + 1 : 0, p - back) - s0;
      let low = p - s0;
      let v = y[low]!;
      for (let i = low - 1; i >= from; i--) {
        if (y[i]! < v) { v = y[i]!; low = i; }
      }
      out[k] = low + s0;
    }
  }
  return out;
}
