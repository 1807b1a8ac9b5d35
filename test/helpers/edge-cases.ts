import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './shared.js';

/** One case of test/golden/dsp/edge_cases.json (made by make_edge_cases.py, SciPy 1.17 / NumPy 2.4). */
export interface EdgeCase<A = Record<string, unknown>, E = unknown> { name: string; args: A; expected: E }

/** JSON strings "inf", "-inf", "nan" (non-finite floats) back to numbers, recursively. */
function decode(v: unknown): unknown {
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  if (v === 'nan') return NaN;
  if (Array.isArray(v)) return v.map(decode);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, t]) => [k, decode(t)]));
  return v;
}

const file = decode(JSON.parse(readFileSync(join(repoRoot, 'test/golden/dsp/edge_cases.json'), 'utf8'))) as Record<string, unknown>;

/** The cases of one section (welch, findPeaks, sosfiltfilt, ...). */
export function edgeCases<A = Record<string, unknown>, E = unknown>(section: string): EdgeCase<A, E>[] {
  const cases = file[section] as EdgeCase<A, E>[] | undefined;
  assert.ok(cases && cases.length > 0, `edge_cases.json has no section ${section}`);
  return cases;
}

/**
 * Asserts |got - exp| <= tol·max(1, |exp|) elementwise; equal infinities and NaN for NaN pass.
 * The length must match.
 */
export function assertAllClose(got: ArrayLike<number>, exp: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(got.length, exp.length, `${what}: length`);
  for (let i = 0; i < exp.length; i++) {
    const g = got[i]!, e = exp[i]!;
    if (Object.is(g, e) || (Number.isNaN(g) && Number.isNaN(e))) continue;
    if (!(Math.abs(g - e) <= tol * Math.max(1, Math.abs(e)))) assert.fail(`${what}[${i}]: got ${g}, expected ${e}`);
  }
}
