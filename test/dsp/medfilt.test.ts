import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { needShared, shared } from '../helpers/shared.js';
import { type Case, golden, relErr, throwsNaming } from '../helpers/filter-golden.js';
import { medfilt } from '../../src/dsp/medfilt.js';
import { assertAllClose, edgeCases } from '../helpers/edge-cases.js';
// Golden cases made by test/golden/dsp/make_filter_extra.py (scipy.signal.medfilt).

test('medfilt matches SciPy on every vector case', { skip: needShared('vectors/smooth_resample.json') }, () => {
  const file = JSON.parse(readFileSync(shared('vectors/smooth_resample.json'), 'utf8')) as { cases: Case[] };
  assert.ok(file.cases.length > 0);
  for (const c of file.cases) {
    const y = medfilt(c.input!, (c.args as { medfiltKernel: number }).medfiltKernel);
    assert.ok(relErr(y, (c.expected as Record<string, number[]>).medfilt!) <= 1e-9, c.name);
  }
});

test('medfilt matches SciPy for kernel 1, kernels longer than the signal and tied values', () => {
  const cases = golden.filter((c) => c.fn === 'medfilt');
  assert.ok(cases.length >= 4);
  for (const c of cases) assert.deepEqual(Array.from(medfilt(c.input!, (c.args as { kernelSize: number }).kernelSize)), c.expected as number[], c.name);
});

test('medfilt equals a brute-force zero-padded median on a seeded signal', () => {
  let s = 17;
  const x = Array.from({ length: 500 }, () => ((s = (s * 48271) % 2147483647) % 21) - 10);
  for (const k of [3, 5, 31, 101]) {
    const h = (k - 1) / 2;
    const expected = x.map((_, i) => {
      const w = Array.from({ length: k }, (_, j) => x[i - h + j] ?? 0).sort((a, b) => a - b);
      return w[h]!;
    });
    assert.deepEqual(Array.from(medfilt(x, k)), expected, `k ${k}`);
  }
});

test('medfilt defaults to kernel 3 and refuses even kernels and NaN naming the argument', () => {
  assert.deepEqual(Array.from(medfilt([5, 1, 4, 2, 3])), [1, 4, 2, 3, 2]);
  throwsNaming(() => medfilt([1, 2, 3], 4), /^kernelSize must be a positive odd integer, got 4/);
  throwsNaming(() => medfilt([1, 2, 3], 0), /^kernelSize/);
  throwsNaming(() => medfilt([1, NaN, 3]), /^x must be finite/);
});

// Edge cases from test/golden/dsp/make_edge_cases.py (scipy.signal.medfilt, SciPy 1.17): 1, 2, 3 and
// 7 samples with kernels 1 to 9 (longer than the signal: zero padded), ties and zeros. Exact.
test('medfilt matches SciPy for kernels longer than the signal and for ties', () => {
  for (const c of edgeCases<{ x: number[]; k: number }, number[]>('medfilt')) {
    assertAllClose(medfilt(c.args.x, c.args.k), c.expected, 0, c.name);
  }
});
