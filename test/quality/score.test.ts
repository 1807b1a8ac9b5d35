import { test } from 'node:test';
import assert from 'node:assert/strict';
import { levelOf, ramp, scoreWindow } from '../../src/quality/score.js';
import { configSchema } from '../../src/config/schema.js';
import type { Sqis } from '../../src/quality/sqi-names.js';

const q = configSchema.parse({}).quality;
const good: Sqis = { flatline: 0.002, clipping: 0, amplitude: 1.2, kurtosis: 20, skewness: 3, zeroCrossingRate: 20, baseline: 0.99, powerline: 0.001, hfNoise: 0.01, qrsPower: 0.6, bandPower: 0.98, snrDb: 17 };

test('ramp passes 0.05 at bad and 0.95 at good, in either direction, and keeps rising beyond', () => {
  assert.ok(Math.abs(ramp(2, 2, 5) - 0.05) < 1e-12 && Math.abs(ramp(5, 2, 5) - 0.95) < 1e-12);
  assert.ok(Math.abs(ramp(0.3, 0.3, 0.05) - 0.05) < 1e-12 && Math.abs(ramp(0.05, 0.3, 0.05) - 0.95) < 1e-12);
  assert.ok(ramp(6, 2, 5) > ramp(5.5, 2, 5));
  assert.equal(ramp(NaN, 0, 1), 0);
});

const levels: [number, string][] = [[0.9, 'excellent'], [0.85, 'excellent'], [0.7, 'good'], [0.6, 'fair'], [0.3, 'poor'], [0.1, 'unusable'], [0, 'unusable']];
for (const [score, level] of levels) test(`levelOf(${score}) is ${level}`, () => assert.equal(levelOf(score), level));

const windows: [string, Partial<Sqis>, (w: ReturnType<typeof scoreWindow>) => boolean][] = [
  ['a clean ECG window is excellent and fully processed', {}, (w) => w.level === 'excellent' && w.mode === 'full'],
  ['a mostly flat window is unusable, limited by flatline', { flatline: 0.8 }, (w) => w.score === 0 && w.limitedBy === 'flatline' && w.mode === 'skip'],
  ['a clipped window is unusable, limited by clipping', { clipping: 0.3 }, (w) => w.score === 0 && w.limitedBy === 'clipping'],
  ['Gaussian-like noise (kurtosis 0) is at most poor, limited by kurtosis', { kurtosis: 0 }, (w) => w.score < 0.5 && w.limitedBy === 'kurtosis'],
  ['baseline wander alone, which cleaning removes, leaves the window fair or better', { baseline: 0.3 }, (w) => w.score >= 0.5 && w.mode === 'full'],
  ['strong muscle noise lowers the score', { hfNoise: 0.4 }, (w) => w.score < 0.5 && w.limitedBy === 'hfNoise'],
];
for (const [name, patch, check] of windows) {
  test(`scoreWindow: ${name}`, () => {
    const w = scoreWindow({ ...good, ...patch }, 'ecg', q);
    assert.ok(check(w), JSON.stringify(w));
  });
}

/** The largest double below v (v > 0). */
function below(v: number): number {
  const f = new Float64Array([v]);
  const b = new BigInt64Array(f.buffer);
  b[0] = b[0]! - 1n;
  return f[0]!;
}

const floors: [number, string, string][] = [[0.85, 'excellent', 'good'], [0.7, 'good', 'fair'], [0.5, 'fair', 'poor'], [0.2, 'poor', 'unusable']];
for (const [floor, at, under] of floors) {
  test(`levelOf is ${at} exactly at ${floor} and ${under} just below it`, () => {
    assert.equal(levelOf(floor), at);
    assert.equal(levelOf(below(floor)), under);
  });
}

test('levelOf reads a score above 1 as excellent and a NaN score as unusable', () => {
  assert.equal(levelOf(1), 'excellent');
  assert.equal(levelOf(1.5), 'excellent');
  assert.equal(levelOf(Number.NaN), 'unusable');
});

