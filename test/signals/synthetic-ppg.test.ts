import { test } from 'node:test';
import assert from 'node:assert/strict';
import { syntheticPpg } from '../../src/signals/synthetic-ppg.js';

for (const fs of [50, 100, 1000]) {
  for (const heartRate of [45, 70, 150]) {
    test(`syntheticPpg at ${fs} Hz and ${heartRate} bpm marks every pulse maximum and its foot`, () => {
      const s = syntheticPpg({ fs, seconds: 30, heartRate, noise: 0, seed: 3 });
      assert.equal(s.signal.length, 30 * fs);
      const n = s.peaks.length;
      // The train runs through the whole signal at the requested rate.
      const rate = (60 * (n - 1)) / ((s.peaks[n - 1]! - s.peaks[0]!) / fs);
      assert.ok(Math.abs(rate - heartRate) <= 0.05 * heartRate, `rate ${rate}`);
      assert.equal(s.onsets.length, n);
      for (let k = 0; k < n; k++) {
        const p = s.peaks[k]!, o = s.onsets[k]!;
        // Without noise each peak is a local maximum, each onset a local minimum.
        if (p > 0 && p < s.signal.length - 1) assert.ok(s.signal[p]! >= s.signal[p - 1]! && s.signal[p]! >= s.signal[p + 1]!, `peak ${k}`);
        if (o < 0) { assert.equal(k, 0); continue; }
        assert.ok(o < p && (k === 0 || o > s.peaks[k - 1]!), `onset ${k} inside its pulse`);
        if (o > 0) assert.ok(s.signal[o]! <= s.signal[o - 1]! && s.signal[o]! <= s.signal[o + 1]!, `onset ${k}`);
        // The foot comes 0.1-0.4 s before the peak and the pulse rises about 1 above it.
        assert.ok((p - o) / fs >= 0.1 && (p - o) / fs <= 0.4, `rise time ${(p - o) / fs}`);
        assert.ok(s.signal[p]! - s.signal[o]! > 0.6, `amplitude ${s.signal[p]! - s.signal[o]!}`);
      }
    });
  }
}

test('syntheticPpg is reproducible from its seed and adds wander, noise and motion where asked', () => {
  const a = syntheticPpg({ fs: 100, seconds: 60, seed: 8 });
  assert.deepEqual(syntheticPpg({ fs: 100, seconds: 60, seed: 8 }), a);
  assert.notDeepEqual(syntheticPpg({ fs: 100, seconds: 60, seed: 9 }).peaks, a.peaks);
  const clean = syntheticPpg({ fs: 100, seconds: 60, seed: 8, noise: 0 }).signal;
  const moved = syntheticPpg({ fs: 100, seconds: 60, seed: 8, noise: 0, motionBursts: [{ start: 20, seconds: 10, amplitude: 2 }] }).signal;
  let inside = 0, outside = 0;
  for (let i = 0; i < clean.length; i++) {
    const d = (moved[i]! - clean[i]!) ** 2;
    if (i >= 2000 && i < 3000) inside += d / 1000;
    else outside += d;
  }
  // The burst has the requested RMS and leaves the rest of the signal alone.
  assert.ok(Math.abs(Math.sqrt(inside) - 2) < 1e-9, `burst RMS ${Math.sqrt(inside)}`);
  assert.equal(outside, 0);
  const wander = syntheticPpg({ fs: 100, seconds: 60, seed: 8, noise: 0, baselineWander: 1 }).signal;
  let maxDiff = 0;
  for (let i = 0; i < clean.length; i++) maxDiff = Math.max(maxDiff, Math.abs(wander[i]! - clean[i]!));
  assert.ok(maxDiff > 0.5 && maxDiff <= 1, `wander ${maxDiff}`);
});

test('syntheticPpg rejects invalid options by name', () => {
  assert.throws(() => syntheticPpg({ fs: 0 }), /fs/);
  assert.throws(() => syntheticPpg({ heartRate: -5 }), /heartRate/);
  assert.throws(() => syntheticPpg({ noise: -1 }), /noise/);
  assert.throws(() => syntheticPpg({ rrStd: Number.NaN }), /rrStd/);
});

for (const heartRate of [30, 200]) {
  test(`syntheticPpg at ${heartRate} bpm runs at that rate with one foot per pulse`, () => {
    const fs = 100;
    const s = syntheticPpg({ fs, seconds: 120, heartRate, rrStd: 0, noise: 0, seed: 6 });
    const n = s.peaks.length;
    const rate = (60 * (n - 1)) / ((s.peaks[n - 1]! - s.peaks[0]!) / fs);
    assert.ok(Math.abs(rate - heartRate) <= 0.02 * heartRate, `rate ${rate}`);
    for (let k = 1; k < n; k++) assert.ok(s.onsets[k]! > s.peaks[k - 1]! && s.onsets[k]! < s.peaks[k]!, `onset ${k}`);
  });
}

test('syntheticPpg gives the same signal twice for a seed at any rate, and the pulse count does not depend on the rate', () => {
  for (const fs of [25, 1000]) {
    const a = syntheticPpg({ fs, seconds: 30, seed: 21 });
    assert.deepEqual(syntheticPpg({ fs, seconds: 30, seed: 21 }), a);
  }
  const counts = [25, 100, 1000].map((fs) => syntheticPpg({ fs, seconds: 60, seed: 21, rrStd: 0 }).peaks.length);
  assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `counts ${counts}`);
});
