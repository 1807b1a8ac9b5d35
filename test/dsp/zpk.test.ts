import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type Complex, cx } from '../../src/dsp/complex.js';
import { type Zpk, bilinearZpk, lp2bpZpk, lp2bsZpk, lp2hpZpk, lp2lpZpk, zpk2sos } from '../../src/dsp/zpk.js';

function assertRowsClose(actual: number[][], expected: number[][], tol: number, label: string): void {
  assert.equal(actual.length, expected.length, `${label}: sections`);
  actual.forEach((row, i) => row.forEach((v, j) => {
    const w = expected[i]![j]!;
    assert.ok(Math.abs(v - w) <= tol * Math.max(1, Math.abs(w)), `${label}: [${i}][${j}] = ${v}, expected ${w}`);
  }));
}

/** Roots as [re, im] sorted by real then imaginary part, for comparing sets. */
const sorted = (roots: readonly Complex[]): [number, number][] =>
  roots.map((v): [number, number] => [v.re, v.im === 0 ? 0 : v.im]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);

function assertRootsClose(actual: readonly Complex[], expected: [number, number][], label: string): void {
  const a = sorted(actual);
  assert.equal(a.length, expected.length, `${label}: count`);
  a.forEach(([re, im], i) => {
    const [er, ei] = expected[i]!;
    assert.ok(Math.abs(re - er) <= 1e-14 * Math.max(1, Math.abs(er)) && Math.abs(im - ei) <= 1e-14 * Math.max(1, Math.abs(ei)),
      `${label}[${i}] = ${re}${im >= 0 ? '+' : ''}${im}j, expected ${er}${ei >= 0 ? '+' : ''}${ei}j`);
  });
}

// The three pairings of the example in scipy.signal.zpk2sos's docstring (SciPy 1.17).
const z1 = [-1, cx(-0.5, -0.5), cx(-0.5, 0.5)];
const p1 = [0.75, cx(0.8, 0.1), cx(0.8, -0.1)];
const pairingCases: [string, Parameters<typeof zpk2sos>[3], number[][]][] = [
  ['nearest', {}, [[1, 1, 0.5, 1, -0.75, 0], [1, 1, 0, 1, -1.6, 0.65]]],
  ['keep_odd', { pairing: 'keep_odd' }, [[1, 1, 0, 1, -0.75, 0], [1, 1, 0.5, 1, -1.6, 0.65]]],
  ['minimal', { pairing: 'minimal' }, [[0, 1, 1, 0, 1, -0.75], [1, 1, 0.5, 1, -1.6, 0.65]]],
];

test('zpk2sos pairs and orders sections as SciPy documents for each pairing', () => {
  for (const [label, opts, expected] of pairingCases) assertRowsClose(zpk2sos(z1, p1, 1, opts), expected, 1e-15, label);
});

test('zpk2sos puts the gain in the first section and the poles nearest the circle last', () => {
  // scipy.signal.zpk2sos([-1,-1,1,1,0.5j,-0.5j], [0.9,0.2+0.7j,0.2-0.7j,-0.3,0.5,0.6j,-0.6j], 0.01)
  const sos = zpk2sos([-1, -1, 1, 1, cx(0, 0.5), cx(0, -0.5)], [0.9, cx(0.2, 0.7), cx(0.2, -0.7), -0.3, 0.5, cx(0, 0.6), cx(0, -0.6)], 0.01);
  assertRowsClose(sos, [
    [0.01, 0.02, 0.01, 1, 0.3, 0],
    [1, 0, 0, 1, 0, 0.36],
    [1, 0, 0.25, 1, -0.4, 0.53],
    [1, -2, 1, 1, -1.4, 0.45],
  ], 1e-14, 'mixed');
});

test('zpk2sos of a pure gain is a single pass-through section', () => {
  assert.deepEqual(zpk2sos([], [], 3), [[3, 0, 0, 1, 0, 0]]);
  assert.deepEqual(zpk2sos([], [], 3, { analog: true }), [[0, 0, 3, 0, 0, 1]]);
});

