import { test } from 'node:test';
import assert from 'node:assert/strict';
import { edr } from '../../src/signals/edr.js';
import { syntheticEcg } from '../../src/signals/synthetic-ecg.js';
import { detectRPeaks } from '../../src/signals/ecg-detect.js';
import { breaths, breathingRate } from '../../src/signals/resp.js';

/** Synthetic ECG whose amplitude is modulated by breathing at `rate` breaths/min (depth +-15 %). */
function modulatedEcg(fs: number, rate: number, seed: number): { x: Float64Array; f: number } {
  const s = syntheticEcg({ fs, seconds: 180, heartRate: 72, seed, baselineWander: 0.3 });
  const f = rate / 60;
  return { x: s.signal.map((v, i) => v * (1 + 0.15 * Math.sin((2 * Math.PI * f * i) / fs))), f };
}

function correlation(a: Float64Array, b: Float64Array): number {
  let ma = 0, mb = 0;
  for (let i = 0; i < a.length; i++) { ma += a[i]! / a.length; mb += b[i]! / b.length; }
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) {
    const u = a[i]! - ma, v = b[i]! - mb;
    ab += u * v; aa += u * u; bb += v * v;
  }
  return ab / Math.sqrt(aa * bb);
}

for (const method of ['amplitude', 'area'] as const) {
  for (const [fs, rate] of [[250, 8], [360, 15], [500, 24]] as const) {
    test(`edr (${method}) at ${fs} Hz follows a ${rate}/min amplitude modulation and gives its rate`, () => {
      const { x, f } = modulatedEcg(fs, rate, 3);
      const r = detectRPeaks(x, fs).peaks;
      const e = edr(x, fs, r, { method });
      // A 4 Hz grid from the first to the last R peak.
      assert.ok(Math.abs(e.t[0]! - r[0]! / fs) < 1e-12);
      assert.ok(r[r.length - 1]! / fs - e.t[e.t.length - 1]! < 0.25);
      for (let i = 1; i < e.t.length; i++) assert.ok(Math.abs(e.t[i]! - e.t[i - 1]! - 0.25) < 1e-9);
      const truth = e.t.map((t) => Math.sin(2 * Math.PI * f * t));
      const c = correlation(e.x, truth);
      assert.ok(c > 0.9, `correlation ${c}`);
      const got = breathingRate(breaths(e.x, 4).peaks, 4);
      assert.ok(Math.abs(got - rate) <= 1, `rate ${got}`);
    });
  }
}

test('edr interpolates the per-beat values exactly at the beats and measures peak-to-peak QRS amplitude', () => {
  // Spikes of height h_k over a zero baseline, 1 s apart at 100 Hz, with a -0.2 dip 3 samples later.
  const fs = 100;
  const x = new Float64Array(1000);
  const heights = [1, 1.2, 0.8, 1.1, 0.9, 1];
  const r = heights.map((h, k) => {
    const p = 50 + 100 * k;
    x[p] = h;
    x[p + 3] = -0.2;
    return p;
  });
  const e = edr(x, fs, r, { outFs: 1 });
  assert.equal(e.t.length, heights.length);
  heights.forEach((h, k) => assert.ok(Math.abs(e.x[k]! - (h + 0.2)) < 1e-12, `beat ${k}: ${e.x[k]}`));
  // QRS area above the chord (zero here): (h + 0.2) samples x 1/fs.
  const a = edr(x, fs, r, { outFs: 1, method: 'area' });
  heights.forEach((h, k) => assert.ok(Math.abs(a.x[k]! - (h + 0.2) / fs) < 1e-12, `area ${k}: ${a.x[k]}`));
});

test('edr returns empty arrays with fewer than two R peaks and rejects bad arguments by name', () => {
  const x = new Float64Array(100);
  assert.equal(edr(x, 100, [50]).t.length, 0);
  assert.throws(() => edr(x, 100, [50, 40]), /strictly increasing/);
  assert.throws(() => edr(x, 100, [500]), /rpeaks\[0\]/);
  assert.throws(() => edr(x, 100, [10, 20], { method: 'qrs' as 'area' }), /method/);
  assert.throws(() => edr(x, 100, [10, 20], { outFs: 0 }), /outFs/);
  assert.throws(() => edr(x, 0, [10, 20]), /fs/);
});
