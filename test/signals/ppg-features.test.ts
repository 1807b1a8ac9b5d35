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

for (const fs of [25, 100, 1000]) {
  test(`ppgPulseFeatures at ${fs} Hz measures the same triangular pulses in s as at any other rate`, () => {
    // Foot at 0.2 s (level 1), linear rise over 0.2 s to 3, linear fall over 0.4 s back to 1, then flat:
    // half amplitude (2) is crossed 0.1 s before and 0.2 s after the peak, whatever fs.
    const x = Float64Array.from({ length: fs }, (_, i) => {
      const t = i / fs;
      return t < 0.2 ? 1 : t < 0.4 ? 1 + 10 * (t - 0.2) : t < 0.8 ? 3 - 5 * (t - 0.4) : 1;
    });
    const f = ppgPulseFeatures(x, fs, [Math.round(0.4 * fs)], [Math.round(0.2 * fs)]);
    close(f.amplitude[0]!, 2, 1e-9, 'amplitude');
    close(f.riseTime[0]!, 0.2, 1e-12, 'rise time');
    close(f.width[0]!, 0.3, 1e-9, 'width');
  });
}

const edgeCases: { name: string; x: number[]; peaks: number[]; onsets: number[]; amplitude: number[]; rise: number[]; width: number[] }[] = [
  // fs = 10. Width at half amplitude with linear interpolation, worked by hand.
  { name: 'a crossing exactly on a sample counts from that sample', x: [0, 1, 2, 1, 0], peaks: [2], onsets: [0], amplitude: [2], rise: [0.2], width: [0.2] },
  { name: 'a pulse whose peak is the last sample has no width', x: [0, 0, 1, 2, 4], peaks: [4], onsets: [1], amplitude: [4], rise: [0.3], width: [NaN] },
  { name: 'an onset on the peak (a pulse on the first sample) has zero amplitude and no width', x: [5, 3, 1, 0], peaks: [0], onsets: [0], amplitude: [0], rise: [0], width: [NaN] },
  { name: 'an inverted pulse has a negative amplitude and no width', x: [0, -1, -2, -1, 0], peaks: [2], onsets: [0], amplitude: [-2], rise: [0.2], width: [NaN] },
  { name: 'a flat line at a non-zero level has zero amplitude and no width', x: [7, 7, 7, 7, 7, 7], peaks: [3, 5], onsets: [1, 4], amplitude: [0, 0], rise: [0.2, 0.1], width: [NaN, NaN] },
  { name: 'the right crossing is searched up to the next onset, inclusive', x: [0, 4, 3, 2, 1, 4, 0], peaks: [1, 5], onsets: [0, 4], amplitude: [4, 3], rise: [0.1, 0.1], width: [0.25, 0.0875] },
];
for (const c of edgeCases) {
  test(`ppgPulseFeatures: ${c.name}`, () => {
    const f = ppgPulseFeatures(c.x, 10, c.peaks, c.onsets);
    const same = (a: number, b: number): boolean => (Number.isNaN(b) ? Number.isNaN(a) : Math.abs(a - b) < 1e-12);
    c.amplitude.forEach((v, k) => assert.ok(same(f.amplitude[k]!, v), `amplitude ${k}: ${f.amplitude[k]}`));
    c.rise.forEach((v, k) => assert.ok(same(f.riseTime[k]!, v), `rise ${k}: ${f.riseTime[k]}`));
    c.width.forEach((v, k) => assert.ok(same(f.width[k]!, v), `width ${k}: ${f.width[k]}`));
  });
}

test('pulseRate at very low and very high rates, and with unevenly sampled beats', () => {
  // 30 bpm at 25 Hz: 50 samples apart; 240 bpm at 1000 Hz: 250 samples apart.
  assert.equal(pulseRate([0, 50, 100, 150], 25), 30);
  assert.equal(pulseRate([10, 260, 510], 1000), 240);
  // Median of 0.5, 1 and 2 s is 1 s.
  assert.equal(pulseRate([0, 50, 150, 350], 100), 60);
});
