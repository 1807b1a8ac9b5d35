import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { medianBias, periodogram, welch, type PeriodogramOptions, type WelchOptions } from '../../src/dsp/spectral.js';
import type { WindowSpec } from '../../src/dsp/windows.js';
import { needShared, repoRoot, shared } from '../helpers/shared.js';
import { assertAllClose, edgeCases } from '../helpers/edge-cases.js';

// Extra expected values: test/golden/dsp/make_spectral_extra.py (scipy.signal.welch / periodogram, SciPy 1.17).
interface Case { args: Record<string, unknown>; x: number[]; expectedF: number[]; expectedP: number[] }
const golden = JSON.parse(readFileSync(join(repoRoot, 'test/golden/dsp/spectral_extra.json'), 'utf8')) as { welch: Case[]; periodogram: Case[] };

/**
 * Relative error per value, the denominator floored at 1e-12 of the largest value: bins that are
 * rounding noise in SciPy too (the DC bin after mean removal, ~1e-30) are compared on that scale.
 */
function assertSpectrum(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i]! - expected[i]!) / Math.max(Math.abs(expected[i]!), 1e-12 * scale, 1e-300);
    if (err > tol) assert.fail(`${what}[${i}]: got ${actual[i]}, expected ${expected[i]} (relative error ${err})`);
  }
}

const camel = (k: string): string => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** Vector-file args (snake_case, SciPy names) as our options; tuples of window specs stay arrays. */
function options(args: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) if (keys.includes(camel(k))) out[camel(k)] = v;
  return out;
}
const WELCH_KEYS = ['fs', 'window', 'nperseg', 'noverlap', 'nfft', 'detrend', 'returnOnesided', 'scaling', 'average'] as const;
const PERIODOGRAM_KEYS = ['fs', 'window', 'nfft', 'detrend', 'returnOnesided', 'scaling'] as const;

interface VectorFile { cases: { name: string; args: Record<string, unknown>; input: number[]; expected: Record<string, number[]> }[] }

test('welch and periodogram match SciPy on every shared vector case', { skip: needShared('vectors/spectrum.json') }, () => {
  const file = JSON.parse(readFileSync(shared('vectors/spectrum.json'), 'utf8')) as VectorFile;
  assert.ok(file.cases.length > 0);
  for (const c of file.cases) {
    const w = welch(c.input, options(c.args, WELCH_KEYS) as WelchOptions);
    assertSpectrum(w.f, c.expected.welchF!, 1e-9, `${c.name} welchF`);
    assertSpectrum(w.p, c.expected.welchP!, 1e-9, `${c.name} welchP`);
    const p = periodogram(c.input, options(c.args, PERIODOGRAM_KEYS) as PeriodogramOptions);
    assertSpectrum(p.f, c.expected.periodogramF!, 1e-9, `${c.name} periodogramF`);
    assertSpectrum(p.p, c.expected.periodogramP!, 1e-9, `${c.name} periodogramP`);
  }
});

test('welch matches SciPy for odd and non-power-of-two segments, median average, spectrum scaling, detrend and window variants', () => {
  for (const c of golden.welch) {
    const opts = { ...c.args } as WelchOptions & { window?: WindowSpec };
    const r = welch(c.x, opts);
    const what = `welch ${JSON.stringify(c.args)}`;
    assertSpectrum(r.f, c.expectedF, 1e-12, `${what} f`);
    assertSpectrum(r.p, c.expectedP, 1e-9, `${what} p`);
  }
});

test('periodogram matches SciPy with truncating and padding nfft, windows, two-sided output and detrend variants', () => {
  for (const c of golden.periodogram) {
    const r = periodogram(c.x, c.args as PeriodogramOptions);
    const what = `periodogram ${JSON.stringify(c.args)}`;
    assertSpectrum(r.f, c.expectedF, 1e-12, `${what} f`);
    assertSpectrum(r.p, c.expectedP, 1e-9, `${what} p`);
  }
});

test('welch accepts the window as values and gives the same result as the named window', () => {
  const c = golden.welch[0]!;
  const named = welch(c.x, c.args as WelchOptions);
  const n = c.args.nperseg as number;
  const hann = new Float64Array(n).map((_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n));
  const values = welch(c.x, { ...(c.args as WelchOptions), window: hann, nperseg: undefined });
  assertSpectrum(values.p, named.p, 1e-12, 'window values');
});

