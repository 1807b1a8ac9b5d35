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

// 32 digits of pi; reference counts and ApEn from a brute-force numpy implementation of the
// definitions (all pairs i < j < N - m for SampEn, self-matches included for ApEn, d <= r).
const PI = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4, 6, 2, 6, 4, 3, 3, 8, 3, 2, 7, 9, 5];

const countCases: { name: string; x: number[]; m: number; r: number; a: number; b: number }[] = [
  { name: 'r = 0 matches equal values only (same as r = 0.5 on integers)', x: X, m: 2, r: 0, a: 1, b: 2 },
  { name: 'digits of pi, m = 2, r = 1.5', x: PI, m: 2, r: 1.5, a: 11, b: 40 },
  { name: 'digits of pi, m = 3, r = 2', x: PI, m: 3, r: 2, a: 20, b: 50 },
  { name: 'a match of length m that does not extend', x: [1, 2, 1, 2, 5, 9], m: 2, r: 0.1, a: 0, b: 1 },
  { name: 'a constant series (default r = 0: every pair matches)', x: [5, 5, 5, 5, 5], m: 2, r: NaN, a: 3, b: 3 },
];
for (const c of countCases) {
  test(`sampleEntropyCounts follows Richman & Moorman on ${c.name}`, () => {
    const got = sampleEntropyCounts(c.x, Number.isNaN(c.r) ? { m: c.m } : { m: c.m, r: c.r });
    assert.equal(got.a, c.a, 'A');
    assert.equal(got.b, c.b, 'B');
  });
}

test('sampleEntropy is NaN without length-(m+1) matches and 0 on a constant series', () => {
  assert.ok(Number.isNaN(sampleEntropy([1, 2, 1, 2, 5, 9], { m: 2, r: 0.1 })));
  assert.equal(sampleEntropy([5, 5, 5, 5, 5]), 0);
  assert.ok(Math.abs(sampleEntropy(PI, { m: 2, r: 1.5 }) - Math.log(40 / 11)) < 1e-12);
});

test('approximateEntropy matches the numpy definition with r = 0 and on the digits of pi', () => {
  const cases: [number[], number, number][] = [[X, 0, 0.2836761495752671], [PI, 1.5, 0.7193197102087412], [[5, 5, 5, 5, 5], 0, 0]];
  for (const [x, r, want] of cases) {
    const got = approximateEntropy(x, { m: 2, r });
    assert.ok(Math.abs(got - want) < 1e-12, `${got} vs ${want}`);
  }
});

test('approximateEntropy of N = m + 1 values is ln(1/2) and of N = m values is NaN', () => {
  // m = 2, N = 3: two length-2 templates that do not match (C = 1/2 each), one length-3 template (C = 1).
  assert.ok(Math.abs(approximateEntropy([1, 2, 3], { m: 2, r: 0.5 }) - Math.log(0.5)) < 1e-15);
  assert.ok(Number.isNaN(approximateEntropy([1, 2], { m: 2, r: 0.5 })));
});
