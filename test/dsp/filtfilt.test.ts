import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { needShared, shared } from '../helpers/shared.js';
import { type Case, golden, relErr } from '../helpers/filter-golden.js';
import { filtfilt, sosfiltfilt, type PadType } from '../../src/dsp/filtfilt.js';
import { sosfilt } from '../../src/dsp/sosfilt.js';
import { butter } from '../../src/dsp/iir-design.js';
import { assertAllClose, edgeCases } from '../helpers/edge-cases.js';

// Made by test/golden/dsp/make_filter_extra.py (scipy.signal.sosfiltfilt / filtfilt with every padtype,
// signals of padlen + 1 samples and more, explicit padlen).

test('sosfiltfilt and filtfilt match SciPy on every vector case', { skip: needShared('vectors/iir_filter.json') }, () => {
  const file = JSON.parse(readFileSync(shared('vectors/iir_filter.json'), 'utf8')) as { cases: Case[] };
  assert.ok(file.cases.length > 0);
  for (const c of file.cases) {
    const exp = c.expected as Record<string, number[]>;
    assert.ok(relErr(sosfiltfilt(c.args.sos as number[][], c.input!), exp.sosfiltfilt!) <= 1e-9, c.name);
    assert.ok(relErr(filtfilt(c.args.b as number[], c.args.a as number[], c.input!), exp.filtfilt!) <= 1e-9, c.name);
  }
});

test('sosfiltfilt matches SciPy for every padtype, explicit padlen and signals just longer than padlen', () => {
  const cases = golden.filter((c) => c.fn === 'sosfiltfilt');
  assert.ok(cases.length >= 40);
  for (const c of cases) {
    const opts = { padtype: c.args.padtype as PadType | undefined, padlen: c.args.padlen as number | undefined };
    if (opts.padtype === undefined) delete opts.padtype;
    assert.ok(relErr(sosfiltfilt(c.args.sos as number[][], c.input!, opts), c.expected as number[]) <= 1e-9, c.name);
  }
});

test('filtfilt matches SciPy for every padtype and high-order polynomials', () => {
  const cases = golden.filter((c) => c.fn === 'filtfilt');
  assert.ok(cases.length >= 20);
  for (const c of cases) {
    const y = filtfilt(c.args.b as number[], c.args.a as number[], c.input!, { padtype: c.args.padtype as PadType });
    assert.ok(relErr(y, c.expected as number[]) <= 1e-9, c.name);
  }
});

test('sosfiltfilt with a butter design equals filtering forward, reversing, filtering and reversing', () => {
  const sos = butter(4, [0.5, 40], { btype: 'bandpass', fs: 360 });
  const x = Array.from({ length: 30_000 }, (_, i) => Math.sin(i / 9) + Math.cos(i / 3.1) * 0.5);
  const fwd = sosfilt(sos, x);
  const back = sosfilt(sos, fwd.reverse()).reverse();
  const y = sosfiltfilt(sos, x, { padtype: null });
  // padtype null starts from steady states, sosfilt from rest: compare after both transients
  // (the 0.5 Hz section needs about 5000 samples to settle to 1e-9).
  assert.ok(relErr(y.subarray(12_000, 18_000), back.subarray(12_000, 18_000)) < 1e-8);
});

test('sosfiltfilt and filtfilt refuse short signals, bad padding and NaN naming the argument', () => {
  const sos = [[1, 2, 1, 1, -0.5, 0.25]];
  const cases: [() => unknown, RegExp][] = [
    [() => sosfiltfilt(sos, new Float64Array(9)), /^x must be longer than padlen \(9\)/],
    [() => sosfiltfilt(sos, new Float64Array(20), { padlen: 20 }), /padlen \(20\)/],
    [() => sosfiltfilt(sos, new Float64Array(20), { padlen: -1 }), /^padlen/],
    [() => sosfiltfilt(sos, new Float64Array(20), { padtype: 'reflect' as PadType }), /^padtype/],
    [() => sosfiltfilt(sos, [...new Float64Array(20), NaN]), /^x must be finite/],
    [() => filtfilt([1, 1], [1], new Float64Array(6)), /padlen \(6\)/],
    [() => filtfilt([1, 1], [1], [...new Float64Array(20), Infinity]), /^x must be finite/],
    [() => filtfilt([1, 1], [0, 1], new Float64Array(20)), /a\[0\]/],
  ];
  for (const [fn, re] of cases) assert.throws(fn, (e: Error) => (e instanceof RangeError || e instanceof TypeError) && re.test(e.message));
});

test('sosfiltfilt writes into a caller-owned output, even the input itself, with the same result', () => {
  const sos = butter(4, [0.5, 40], { btype: 'bandpass', fs: 360 });
  const x = Float64Array.from({ length: 5000 }, (_, i) => Math.sin(i / 7) + 0.3 * Math.cos(i / 2.3) + (i % 97) / 97);
  const want = sosfiltfilt(sos, x);
  const out = new Float64Array(x.length);
  assert.equal(sosfiltfilt(sos, x, { out }), out);
  assert.deepEqual(out, want);
  const inPlace = Float64Array.from(x);
  assert.deepEqual(sosfiltfilt(sos, inPlace, { out: inPlace }), want);
  assert.throws(() => sosfiltfilt(sos, x, { out: new Float64Array(10) }), /out must have the signal's length/);
});

// Edge cases from test/golden/dsp/make_edge_cases.py (scipy.signal.sosfiltfilt / filtfilt, SciPy 1.17):
// signals of exactly the default padlen (27, valid only with padtype None or a shorter padlen) and one
// sample more, padlen 0, 1 and len(x) - 1 for every padtype; transfer functions on 1-13 samples,
// including a pure gain, an FIR (a = [1]) and a denominator longer than b with a0 = 2 and trailing
// zeros. Cases SciPy rejects (x not longer than padlen) are not in the file. Tolerance 1e-10.
test('sosfiltfilt matches SciPy on signals of padlen and padlen + 1 samples with every padtype and padlen 0, 1, n - 1', () => {
  for (const c of edgeCases<{ sos: number[][]; x: number[]; padtype: PadType; padlen: number | null }, number[]>('sosfiltfilt')) {
    const got = sosfiltfilt(c.args.sos, c.args.x, { padtype: c.args.padtype, ...(c.args.padlen === null ? {} : { padlen: c.args.padlen }) });
    assertAllClose(got, c.expected, 1e-10, c.name);
  }
});

test('filtfilt matches SciPy on 1-13 samples for gains, FIR and longer denominators with every padtype', () => {
  for (const c of edgeCases<{ b: number[]; a: number[]; x: number[]; padtype: PadType; padlen: number | null }, number[]>('filtfilt')) {
    const got = filtfilt(c.args.b, c.args.a, c.args.x, { padtype: c.args.padtype, ...(c.args.padlen === null ? {} : { padlen: c.args.padlen }) });
    assertAllClose(got, c.expected, 1e-10, c.name);
  }
});

test('a signal no longer than padlen is rejected as SciPy rejects it, and padtype null needs no length', () => {
  const sos = butter(4, [0.1, 0.4], { btype: 'bandpass' }); // default padlen 27
  assert.throws(() => sosfiltfilt(sos, new Float64Array(27)), /padlen \(27\)/);
  assert.equal(sosfiltfilt(sos, new Float64Array(27), { padtype: null }).length, 27);
  assert.throws(() => filtfilt([1, 2, 1], [1], [1, 2, 3], { padlen: 3 }), RangeError);
});
