/**
 * Synthetic respiration signal with known inhalation peaks and exhalation troughs.
 *
 * Each breath is an inhalation (rising half-cosine from its trough to its peak, 40 % of the breath,
 * an inhalation:exhalation ratio of 1:1.5 as in quiet breathing) followed by an exhalation (falling
 * half-cosine to the next trough). The signal is smooth (continuous slope, zero at every peak and
 * trough), so peaks and troughs are exactly the nodes. Each breath draws its own rate and depth.
 * Everything random comes from a seeded generator, so a seed reproduces the signal at any fs.
 */
import { seededRandom, gaussian, positive, nonNegative } from './random.js';

export interface SyntheticRespOptions {
  /** Sampling rate in Hz. default: 25 */
  fs?: number;
  /** Duration in s. default: 120 */
  seconds?: number;
  /** Mean breathing rate in breaths/min. default: 15 */
  rate?: number;
  /** Breath-to-breath standard deviation of the rate in breaths/min (rates stay within 0.6-1.6 times the mean). default: 1 */
  rateStd?: number;
  /** White measurement noise, standard deviation relative to the breath depth (peak to trough about 1). default: 0.01 */
  noise?: number;
  /** Seed of the pseudo-random generator. default: 1 */
  seed?: number;
}

export interface SyntheticResp {
  signal: Float64Array;
  /** Sample index of each inhalation peak. */
  peaks: Int32Array;
  /** Sample index of each exhalation trough (start of an inhalation). */
  troughs: Int32Array;
  fs: number;
}

/** Fraction of each breath spent inhaling (I:E = 1:1.5). */
const INHALE = 0.4;

/** Generates the signal and its reference peaks and troughs. */
export function syntheticResp(opts: SyntheticRespOptions = {}): SyntheticResp {
  const fs = positive('fs', opts.fs ?? 25);
  const seconds = positive('seconds', opts.seconds ?? 120);
  const rate = positive('rate', opts.rate ?? 15);
  const rateStd = nonNegative('rateStd', opts.rateStd ?? 1);
  const noise = nonNegative('noise', opts.noise ?? 0.01);
  const rand = seededRandom(opts.seed ?? 1);
  const n = Math.round(seconds * fs);
  const x = new Float64Array(n);

  // Nodes: trough, peak, trough, ... in s with their levels; the train starts before 0 and ends after
  // the signal so that it opens and closes mid-breath.
  const nodeT: number[] = [], nodeV: number[] = [], isPeak: boolean[] = [];
  let t = -(60 / rate) * (0.5 + rand());
  const trough = (): number => -0.5 * (0.9 + 0.2 * rand());
  nodeT.push(t); nodeV.push(trough()); isPeak.push(false);
  while (t < seconds + 60 / rate) {
    const r = Math.min(1.6 * rate, Math.max(0.6 * rate, rate + rateStd * gaussian(rand)));
    const period = 60 / r;
    const depth = 0.85 + 0.3 * rand();
    const base = nodeV[nodeV.length - 1]!;
    nodeT.push(t + INHALE * period); nodeV.push(base + depth); isPeak.push(true);
    t += period;
    nodeT.push(t); nodeV.push(trough()); isPeak.push(false);
  }

  // Half-cosine between consecutive nodes.
  let k = 0;
  for (let i = 0; i < n; i++) {
    const ti = i / fs;
    while (nodeT[k + 1]! <= ti) k++;
    const t0 = nodeT[k]!, t1 = nodeT[k + 1]!, v0 = nodeV[k]!, v1 = nodeV[k + 1]!;
    const u = (ti - t0) / (t1 - t0);
    x[i] = v0 + (v1 - v0) * 0.5 * (1 - Math.cos(Math.PI * u));
  }
  if (noise > 0) for (let i = 0; i < n; i++) x[i]! += noise * gaussian(rand);

  const peaks: number[] = [], troughs: number[] = [];
  for (let j = 0; j < nodeT.length; j++) {
    const s = Math.round(nodeT[j]! * fs);
    if (s < 0 || s >= n) continue;
    (isPeak[j] ? peaks : troughs).push(s);
  }
  return { signal: x, peaks: Int32Array.from(peaks), troughs: Int32Array.from(troughs), fs };
}
