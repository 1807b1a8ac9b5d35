import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { needShared, shared } from '../helpers/shared.js';
import { type Case, golden, relErr, throwsNaming } from '../helpers/filter-golden.js';
import { savgolCoeffs, savgolFilter, type SavgolOptions } from '../../src/dsp/savgol.js';
import { assertAllClose, edgeCases } from '../helpers/edge-cases.js';
// Golden cases made by test/golden/dsp/make_filter_extra.py (scipy.signal.savgol_filter).

test('savgolFilter matches SciPy on every vector case', { skip: needShared('vectors/smooth_resample.json') }, () => {
  const file = JSON.parse(readFileSync(shared('vectors/smooth_resample.json'), 'utf8')) as { cases: Case[] };
  assert.ok(file.cases.length > 0);
  for (const c of file.cases) {
    const a = c.args as { savgolWindow: number; savgolOrder: number };
    const y = savgolFilter(c.input!, a.savgolWindow, a.savgolOrder);
    assert.ok(relErr(y, (c.expected as Record<string, number[]>).savgol!) <= 1e-9, c.name);
  }
});

test('savgolFilter matches SciPy for even windows, derivatives, every mode and window = signal length', () => {
  const cases = golden.filter((c) => c.fn === 'savgol_filter');
  assert.ok(cases.length >= 10);
  for (const c of cases) {
    const { windowLength, polyorder, ...opts } = c.args as unknown as { windowLength: number; polyorder: number } & SavgolOptions;
    assert.ok(relErr(savgolFilter(c.input!, windowLength, polyorder, opts), c.expected as number[]) <= 1e-9, c.name);
  }
});

test('savgolCoeffs reproduce a polynomial of the fitted order exactly, derivative included', () => {
  const c = savgolCoeffs(9, 3), d = savgolCoeffs(9, 3, 1, 0.5);
  const p = (t: number): number => 1 - 2 * t + 0.5 * t ** 3;
  // Derivative with respect to time: samples are 0.5 apart.
  const dp = (t: number): number => -2 + 1.5 * t ** 2;
  let s = 0, ds = 0;
  for (let j = 0; j < 9; j++) {
    s += c[j]! * p(j - 4);
    ds += d[j]! * p(j - 4);
  }
  assert.ok(Math.abs(s - p(0)) < 1e-12);
  assert.ok(Math.abs(ds - dp(0) / 0.5) < 1e-12);
});

test('savgolFilter refuses bad window, order, mode and NaN naming the argument', () => {
  const x = new Float64Array(20).map((_, i) => i);
  throwsNaming(() => savgolFilter(x, 5, 5), /^polyorder must be less than windowLength/);
  throwsNaming(() => savgolFilter(x, 0, 0), /^windowLength/);
  throwsNaming(() => savgolFilter(x, 21, 2), /^windowLength must not exceed the signal length \(20\)/);
  throwsNaming(() => savgolFilter(x, 5, 2, { deriv: -1 }), /^deriv/);
  throwsNaming(() => savgolFilter(x, 5, 2, { delta: 0 }), /^delta/);
  throwsNaming(() => savgolFilter(x, 5, 2, { mode: 'reflect' as 'mirror' }), /^mode/);
  throwsNaming(() => savgolFilter([1, 2, NaN, 4, 5, 6], 5, 2), /^x must be finite/);
});

// Edge cases from test/golden/dsp/make_edge_cases.py (scipy.signal.savgol_filter, SciPy 1.17): even
// windows in every mode, windows of 1 and 2, a window as long as the signal in mode 'interp',
// derivatives up to order 3 with delta, windows longer than the signal in mirror/wrap/nearest.
// Tolerance 1e-9 relative to max(1, |y|).
test('savgolFilter matches SciPy for even windows, windows of 1, 2 and len(x), derivatives and long windows in every mode', () => {
  for (const c of edgeCases<{ x: number[]; w: number; p: number; opts: SavgolOptions }, number[]>('savgol')) {
    assertAllClose(savgolFilter(c.args.x, c.args.w, c.args.p, c.args.opts), c.expected, 1e-9, c.name);
  }
});
