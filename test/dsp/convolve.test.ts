import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chooseConvMethod, convolve, convolveDirect, fftConvolve, type ConvolveMode } from '../../src/dsp/convolve.js';
import { repoRoot } from '../helpers/shared.js';

// Expected values: test/golden/dsp/make_spectral_extra.py (scipy.signal.convolve(a, b, mode, method='direct'), SciPy 1.17).
interface Case { a: number[]; b: number[]; mode: ConvolveMode; expected: number[] }
const golden = JSON.parse(readFileSync(join(repoRoot, 'test/golden/dsp/spectral_extra.json'), 'utf8')) as { convolve: Case[] };

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  for (let i = 0; i < expected.length; i++) {
    if (Math.abs(actual[i]! - expected[i]!) > tol * scale) assert.fail(`${what}[${i}]: got ${actual[i]}, expected ${expected[i]}`);
  }
}

test('convolve, convolveDirect and fftConvolve match scipy.signal.convolve in every mode, either input longer', () => {
  for (const c of golden.convolve) {
    const what = `${c.a.length}x${c.b.length} ${c.mode}`;
    assertClose(convolveDirect(c.a, c.b, c.mode), c.expected, 1e-14, `direct ${what}`);
    assertClose(fftConvolve(c.a, c.b, c.mode), c.expected, 1e-13, `fft ${what}`);
    assertClose(convolve(c.a, c.b, c.mode), c.expected, 1e-13, `auto ${what}`);
    assertClose(convolve(c.a, c.b, c.mode, 'fft'), c.expected, 1e-13, `forced fft ${what}`);
  }
});

test('the default mode is full', () => {
  assert.deepEqual(Array.from(convolve([1, 2, 3], [0, 1, 0.5])), [0, 1, 2.5, 4, 1.5]);
});

test('chooseConvMethod picks the direct sum for short kernels and the FFT for long ones', () => {
  const long = new Float64Array(100_000);
  assert.equal(chooseConvMethod(long, new Float64Array(5)), 'direct');
  assert.equal(chooseConvMethod(long, new Float64Array(5000)), 'fft');
  assert.equal(chooseConvMethod(new Float64Array(8), new Float64Array(8)), 'direct');
  // 'valid' with equal lengths computes a single dot product
  assert.equal(chooseConvMethod(new Float64Array(4096), new Float64Array(4096), 'valid'), 'direct');
});

test('an empty input gives an empty output', () => {
  for (const mode of ['full', 'same', 'valid'] as const) {
    assert.equal(convolve([], [1, 2], mode).length, 0);
    assert.equal(fftConvolve([1, 2], [], mode).length, 0);
  }
});

test('an unknown mode or method gives a TypeError naming it', () => {
  assert.throws(() => convolve([1], [1], 'circular' as ConvolveMode), (e: unknown) => e instanceof TypeError && /mode/.test(e.message));
  assert.throws(() => fftConvolve([1], [1], 'x' as ConvolveMode), (e: unknown) => e instanceof TypeError && /mode/.test(e.message));
  assert.throws(() => convolve([1], [1], 'full', 'fast' as 'fft'), (e: unknown) => e instanceof TypeError && /method/.test(e.message));
  assert.throws(() => convolve(null as unknown as number[], [1]), (e: unknown) => e instanceof TypeError && /\ba\b/.test(e.message));
});
