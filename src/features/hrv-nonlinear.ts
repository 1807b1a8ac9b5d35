/**
 * Nonlinear HRV from NN intervals (ms): Poincaré descriptors SD1, SD2 and their ratio, the cardiac
 * sympathetic and vagal indices CSI, CVI and the modified CSI (Toichi et al., J Auton Nerv Syst
 * 62:79-84, 1997: T = 4 SD1, L = 4 SD2, CSI = L/T, CVI = log10(L*T), modified CSI = L^2/T),
 * sample and approximate entropy (./entropy.ts) and the DFA exponents alpha1/alpha2 (./dfa.ts).
 *
 * Conventions of the references (`conventions`):
 * | quantity | 'pyhrv' | 'hrvanalysis' |
 * | --- | --- | --- |
 * | SD1 | std((x_i - x_{i+1}) / sqrt 2), ddof 0 | sqrt(var(ΔNN) / 2), ddof 1 |
 * | SD2 | std((x_i + x_{i+1}) / sqrt 2), ddof 0 ('projection') | sqrt(2 SDNN^2 - SD1^2), ddof 1 ('sdnn', Brennan 2001) |
 * | sampen r | 0.2 std(NN), ddof 1 (pyHRV itself uses ddof -1: a 1/N effect) | 0.2 std(NN), ddof 0 (nolds) |
 * DFA and ApEn are computed only by pyHRV (DFA) or neither (ApEn); they do not depend on the preset.
 */

import { approximateEntropy, sampleEntropyCounts } from './entropy.js';
import { dfa, scaleRange, type DfaOptions } from './dfa.js';
import { checkDdof, nnArray, resolveConventions, type HrvConventions } from './hrv-time.js';

export interface HrvNonlinearOptions {
  /** Preset for the conventions in the table above. default: 'pyhrv' */
  conventions?: HrvConventions;
  /** Given explicitly, the ddof of every standard deviation below whose own option is not set. */
  ddof?: number;
  /** ddof of the Poincaré standard deviations. default: preset (pyhrv 0, hrvanalysis 1) */
  poincareDdof?: number;
  /** SD2 as the spread along the identity line ('projection') or from SDNN ('sdnn'). default: preset (pyhrv 'projection', hrvanalysis 'sdnn') */
  sd2Method?: 'projection' | 'sdnn';
  /** Template length of sample and approximate entropy. default: 2 */
  entropyM?: number;
  /** Entropy tolerance r as a multiple of std(NN). default: 0.2 */
  entropyRFactor?: number;
  /** ddof of that std. default: preset (pyhrv 1, hrvanalysis 0) */
  entropyRDdof?: number;
  /** Absolute entropy tolerance in ms; overrides entropyRFactor. */
  entropyR?: number;
  /**
   * Longest series for sample and approximate entropy, whose cost grows as N^2 (about 2 s at 20,000
   * beats); longer series get NaN and a warning (analyse windows instead). default: 20000
   */
  entropyMaxBeats?: number;
  /** Beat range [lo, hi] (inclusive) of DFA alpha1. default: [4, 16] */
  dfaShort?: readonly [number, number];
  /** Beat range of DFA alpha2. default: [16, 64] (pyHRV uses [17, 64]) */
  dfaLong?: readonly [number, number];
  /** How DFA averages the window fluctuations. default: 'window-mean' (nolds/pyHRV) */
  dfaFluctuation?: DfaOptions['fluctuation'];
}

export interface HrvNonlinearResult {
  sd1: number;
  sd2: number;
  sd2_sd1: number;
  csi: number;
  cvi: number;
  modified_csi: number;
  sampen: number;
  apen: number;
  dfa_alpha1: number;
  dfa_alpha2: number;
  warnings: string[];
}

const PRESETS: Record<HrvConventions, { poincareDdof: number; sd2Method: 'projection' | 'sdnn'; entropyRDdof: number }> = {
  pyhrv: { poincareDdof: 0, sd2Method: 'projection', entropyRDdof: 1 },
  hrvanalysis: { poincareDdof: 1, sd2Method: 'sdnn', entropyRDdof: 0 },
};

/** Sum of squared deviations from the mean (two passes) of nn[0..n). */
function squaredDeviations(nn: Float64Array, n: number): number {
  let mu = 0;
  for (let i = 0; i < n; i++) mu += nn[i]!;
  mu /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) { const d = nn[i]! - mu; ss += d * d; }
  return ss;
}

/**
 * The same of the Poincare coordinates (nn[i] + sign nn[i + 1]) / sqrt 2, i < m, computed where
 * used rather than stored (a week of beats is millions). A sign, not a coordinate function: a
 * closure made per call gave V8 a new call target each time, and it discarded the optimised code
 * for every segment.
 */
function poincareDeviations(nn: Float64Array, m: number, sign: 1 | -1): number {
  let mu = 0;
  for (let i = 0; i < m; i++) mu += (nn[i]! + sign * nn[i + 1]!) / Math.SQRT2;
  mu /= m;
  let ss = 0;
  for (let i = 0; i < m; i++) { const d = (nn[i]! + sign * nn[i + 1]!) / Math.SQRT2 - mu; ss += d * d; }
  return ss;
}

