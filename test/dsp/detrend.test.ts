import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { needShared, repoRoot, shared } from '../helpers/shared.js';
import { detrend } from '../../src/dsp/detrend.js';
// Golden cases made by test/golden/dsp/make_filter_extra.py (scipy.signal.detrend).

interface Case { fn: string; name: string; args: Record<string, unknown>; input: number[] | null; expected: unknown }
const golden = (JSON.parse(readFileSync(join(repoRoot, 'test/golden/dsp/filter_extra.json'), 'utf8')) as { cases: Case[] }).cases;

function relErr(got: ArrayLike<number>, exp: ArrayLike<number>): number {
  assert.equal(got.length, exp.length, 'length');
  let d = 0, s = 0;
  for (let i = 0; i < exp.length; i++) {
    d = Math.max(d, Math.abs(got[i]! - exp[i]!));
    s = Math.max(s, Math.abs(exp[i]!));
  }
  return d / (s > 0 ? s : 1);
}

function throwsNaming(fn: () => unknown, re: RegExp): void {
  assert.throws(fn, (e: Error) => (e instanceof RangeError || e instanceof TypeError) && re.test(e.message));
}

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
