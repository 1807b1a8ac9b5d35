/**
 * Regularity statistics of a short series: sample entropy (Richman & Moorman, Am J Physiol Heart
 * Circ Physiol 278:H2039-H2049, 2000) and approximate entropy (Pincus, PNAS 88:2297-2301, 1991).
 *
 * Both count pairs of templates (runs of m consecutive values) whose Chebyshev distance is at most r.
 * Instead of comparing all O(N^2) pairs, templates are sorted by their first value once; a pair can
 * only match when its first values are within r, so each template is compared with the few that
 * follow it in that order until the gap exceeds r. Same counts, far fewer comparisons for HRV data.
 */

import { std } from '../dsp/stats.js';

export interface EntropyOptions {
  /** Template length (embedding dimension). default: 2 */
  m?: number;
  /** Tolerance as an absolute value; when given, rFactor and rDdof are ignored. default: rFactor * std(x) */
  r?: number;
  /** Tolerance as a multiple of the standard deviation of x. default: 0.2 */
  rFactor?: number;
  /** ddof of that standard deviation. default: 1 */
  rDdof?: number;
}

/** Resolved m and r for `x`. */
function params(x: Float64Array, opts: EntropyOptions): { m: number; r: number } {
  const m = opts.m ?? 2;
  if (!Number.isInteger(m) || m < 1) throw new RangeError(`m must be a positive integer, got ${m}`);
  let r = opts.r;
  if (r === undefined) {
    const f = opts.rFactor ?? 0.2;
    const ddof = opts.rDdof ?? 1;
    if (!(f >= 0) || !Number.isFinite(f)) throw new RangeError(`rFactor must be a non-negative number, got ${f}`);
    if (!Number.isInteger(ddof)) throw new RangeError(`rDdof must be an integer, got ${ddof}`);
    r = x.length - ddof > 0 ? f * std(x, ddof) : NaN;
  }
  if (!(r >= 0) || !Number.isFinite(r)) throw new RangeError(`r must be a non-negative finite tolerance, got ${r}`);
  return { m, r };
}

/** Indices 0..count-1 ordered by x[i] (ties by index, so the result does not depend on the sort). */
function sortedStarts(x: Float64Array, count: number): Int32Array {
  const idx = new Int32Array(count);
  for (let i = 0; i < count; i++) idx[i] = i;
  idx.sort((a, b) => (x[a]! - x[b]!) || (a - b));
  return idx;
}

/** Pair counts of sample entropy: B (length m) and A (length m + 1) over the first N - m templates. */
export function sampleEntropyCounts(xIn: ArrayLike<number>, opts: EntropyOptions = {}): { a: number; b: number; r: number } {
  const x = Float64Array.from(xIn);
  const { m, r } = params(x, opts);
  const count = x.length - m;
  if (count < 2) return { a: 0, b: 0, r };
  // Richman & Moorman: N - m templates for both lengths, so that every length-m template counted
  // has a length-(m+1) extension and A/B is a conditional probability.
  const ord = sortedStarts(x, count);
  let a = 0, b = 0;
  for (let p = 0; p < count; p++) {
    const i = ord[p]!;
    const xi = x[i]!;
    for (let q = p + 1; q < count; q++) {
      const j = ord[q]!;
      if (x[j]! - xi > r) break;
      let k = 1;
      while (k < m && Math.abs(x[i + k]! - x[j + k]!) <= r) k++;
      if (k < m) continue;
      b++;
      if (Math.abs(x[i + m]! - x[j + m]!) <= r) a++;
    }
  }
  return { a, b, r };
}

/**
 * Sample entropy -ln(A/B) = ln(B/A) (Richman & Moorman 2000): A and B count template pairs (self-matches
 * excluded) of length m+1 and m within Chebyshev distance r (d <= r). NaN when A or B is 0
 * (the statistic is undefined there; nolds would return inf).
 */
export function sampleEntropy(x: ArrayLike<number>, opts: EntropyOptions = {}): number {
  const { a, b } = sampleEntropyCounts(x, opts);
  return a > 0 && b > 0 ? Math.log(b / a) : NaN;
}

/**
 * Approximate entropy Phi_m(r) - Phi_{m+1}(r) (Pincus 1991), with Phi_k the mean over the N-k+1
 * templates of ln(C_i), C_i the fraction of templates within r of template i, itself included.
 */
export function approximateEntropy(xIn: ArrayLike<number>, opts: EntropyOptions = {}): number {
  const x = Float64Array.from(xIn);
  const { m, r } = params(x, opts);
  const n = x.length;
  const countM = n - m + 1, countM1 = n - m;
  if (countM1 < 1) return NaN;
  const cm = new Float64Array(countM).fill(1);
  const cm1 = new Float64Array(countM1).fill(1);
  const ord = sortedStarts(x, countM);
  for (let p = 0; p < countM; p++) {
    const i = ord[p]!;
    const xi = x[i]!;
    for (let q = p + 1; q < countM; q++) {
      const j = ord[q]!;
      if (x[j]! - xi > r) break;
      let k = 1;
      while (k < m && Math.abs(x[i + k]! - x[j + k]!) <= r) k++;
      if (k < m) continue;
      cm[i]!++;
      cm[j]!++;
      if (i < countM1 && j < countM1 && Math.abs(x[i + m]! - x[j + m]!) <= r) {
        cm1[i]!++;
        cm1[j]!++;
      }
    }
  }
  let phiM = 0, phiM1 = 0;
  for (let i = 0; i < countM; i++) phiM += Math.log(cm[i]! / countM);
  for (let i = 0; i < countM1; i++) phiM1 += Math.log(cm1[i]! / countM1);
  return phiM / countM - phiM1 / countM1;
}
