import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { openNpy } from '../../src/io/npy.js';
import { shared } from './shared.js';

/** pyHRV's long sample NN series (ms) and the hrv-analysis test series, as shared data paths. */
export const LONG = 'data/hrv/pyhrv_SampleNNISeriesLong.npy';
export const HRVA = 'data/hrv/hrvanalysis_test_nn_intervals.txt';

/** A shared .npy series as float64. */
export async function loadNpy(rel: string): Promise<Float64Array> {
  const rec = await openNpy(shared(rel));
  try {
    const [x] = await rec.read(0, 0, rec.info.channels[0]!.samples);
    return Float64Array.from(x!);
  } finally {
    await rec.close();
  }
}

/** A shared text series, one value per line. */
export function loadText(rel: string): Float64Array {
  return Float64Array.from(readFileSync(shared(rel), 'utf8').split('\n').filter((l) => l.trim() !== '').map(Number));
}

/** Asserts |actual - expected| <= tol * |expected|, naming the feature. */
export function relClose(actual: number, expected: number, tol: number, what: string): void {
  const err = Math.abs(actual - expected) / Math.abs(expected);
  assert.ok(err <= tol, `${what}: ${actual} vs ${expected} (relative error ${err.toExponential(2)})`);
}
