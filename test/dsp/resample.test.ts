import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { needShared, shared } from '../helpers/shared.js';
import { type Case, golden, relErr, throwsNaming } from '../helpers/filter-golden.js';
import { resamplePoly, upfirdn } from '../../src/dsp/resample.js';
import type { WindowSpec } from '../../src/dsp/windows.js';
import { assertAllClose, edgeCases } from '../helpers/edge-cases.js';
// Golden cases made by test/golden/dsp/make_filter_extra.py (scipy.signal.resample_poly, upfirdn).

test('resamplePoly matches SciPy on every vector case', { skip: needShared('vectors/smooth_resample.json') }, () => {
  const file = JSON.parse(readFileSync(shared('vectors/smooth_resample.json'), 'utf8')) as { cases: Case[] };
  assert.ok(file.cases.length > 0);
  for (const c of file.cases) {
    const a = c.args as { up: number; down: number };
    assert.ok(relErr(resamplePoly(c.input!, a.up, a.down), (c.expected as Record<string, number[]>).resamplePoly!) <= 1e-6, c.name);
  }
});

test('resamplePoly matches SciPy for common factors, windows, a custom FIR and short input', () => {
  const cases = golden.filter((c) => c.fn === 'resample_poly');
  assert.ok(cases.length >= 6);
  for (const c of cases) {
    const a = c.args as { up: number; down: number; window?: WindowSpec | number[] };
    const y = resamplePoly(c.input!, a.up, a.down, a.window === undefined ? {} : { window: a.window });
    assert.ok(relErr(y, c.expected as number[]) <= 1e-9, c.name);
  }
});

test('upfirdn matches SciPy for up- and downsampling', () => {
  const cases = golden.filter((c) => c.fn === 'upfirdn');
  assert.ok(cases.length >= 4);
  for (const c of cases) {
    const a = c.args as { h: number[]; up: number; down: number };
    assert.ok(relErr(upfirdn(a.h, c.input!, a.up, a.down), c.expected as number[]) <= 1e-12, c.name);
  }
});

test('resamplePoly keeps a slow sine on the resampled time grid', () => {
  const x = Array.from({ length: 3600 }, (_, i) => Math.sin((2 * Math.PI * 1.3 * i) / 360));
  const y = resamplePoly(x, 250, 360);
  assert.equal(y.length, 2500);
  for (let k = 200; k < 2300; k += 37) assert.ok(Math.abs(y[k]! - Math.sin((2 * Math.PI * 1.3 * k) / 250)) < 1e-3, `k ${k}`);
});

test('resamplePoly and upfirdn refuse bad factors, filters and NaN naming the argument', () => {
  throwsNaming(() => resamplePoly([1, 2, 3], 0, 2), /^up/);
  throwsNaming(() => resamplePoly([1, 2, 3], 2, 1.5), /^down/);
  throwsNaming(() => resamplePoly([1, NaN, 3], 2, 1), /^x must be finite/);
  throwsNaming(() => resamplePoly([1, 2, 3], 2, 1, { padtype: 'mean' as 'constant' }), /^padtype/);
  throwsNaming(() => resamplePoly([1, 2, 3], 2, 1, { window: [] }), /^window/);
  throwsNaming(() => upfirdn([], [1, 2]), /^h/);
  throwsNaming(() => upfirdn([1], [1, 2], 1, 0), /^down/);
});

// Edge cases from test/golden/dsp/make_edge_cases.py (scipy.signal.resample_poly / upfirdn, SciPy 1.17):
// 1-3 samples, ratios 1/3, 3, 2/3, 7/5, 6/4 (reduced by the gcd), an even-length filter given as
// values, filters longer than the signal. Tolerance 1e-12 relative to max(1, |y|).
test('resamplePoly and upfirdn match SciPy on signals of 1 to 3 samples with long and even-length filters', () => {
  for (const c of edgeCases<{ x: number[]; up: number; down: number; opts: { window?: number[] } }, number[]>('resamplePoly')) {
    assertAllClose(resamplePoly(c.args.x, c.args.up, c.args.down, c.args.opts), c.expected, 1e-12, c.name);
  }
  for (const c of edgeCases<{ h: number[]; x: number[]; up: number; down: number }, number[]>('upfirdn')) {
    assertAllClose(upfirdn(c.args.h, c.args.x, c.args.up, c.args.down), c.expected, 1e-12, c.name);
  }
});
