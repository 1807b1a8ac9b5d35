import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sosfreqz } from '../../src/dsp/freqz.js';
import { type IirOptions, bessel, butter, cheby1, cheby2, ellip, iirfilter, iirfilterZpk } from '../../src/dsp/iir-design.js';
import type { Sos } from '../../src/dsp/types.js';
import { needShared, repoRoot, shared } from '../helpers/shared.js';

interface DesignArgs {
  kind: 'butter' | 'cheby1' | 'cheby2' | 'ellip' | 'bessel';
  order: number;
  wn: number[];
  btype: 'lowpass' | 'highpass' | 'bandpass' | 'bandstop';
  fs?: number | null;
  rp?: number;
  rs?: number;
  norm?: 'phase' | 'delay' | 'mag';
  analog?: boolean;
}
interface DesignCase {
  name: string;
  args: DesignArgs;
  expected: { sos: number[][]; freqHz?: number[]; magnitude?: number[] };
}

/** Calls the public design function for the case, with SciPy's argument order. */
function design(a: DesignArgs): Sos {
  const opts: IirOptions = { btype: a.btype, analog: a.analog ?? false };
  if (a.fs !== null && a.fs !== undefined) opts.fs = a.fs;
  switch (a.kind) {
    case 'butter': return butter(a.order, a.wn, opts);
    case 'cheby1': return cheby1(a.order, a.rp!, a.wn, opts);
    case 'cheby2': return cheby2(a.order, a.rs!, a.wn, opts);
    case 'ellip': return ellip(a.order, a.rp!, a.rs!, a.wn, opts);
    case 'bessel': return bessel(a.order, a.wn, { ...opts, norm: a.norm ?? 'phase' });
  }
}

/**
 * Coefficient check. |a - b| <= tol * max(|b|, s), s = min(1, largest |coefficient| of that row's
 * numerator or denominator). This is never looser than tol * max(1, |b|) (so it implies the acceptance
 * rule), but a row whose numerator carries a tiny overall gain (1e-20 for a narrow high-order band)
 * is compared relative to its own size instead of passing trivially. Coefficients that should cancel
 * to zero (b1 of a bandpass section) still get an absolute allowance scaled to the row.
 */
function assertSosClose(actual: Sos, expected: number[][], tol: number, label: string): void {
  assert.equal(actual.length, expected.length, `${label}: number of sections`);
  for (let i = 0; i < expected.length; i++) {
    for (const off of [0, 3]) {
      const row = expected[i]!.slice(off, off + 3);
      const s = Math.min(1, Math.max(...row.map(Math.abs)));
      for (let j = 0; j < 3; j++) {
        const got = actual[i]![off + j]!, want = row[j]!;
        const allowed = tol * Math.max(Math.abs(want), s);
        assert.ok(Math.abs(got - want) <= allowed, `${label}: sos[${i}][${off + j}] = ${got}, SciPy ${want} (allowed ${allowed})`);
      }
    }
  }
}

/**
 * Condition number of evaluating the sections at e^{jw}: sum over sections of sum|coef| / |poly|.
 * With poles within 1e-4 of the unit circle a section's denominator is the difference of numbers
 * near 1, so both SciPy's value and ours carry rounding of order eps * kappa; the magnitude check
 * allows that on top of the acceptance tolerance.
 */
function evaluationKappa(sos: number[][], w: number): number {
  const xr = Math.cos(w), xi = -Math.sin(w);
  let kappa = 0;
  for (const row of sos) {
    for (const off of [0, 3]) {
      const [c0, c1, c2] = [row[off]!, row[off + 1]!, row[off + 2]!];
      const pr = c0 + c1 * xr + c2 * (xr * xr - xi * xi), pi = c1 * xi + c2 * 2 * xr * xi;
      kappa += (Math.abs(c0) + Math.abs(c1) + Math.abs(c2)) / Math.hypot(pr, pi);
    }
  }
  return kappa;
}

