/**
 * The EEG bands: named ranges in Hz, shared by the band powers (eeg.ts) and the report, which needs
 * the names only.
 */

/** Named bands in Hz: name -> [low, high). */
export type EegBands = Readonly<Record<string, readonly [number, number]>>;

export const DEFAULT_EEG_BANDS: EegBands = {
  delta: [0.5, 4],
  theta: [4, 8],
  alpha: [8, 13],
  beta: [13, 30],
  gamma: [30, 45],
};

/** The default bands, cut at Nyquist (a band entirely above it is dropped). */
export function bandsBelowNyquist(fs: number): EegBands {
  const out: Record<string, readonly [number, number]> = {};
  for (const [k, [lo, hi]] of Object.entries(DEFAULT_EEG_BANDS)) if (lo < fs / 2) out[k] = [lo, Math.min(hi, fs / 2)];
  return out;
}
