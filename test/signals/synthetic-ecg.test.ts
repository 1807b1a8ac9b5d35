import { test } from 'node:test';
import assert from 'node:assert/strict';
import { syntheticEcg } from '../../src/signals/synthetic-ecg.js';

test('syntheticEcg is reproducible from its seed and differs between seeds', () => {
  const a = syntheticEcg({ seed: 3, seconds: 10 });
  const b = syntheticEcg({ seed: 3, seconds: 10 });
  const c = syntheticEcg({ seed: 4, seconds: 10 });
  assert.deepEqual(a.signal, b.signal);
  assert.notDeepEqual(a.signal, c.signal);
});

for (const fs of [100, 360, 2000]) {
  test(`syntheticEcg at ${fs} Hz has the requested rate, length and an R maximum at every beat (within a sample)`, () => {
    const s = syntheticEcg({ fs, seconds: 60, heartRate: 75, noise: 0 });
    assert.equal(s.signal.length, 60 * fs);
    assert.ok(Math.abs(s.beats.length - 75) <= 4, `${s.beats.length} beats`);
    for (const b of s.beats) {
      const w = Math.round(0.05 * fs);
      // The beat is the R centre rounded to a sample; Q and S may tilt the sampled maximum by one.
      let best = b;
      for (let i = Math.max(0, b - w); i < Math.min(s.signal.length, b + w); i++) if (s.signal[i]! > s.signal[best]!) best = i;
      assert.ok(Math.abs(best - b) <= 1, `beat ${b}: maximum at ${best}`);
    }
  });
}

test('syntheticEcg ventricular beats are premature and inverted', () => {
  const s = syntheticEcg({ seconds: 120, ventricularProbability: 0.3, rrStd: 0, noise: 0 });
  const vs = s.labels.flatMap((l, i) => (l === 'V' && i > 0 ? [i] : []));
  assert.ok(vs.length > 10);
  for (const i of vs) {
    assert.ok(s.signal[s.beats[i]!]! < -0.5, 'inverted');
    assert.ok(s.beats[i]! - s.beats[i - 1]! < 0.8 * (60 / 70) * 360, 'premature');
  }
});

test('syntheticEcg polarity flips invert the beats after the flip', () => {
  const s = syntheticEcg({ seconds: 20, polarityFlips: [10], noise: 0 });
  for (let k = 0; k < s.beats.length; k++) {
    const v = s.signal[s.beats[k]!]!;
    assert.ok(s.beats[k]! < 10 * 360 ? v > 0.5 : v < -0.5);
  }
});

test('syntheticEcg rejects a non-positive fs by name', () => {
  assert.throws(() => syntheticEcg({ fs: 0 }), /fs/);
  assert.throws(() => syntheticEcg({ seconds: -1 }), /seconds/);
});

test('syntheticEcg places the same beats, in s, at any sampling rate from one seed (within half a sample)', () => {
  const ref = syntheticEcg({ fs: 1000, seconds: 60, seed: 3 });
  for (const fs of [25, 100, 360, 500]) {
    const s = syntheticEcg({ fs, seconds: 60, seed: 3 });
    assert.equal(s.beats.length, ref.beats.length, `${fs} Hz`);
    assert.deepEqual(s.labels, ref.labels);
    s.beats.forEach((b, k) => assert.ok(Math.abs(b / fs - ref.beats[k]! / 1000) <= 0.5 / fs + 0.5 / 1000, `${fs} Hz beat ${k}`));
  }
});

for (const heartRate of [30, 200]) {
  test(`syntheticEcg at ${heartRate} bpm has about ${heartRate} beats per minute`, () => {
    const s = syntheticEcg({ fs: 250, seconds: 120, heartRate, rrStd: 0.02, seed: 4 });
    const n = s.beats.length;
    const rate = (60 * (n - 1)) / ((s.beats[n - 1]! - s.beats[0]!) / 250);
    assert.ok(Math.abs(rate - heartRate) <= 0.03 * heartRate, `rate ${rate}`);
    for (let k = 1; k < n; k++) assert.ok(s.beats[k]! > s.beats[k - 1]!);
  });
}