function assertMagnitudeClose(sos: Sos, c: DesignCase, tol: number): void {
  const fs = c.args.fs ?? 2;
  const freqs = c.expected.freqHz!;
  const mags = c.expected.magnitude!;
  const { re, im } = sosfreqz(sos, { worN: freqs, fs });
  for (let i = 0; i < freqs.length; i++) {
    const got = Math.hypot(re[i]!, im[i]!), want = mags[i]!;
    const kappa = evaluationKappa(c.expected.sos, (2 * Math.PI * freqs[i]!) / fs);
    // At an exact transmission zero kappa is infinite and want is 0: no rounding allowance then.
    const allowed = tol * Math.max(1, want) + (want === 0 ? 0 : 8 * Number.EPSILON * kappa * want);
    assert.ok(Math.abs(got - want) <= allowed, `${c.name}: |H(${freqs[i]} Hz)| = ${got}, SciPy ${want} (allowed ${allowed})`);
  }
}

/** SciPy's acceptance tolerance: 1e-9 relative, 1e-6 for Bessel designs. */
const tolFor = (a: DesignArgs): number => (a.kind === 'bessel' ? 1e-6 : 1e-9);

function checkCases(cases: readonly DesignCase[]): void {
  assert.ok(cases.length > 0, 'the reference file holds cases');
  for (const c of cases) {
    const sos = design(c.args);
    assertSosClose(sos, c.expected.sos, tolFor(c.args), c.name);
    if (c.expected.magnitude) assertMagnitudeClose(sos, c, tolFor(c.args));
  }
}

const VECTORS = 'vectors/iir_design.json';

test('butter, cheby1, cheby2, ellip and bessel match SciPy on every shared vector case', { skip: needShared(VECTORS) }, () => {
  const file = JSON.parse(readFileSync(shared(VECTORS), 'utf8')) as { cases: DesignCase[] };
  checkCases(file.cases);
});

// Produced by test/golden/dsp/make_iir_design_extra.py: scipy.signal.<kind>(..., output='sos') and
// abs(scipy.signal.sosfreqz(sos, worN=freqHz, fs=fs)) for orders 1..10, every btype, fs given or
// not, cutoffs near 0 and Nyquist, narrow and wide bands, every Bessel norm, and a few analog designs.
const extra = JSON.parse(readFileSync(join(repoRoot, 'test/golden/dsp/iir_design_extra.json'), 'utf8')) as { cases: DesignCase[] };

for (const kind of ['butter', 'cheby1', 'cheby2', 'ellip', 'bessel'] as const) {
  test(`${kind} matches SciPy on the extra golden designs`, () => {
    checkCases(extra.cases.filter((c) => c.args.kind === kind));
  });
}

test('iirfilter gives the same sections as the named design functions', () => {
  const viaName = cheby1(5, 0.5, [3, 40], { btype: 'bandpass', fs: 250 });
  const viaIir = iirfilter(5, [3, 40], { ftype: 'cheby1', rp: 0.5, btype: 'bandpass', fs: 250 });
  assert.deepEqual(viaIir, viaName);
});

test('a one-element wn array designs the same filter as a plain number', () => {
  assert.deepEqual(butter(4, [97.58], { fs: 256 }), butter(4, 97.58, { fs: 256 }));
});

test('wn in Hz with fs designs the same filter as wn normalised to Nyquist', () => {
  const hz = ellip(4, 1, 40, [10, 30], { btype: 'bandstop', fs: 200 });
  const norm = ellip(4, 1, 40, [0.1, 0.3], { btype: 'bandstop' });
  assertSosClose(hz, norm, 1e-15, 'Hz vs normalised');
});

test('a digital design keeps its conjugate pairs and a real gain', () => {
  const { z, p, k } = iirfilterZpk(7, [0.2, 0.5], { ftype: 'ellip', rp: 0.5, rs: 60, btype: 'bandpass' });
  assert.equal(p.length, 14);
  assert.equal(z.length, 14);
  assert.ok(Number.isFinite(k) && k > 0);
  for (const v of p) assert.ok(Math.hypot(v.re, v.im) < 1, 'poles inside the unit circle');
  const imagSum = p.reduce((s, v) => s + v.im, 0);
  assert.ok(Math.abs(imagSum) < 1e-12, 'poles come in conjugate pairs');
});

