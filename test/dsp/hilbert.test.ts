import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { envelope, hilbert } from '../../src/dsp/hilbert.js';
import { needShared, repoRoot, shared } from '../helpers/shared.js';
import { assertAllClose, edgeCases } from '../helpers/edge-cases.js';

// Extra expected values: test/golden/dsp/make_spectral_extra.py (scipy.signal.hilbert(x, N=n), SciPy 1.17).
interface Case { x: number[]; n: number | null; expectedRe: number[]; expectedIm: number[] }
const golden = JSON.parse(readFileSync(join(repoRoot, 'test/golden/dsp/spectral_extra.json'), 'utf8')) as { hilbert: Case[] };

function maxAbsError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  assert.equal(actual.length, expected.length, 'length');
  let err = 0;
  for (let i = 0; i < expected.length; i++) err = Math.max(err, Math.abs(actual[i]! - expected[i]!));
  return err;
}

interface VectorFile { cases: { name: string; input: number[]; expected: Record<string, number[]> }[] }

test('the hilbert envelope matches SciPy on every shared vector case', { skip: needShared('vectors/smooth_resample.json') }, () => {
  const file = JSON.parse(readFileSync(shared('vectors/smooth_resample.json'), 'utf8')) as VectorFile;
  assert.ok(file.cases.length > 0);
  for (const c of file.cases) {
    const env = envelope(c.input);
    assert.ok(maxAbsError(env, c.expected.hilbertEnvelope!) <= 1e-6, c.name);
    const { re, im } = hilbert(c.input);
    const viaAnalytic = re.map((v, i) => Math.hypot(v, im[i]!));
    assert.ok(maxAbsError(viaAnalytic, c.expected.hilbertEnvelope!) <= 1e-6, `${c.name} |hilbert|`);
  }
});

test('hilbert matches scipy.signal.hilbert for prime, odd and even lengths, with padding and truncation', () => {
  for (const c of golden.hilbert) {
    const r = c.n === null ? hilbert(c.x) : hilbert(c.x, c.n);
    const what = `len=${c.x.length} n=${c.n}`;
    assert.ok(maxAbsError(r.re, c.expectedRe) <= 1e-12, `${what} re`);
    assert.ok(maxAbsError(r.im, c.expectedIm) <= 1e-12, `${what} im`);
  }
});

test('the imaginary part of the analytic signal of a cosine is the sine', () => {
  const n = 360, k = 9;
  const x = Array.from({ length: n }, (_, i) => Math.cos((2 * Math.PI * k * i) / n));
  const { re, im } = hilbert(x);
  for (let i = 0; i < n; i++) {
    assert.ok(Math.abs(re[i]! - x[i]!) < 1e-12);
    assert.ok(Math.abs(im[i]! - Math.sin((2 * Math.PI * k * i) / n)) < 1e-12);
  }
});

test('invalid arguments give a RangeError or TypeError naming the argument', () => {
  assert.throws(() => hilbert([1, NaN, 2]), (e: unknown) => e instanceof RangeError && /x must not contain NaN/.test(e.message));
  assert.throws(() => hilbert([1, 2, 3], 0), (e: unknown) => e instanceof RangeError && /\bn must be/.test(e.message));
  assert.throws(() => hilbert([], undefined), (e: unknown) => e instanceof RangeError && /\bn must be/.test(e.message));
  assert.throws(() => hilbert(null as unknown as number[]), (e: unknown) => e instanceof TypeError && /\bx\b/.test(e.message));
});

// Edge cases from test/golden/dsp/make_edge_cases.py (scipy.signal.hilbert, SciPy 1.17): 1-4 samples
// with N truncating (1, 2) or zero-padding (5, 8) the input. Tolerance 1e-13 relative to max(1, |z|).
test('hilbert matches SciPy on 1 to 4 samples with N truncating or zero-padding, odd and even', () => {
  for (const c of edgeCases<{ x: number[]; N: number | null }, { re: number[]; im: number[] }>('hilbert')) {
    const z = hilbert(c.args.x, c.args.N ?? undefined);
    assertAllClose(z.re, c.expected.re, 1e-13, `${c.name}: re`);
    assertAllClose(z.im, c.expected.im, 1e-13, `${c.name}: im`);
  }
});
