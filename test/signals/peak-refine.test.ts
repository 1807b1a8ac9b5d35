import { test } from 'node:test';
import assert from 'node:assert/strict';
import { refinePeaks } from '../../src/signals/peak-refine.js';

/** A signal of Gaussian bumps: [centre, amplitude, width in samples] on a flat (or sloped) baseline. */
function bumps(n: number, waves: [number, number, number][], slope = 0): Float64Array {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v = slope * i;
    for (const [c, a, w] of waves) v += a * Math.exp(-((i - c) ** 2) / (2 * w * w));
    x[i] = v;
  }
  return x;
}

// fs = 1000 Hz: the search window is +-75 samples. Cases mark the extremum unless they ask otherwise.
// `tol`: samples of slack where overlapping waves move the sampled extremum off a bump's centre.
const cases: { name: string; x: Float64Array; cands: number[]; want: number[]; tol?: number; opts?: Parameters<typeof refinePeaks>[3] }[] = [
  { name: 'moves a late candidate back onto an upright R', x: bumps(1000, [[500, 1, 8]]), cands: [540], want: [500] },
  { name: 'moves onto the negative extremum of an inverted beat', x: bumps(1000, [[500, -1.2, 30]]), cands: [450], want: [500] },
  {
    name: 'chooses the dominant deflection of a wide ventricular beat with a small positive notch',
    x: bumps(1000, [[500, -1.3, 35], [570, 0.3, 25]]), cands: [530], want: [500], tol: 2,
  },
  { name: 'follows an upright R on a steep baseline', x: bumps(1000, [[500, 1, 8]], 0.002), cands: [510], want: [500] },
  {
    name: 'lets neighbours decide a biphasic RS beat',
    x: bumps(3000, [[500, 1, 8], [1500, 0.55, 8], [1530, -0.5, 8], [2500, 1, 8]]), cands: [500, 1515, 2500], want: [500, 1500, 2500],
  },
  { name: "keeps the forced polarity when asked", x: bumps(1000, [[480, 0.4, 8], [520, -1, 8]]), cands: [500], want: [480], opts: { polarity: 'positive' } },
  { name: 'marks the steepest upstroke point with fiducial upstroke', x: bumps(1000, [[500, 1, 10]]), cands: [505], want: [490], opts: { fiducial: 'upstroke' } },
  { name: 'marks halfway between upstroke and extremum with fiducial midpoint', x: bumps(1000, [[500, 1, 10]]), cands: [505], want: [495], opts: { fiducial: 'midpoint' } },
  { name: 'marks halfway up the leading edge of an inverted beat', x: bumps(1000, [[500, -1, 20]]), cands: [530], want: [490], opts: { fiducial: 'midpoint' } },
  { name: 'places the midpoint between samples to the nearest one', x: bumps(1000, [[500.4, 1, 3]]), cands: [500], want: [499], opts: { fiducial: 'midpoint' } },
];

for (const c of cases) {
  test(`refinePeaks ${c.name}`, () => {
    const got = refinePeaks(c.x, c.cands, 1000, { fiducial: 'peak', ...c.opts });
    assert.equal(got.length, c.want.length);
    got.forEach((g, k) => assert.ok(Math.abs(g - c.want[k]!) <= (c.tol ?? 0), `candidate ${c.cands[k]} -> ${g}, want ${c.want[k]}`));
  });
}

test('refinePeaks clips windows at the signal edges and writes into a given array', () => {
  const x = bumps(100, [[2, 1, 2], [97, 1, 2]]);
  const out = new Int32Array(4);
  const r = refinePeaks(x, [0, 99], 1000, { fiducial: 'peak' }, out);
  assert.equal(r, out);
  assert.deepEqual(Array.from(r.subarray(0, 2)), [2, 97]);
});

test('refinePeaks marks the midpoint unless told otherwise', () => {
  const x = bumps(1000, [[500, 1, 10]]);
  assert.deepEqual(Array.from(refinePeaks(x, [505], 1000)), Array.from(refinePeaks(x, [505], 1000, { fiducial: 'midpoint' })));
});

test('refinePeaks rejects bad arguments by name', () => {
  assert.throws(() => refinePeaks(new Float64Array(10), [1], 0), /fs/);
  assert.throws(() => refinePeaks(new Float64Array(10), [1, 2], 100, {}, new Int32Array(1)), /out/);
  assert.throws(() => refinePeaks(new Float64Array(10), [1], 100, { fiducial: 'onset' as 'peak' }), /fiducial/);
});