type Call = () => unknown;
const errorCases: [string, Call, ErrorConstructor, RegExp][] = [
  ['order 0', () => butter(0, 0.3), RangeError, /order must be a positive integer, got 0/],
  ['order -2', () => butter(-2, 0.3), RangeError, /order must be a positive integer, got -2/],
  ['order 2.5', () => cheby1(2.5, 1, 0.3), RangeError, /order must be a positive integer, got 2.5/],
  ['order NaN', () => butter(NaN, 0.3), RangeError, /order must be a positive integer, got NaN/],
  ['order as a string', () => butter('4' as unknown as number, 0.3), TypeError, /order must be a number/],
  ['wn at Nyquist with fs', () => butter(4, 125, { fs: 250 }), RangeError, /wn must be below Nyquist \(fs\/2 = 125\), got 125/],
  ['wn above Nyquist with fs', () => butter(4, 130, { fs: 250 }), RangeError, /wn must be below Nyquist \(fs\/2 = 125\), got 130/],
  ['upper band edge above Nyquist', () => butter(2, [10, 200], { btype: 'bandpass', fs: 250 }), RangeError, /wn must be below Nyquist \(fs\/2 = 125\), got 200/],
  ['normalised wn of 1', () => butter(4, 1), RangeError, /wn must be below 1/],
  ['wn of 0', () => butter(4, 0, { fs: 100 }), RangeError, /wn must be greater than 0, got 0/],
  ['negative wn', () => cheby2(4, 40, -0.2), RangeError, /wn must be greater than 0, got -0.2/],
  ['NaN wn', () => butter(4, NaN), RangeError, /wn must be finite, got NaN/],
  ['NaN inside a wn pair', () => butter(4, [0.1, NaN], { btype: 'bandpass' }), RangeError, /wn must be finite/],
  ['wn pair not increasing', () => butter(2, [40, 10], { btype: 'bandpass', fs: 250 }), RangeError, /wn\[0\] must be less than wn\[1\], got \[40, 10\]/],
  ['wn pair equal', () => butter(2, [0.2, 0.2], { btype: 'bandstop' }), RangeError, /wn\[0\] must be less than wn\[1\]/],
  ['bandpass with one frequency', () => butter(2, 0.3, { btype: 'bandpass' }), RangeError, /wn must be a pair \[low, high\] for btype 'bandpass'/],
  ['bandstop with three frequencies', () => butter(2, [0.1, 0.2, 0.3], { btype: 'bandstop' }), RangeError, /wn must be a pair/],
  ['lowpass with a pair', () => butter(2, [0.1, 0.2]), RangeError, /wn must be a single frequency for btype 'lowpass'/],
  ['wn as a string', () => butter(2, '0.1' as unknown as number), TypeError, /wn must be a number or an array/],
  ['rp of 0', () => cheby1(4, 0, 0.3), RangeError, /rp must be a positive finite number of dB, got 0/],
  ['negative rp', () => ellip(4, -1, 40, 0.3), RangeError, /rp must be a positive finite number of dB, got -1/],
  ['NaN rp', () => cheby1(4, NaN, 0.3), RangeError, /rp must be a positive finite number of dB, got NaN/],
  ['rs of 0', () => cheby2(4, 0, 0.3), RangeError, /rs must be a positive finite number of dB, got 0/],
  ['negative rs', () => ellip(4, 1, -40, 0.3), RangeError, /rs must be a positive finite number of dB, got -40/],
  ['rs missing from iirfilter', () => iirfilter(4, 0.3, { ftype: 'cheby2' }), TypeError, /rs must be given for ftype 'cheby2'/],
  ['ellip with rs below rp', () => ellip(4, 3, 2, 0.3), RangeError, /cannot design an elliptic filter with rp = 3 dB and rs = 2 dB/],
  ['fs of 0', () => butter(4, 10, { fs: 0 }), RangeError, /fs must be a positive finite number, got 0/],
  ['NaN fs', () => butter(4, 10, { fs: NaN }), RangeError, /fs must be a positive finite number, got NaN/],
  ['fs with an analog design', () => butter(4, 10, { fs: 100, analog: true }), RangeError, /fs cannot be given for an analog filter/],
  ['unknown btype', () => butter(4, 0.3, { btype: 'notch' as 'lowpass' }), RangeError, /btype must be one of lowpass, highpass, bandpass, bandstop, got 'notch'/],
  ['unknown ftype', () => iirfilter(4, 0.3, { ftype: 'cauer' as 'ellip' }), RangeError, /ftype must be one of/],
  ['unknown Bessel norm', () => bessel(4, 0.3, { norm: 'group' as 'phase' }), RangeError, /norm must be one of phase, delay, mag, got 'group'/],
];

test('invalid design arguments throw errors that name the argument', () => {
  for (const [label, call, type, message] of errorCases) {
    assert.throws(call, (e: unknown) => e instanceof type && message.test((e as Error).message), label);
  }
});