test('medianBias is SciPy\'s bias of the median of n periodograms', () => {
  // 1 + sum_{i=1}^{(n-1)//2} (1/(2i+1) - 1/(2i))
  assert.equal(medianBias(1), 1);
  assert.equal(medianBias(2), 1);
  assert.ok(Math.abs(medianBias(3) - (1 + 1 / 3 - 1 / 2)) < 1e-15);
  assert.ok(Math.abs(medianBias(5) - (1 + 1 / 3 - 1 / 2 + 1 / 5 - 1 / 4)) < 1e-15);
});

test('an empty signal gives empty spectra', () => {
  assert.equal(welch([]).p.length, 0);
  assert.equal(periodogram([]).f.length, 0);
});

test('invalid arguments give a RangeError or TypeError naming the argument', () => {
  const x = new Float64Array(512).map((_, i) => Math.sin(i / 5));
  const cases: [() => unknown, ErrorConstructor, RegExp][] = [
    [() => welch(x, { nperseg: 0 }), RangeError, /nperseg/],
    [() => welch(x, { nperseg: -8 }), RangeError, /nperseg/],
    [() => welch(x, { nperseg: 64, noverlap: 64 }), RangeError, /noverlap/],
    [() => welch(x, { nperseg: 64, noverlap: -1 }), RangeError, /noverlap/],
    [() => welch(x, { nperseg: 64, nfft: 32 }), RangeError, /nfft/],
    [() => welch(x, { fs: 0 }), RangeError, /fs/],
    [() => welch(x, { fs: NaN }), RangeError, /fs/],
    [() => welch([1, NaN, 3]), RangeError, /x must not contain NaN/],
    [() => periodogram([1, 2, NaN]), RangeError, /x must not contain NaN/],
    [() => welch(x, { window: new Float64Array(100), nperseg: 64 }), RangeError, /nperseg/],
    [() => welch(x.subarray(0, 50), { window: new Float64Array(100) }), RangeError, /window length/],
    [() => periodogram(x, { window: new Float64Array(10) }), RangeError, /window length/],
    [() => welch(x, { scaling: 'psd' as 'density' }), TypeError, /scaling/],
    [() => welch(x, { average: 'max' as 'mean' }), TypeError, /average/],
    [() => welch(x, { detrend: 'quadratic' as 'linear' }), TypeError, /detrend/],
  ];
  for (const [fn, type, pattern] of cases) {
    assert.throws(fn, (e: unknown) => e instanceof type && pattern.test((e as Error).message), String(fn));
  }
});

test('nperseg longer than the signal is clipped to its length, as SciPy does', () => {
  const x = new Float64Array(100).map((_, i) => Math.cos(i / 3));
  const clipped = welch(x, { nperseg: 256 });
  const exact = welch(x, { nperseg: 100 });
  assert.deepEqual(clipped.p, exact.p);
  assert.equal(clipped.f.length, 51);
});

test('welch reads a SampleSource segment by segment with the same result as the array', () => {
  const x = Float64Array.from({ length: 5000 }, (_, i) => Math.sin(i / 7) + 0.3 * Math.cos(i / 2.3) + (i % 13) * 0.01);
  let reads = 0;
  const source = { length: x.length, read(start: number, out: Float64Array) { reads++; out.set(x.subarray(start, start + out.length)); } };
  for (const opts of [{ nperseg: 300, nfft: 4096, window: 'hamming' }, { nperseg: 256, detrend: 'linear' }, { nperseg: 500, average: 'median' }] as WelchOptions[]) {
    assert.deepEqual(welch(source, opts), welch(x, opts));
  }
  assert.ok(reads > 0);
  const bad = { length: 600, read(_start: number, out: Float64Array) { out.fill(NaN); } };
  assert.throws(() => welch(bad, { nperseg: 300 }), /NaN/);
});

