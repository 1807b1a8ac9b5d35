import { test } from 'node:test';
import assert from 'node:assert/strict';
import { arange, arangeLength, CubicSpline, interpLinear } from '../../src/dsp/interpolate.js';
import { assertAllClose, edgeCases } from '../helpers/edge-cases.js';

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!, a = actual[i]!;
    assert.ok(Math.abs(a - e) <= tol * Math.max(1, Math.abs(e)), `${what}[${i}]: ${a} vs ${e}`);
  }
}

test('CubicSpline matches scipy interp1d(kind="cubic") on uneven knots', () => {
  // scipy 1.17: interp1d([0, .8, 1.7, 2.5, 3.6, 4.2, 5.5], [800, 760, 820, 790, 850, 700, 780], 'cubic')(xq)
  const x = [0, 0.8, 1.7, 2.5, 3.6, 4.2, 5.5];
  const y = [800, 760, 820, 790, 850, 700, 780];
  const xq = [0, 0.3, 1.0, 2.2, 3.0, 4.0, 4.9, 5.4];
  const expected = [800.0, 756.1952590561431, 776.065905727277, 795.6643890873149, 834.9612201265164,
    761.0247072111172, 564.3638979788909, 710.7142314734308];
  close(new CubicSpline(x, y).evaluate(xq), expected, 1e-12, 'spline');
});

test('CubicSpline reproduces a cubic polynomial exactly (not-a-knot ends)', () => {
  const f = (v: number) => v * v * v - 2 * v * v + 0.5 * v - 3;
  const x = [-1, -0.2, 0.5, 1.1, 2.6, 3];
  const xq = [-1, -0.7, 0, 0.8, 1.9, 2.95, 3];
  close(new CubicSpline(x, x.map(f)).evaluate(xq), xq.map(f), 1e-12, 'cubic');
});

test('CubicSpline through 3 points is the parabola, through 2 the line', () => {
  const g = (v: number) => 2 * v * v - v + 1;
  close(new CubicSpline([0, 1, 3], [0, 1, 3].map(g)).evaluate([0.5, 2, 2.5]), [0.5, 2, 2.5].map(g), 1e-12, 'parabola');
  close(new CubicSpline([1, 3], [10, 20]).evaluate([1, 2, 2.5]), [10, 15, 17.5], 1e-12, 'line');
});

test('CubicSpline evaluates queries in any order and writes into a caller buffer', () => {
  const s = new CubicSpline([0, 1, 2, 3, 4], [0, 1, 8, 27, 64]);
  const out = new Float64Array(3);
  const r = s.evaluate([3.5, 0.5, 2.5], out);
  assert.equal(r, out);
  close(out, [42.875, 0.125, 15.625], 1e-12, 'x^3');
});

test('CubicSpline.evaluateGrid equals evaluate on the arange grid, bit for bit', () => {
  const x = Array.from({ length: 200 }, (_, i) => i * 0.8 + Math.sin(i) * 0.1);
  const s = new CubicSpline(x, x.map((v) => Math.cos(v / 3) * 100 + 800));
  const n = arangeLength(0, x[x.length - 1]!, 0.25);
  assert.deepEqual(s.evaluateGrid(0, 0.25, n), s.evaluate(arange(0, x[x.length - 1]!, 0.25)));
  assert.throws(() => s.evaluateGrid(0, 1, 5, new Float64Array(4)), /out/);
});

test('CubicSpline solves in a caller\'s work buffer to the same slopes, and refuses one too short', () => {
  const x = Array.from({ length: 50 }, (_, i) => i + Math.sin(i) * 0.2);
  const y = x.map((v) => Math.cos(v / 4) * 50 + 700);
  const work = new Float64Array(60).fill(123);
  assert.deepEqual(new CubicSpline(x, y, work).slopes, new CubicSpline(x, y).slopes);
  assert.throws(() => new CubicSpline(x, y, new Float64Array(49)), /work must hold 50/);
});

test('interpLinear interpolates piecewise linearly', () => {
  close(interpLinear([0, 1, 3], [0, 10, 30], [0, 0.5, 2, 3]), [0, 5, 20, 30], 1e-15, 'linear');
});

test('arange follows numpy: ceil((stop - start) / step) values, stop excluded', () => {
  close(arange(0, 1, 0.25), [0, 0.25, 0.5, 0.75], 0, 'exact stop');
  close(arange(0, 1.1, 0.25), [0, 0.25, 0.5, 0.75, 1], 0, 'past stop');
  assert.equal(arange(0, 1000, 250).length, 4);
  assert.equal(arange(2, 2, 1).length, 0);
  assert.equal(arangeLength(0, 1.1, 0.25), 5);
});

test('interpolators reject bad knots with messages naming the argument', () => {
  const cases: [() => unknown, RegExp][] = [
    [() => new CubicSpline([0, 1, 1, 2], [1, 2, 3, 4]), /x must be strictly increasing/],
    [() => new CubicSpline([0, 1], [1]), /same length/],
    [() => new CubicSpline([0], [1]), /at least 2 points/],
    [() => new CubicSpline([0, NaN], [1, 2]), /finite/],
    [() => interpLinear([0, 2, 1], [1, 2, 3], [0]), /x must be strictly increasing/],
    [() => arange(0, 1, 0), /step must be a positive/],
  ];
  for (const [fn, re] of cases) assert.throws(fn, (e: unknown) => e instanceof RangeError && re.test(e.message));
});

test('CubicSpline.evaluateGrid computes a piece of a longer grid as the whole grid has it, bit for bit', () => {
  const x = Float64Array.from({ length: 300 }, (_, i) => i * 0.8 + Math.sin(i) * 0.1);
  const s = new CubicSpline(x, x.map((v) => Math.cos(v / 3) * 100 + 800));
  const n = arangeLength(0, x[x.length - 1]!, 0.25);
  const whole = s.evaluateGrid(0, 0.25, n);
  for (const [from, count] of [[0, 10], [1, 1], [137, 300], [n - 5, 5]] as const) {
    assert.deepEqual(s.evaluateGrid(0, 0.25, count, new Float64Array(count), from), whole.subarray(from, from + count), `from ${from}`);
  }
});

// Edge cases from test/golden/dsp/make_edge_cases.py (scipy.interpolate.CubicSpline, default
// not-a-knot, SciPy 1.17): 4 knots (one cubic through all) and 5 uneven knots, evaluated from one
// unit before the first knot to one after the last. Tolerance 1e-12 relative to max(1, |y|).
test('CubicSpline with 4 and 5 uneven knots matches SciPy inside and when extrapolating', () => {
  for (const c of edgeCases<{ x: number[]; y: number[]; xq: number[] }, number[]>('cubicSpline')) {
    assertAllClose(new CubicSpline(c.args.x, c.args.y).evaluate(c.args.xq), c.expected, 1e-12, c.name);
  }
});
