import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Welford, kurtosis, mean, median, percentile, rms, skewness, std, variance } from '../../src/dsp/stats.js';
import { repoRoot } from '../helpers/shared.js';

// Expected values: test/golden/dsp/make_spectral_extra.py (numpy.mean/var/std/percentile/median,
// scipy.stats.skew/kurtosis with bias=True, NumPy 2.4 / SciPy 1.17). null: undefined for that length.
interface Case {
  x: number[]; mean: number; var: number; var1: number | null; std: number; skew: number | null; kurtosis: number | null;
  q: number[]; percentile: number[]; median: number; rms: number;
}
const golden = JSON.parse(readFileSync(join(repoRoot, 'test/golden/dsp/spectral_extra.json'), 'utf8')) as { stats: Case[] };

function close(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)), `${what}: got ${actual}, expected ${expected}`);
}

test('mean, variance, std, skewness, kurtosis, percentile, median and rms match NumPy/SciPy', () => {
  for (const c of golden.stats) {
    const what = `n=${c.x.length}`;
    close(mean(c.x), c.mean, 1e-14, `${what} mean`);
    close(variance(c.x), c.var, 1e-13, `${what} var`);
    if (c.var1 !== null) close(variance(c.x, 1), c.var1, 1e-13, `${what} var ddof=1`);
    close(std(c.x), c.std, 1e-13, `${what} std`);
    if (c.skew !== null) close(skewness(c.x), c.skew, 1e-12, `${what} skew`);
    if (c.kurtosis !== null) close(kurtosis(c.x), c.kurtosis, 1e-12, `${what} kurtosis`);
    const p = percentile(c.x, c.q);
    c.q.forEach((q, i) => assert.equal(p[i], c.percentile[i], `${what} percentile ${q}`));
    assert.equal(percentile(c.x, c.q[6]!), c.percentile[6]);
    assert.equal(median(c.x), c.median, `${what} median`);
    close(rms(c.x), c.rms, 1e-14, `${what} rms`);
  }
});

test('NaN in the input makes every statistic NaN, and an empty input gives NaN', () => {
  const x = [1, 2, NaN, 4];
  for (const f of [mean, variance, std, skewness, kurtosis, median, rms]) {
    assert.ok(Number.isNaN(f(x)), f.name);
    assert.ok(Number.isNaN(f([])), `${f.name} of []`);
  }
  assert.ok(Number.isNaN(percentile(x, 50)));
  assert.ok(Number.isNaN(percentile([], [10, 90])[1]!));
});

test('skewness and kurtosis of a constant are NaN, as SciPy gives for zero variance', () => {
  assert.ok(Number.isNaN(skewness([3, 3, 3, 3])));
  assert.ok(Number.isNaN(kurtosis([0, 0, 0])));
});

test('variance with ddof >= n is NaN, and invalid ddof or q give a RangeError naming them', () => {
  assert.ok(Number.isNaN(variance([1, 2], 2)));
  assert.throws(() => variance([1, 2], -1), (e: unknown) => e instanceof RangeError && /ddof/.test(e.message));
  assert.throws(() => percentile([1, 2], 101), (e: unknown) => e instanceof RangeError && /\bq\b/.test(e.message));
  assert.throws(() => percentile([1, 2], [50, NaN]), (e: unknown) => e instanceof RangeError && /\bq\b/.test(e.message));
  assert.throws(() => mean(null as unknown as number[]), (e: unknown) => e instanceof TypeError && /\bx\b/.test(e.message));
});

test('Welford agrees with the two-pass mean and variance, and merged chunks equal one pass', () => {
  for (const c of golden.stats) {
    const one = new Welford();
    one.pushArray(c.x);
    assert.equal(one.count, c.x.length);
    close(one.mean, c.mean, 1e-13, 'mean');
    close(one.variance(), c.var, 1e-12, 'variance');
    if (c.var1 !== null) close(one.variance(1), c.var1, 1e-12, 'variance ddof=1');
    const parts = [new Welford(), new Welford(), new Welford()];
    const cut1 = Math.floor(c.x.length / 3), cut2 = Math.floor((2 * c.x.length) / 3);
    parts[0]!.pushArray(c.x.slice(0, cut1));
    for (const v of c.x.slice(cut1, cut2)) parts[1]!.push(v);
    parts[2]!.pushArray(c.x.slice(cut2));
    const merged = new Welford();
    for (const p of parts) merged.merge(p);
    assert.equal(merged.count, c.x.length);
    close(merged.mean, c.mean, 1e-13, 'merged mean');
    close(merged.variance(), c.var, 1e-12, 'merged variance');
  }
  const empty = new Welford();
  assert.ok(Number.isNaN(empty.mean));
  assert.ok(Number.isNaN(empty.variance()));
});

// NumPy 2.4: np.sqrt(np.mean(np.array(x)**2)) is inf for [inf, 1], [-inf], [1e200, 1e200] (the squares
// overflow), and np.var / np.std of [1e200, -1e200] are inf. The compensated sums of rms and variance
// add a compensation term inf - inf = NaN as soon as a term is infinite, so NaN comes out instead
// (mean's sum guards that case; these loops do not).
const overflowing: { name: string; x: number[] }[] = [
  { name: 'an infinite sample', x: [Infinity, 1] },
  { name: 'a negative infinite sample', x: [-Infinity] },
  { name: 'squares beyond the float range', x: [1e200, 1e200] },
];
test('rms is Infinity when a sample is infinite or the squares overflow, as NumPy', () => {
  for (const c of overflowing) assert.equal(rms(c.x), Infinity, c.name);
});

test('variance and std are Infinity when the squared deviations overflow, as NumPy', () => {
  assert.equal(variance([1e200, -1e200]), Infinity);
  assert.equal(variance([3e200, 1e200, 2e200], 1), Infinity);
  assert.equal(std([1e200, -1e200]), Infinity);
});