// Many segments much shorter than nfft take the autocorrelation route; the mean of the segments'
// own periodograms (a different computation) must agree to rounding.
const shortSegments: { name: string; opts: WelchOptions; n: number }[] = [
  { name: 'pyHRV\'s 300-sample segments at nfft 4096', opts: { fs: 4, nperseg: 300, nfft: 4096 }, n: 20_000 },
  { name: 'linear detrend, Hamming window, density scaling', opts: { fs: 4, nperseg: 256, nfft: 2048, detrend: 'linear', window: 'hamming' }, n: 9_000 },
  { name: 'no overlap, spectrum scaling, two-sided', opts: { nperseg: 100, noverlap: 0, nfft: 1000, scaling: 'spectrum', returnOnesided: false }, n: 5_000 },
  { name: 'odd segment length and odd nfft', opts: { nperseg: 75, nfft: 999, detrend: false }, n: 3_000 },
];

for (const c of shortSegments) {
  test(`welch of many short segments at a long nfft equals the mean of their periodograms: ${c.name}`, () => {
    const x = Float64Array.from({ length: c.n }, (_, i) => 50 * Math.sin(i / 6.4) + 30 * Math.sin(i / 2.5 + 1) + ((i * 7919) % 211) / 10 + 0.002 * i);
    const o = c.opts;
    const nperseg = o.nperseg!, step = nperseg - (o.noverlap ?? Math.floor(nperseg / 2));
    const nseg = Math.floor((c.n - (nperseg - step)) / step);
    assert.ok(nseg >= 16);
    const got = welch(x, o);
    const mean = new Float64Array(got.p.length);
    for (let s = 0; s < nseg; s++) {
      const seg = periodogram(x.subarray(s * step, s * step + nperseg), { ...(o.fs ? { fs: o.fs } : {}), window: o.window ?? 'hann', nfft: o.nfft!, detrend: o.detrend ?? 'constant', scaling: o.scaling ?? 'density', returnOnesided: o.returnOnesided ?? true });
      for (let k = 0; k < mean.length; k++) mean[k]! += seg.p[k]! / nseg;
    }
    const peak = Math.max(...mean);
    for (let k = 0; k < mean.length; k++) assert.ok(Math.abs(got.p[k]! - mean[k]!) <= 1e-13 * peak, `bin ${k}: ${got.p[k]} vs ${mean[k]}`);
  });
}

// Edge cases from test/golden/dsp/make_edge_cases.py (scipy.signal.welch / periodogram, SciPy 1.17):
// nperseg above len(x), noverlap = nperseg - 1, odd nfft, median of an even number of segments,
// two-sided output, 1- and 2-sample signals, constant input. Tolerance 1e-10 relative to max(1, |p|).
type ScipySpectralOpts = { nperseg?: number; noverlap?: number; nfft?: number; window?: string | [string, number]; detrend?: 'constant' | 'linear' | false; scaling?: 'density' | 'spectrum'; average?: 'mean' | 'median'; return_onesided?: boolean };
function fromScipy(o: ScipySpectralOpts): WelchOptions {
  const { return_onesided, window, ...rest } = o;
  return { ...rest, ...(window === undefined ? {} : { window: window as WindowSpec }), ...(return_onesided === undefined ? {} : { returnOnesided: return_onesided }) };
}

test('welch matches SciPy on short signals, clipped nperseg, maximal overlap, odd nfft, median and two-sided edge cases', () => {
  for (const c of edgeCases<{ x: number[]; opts: ScipySpectralOpts }, { f: number[]; p: number[] }>('welch')) {
    const got = welch(c.args.x, fromScipy(c.args.opts));
    assertAllClose(got.f, c.expected.f, 1e-12, `${c.name}: f`);
    assertAllClose(got.p, c.expected.p, 1e-10, `${c.name}: p`);
  }
});

test('periodogram matches SciPy on 1- and 2-sample signals, truncating and odd padding nfft, and two-sided output', () => {
  for (const c of edgeCases<{ x: number[]; opts: ScipySpectralOpts }, { f: number[]; p: number[] }>('periodogram')) {
    const got = periodogram(c.args.x, fromScipy(c.args.opts) as PeriodogramOptions);
    assertAllClose(got.f, c.expected.f, 1e-12, `${c.name}: f`);
    assertAllClose(got.p, c.expected.p, 1e-10, `${c.name}: p`);
  }
});
