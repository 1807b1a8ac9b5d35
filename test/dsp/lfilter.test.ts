import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { needShared, shared } from '../helpers/shared.js';
import { type Case, golden, relErr } from '../helpers/filter-golden.js';
import { lfilter, lfilterZi } from '../../src/dsp/lfilter.js';

// Made by test/golden/dsp/make_filter_extra.py (scipy.signal.lfilter with zi, scipy.signal.lfilter_zi).

test('lfilter matches SciPy on every vector case', { skip: needShared('vectors/iir_filter.json') }, () => {
  const file = JSON.parse(readFileSync(shared('vectors/iir_filter.json'), 'utf8')) as { cases: Case[] };
  assert.ok(file.cases.length > 0);
  for (const c of file.cases) {
    const y = lfilter(c.args.b as number[], c.args.a as number[], c.input!);
    assert.ok(relErr(y, (c.expected as Record<string, number[]>).lfilter!) <= 1e-9, c.name);
  }
});

test('lfilter with high-order polynomials and an initial state matches SciPy output and final state', () => {
  const cases = golden.filter((c) => c.fn === 'lfilter');
  assert.ok(cases.length >= 4);
  for (const c of cases) {
    const exp = c.expected as { y: number[]; zf: number[] };
    const { y, zf } = lfilter(c.args.b as number[], c.args.a as number[], c.input!, c.args.zi as number[]);
    assert.ok(relErr(y, exp.y) <= 1e-9, c.name);
    assert.ok(relErr(zf, exp.zf) <= 1e-9, c.name);
  }
});

test('lfilterZi matches scipy.signal.lfilter_zi, a[0] != 1 included', () => {
  const cases = golden.filter((c) => c.fn === 'lfilter_zi');
  assert.ok(cases.some((c) => (c.args.a as number[])[0] !== 1));
  for (const c of cases) assert.ok(relErr(lfilterZi(c.args.b as number[], c.args.a as number[]), c.expected as number[]) <= 1e-9, c.name);
});

test('lfilter split at any point and resumed from zf equals one call', () => {
  const b = [0.2, 0.3, -0.1, 0.05], a = [1, -0.5, 0.2];
  const x = Array.from({ length: 300 }, (_, i) => Math.sin(i / 7) + (i % 5));
  const whole = lfilter(b, a, x);
  for (const cut of [1, 50, 299]) {
    const first = lfilter(b, a, x.slice(0, cut), [0, 0, 0]);
    const rest = lfilter(b, a, x.slice(cut), first.zf);
    assert.deepEqual(Float64Array.of(...first.y, ...rest.y), whole);
  }
});

test('lfilter refuses invalid coefficients, states and NaN input naming the argument', () => {
  const cases: [() => unknown, RegExp][] = [
    [() => lfilter([1], [0, 1], [1, 2]), /a\[0\]/],
    [() => lfilter([], [1], [1, 2]), /^b /],
    [() => lfilter([1], [], [1, 2]), /^a /],
    [() => lfilter([1, 1], [1], [1, NaN]), /^x must be finite/],
    [() => lfilter([1, 1, 1], [1], [1, 2], [0]), /^zi/],
    [() => lfilterZi([1, 1], [1, -1]), /pole/],
  ];
  for (const [fn, re] of cases) assert.throws(fn, (e: Error) => e instanceof RangeError && re.test(e.message));
});
