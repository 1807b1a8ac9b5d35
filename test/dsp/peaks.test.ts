import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findPeaks, peakProminences, peakWidths, type FindPeaksOptions, type FindPeaksResult } from '../../src/dsp/peaks.js';
import { needShared, repoRoot, shared } from '../helpers/shared.js';
import { assertAllClose, edgeCases } from '../helpers/edge-cases.js';

// Extra expected values: test/golden/dsp/make_spectral_extra.py (scipy.signal.find_peaks,
// peak_prominences, peak_widths, SciPy 1.17).
interface Golden {
  findPeaksSignals: Record<string, number[]>;
  findPeaks: { signal: string; args: FindPeaksOptions; expected: Record<string, number[]> }[];
  peakProperties: {
    signal: string; peaks: number[]; wlen: number | null; relHeight: number;
    prominences: number[]; leftBases: number[]; rightBases: number[];
    widths: number[]; widthHeights: number[]; leftIps: number[]; rightIps: number[];
  }[];
}
const golden = JSON.parse(readFileSync(join(repoRoot, 'test/golden/dsp/spectral_extra.json'), 'utf8')) as Golden;

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i]! - expected[i]!) <= tol * Math.max(1, Math.abs(expected[i]!)))) {
      assert.fail(`${what}[${i}]: got ${actual[i]}, expected ${expected[i]}`);
    }
  }
}

const INTEGER_KEYS = new Set(['peaks', 'leftBases', 'rightBases', 'plateauSizes', 'leftEdges', 'rightEdges']);

interface VectorFile { cases: { name: string; args: Record<string, unknown>; input: number[]; expected: Record<string, number[]> }[] }

test('findPeaks matches SciPy on every shared vector case: identical indices and prominences', { skip: needShared('vectors/find_peaks.json') }, () => {
  const file = JSON.parse(readFileSync(shared('vectors/find_peaks.json'), 'utf8')) as VectorFile;
  assert.ok(file.cases.length > 0);
  for (const c of file.cases) {
    const opts: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(c.args)) opts[k.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase())] = v;
    const r = findPeaks(c.input, opts as FindPeaksOptions);
    assert.deepEqual(Array.from(r.peaks), c.expected.peaks, `${c.name} peaks`);
    for (const [key, expected] of Object.entries(c.expected)) {
      if (key === 'peaks') continue;
      const actual = (r as unknown as Record<string, ArrayLike<number> | undefined>)[key];
      assert.ok(actual, `${c.name}: ${key} missing`);
      assertClose(actual, expected, 1e-12, `${c.name} ${key}`);
    }
  }
});

test('findPeaks matches SciPy with threshold, width, plateauSize, wlen, per-sample heights and flat peaks', () => {
  for (const c of golden.findPeaks) {
    const x = golden.findPeaksSignals[c.signal]!;
    const r = findPeaks(x, c.args) as unknown as Record<string, ArrayLike<number> | undefined>;
    const what = `${c.signal} ${JSON.stringify(c.args).slice(0, 80)}`;
    const expectedKeys = Object.keys(c.expected).sort();
    assert.deepEqual(Object.keys(r).filter((k) => r[k] !== undefined).sort(), expectedKeys, `${what}: properties`);
    for (const key of expectedKeys) {
      if (INTEGER_KEYS.has(key)) assert.deepEqual(Array.from(r[key]!), c.expected[key], `${what} ${key}`);
      else assertClose(r[key]!, c.expected[key]!, 1e-12, `${what} ${key}`);
    }
  }
});

test('peakProminences and peakWidths match SciPy, with and without wlen', () => {
  for (const c of golden.peakProperties) {
    const x = golden.findPeaksSignals[c.signal]!;
    const wlen = c.wlen ?? undefined;
    const prom = peakProminences(x, c.peaks, wlen);
    const what = `${c.signal} wlen=${c.wlen}`;
    assertClose(prom.prominences, c.prominences, 1e-12, `${what} prominences`);
    assert.deepEqual(Array.from(prom.leftBases), c.leftBases, `${what} leftBases`);
    assert.deepEqual(Array.from(prom.rightBases), c.rightBases, `${what} rightBases`);
    for (const w of [peakWidths(x, c.peaks, c.relHeight, undefined, wlen), peakWidths(x, c.peaks, c.relHeight, prom)]) {
      assertClose(w.widths, c.widths, 1e-12, `${what} widths`);
      assertClose(w.widthHeights, c.widthHeights, 1e-12, `${what} widthHeights`);
      assertClose(w.leftIps, c.leftIps, 1e-12, `${what} leftIps`);
      assertClose(w.rightIps, c.rightIps, 1e-12, `${what} rightIps`);
    }
  }
});

