import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanEcg, ecgCleaningSos, EcgCleaner } from '../../src/signals/ecg-clean.js';
import { sosfilt } from '../../src/dsp/sosfilt.js';
import { syntheticEcg } from '../../src/signals/synthetic-ecg.js';

/** Amplitude of the sinusoid of frequency f in x (least-squares projection over whole cycles). */
function toneAmplitude(x: Float64Array, fs: number, f: number, from: number, to: number): number {
  let c = 0, s = 0;
  for (let i = from; i < to; i++) {
    c += x[i]! * Math.cos((2 * Math.PI * f * i) / fs);
    s += x[i]! * Math.sin((2 * Math.PI * f * i) / fs);
  }
  return (2 * Math.hypot(c, s)) / (to - from);
}

test('cleanEcg removes a 0.1 Hz baseline and a 50 Hz tone with the notch while passing 10 Hz', () => {
  const fs = 500, n = fs * 60;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / fs;
    x[i] = 2 * Math.sin(2 * Math.PI * 0.1 * t) + 0.5 * Math.sin(2 * Math.PI * 50 * t) + Math.sin(2 * Math.PI * 10 * t);
  }
  const y = cleanEcg(x, fs, { powerline: 50 });
  const mid = [fs * 10, fs * 50] as const;
  assert.ok(toneAmplitude(y, fs, 0.1, ...mid) < 0.1, 'baseline');
  assert.ok(toneAmplitude(y, fs, 50, ...mid) < 0.01, 'powerline');
  assert.ok(Math.abs(toneAmplitude(y, fs, 10, ...mid) - 1) < 0.02, 'passband');
});

test('cleanEcg is zero-phase: R peaks stay where they were', () => {
  const s = syntheticEcg({ fs: 360, seconds: 30, baselineWander: 1, noise: 0 });
  const y = cleanEcg(s.signal, 360);
  for (const b of s.beats.subarray(2, -2)) {
    let best = b;
    for (let i = b - 10; i <= b + 10; i++) if (y[i]! > y[best]!) best = i;
    assert.ok(Math.abs(best - b) <= 1, `beat ${b} moved to ${best}`);
  }
});

test('EcgCleaner over chunks equals causal filtering in one call', () => {
  const fs = 250;
  const x = syntheticEcg({ fs, seconds: 20, powerline: 0.2, powerlineHz: 60 }).signal;
  const whole = sosfilt(ecgCleaningSos(fs, { powerline: 60 }), x);
  const c = new EcgCleaner(fs, { powerline: 60 });
  const parts: number[] = [];
  for (let i = 0; i < x.length; i += 777) parts.push(...c.process(x.subarray(i, i + 777)));
  assert.deepEqual(Float64Array.from(parts), whole);
  c.reset();
  assert.deepEqual(c.process(x), whole);
});

test('ecgCleaningSos limits the upper edge below Nyquist at low sampling rates', () => {
  assert.equal(ecgCleaningSos(80).length, 2);
  assert.equal(ecgCleaningSos(360, { powerline: 60 }).length, 3);
  assert.equal(ecgCleaningSos(360, { lowHz: 0 }).length, 1);
});

test('cleanEcg rejects invalid settings by name', () => {
  assert.throws(() => cleanEcg([1, 2, 3], 0), /fs/);
  assert.throws(() => ecgCleaningSos(100, { lowHz: 60 }), /lowHz/);
  assert.throws(() => ecgCleaningSos(100, { order: 0 }), /order/);
  assert.throws(() => ecgCleaningSos(100, { powerline: 55 as 50 }), /powerline/);
  assert.throws(() => ecgCleaningSos(100, { lowHz: 40, highHz: 30 }), /highHz/);
});

// SciPy: sosfiltfilt(vstack([butter(2, [0.5, 40], 'bandpass', fs=250, output='sos'), iirnotch(50, 30, fs=250)]), x)
// for x = sin(2 pi 1.3 t) + 0.4 sin(2 pi 50 t) + 0.8 sin(2 pi 12 t) + 0.6 t + 3, 1000 samples (SciPy 1.17).
const cleanRef: { powerline: 0 | 50; at: [number, number][] }[] = [
  { powerline: 50, at: [[0, 0.251026326500431], [1, 0.5468321902693316], [137, -1.3288320580607764], [500, -0.5822780332670553], [862, 0.7836237662222497], [998, 0.3090635255395225], [999, 0.2409650030955292]] },
  { powerline: 0, at: [[0, -0.32236904965330576], [1, 0.04181737603589597], [137, -1.3031278052957336], [500, -0.5702040757316379], [862, 0.5909031050134469], [998, 1.131534897855949], [999, 1.0753827739911164]] },
];
for (const c of cleanRef) {
  test(`cleanEcg at 250 Hz with powerline ${c.powerline} matches SciPy sosfiltfilt, the first and last samples included`, () => {
    const fs = 250;
    const x = Float64Array.from({ length: 1000 }, (_, i) => {
      const t = i / fs;
      return Math.sin(2 * Math.PI * 1.3 * t) + 0.4 * Math.sin(2 * Math.PI * 50 * t) + 0.8 * Math.sin(2 * Math.PI * 12 * t) + 0.6 * t + 3;
    });
    const y = cleanEcg(x, fs, { powerline: c.powerline });
    for (const [i, v] of c.at) assert.ok(Math.abs(y[i]! - v) <= 1e-9, `[${i}]: ${y[i]} vs ${v}`);
  });
}

test('cleanEcg of a flat line at any level is zero up to round-off, and EcgCleaner settles to it', () => {
  for (const level of [1, -500, 30000]) {
    const y = cleanEcg(new Float64Array(2000).fill(level), 250);
    assert.ok(y.every((v) => Math.abs(v) <= 1e-9 * Math.abs(level)), `level ${level}: max ${Math.max(...y.map(Math.abs))}`);
  }
});

test('EcgCleaner gives the same output for chunks of one sample as for the whole signal', () => {
  const fs = 128;
  const x = syntheticEcg({ fs, seconds: 5, seed: 2 }).signal;
  const whole = new EcgCleaner(fs, { powerline: 50 }).process(x);
  const c = new EcgCleaner(fs, { powerline: 50 });
  const parts = Float64Array.from(x, (_, i) => c.process(x.subarray(i, i + 1))[0]!);
  assert.deepEqual(parts, whole);
});
