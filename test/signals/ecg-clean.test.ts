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