test('flat peaks are reported at their middle, rounded down, and edges are never peaks', () => {
  const cases: [number[], number[]][] = [
    [[0, 1, 1, 1, 0], [2]],
    [[0, 1, 1, 0], [1]],
    [[0, 2, 2, 1, 3, 3, 3, 3, 0], [1, 5]],
    [[3, 1, 2, 5], []], // a rising edge at the end is not a peak
    [[0, 1, 1, 2, 0], [3]], // a shoulder is not a plateau peak
    [[5, 5, 5], []],
    [[], []],
  ];
  for (const [x, want] of cases) assert.deepEqual(Array.from(findPeaks(x).peaks), want, JSON.stringify(x));
  const r = findPeaks([0, 2, 2, 1, 3, 3, 3, 3, 0], { plateauSize: 1 }) as FindPeaksResult;
  assert.deepEqual(Array.from(r.plateauSizes!), [2, 4]);
  assert.deepEqual(Array.from(r.leftEdges!), [1, 4]);
  assert.deepEqual(Array.from(r.rightEdges!), [2, 7]);
});

test('distance keeps the higher peak and, between equal heights, the later one', () => {
  assert.deepEqual(Array.from(findPeaks([0, 1, 0, 3, 0, 2, 0], { distance: 3 }).peaks), [3]);
  assert.deepEqual(Array.from(findPeaks([0, 2, 0, 1, 0, 2, 0], { distance: 3 }).peaks), [1, 5]);
  assert.deepEqual(Array.from(findPeaks([0, 2, 0, 2, 0], { distance: 2.5 }).peaks), [3]);
  assert.deepEqual(Array.from(findPeaks([0, 2, 0, 2, 0], { distance: 2 }).peaks), [1, 3]);
});

test('a [min, max] pair bounds the property on both sides, null leaving a side open', () => {
  const x = [0, 1, 0, 2, 0, 3, 0, 4, 0];
  assert.deepEqual(Array.from(findPeaks(x, { height: [2, 3] }).peaks), [3, 5]);
  assert.deepEqual(Array.from(findPeaks(x, { height: [null, 2] }).peaks), [1, 3]);
  assert.deepEqual(Array.from(findPeaks(x, { height: [3, null] }).peaks), [5, 7]);
  const perSample = new Float64Array(x.length).fill(2.5);
  assert.deepEqual(Array.from(findPeaks(x, { height: perSample }).peaks), [5, 7]);
});

test('invalid arguments give a RangeError or TypeError naming the argument', () => {
  const x = [0, 1, 0, 2, 0, 3, 0];
  const cases: [() => unknown, ErrorConstructor, RegExp][] = [
    [() => findPeaks(x, { distance: 0.5 }), RangeError, /distance/],
    [() => findPeaks(x, { distance: NaN }), RangeError, /distance/],
    [() => findPeaks(x, { prominence: 1, wlen: Infinity }), RangeError, /wlen/],
    [() => peakProminences(x, [1], 1), RangeError, /wlen/],
    [() => findPeaks([0, NaN, 0]), RangeError, /x must not contain NaN/],
    [() => peakProminences(x, [7]), RangeError, /peaks\[0\]/],
    [() => peakProminences(x, [1.5]), RangeError, /peaks\[0\]/],
    [() => peakWidths(x, [1], -0.1), RangeError, /relHeight/],
    [() => findPeaks(x, { width: 1, relHeight: -1 }), RangeError, /relHeight/],
    [() => findPeaks(x, { height: new Float64Array(3) }), RangeError, /height/],
    [() => findPeaks(x, { height: NaN }), RangeError, /height/],
    [() => peakWidths(x, [1, 3], 0.5, { prominences: new Float64Array(1), leftBases: new Int32Array(1), rightBases: new Int32Array(1) }), RangeError, /prominenceData/],
    [() => peakWidths(x, [3], 0.5, { prominences: new Float64Array([1]), leftBases: new Int32Array([4]), rightBases: new Int32Array([5]) }), RangeError, /prominenceData/],
  ];
  for (const [fn, type, pattern] of cases) {
    assert.throws(fn, (e: unknown) => e instanceof type && pattern.test((e as Error).message), String(fn));
  }
});