// Reference values from scipy.signal.lp2lp_zpk / lp2hp_zpk / lp2bp_zpk / lp2bs_zpk / bilinear_zpk on
// z = [-2+1j, -2-1j, -3], p = [-1+2j, -1-2j, -0.5, -4], k = 2.5 (SciPy 1.17).
const proto: Zpk = { z: [cx(-2, 1), cx(-2, -1), cx(-3)], p: [cx(-1, 2), cx(-1, -2), cx(-0.5), cx(-4)], k: 2.5 };
const transformCases: [string, () => Zpk, [number, number][], [number, number][], number][] = [
  ['lp2lpZpk(wo = 3)', () => lp2lpZpk(proto, 3), [[-9, 0], [-6, -3], [-6, 3]], [[-12, 0], [-3, -6], [-3, 6], [-1.5, 0]], 7.5],
  ['lp2hpZpk(wo = 3)', () => lp2hpZpk(proto, 3), [[-1.2000000000000002, -0.6000000000000001], [-1.2000000000000002, 0.6000000000000001], [-1, 0], [0, 0]],
    [[-6, 0], [-0.75, 0], [-0.6000000000000001, -1.2000000000000002], [-0.6000000000000001, 1.2000000000000002]], 3.75],
  ['lp2bpZpk(wo = 3, bw = 2)', () => lp2bpZpk(proto, 3, 2),
    [[-3, 0], [-3, 0], [-2.7781717519057016, -3.570126704165378], [-2.7781717519057016, 3.570126704165378], [-1.2218282480942981, -1.5701267041653781], [-1.2218282480942981, 1.5701267041653781], [0, 0]],
    [[-6.645751311064591, 0], [-1.5696975691862822, -5.510634603648856], [-1.5696975691862822, 5.510634603648856], [-1.3542486889354093, 0], [-0.5, -2.958039891549808], [-0.5, 2.958039891549808], [-0.4303024308137179, -1.5106346036488558], [-0.4303024308137179, 1.5106346036488558]], 5],
  ['lp2bsZpk(wo = 3, bw = 2)', () => lp2bsZpk(proto, 3, 2),
    [[-0.42684515291264913, -3.1800538019027282], [-0.42684515291264913, 3.1800538019027282], [-0.3731548470873509, -2.780053801902728], [-0.3731548470873509, 2.780053801902728], [-0.3333333333333333, -2.9814239699997196], [-0.3333333333333333, 2.9814239699997196], [0, -3], [0, 3]],
    [[-2, -2.23606797749979], [-2, 2.23606797749979], [-0.25, -2.9895651857753496], [-0.25, 2.9895651857753496], [-0.226489628093877, -3.4200499499837003], [-0.226489628093877, 3.4200499499837003], [-0.17351037190612303, -2.6200499499837004], [-0.17351037190612303, 2.6200499499837004]], 3.75],
  ['bilinearZpk(fs = 10)', () => bilinearZpk(proto, 10),
    [[-1, 0], [0.7391304347826086, 0], [0.8144329896907215, -0.08247422680412371], [0.8144329896907215, 0.08247422680412371]],
    [[0.6666666666666666, 0], [0.8876404494382023, -0.1797752808988764], [0.8876404494382023, 0.1797752808988764], [0.951219512195122, 0]], 0.1273750799305746],
];

test('frequency transforms and the bilinear transform move roots and gain as SciPy does', () => {
  for (const [label, run, zs, ps, k] of transformCases) {
    const out = run();
    assertRootsClose(out.z, zs, `${label} zeros`);
    assertRootsClose(out.p, ps, `${label} poles`);
    assert.ok(Math.abs(out.k - k) <= 1e-14 * Math.abs(k), `${label} gain ${out.k}, expected ${k}`);
  }
});

type Call = () => unknown;
const errorCases: [string, Call, RegExp][] = [
  ['more zeros than poles in a transform', () => lp2lpZpk({ z: [cx(1), cx(2)], p: [cx(-1)], k: 1 }, 2), /improper transfer function/],
  ['non-positive wo', () => lp2hpZpk(proto, 0), /wo must be a positive finite number, got 0/],
  ['NaN bandwidth', () => lp2bpZpk(proto, 1, NaN), /bw must be a positive finite number, got NaN/],
  ['non-positive fs in bilinear', () => bilinearZpk(proto, -1), /fs must be a positive finite number, got -1/],
  ['an unknown pairing', () => zpk2sos([1], [0.5], 1, { pairing: 'closest' as 'nearest' }), /pairing must be one of nearest, keep_odd, minimal/],
  ['analog with nearest pairing', () => zpk2sos([1], [0.5], 1, { analog: true, pairing: 'nearest' }), /pairing must be 'minimal' for an analog/],
  ['analog with more zeros than poles', () => zpk2sos([1, 2], [0.5], 1, { analog: true }), /at least as many poles as zeros/],
  ['a complex pole without its conjugate', () => zpk2sos([], [cx(0.5, 0.5)], 1), /no matching conjugate/],
  ['a NaN gain', () => zpk2sos([], [0.5], NaN), /k must be a finite number, got NaN/],
  ['a NaN pole', () => zpk2sos([], [NaN], 1), /zeros and poles must be finite/],
];

test('invalid zpk arguments throw RangeErrors that name the argument', () => {
  for (const [label, call, message] of errorCases) {
    assert.throws(call, (e: unknown) => e instanceof RangeError && message.test(e.message), label);
  }
});
