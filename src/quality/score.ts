/**
 * Turns a window's SQIs into one score in [0, 1], a level and a processing mode. Flatline and
 * clipping are gates (past their limits the window is unusable whatever else it shows); the signal
 * type's own indices are logistic ramps between a 'bad' and a 'good' value from the config, combined by a
 * geometric mean so that one failing index pulls the score down.
 */
import type { Config } from '../config/schema.js';
import type { SignalType } from '../signals/signal-type.js';
import type { Sqis } from './sqi-names.js';

export const qualityLevels = ['excellent', 'good', 'fair', 'poor', 'unusable'] as const;
export type QualityLevel = typeof qualityLevels[number];
export type ProcessingMode = 'full' | 'reduced' | 'skip';

export interface WindowQuality {
  score: number;
  level: QualityLevel;
  mode: ProcessingMode;
  /** The index that scored lowest, to say why a window was downgraded. */
  limitedBy: string;
}

/** Lower bounds of each level's score. */
export const levelFloor: Record<Exclude<QualityLevel, 'unusable'>, number> = { excellent: 0.85, good: 0.7, fair: 0.5, poor: 0.2 };

export function levelOf(score: number): QualityLevel {
  if (score >= levelFloor.excellent) return 'excellent';
  if (score >= levelFloor.good) return 'good';
  if (score >= levelFloor.fair) return 'fair';
  if (score >= levelFloor.poor) return 'poor';
  return 'unusable';
}

/**
 * Logistic ramp through 0.05 at `bad` and 0.95 at `good` (either direction). Unlike a clamped linear
 * ramp it never saturates, so a cleaner signal always scores higher, however clean it already is.
 */
export function ramp(v: number, bad: number, good: number): number {
  if (Number.isNaN(v)) return 0;
  const k = (2 * Math.log(19)) / (good - bad);
  return 1 / (1 + Math.exp(-k * (v - (bad + good) / 2)));
}

type Rule = { bad: number; good: number };

/**
 * Lowest share a failing index can take of the score. Baseline wander is removed by the cleaning
 * filter, so on its own it makes a window fair at worst; the other indices measure damage that
 * cleaning cannot undo and may drive the score to zero.
 */
const CORRECTABLE_FLOOR = 0.5;
const FLOOR = 1e-3;

/** The ramps that apply to a signal type: SQI name, thresholds, floor. */
function rulesFor(type: SignalType, q: Config['quality']): [keyof Sqis, Rule, number][] {
  switch (type) {
    case 'ecg': return [['kurtosis', q.ecg.kurtosis, FLOOR], ['qrsPower', q.ecg.qrsPower, FLOOR], ['baseline', q.ecg.baseline, CORRECTABLE_FLOOR], ['hfNoise', q.ecg.hfNoise, FLOOR]];
    case 'ppg': return [['bandPower', q.ppg.bandPower, FLOOR], ['skewness', q.ppg.skewness, CORRECTABLE_FLOOR]];
    case 'eeg': return [['bandPower', q.eeg.bandPower, FLOOR], ['kurtosis', q.eeg.kurtosis, FLOOR]];
    case 'resp': return [['bandPower', q.resp.bandPower, FLOOR]];
    case 'unknown': return [['bandPower', q.unknown.bandPower, FLOOR]];
  }
}

export function scoreWindow(s: Sqis, type: SignalType, q: Config['quality']): WindowQuality {
  let score: number, limitedBy: string;
  if (s.flatline > q.flatlineMax) {
    score = 0; limitedBy = 'flatline';
  } else if (s.clipping > q.clippingMax) {
    score = 0; limitedBy = 'clipping';
  } else {
    let logSum = 0, worst = Infinity;
    limitedBy = '';
    const rules = rulesFor(type, q);
    for (const [name, r, floor] of rules) {
      // The floor keeps the geometric mean finite; at 1e-3 a zero ramp still drags the score near 0.
      const v = Math.max(floor, ramp(s[name], r.bad, r.good));
      logSum += Math.log(v);
      if (v < worst) { worst = v; limitedBy = name; }
    }
    score = Math.exp(logSum / rules.length);
    if (score < 1e-2) score = 0;
  }
  const level = levelOf(score);
  const mode: ProcessingMode = score < q.skipBelow ? 'skip' : score < q.reducedBelow ? 'reduced' : 'full';
  return { score, level, mode, limitedBy };
}
