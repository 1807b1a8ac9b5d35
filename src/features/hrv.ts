/**
 * All HRV features of one NN interval series in a single flat object: time domain and geometric
 * (./hrv-time.ts), frequency domain by Welch and Lomb-Scargle (./hrv-frequency.ts) and nonlinear
 * (./hrv-nonlinear.ts). One `conventions` preset ('pyhrv' or 'hrvanalysis') drives all three; each
 * individual option overrides it.
 */

import { hrvFrequency, type HrvFrequencyOptions, type HrvFrequencyResult } from './hrv-frequency.js';
import { hrvNonlinear, type HrvNonlinearOptions, type HrvNonlinearResult } from './hrv-nonlinear.js';
import { sumInOrder } from '../dsp/stats.js';
import { hrvTime, nnArray, nnSanityWarnings, type HrvTimeOptions, type HrvTimeResult } from './hrv-time.js';

export interface HrvOptions extends HrvTimeOptions, HrvFrequencyOptions, HrvNonlinearOptions {
  /** Compute the frequency-domain features. default: true */
  frequency?: boolean;
  /** Compute the nonlinear features. default: true */
  nonlinear?: boolean;
}

type Values<T> = Omit<T, 'warnings'>;

/** Flat result: snake_case feature keys (NaN where undefined) plus the reasons in `warnings`. */
export type HrvResult = Values<HrvTimeResult> & Values<HrvFrequencyResult> & Values<HrvNonlinearResult> & {
  /** Number of NN intervals. */
  n_nn: number;
  /** Sum of the NN intervals in s. */
  duration_s: number;
  warnings: string[];
};

/** Every HRV feature of `nn` (intervals in ms). Skipped domains report NaN for their keys. */
export function hrv(nnIn: ArrayLike<number>, opts: HrvOptions = {}): HrvResult {
  const nn = nnArray(nnIn);
  const total = sumInOrder(nn);
  const warnings = nnSanityWarnings(nn);
  // One scratch series for the domains' steps in turn (a record-level series is millions of values).
  const work = new Float64Array(nn.length);
  const time = hrvTime(nn, opts, work);
  const freq = opts.frequency === false ? undefined : hrvFrequency(nn, opts, work);
  const nonlin = opts.nonlinear === false ? undefined : hrvNonlinear(nn, opts);
  const out = { n_nn: nn.length, duration_s: total / 1000 } as HrvResult;
  for (const part of [time, freq ?? nanLike(hrvKeys.frequency), nonlin ?? nanLike(hrvKeys.nonlinear)]) {
    for (const [k, v] of Object.entries(part)) {
      if (k === 'warnings') warnings.push(...(v as string[]));
      else (out as unknown as Record<string, number>)[k] = v as number;
    }
  }
  out.warnings = warnings;
  return out;
}

function nanLike(keys: readonly string[]): Record<string, number> {
  const o: Record<string, number> = {};
  for (const k of keys) o[k] = NaN;
  return o;
}

const BAND_KEYS = [
  'ulf_power', 'vlf_power', 'lf_power', 'hf_power', 'ulf_peak', 'vlf_peak', 'lf_peak', 'hf_peak',
  'ulf_rel', 'vlf_rel', 'lf_rel', 'hf_rel', 'lf_nu', 'hf_nu', 'lf_hf', 'total_power',
] as const;

/** Feature keys of each domain, in report order (the CLI prints them in this order). */
export const hrvKeys = {
  summary: ['n_nn', 'duration_s'],
  time: [
    'mean_nn', 'sdnn', 'rmssd', 'sdsd', 'nn50', 'pnn50', 'nn20', 'pnn20', 'median_nn', 'range_nn', 'cvnn',
    'mean_hr', 'min_hr', 'max_hr', 'std_hr', 'hrv_triangular_index', 'tinn', 'sdann', 'sdnn_index',
  ],
  frequency: [...BAND_KEYS, ...BAND_KEYS.map((k) => `ls_${k}`)],
  nonlinear: ['sd1', 'sd2', 'sd2_sd1', 'csi', 'cvi', 'modified_csi', 'sampen', 'apen', 'dfa_alpha1', 'dfa_alpha2'],
} as const satisfies Record<string, readonly string[]>;
