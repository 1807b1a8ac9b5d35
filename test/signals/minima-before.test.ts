import { test } from 'node:test';
import assert from 'node:assert/strict';
import { minimaBefore } from '../../src/signals/minima-before.js';

const identity = (s: Float64Array): Float64Array => s;

test('minimaBefore finds the lowest sample between consecutive peaks, within the search limit', () => {
  // fs 10: peaks at 20, 40, 90; dips at 13 (before the first), 31, and 55 and 85 (before the third).
  const x = new Float64Array(100).fill(5);
  x[13] = 1; x[31] = 2; x[55] = -3; x[85] = 0;
  const peaks = [20, 40, 90];
  // With a 2 s limit the third peak looks back to 70 only and finds 85; with 6 s it finds 55.
  assert.deepEqual(minimaBefore(x, 10, peaks, identity, { maxBackSeconds: 2 }), Int32Array.from([13, 31, 85]));
  assert.deepEqual(minimaBefore(x, 10, peaks, identity, { maxBackSeconds: 6 }), Int32Array.from([13, 31, 55]));
  // Search stops at the signal start; of equal values the one nearest the peak wins.
  x[2] = 4;
  assert.deepEqual(minimaBefore(x, 10, [5], identity, { maxBackSeconds: 2 }), Int32Array.from([2]));
  assert.deepEqual(minimaBefore(new Float64Array(10), 10, [5], identity), Int32Array.from([5]));
});

test('minimaBefore gives the same result for any block length, the prepared slices included', () => {
  const n = 5000, fs = 50;
  const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 7) + 0.3 * Math.sin(i / 2.3));
  const peaks: number[] = [];
  for (let p = 30; p < n; p += 41 + (p % 13)) peaks.push(p);
  // A preparation that depends only on each sample, so slices cannot change it.
  const square = (s: Float64Array): Float64Array => s.map((v) => v * v);
  const ref = minimaBefore(x, fs, peaks, square, { blockSeconds: 1000, maxBackSeconds: 1.5 });
  for (const blockSeconds of [3, 7.3, 20]) {
    assert.deepEqual(minimaBefore(x, fs, peaks, square, { blockSeconds, maxBackSeconds: 1.5, contextSeconds: 2 }), ref, `block ${blockSeconds} s`);
  }
  // Brute force on the whole signal.
  for (let k = 0; k < peaks.length; k++) {
    const from = Math.max(k ? peaks[k - 1]! + 1 : 0, peaks[k]! - 75);
    let best = peaks[k]!;
    for (let i = peaks[k]!; i >= from; i--) if (x[i]! * x[i]! < x[best]! * x[best]!) best = i;
    assert.equal(ref[k], best, `peak ${k}`);
  }
});

test('minimaBefore rejects unsorted or out-of-range peaks and a context shorter than the search', () => {
  const x = new Float64Array(100);
  assert.throws(() => minimaBefore(x, 10, [50, 40], identity), /strictly increasing/);
  assert.throws(() => minimaBefore(x, 10, [100], identity), /peaks\[0\]/);
  assert.throws(() => minimaBefore(x, 10, [10], identity, { maxBackSeconds: 3, contextSeconds: 2 }), /contextSeconds/);
  assert.throws(() => minimaBefore(x, 10, [10], () => new Float64Array(3)), /prepare must return/);
  assert.throws(() => minimaBefore(x, 0, [10], identity), /fs/);
});
