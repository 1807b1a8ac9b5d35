import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { needShared, shared } from '../helpers/shared.js';
import { type Case, golden, relErr, throwsNaming } from '../helpers/filter-golden.js';
import { detrend } from '../../src/dsp/detrend.js';
// Golden cases made by test/golden/dsp/make_filter_extra.py (scipy.signal.detrend).

test('detrend linear matches SciPy on every vector case', { skip: needShared('vectors/smooth_resample.json') }, () => {
  const file = JSON.parse(readFileSync(shared('vectors/smooth_resample.json'), 'utf8')) as { cases: Case[] };
  assert.ok(file.cases.length > 0);
  for (const c of file.cases) assert.ok(relErr(detrend(c.input!), (c.expected as Record<string, number[]>).detrendLinear!) <= 1e-9, c.name);
});

test('detrend matches SciPy for constant type, a large offset and 1 or 2 samples', () => {
  const cases = golden.filter((c) => c.fn === 'detrend');
  assert.ok(cases.length >= 4);
  for (const c of cases) {
    const y = detrend(c.input!, (c.args as { type: 'linear' | 'constant' }).type);
    // Relative to the input scale: the result of a 2-sample linear detrend is rounding noise.
    const scale = Math.max(...c.input!.map(Math.abs));
    const exp = c.expected as number[];
    assert.ok(Math.max(...exp.map((v, i) => Math.abs(y[i]! - v))) <= 1e-12 * scale, c.name);
  }
});

test('detrend removes an exact line completely', () => {
  const y = detrend(Array.from({ length: 1000 }, (_, i) => 1e6 + 3.5 * i));
  assert.ok(Math.max(...y.map(Math.abs)) < 1e-8);
});

test('detrend refuses an unknown type and NaN naming the argument', () => {
  throwsNaming(() => detrend([1, 2], 'quadratic' as 'linear'), /^type/);
  throwsNaming(() => detrend([1, NaN]), /^x must be finite/);
});
