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

// Six beats of heights h over a level of 2.5 at 100 Hz; SciPy CubicSpline (not-a-knot) of (r / fs, h)
// evaluated every 0.5 s from 0 to 9.5 s (SciPy 1.17).
const splineRef = [1, 1.3737882542890778, 1.3971759017843337, 1.2071432333019874, 0.9406705396582592, 0.7347381116693684, 0.716472546718296, 0.8655599922980715, 1.0481866456151543, 1.1338642718240155, 1.0855510453427057, 0.9381403714827733, 0.7283760795015803, 0.4930019986564889, 0.26876195820486093, 0.09239978740405858, 0.0006593155114438254, 0.030284371784378372, 0.21801878548022469, 0.6006063858563446];

test('edr matches SciPy CubicSpline through the per-beat amplitudes, with R peaks on the first and last samples', () => {
  const fs = 100;
  const x = new Float64Array(1000).fill(2.5);
  const r = [0, 130, 270, 420, 560, 999], h = [1, 1.3, 0.7, 1.1, 0.9, 1.2];
  r.forEach((p, k) => { x[p]! += h[k]!; });
  const e = edr(x, fs, r, { outFs: 2 });
  assert.equal(e.t.length, splineRef.length);
  splineRef.forEach((v, i) => assert.ok(Math.abs(e.x[i]! - v) < 1e-12, `t ${e.t[i]}: ${e.x[i]} vs ${v}`));
  // The same beats inverted give the same peak-to-peak amplitudes and the same areas.
  const neg = x.map((v) => -v);
  assert.deepEqual(edr(neg, fs, r, { outFs: 2 }).x, e.x);
  const area = edr(x, fs, r, { outFs: 2, method: 'area' }).x;
  const areaNeg = edr(neg, fs, r, { outFs: 2, method: 'area' }).x;
  area.forEach((v, i) => assert.ok(Math.abs(v - areaNeg[i]!) < 1e-15, `area ${i}`));
});

test('edr through two beats is the straight line between them, through three the parabola (SciPy not-a-knot)', () => {
  const fs = 100;
  const x = new Float64Array(300);
  x[0] = 1; x[130] = 1.3; x[270] = 0.7;
  const two = edr(x, fs, [0, 130], { outFs: 4 });
  assert.deepEqual(Array.from(two.t), [0, 0.25, 0.5, 0.75, 1, 1.25]);
  two.t.forEach((t, i) => assert.ok(Math.abs(two.x[i]! - (1 + (0.3 * t) / 1.3)) < 1e-12, `line at ${t}`));
  // CubicSpline([0, 1.3, 2.7], [1, 1.3, 0.7]) at 0, 0.25, ..., 2.5.
  const parabola = [1, 1.12179487, 1.21306471, 1.27380952, 1.3040293, 1.30372405, 1.27289377, 1.21153846, 1.11965812, 0.99725275, 0.84432234];
  const three = edr(x, fs, [0, 130, 270], { outFs: 4 });
  parabola.forEach((v, i) => assert.ok(Math.abs(three.x[i]! - v) < 1e-8, `parabola ${i}: ${three.x[i]}`));
});

test('edr of a flat ECG at a non-zero level is zero in both measures', () => {
  const x = new Float64Array(500).fill(-42.5);
  for (const method of ['amplitude', 'area'] as const) {
    const e = edr(x, 100, [10, 200, 490], { method });
    assert.ok(e.x.every((v) => v === 0), `${method}: ${Array.from(e.x)}`);
  }
});