/** Nonlinear HRV of one NN series (ms). Undefined quantities are NaN with a warning. */
export function hrvNonlinear(nnIn: ArrayLike<number>, opts: HrvNonlinearOptions = {}): HrvNonlinearResult {
  const p = PRESETS[resolveConventions(opts.conventions)];
  const ddofAll = opts.ddof === undefined ? undefined : checkDdof('ddof', opts.ddof);
  const poincareDdof = checkDdof('poincareDdof', opts.poincareDdof ?? ddofAll ?? p.poincareDdof);
  const entropyRDdof = checkDdof('entropyRDdof', opts.entropyRDdof ?? ddofAll ?? p.entropyRDdof);
  const sd2Method = opts.sd2Method ?? p.sd2Method;
  if (sd2Method !== 'projection' && sd2Method !== 'sdnn') throw new RangeError(`sd2Method must be 'projection' or 'sdnn', got '${String(sd2Method)}'`);
  const nn = nnArray(nnIn);
  const n = nn.length;
  const warnings: string[] = [];
  const r: HrvNonlinearResult = {
    sd1: NaN, sd2: NaN, sd2_sd1: NaN, csi: NaN, cvi: NaN, modified_csi: NaN,
    sampen: NaN, apen: NaN, dfa_alpha1: NaN, dfa_alpha2: NaN, warnings,
  };
  if (n < 3) {
    warnings.push(`only ${n} NN intervals: nonlinear features need at least 3`);
    return r;
  }
  poincare(nn, poincareDdof, sd2Method, r);
  if (!(r.sd1 > 0)) warnings.push('SD1 is 0 (no beat-to-beat variation): SD2/SD1, CSI and modified CSI are undefined');
  r.sd2_sd1 = r.sd2 / r.sd1;
  const t = 4 * r.sd1, l = 4 * r.sd2;
  r.csi = l / t;
  r.cvi = Math.log10(l * t);
  r.modified_csi = (l * l) / t;
  for (const k of ['sd2_sd1', 'csi', 'cvi', 'modified_csi'] as const) if (!Number.isFinite(r[k])) r[k] = NaN;

  const ent = {
    m: opts.entropyM ?? 2, rFactor: opts.entropyRFactor ?? 0.2, rDdof: entropyRDdof,
    ...(opts.entropyR !== undefined ? { r: opts.entropyR } : {}),
  };
  const maxBeats = opts.entropyMaxBeats ?? 20000;
  if (!(maxBeats >= 0)) throw new RangeError(`entropyMaxBeats must be a non-negative number, got ${maxBeats}`);
  if (n > maxBeats) {
    warnings.push(`sample and approximate entropy skipped: ${n} NN intervals exceed entropyMaxBeats (${maxBeats}); their cost grows as N^2`);
  } else {
    const { a, b } = sampleEntropyCounts(nn, ent);
    if (a > 0 && b > 0) r.sampen = Math.log(b / a);
    else warnings.push(`sample entropy undefined: no template matches of length ${b > 0 ? ent.m + 1 : ent.m}`);
    r.apen = approximateEntropy(nn, ent);
  }

  const dfaOpts: DfaOptions = opts.dfaFluctuation ? { fluctuation: opts.dfaFluctuation } : {};
  r.dfa_alpha1 = dfaAlpha(nn, opts.dfaShort ?? [4, 16], 'dfa_alpha1', dfaOpts, warnings);
  r.dfa_alpha2 = dfaAlpha(nn, opts.dfaLong ?? [16, 64], 'dfa_alpha2', dfaOpts, warnings);
  return r;
}

function poincare(nn: Float64Array, ddof: number, sd2Method: 'projection' | 'sdnn', r: HrvNonlinearResult): void {
  const n = nn.length, m = n - 1;
  const sd1sq = m - ddof > 0 ? poincareDeviations(nn, m, -1) / (m - ddof) : NaN;
  r.sd1 = Math.sqrt(sd1sq);
  if (sd2Method === 'projection') {
    r.sd2 = m - ddof > 0 ? Math.sqrt(poincareDeviations(nn, m, 1) / (m - ddof)) : NaN;
  } else {
    // Brennan et al. (IEEE TBME 48:1342, 2001): SD1^2 + SD2^2 = 2 SDNN^2.
    const sdnnSq = n - ddof > 0 ? squaredDeviations(nn, n) / (n - ddof) : NaN;
    r.sd2 = Math.sqrt(2 * sdnnSq - sd1sq);
  }
}

function dfaAlpha(
  nn: Float64Array, range: readonly [number, number], name: string, opts: DfaOptions, warnings: string[],
): number {
  const scales = scaleRange(range[0], range[1]);
  if (scales[scales.length - 1]! >= nn.length) {
    warnings.push(`${name} undefined: ${nn.length} NN intervals, the largest scale (${range[1]} beats) needs more`);
    return NaN;
  }
  const res = dfa(nn, scales, opts);
  if (Number.isNaN(res.alpha)) warnings.push(`${name} undefined: the fluctuation is 0 at all but ${res.scales.length} scale(s)`);
  return res.alpha;
}