// Edge cases from test/golden/dsp/make_edge_cases.py (scipy.signal.find_peaks, peak_prominences,
// peak_widths, SciPy 1.17): plateaus touching both ends, 2- and 3-sample signals, every property at
// once with and without wlen (odd, even, fractional), rel_height 0, 1 and above 1, distance after a
// height band, an infinite peak, and prominences of samples that are not local maxima (the ends, a
// flat valley). Indices must be identical, values within 1e-12.
const SNAKE: Record<string, string> = {
  peak_heights: 'peakHeights', left_thresholds: 'leftThresholds', right_thresholds: 'rightThresholds',
  left_bases: 'leftBases', right_bases: 'rightBases', width_heights: 'widthHeights', left_ips: 'leftIps',
  right_ips: 'rightIps', plateau_sizes: 'plateauSizes', left_edges: 'leftEdges', right_edges: 'rightEdges',
};
function assertProperties(got: object, expected: Record<string, number[]>, what: string): void {
  const g = got as Record<string, ArrayLike<number> | undefined>;
  for (const [key, exp] of Object.entries(expected)) {
    const name = SNAKE[key] ?? key;
    const actual = g[name];
    assert.ok(actual, `${what}: ${name} missing`);
    if (INTEGER_KEYS.has(name)) assert.deepEqual(Array.from(actual), exp, `${what}: ${name}`);
    else assertAllClose(actual, exp, 1e-12, `${what}: ${name}`);
  }
}

test('findPeaks matches SciPy on edge plateaus, tiny signals, wlen variants, extreme relHeight, distance and infinite peaks', () => {
  for (const c of edgeCases<{ x: number[]; opts: Record<string, unknown> }, Record<string, number[]>>('findPeaks')) {
    const opts = Object.fromEntries(Object.entries(c.args.opts).filter(([, v]) => v !== null)) as FindPeaksOptions;
    assertProperties(findPeaks(c.args.x, opts), c.expected, c.name);
  }
});

test('peakProminences and peakWidths match SciPy for end samples, valleys and peaks cut by wlen', () => {
  for (const c of edgeCases<{ x: number[]; peaks: number[]; wlen: number | null }, Record<string, number[]>>('peakProminences')) {
    assertProperties(peakProminences(c.args.x, c.args.peaks, c.args.wlen ?? undefined), c.expected, c.name);
  }
  for (const c of edgeCases<{ x: number[]; peaks: number[]; wlen: number | null }, Record<string, number[]>>('peakWidths')) {
    assertProperties(peakWidths(c.args.x, c.args.peaks, 0.5, undefined, c.args.wlen ?? undefined), c.expected, c.name);
  }
});

// SciPy 1.17 _arg_wlen_as_expected accepts any wlen > 1 and rounds it up (2 and 2.5 act as 3); the
// option's own doc says "rounded up; >= 3", and 2.5 rounds up to 3. Expected values:
// scipy.signal.peak_prominences([0, 3, 1, 2, 0], [1], wlen=2) -> ([2.], [0], [2]).
test('a wlen between 1 and 3 is rounded up and acts as 3, as SciPy accepts it', () => {
  for (const wlen of [2, 2.5]) {
    const r = peakProminences([0, 3, 1, 2, 0], [1], wlen);
    assert.deepEqual(Array.from(r.prominences), [2]);
    assert.deepEqual([r.leftBases[0], r.rightBases[0]], [0, 2]);
  }
});

// scipy.signal.find_peaks([0, 1, 0, 2, 0], prominence=0, wlen=2**31)[1]['prominences'] -> [1., 2.]
// (a window longer than the signal is the whole signal). The window half-width is taken with
// `wlen >> 1`, a 32-bit shift: 2**31 wraps to a negative half-width and every prominence becomes 0.
test('a wlen of 2**31 or more limits nothing and gives the whole-signal prominences', () => {
  assert.deepEqual(Array.from(findPeaks([0, 1, 0, 2, 0], { prominence: 0, wlen: 2 ** 31 }).prominences!), [1, 2]);
  assert.deepEqual(Array.from(peakProminences([0, 1, 0, 2, 0], [1, 3], 2 ** 31 + 1).prominences), [1, 2]);
});