test('scoreWindow gates on flatline and clipping only past their limits, not at them', () => {
  const at = scoreWindow({ ...good, flatline: q.flatlineMax, clipping: q.clippingMax }, 'ecg', q);
  assert.ok(at.score > 0.85 && at.limitedBy !== 'flatline' && at.limitedBy !== 'clipping', JSON.stringify(at));
  const flat = scoreWindow({ ...good, flatline: q.flatlineMax + 1e-9 }, 'ecg', q);
  assert.deepEqual([flat.score, flat.limitedBy, flat.level, flat.mode], [0, 'flatline', 'unusable', 'skip']);
  const clip = scoreWindow({ ...good, clipping: q.clippingMax + 1e-9 }, 'ecg', q);
  assert.deepEqual([clip.score, clip.limitedBy], [0, 'clipping']);
  // Flatline is checked first when both are past their limits.
  assert.equal(scoreWindow({ ...good, flatline: 1, clipping: 1 }, 'ecg', q).limitedBy, 'flatline');
});

test('scoreWindow gives a one-index type its ramp value: 0.5 at the midpoint, the fair floor, processed in full at reducedBelow', () => {
  // The ramp is 1 / (1 + e^0) = 0.5 exactly halfway between bad and good.
  const mid = (q.resp.bandPower.bad + q.resp.bandPower.good) / 2;
  const w = scoreWindow({ ...good, bandPower: mid }, 'resp', q);
  assert.equal(w.score, 0.5);
  assert.deepEqual([w.level, w.mode, w.limitedBy], ['fair', 'full', 'bandPower']);
  // A score exactly at skipBelow is reduced, not skipped; just under reducedBelow is reduced.
  assert.equal(scoreWindow({ ...good, bandPower: mid }, 'resp', { ...q, skipBelow: 0.5, reducedBelow: 0.6 }).mode, 'reduced');
  assert.equal(scoreWindow({ ...good, bandPower: mid }, 'resp', { ...q, skipBelow: 0.5, reducedBelow: 0.5 }).mode, 'full');
  assert.equal(scoreWindow({ ...good, bandPower: mid }, 'resp', { ...q, skipBelow: 0.6, reducedBelow: 0.7 }).mode, 'skip');
});

const byType: [Parameters<typeof scoreWindow>[1], Partial<Sqis>, string][] = [
  ['ppg', { bandPower: 0.1 }, 'bandPower'],
  ['eeg', { kurtosis: 30, bandPower: 0.95 }, 'kurtosis'],
  ['resp', { bandPower: 0.2, kurtosis: 0 }, 'bandPower'],
  ['unknown', { bandPower: 0.1 }, 'bandPower'],
];
for (const [type, patch, limitedBy] of byType) {
  test(`scoreWindow for ${type} with ${JSON.stringify(patch)} is limited by ${limitedBy}`, () => {
    const w = scoreWindow({ ...good, ...patch }, type, q);
    assert.equal(w.limitedBy, limitedBy, JSON.stringify(w));
    assert.ok(w.score < 0.7, `score ${w.score}`);
  });
}

test('scoreWindow floors a correctable PPG skewness at half, so it alone leaves the window fair at worst', () => {
  const w = scoreWindow({ ...good, bandPower: 0.99, skewness: -100 }, 'ppg', q);
  // Geometric mean of the band power ramp (about 1) and the 0.5 floor: just under sqrt(0.5).
  assert.ok(w.score >= 0.5 && w.score <= Math.SQRT1_2, `score ${w.score}`);
  assert.equal(w.limitedBy, 'skewness');
});

test('scoreWindow reads a NaN index as failing that index', () => {
  const w = scoreWindow({ ...good, bandPower: Number.NaN }, 'resp', q);
  assert.deepEqual([w.score, w.level, w.mode, w.limitedBy], [0, 'unusable', 'skip', 'bandPower']);
});
