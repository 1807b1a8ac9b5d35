import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lombscargle, lombscargleComplex, type LombScargleOptions } from '../../src/dsp/lombscargle.js';
import { repoRoot } from '../helpers/shared.js';

// Expected values: test/golden/dsp/make_spectral_extra.py (scipy.signal.lombscargle, SciPy 1.17,
// angular frequencies). "weights": true in args means the file's weights vector.
interface Golden {
  lombscargle: {
    x: number[]; y: number[]; weights: number[]; freqs: number[];
    cases: { args: Omit<LombScargleOptions, 'weights'> & { weights?: boolean }; expected: number[]; expectedRe?: number[]; expectedIm?: number[] }[];
  };
}
const { lombscargle: data } = JSON.parse(readFileSync(join(repoRoot, 'test/golden/dsp/spectral_extra.json'), 'utf8')) as Golden;

/** Error relative to the largest expected value: the periodogram's noise floor carries the fit's rounding. */
function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i]! - expected[i]!) <= tol * scale)) assert.fail(`${what}[${i}]: got ${actual[i]}, expected ${expected[i]}`);
  }
}

function optionsOf(args: Golden['lombscargle']['cases'][number]['args']): LombScargleOptions {
  const { weights, ...rest } = args;
  return weights ? { ...rest, weights: data.weights } : rest;
}

test('lombscargle matches SciPy for every normalize variant, floating mean, weights and precenter', () => {
  for (const c of data.cases) {
    const opts = optionsOf(c.args);
    assertClose(lombscargle(data.x, data.y, data.freqs, opts), c.expected, 1e-10, JSON.stringify(c.args));
    if (c.expectedRe && c.expectedIm) {
      const { normalize: _, ...rest } = opts;
      const z = lombscargleComplex(data.x, data.y, data.freqs, rest);
      assertClose(z.re, c.expectedRe, 1e-10, `${JSON.stringify(c.args)} re`);
      assertClose(z.im, c.expectedIm, 1e-10, `${JSON.stringify(c.args)} im`);
    }
  }
});

test('the power of a pure cosine at its own angular frequency is A^2 N / 4', () => {
  const t = Array.from({ length: 400 }, (_, i) => i * 0.05 + 0.01 * Math.sin(i));
  const y = t.map((v) => 2 * Math.cos(3 * v));
  const [p] = lombscargle(t, y, [3]);
  assert.ok(Math.abs(p! - (4 * 400) / 4) / 400 < 0.01, `got ${p}`); // the identity holds for large N only
});

test('invalid arguments give a RangeError or TypeError naming the argument', () => {
  const t = [0, 1, 2.5, 4], y = [1, 0, -1, 0.5];
  const cases: [() => unknown, ErrorConstructor, RegExp][] = [
    [() => lombscargle(t, [1, 2], [1]), RangeError, /x and y/],
    [() => lombscargle([], [], [1]), RangeError, /\bx\b/],
    [() => lombscargle(t, y, []), RangeError, /freqs/],
    [() => lombscargle(t, [1, NaN, 0, 0], [1]), RangeError, /y must not contain NaN/],
    [() => lombscargle(t, y, [NaN]), RangeError, /freqs/],
    [() => lombscargle(t, y, [1], { weights: [1, -1, 1, 1] }), RangeError, /weights/],
    [() => lombscargle(t, y, [1], { weights: [0, 0, 0, 0] }), RangeError, /weights/],
    [() => lombscargle(t, y, [1], { weights: [1, 1] }), RangeError, /weights/],
    [() => lombscargle(t, y, [1], { normalize: 'psd' as 'power' }), TypeError, /normalize/],
  ];
  for (const [fn, type, pattern] of cases) {
    assert.throws(fn, (e: unknown) => e instanceof type && pattern.test((e as Error).message), String(fn));
  }
});
