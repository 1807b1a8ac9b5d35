import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ppgPulseFeatures, pulseRate } from '../../src/signals/ppg-features.js';
import { ppgPeaks } from '../../src/signals/ppg.js';
import { syntheticPpg } from '../../src/signals/synthetic-ppg.js';

const close = (a: number, b: number, tol: number, what: string): void => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test('pulseRate is 60 over the median interval and NaN without an interval', () => {
  // Intervals 1.0, 1.0, 0.5 (a premature beat) and 1.0 s at 100 Hz: the median ignores the outlier.
  assert.equal(pulseRate([0, 100, 200, 250, 350], 100), 60);
  assert.equal(pulseRate([10, 85], 50), 40);
  assert.ok(Number.isNaN(pulseRate([5], 100)));
  assert.throws(() => pulseRate([0, 1], 0), /fs/);
});

test('ppgPulseFeatures measures amplitude, rise time, half-amplitude width and interval of triangular pulses', () => {
  // Pulse k: foot at 10 + 60 k (level 2), linear rise over 10 samples to 2 + h_k, linear fall over 20.
  const fs = 100;
  const x = new Float64Array(200).fill(2);
  const heights = [1, 3, 2];
  const peaks: number[] = [], onsets: number[] = [];
  heights.forEach((h, k) => {
    const o = 10 + 60 * k;
    for (let i = 0; i <= 10; i++) x[o + i] = 2 + (h * i) / 10;
    for (let i = 0; i <= 20; i++) x[o + 10 + i] = 2 + h * (1 - i / 20);
    onsets.push(o);
    peaks.push(o + 10);
  });
  const f = ppgPulseFeatures(x, fs, peaks, onsets);
  for (let k = 0; k < 3; k++) {
    close(f.amplitude[k]!, heights[k]!, 1e-12, `amplitude ${k}`);
    close(f.riseTime[k]!, 0.1, 1e-12, `rise ${k}`);
    // Half amplitude is crossed 5 samples before the peak and 10 after it.
    close(f.width[k]!, 0.15, 1e-12, `width ${k}`);
  }
  assert.ok(Number.isNaN(f.interval[0]!));
  close(f.interval[1]!, 0.6, 1e-12, 'interval 1');
  close(f.interval[2]!, 0.6, 1e-12, 'interval 2');
  // At 25 % of the amplitude the crossings are 7.5 before and 15 after the peak.
  close(ppgPulseFeatures(x, fs, peaks, onsets, { widthLevel: 0.25 }).width[1]!, 0.225, 1e-12, 'width at 25 %');
});

test('ppgPulseFeatures gives NaN width when a pulse does not fall back to half its amplitude', () => {
  const x = Float64Array.from({ length: 60 }, (_, i) => (i < 10 ? 0 : i <= 20 ? (i - 10) / 10 : 0.9));
  const f = ppgPulseFeatures(x, 100, [20], [10]);
  close(f.amplitude[0]!, 1, 1e-12, 'amplitude');
  assert.ok(Number.isNaN(f.width[0]!));
});

test('ppgPulseFeatures on detected synthetic pulses recovers the generated rate and a plausible morphology', () => {
  const fs = 250;
  const s = syntheticPpg({ fs, seconds: 60, heartRate: 75, rrStd: 0.02, noise: 0.01, seed: 5 });
  const { peaks, onsets } = ppgPeaks(s.signal, fs);
  const f = ppgPulseFeatures(s.signal, fs, peaks, onsets);
  const med = (v: Float64Array): number => {
    const a = Array.from(v).filter((u) => !Number.isNaN(u)).sort((p, q) => p - q);
    return a[a.length >> 1]!;
  };
  close(med(f.interval), 60 / 75, 0.03, 'median interval');
  // Pulses of amplitude 0.95-1.05 above a foot that sits on the run-off of the previous pulse.
  assert.ok(med(f.amplitude) > 0.8 && med(f.amplitude) < 1.1, `amplitude ${med(f.amplitude)}`);
  assert.ok(med(f.riseTime) > 0.1 && med(f.riseTime) < 0.3, `rise time ${med(f.riseTime)}`);
  assert.ok(med(f.width) > 0.1 && med(f.width) < 0.4, `width ${med(f.width)}`);
});

test('ppgPulseFeatures rejects mismatched or misplaced onsets by name', () => {
  const x = new Float64Array(100);
  assert.throws(() => ppgPulseFeatures(x, 100, [10, 20], [5]), /onsets must have one entry per peak/);
  assert.throws(() => ppgPulseFeatures(x, 100, [10], [12]), /onsets\[0\]/);
  assert.throws(() => ppgPulseFeatures(x, 100, [200], [12]), /peaks\[0\]/);
  assert.throws(() => ppgPulseFeatures(x, 100, [20, 10], [5, 8]), /strictly increasing/);
  assert.throws(() => ppgPulseFeatures(x, 100, [10], [5], { widthLevel: 1 }), /widthLevel/);
});
