import { test } from 'node:test';
import assert from 'node:assert/strict';
import { abs, cx, div, mul, prod, sinh, sqrt } from '../../src/dsp/complex.js';

test('sqrt takes the principal branch, following the sign of a zero imaginary part on the cut', () => {
  const cases: [number, number, number, number][] = [
    [4, 0, 2, 0],
    [-4, 0, 0, 2],
    [-4, -0, 0, -2],
    [0, 2, 1, 1],
    [3, -4, 2, -1],
    [-3, 4, 1, 2],
  ];
  for (const [re, im, er, ei] of cases) {
    const r = sqrt(cx(re, im));
    assert.ok(Math.abs(r.re - er) < 1e-15 && Math.abs(r.im - ei) < 1e-15, `sqrt(${re}${Object.is(im, -0) ? '-0' : '+' + im}j) = ${r.re}+${r.im}j`);
  }
});

test('div inverts mul, also for divisors with tiny or huge components', () => {
  for (const b of [cx(3, 4), cx(1e-300, 2e-300), cx(1e300, -1e299), cx(0, 5)]) {
    const a = cx(-2, 7);
    const q = div(mul(a, b), b);
    assert.ok(abs(cx(q.re - a.re, q.im - a.im)) < 1e-14 * abs(a), `(${b.re}, ${b.im})`);
  }
});

test('sinh and prod agree with their defining formulas', () => {
  const s = sinh(cx(0.3, 1.1));
  const e = (x: number, y: number): [number, number] => [Math.exp(x) * Math.cos(y), Math.exp(x) * Math.sin(y)];
  const [pr, pi] = e(0.3, 1.1), [nr, ni] = e(-0.3, -1.1);
  assert.ok(Math.abs(s.re - (pr - nr) / 2) < 1e-15 && Math.abs(s.im - (pi - ni) / 2) < 1e-15);
  assert.deepEqual(prod([]), cx(1, 0));
  assert.deepEqual(prod([cx(0, 1), cx(0, 1)]), cx(-1, 0));
});
