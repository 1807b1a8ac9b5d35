import { test } from 'node:test';
import assert from 'node:assert/strict';
import { approximateEntropy, sampleEntropy, sampleEntropyCounts } from '../../src/features/entropy.js';

// x = 1 2 1 2 1 3 1 2, m = 2, r = 0.5 (integers: a match means equal values).
const X = [1, 2, 1, 2, 1, 3, 1, 2];

test('sampleEntropy matches a hand count on a small series', () => {
  // Templates i = 0..5 (N - m = 6) for both lengths.
  // Length 2: (1,2) (2,1) (1,2) (2,1) (1,3) (3,1) -> matching pairs (0,2), (1,3): B = 2.
  // Length 3: (1,2,1) (2,1,2) (1,2,1) (2,1,3) (1,3,1) (3,1,2) -> only (0,2): A = 1.
  assert.deepEqual(sampleEntropyCounts(X, { m: 2, r: 0.5 }), { a: 1, b: 2, r: 0.5 });
  assert.equal(sampleEntropy(X, { m: 2, r: 0.5 }), Math.log(2));
});

test('approximateEntropy matches a hand count on a small series', () => {
  // Length 2, i = 0..6: (1,2) (2,1) (1,2) (2,1) (1,3) (3,1) (1,2); matches incl. self: 3 2 3 2 1 1 3.
  const phi2 = (3 * Math.log(3 / 7) + 2 * Math.log(2 / 7) + 2 * Math.log(1 / 7)) / 7;
  // Length 3, i = 0..5: (1,2,1) (2,1,2) (1,2,1) (2,1,3) (1,3,1) (3,1,2); matches: 2 1 2 1 1 1.
  const phi3 = (2 * Math.log(2 / 6) + 4 * Math.log(1 / 6)) / 6;
  const apen = approximateEntropy(X, { m: 2, r: 0.5 });
  assert.ok(Math.abs(apen - (phi2 - phi3)) < 1e-12, `${apen} vs ${phi2 - phi3}`);
});

test('a perfectly regular series has zero sample entropy; undefined cases are NaN', () => {
  const periodic = Array.from({ length: 60 }, (_, i) => [1, 5, 9][i % 3]!);
  assert.equal(sampleEntropy(periodic, { m: 2, r: 0.5 }), 0);
  assert.ok(Number.isNaN(sampleEntropy([1, 2, 3, 4, 5, 6], { m: 2, r: 0.1 })), 'no matches');
  assert.ok(Number.isNaN(sampleEntropy([1, 2], { m: 2, r: 1 })), 'too short');
});

test('the default tolerance is 0.2 * std with the chosen ddof', () => {
  const x = [1, 4, 2, 8, 5, 7, 1, 4, 2, 8, 5, 7, 3];
  const mean = x.reduce((a, b) => a + b, 0) / x.length;
  const ss = x.reduce((a, b) => a + (b - mean) ** 2, 0);
  assert.ok(Math.abs(sampleEntropyCounts(x).r - 0.2 * Math.sqrt(ss / (x.length - 1))) < 1e-12);
  assert.ok(Math.abs(sampleEntropyCounts(x, { rDdof: 0 }).r - 0.2 * Math.sqrt(ss / x.length)) < 1e-12);
});

test('entropy options are validated with messages naming them', () => {
  const cases: [() => unknown, RegExp][] = [
    [() => sampleEntropy(X, { m: 0 }), /m must be/],
    [() => sampleEntropy(X, { r: -1 }), /r must be/],
    [() => approximateEntropy(X, { rFactor: NaN }), /rFactor/],
  ];
  for (const [fn, re] of cases) assert.throws(fn, (e: unknown) => e instanceof RangeError && re.test(e.message));
});
