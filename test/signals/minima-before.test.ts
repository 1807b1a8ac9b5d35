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

test('minimaBefore handles peaks on the first and last samples and the shortest search of one sample', () => {
  const x = Float64Array.from([3, 1, 4, 1, 5, 9, 2, 6]);
  // A peak on sample 0 has only itself; one on the last sample searches back to the previous peak.
  assert.deepEqual(minimaBefore(x, 10, [0, 5, 7], identity, { maxBackSeconds: 10 }), Int32Array.from([0, 3, 6]));
  // maxBackSeconds under one sample still looks one sample back.
  assert.deepEqual(minimaBefore(x, 10, [2, 7], identity, { maxBackSeconds: 0.01 }), Int32Array.from([1, 6]));
});

test('minimaBefore gives the same minima with blocks of one sample, blocks that cut the search window, and one block', () => {
  const fs = 10, n = 400;
  const x = Float64Array.from({ length: n }, (_, i) => Math.cos(i / 3.1) + 0.5 * Math.sin(i / 1.7));
  const peaks = [0, 9, 31, 32, 77, 120, 121, 250, 399];
  // Brute force over the whole signal: lowest in (previous peak, peak] within 20 samples, nearest on ties.
  const want = Int32Array.from(peaks, (p, k) => {
    let best = p;
    for (let i = p; i >= Math.max(k ? peaks[k - 1]! + 1 : 0, p - 20); i--) if (x[i]! < x[best]!) best = i;
    return best;
  });
  for (const blockSeconds of [0.1, 0.7, 3.05, 100]) {
    assert.deepEqual(minimaBefore(x, fs, peaks, identity, { blockSeconds, maxBackSeconds: 2 }), want, `block ${blockSeconds} s`);
  }
});

test('minimaBefore of an inverted signal finds its maxima, and of a flat line the peaks themselves', () => {
  const x = Float64Array.from({ length: 200 }, (_, i) => Math.sin(i / 5));
  const peaks = [40, 80, 150];
  const lows = minimaBefore(x, 10, peaks, identity, { maxBackSeconds: 3 });
  const highs = minimaBefore(x, 10, peaks, (s) => s.map((v) => -v), { maxBackSeconds: 3 });
  for (let k = 0; k < peaks.length; k++) {
    const from = Math.max(k ? peaks[k - 1]! + 1 : 0, peaks[k]! - 30);
    const seg = Array.from(x.subarray(from, peaks[k]! + 1));
    assert.equal(x[lows[k]!], Math.min(...seg));
    assert.equal(x[highs[k]!], Math.max(...seg));
  }
  assert.deepEqual(minimaBefore(new Float64Array(200).fill(7.5), 10, peaks, identity), Int32Array.from(peaks));
});
