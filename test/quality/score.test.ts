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
