import { test } from 'node:test';
import assert from 'node:assert/strict';
import { syntheticResp } from '../../src/signals/synthetic-resp.js';

for (const rate of [6, 15, 30]) {
  test(`syntheticResp at ${rate} breaths/min alternates troughs and peaks at the requested rate`, () => {
    const fs = 20;
    const s = syntheticResp({ fs, seconds: 300, rate, rateStd: 0.5, noise: 0, seed: 2 });
    const np = s.peaks.length;
    const measured = (60 * (np - 1)) / ((s.peaks[np - 1]! - s.peaks[0]!) / fs);
    assert.ok(Math.abs(measured - rate) <= 0.05 * rate, `rate ${measured}`);
    // Merged in time order they alternate, and each is the sample nearest to a node, so the sampled
    // extremum is at most one sample away (the two half-cosines meeting there differ in curvature).
    const all = [...Array.from(s.peaks, (p) => [p, 1] as const), ...Array.from(s.troughs, (p) => [p, 0] as const)].sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < all.length; i++) assert.notEqual(all[i]![1], all[i - 1]![1], `extrema ${i - 1} and ${i} alternate`);
    const x = s.signal;
    for (const [p, isPeak] of all) {
      if (p < 2 || p > x.length - 3) continue;
      let best = p - 2;
      for (let i = p - 2; i <= p + 2; i++) if (isPeak ? x[i]! > x[best]! : x[i]! < x[best]!) best = i;
      assert.ok(Math.abs(best - p) <= 1, `${isPeak ? 'peak' : 'trough'} at ${p}, extremum at ${best}`);
    }
    // Inhalation takes 40 % of each breath: a trough to the next peak is shorter than a peak to the next trough.
    const k = all.findIndex((e) => e[1] === 0);
    assert.ok(all[k + 1]![0] - all[k]![0] < all[k + 2]![0] - all[k + 1]![0]);
  });
}

test('syntheticResp is reproducible from its seed and rejects invalid options by name', () => {
  assert.deepEqual(syntheticResp({ seed: 4 }), syntheticResp({ seed: 4 }));
  assert.notDeepEqual(syntheticResp({ seed: 4 }).peaks, syntheticResp({ seed: 5 }).peaks);
  assert.throws(() => syntheticResp({ rate: 0 }), /rate/);
  assert.throws(() => syntheticResp({ rateStd: -1 }), /rateStd/);
  assert.throws(() => syntheticResp({ fs: Number.POSITIVE_INFINITY }), /fs/);
});

test('syntheticResp places the same breaths, in s, at any sampling rate from one seed (within half a sample)', () => {
  const ref = syntheticResp({ fs: 1000, seconds: 300, seed: 3 });
  for (const fs of [4, 25, 100]) {
    const s = syntheticResp({ fs, seconds: 300, seed: 3 });
    for (const [what, got, want] of [['peaks', s.peaks, ref.peaks], ['troughs', s.troughs, ref.troughs]] as const) {
      // An extremum within half a sample of either end may fall outside the coarser signal.
      const inner = Array.from(want).filter((p) => p / 1000 > 1 / fs && p / 1000 < 300 - 1 / fs);
      const g = Array.from(got).filter((p) => p / fs > 1 / fs && p / fs < 300 - 1 / fs);
      assert.equal(g.length, inner.length, `${fs} Hz ${what}`);
      g.forEach((p, k) => assert.ok(Math.abs(p / fs - inner[k]! / 1000) <= 0.5 / fs + 0.5 / 1000, `${fs} Hz ${what} ${k}`));
    }
  }
});

for (const rate of [3, 50]) {
  test(`syntheticResp at ${rate} breaths/min keeps its rate and alternation`, () => {
    const s = syntheticResp({ fs: 25, seconds: 600, rate, rateStd: 0, noise: 0, seed: 5 });
    const np = s.peaks.length;
    const measured = (60 * (np - 1)) / ((s.peaks[np - 1]! - s.peaks[0]!) / 25);
    assert.ok(Math.abs(measured - rate) <= 0.02 * rate, `rate ${measured}`);
    assert.ok(Math.abs(s.troughs.length - np) <= 1);
  });
}
