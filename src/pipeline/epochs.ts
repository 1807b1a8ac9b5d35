/**
 * Per-epoch features computed inside a block on the cleaned samples: EEG band powers, spectral edge
 * and entropy for each `segment.eegSeconds` epoch (blocks are whole numbers of epochs, so epochs
 * never straddle two tasks). Other signal types take their features from beats (features.ts).
 */
import type { Config } from '../config/schema.js';
import { eegBandPowers } from '../signals/eeg.js';
import { bandsBelowNyquist } from '../signals/eeg-bands.js';
import type { ChannelPlan, FeatureRow } from './types.js';

export function epochFeatures(clean: Float64Array, s0: number, b0: number, b1: number, ch: ChannelPlan, cfg: Config): FeatureRow[] {
  if (ch.type !== 'eeg') return [];
  const len = Math.round(cfg.segment.eegSeconds * ch.fs);
  const bands = bandsBelowNyquist(ch.fs);
  const rows: FeatureRow[] = [];
  for (let e0 = b0; e0 + len <= b1; e0 += len) {
    const p = eegBandPowers(clean.subarray(e0 - s0, e0 + len - s0), ch.fs, { bands });
    const row: FeatureRow = { channel: ch.name, start_s: e0 / ch.fs, end_s: (e0 + len) / ch.fs };
    for (const k of Object.keys(bands)) {
      row[`${k}_power`] = p.absolute[k]!;
      row[`${k}_rel`] = p.relative[k]!;
    }
    row.total_power = p.totalPower;
    for (const [k, v] of Object.entries(p.sef)) row[k] = v;
    row.spectral_entropy = p.spectralEntropy;
    rows.push(row);
  }
  return rows;
}
