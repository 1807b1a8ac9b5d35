import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sosfiltfiltPair } from '../../src/dsp/filtfilt-pair.js';
import { sosfiltfilt } from '../../src/dsp/filtfilt.js';
import { butter } from '../../src/dsp/iir-design.js';
import { iirnotch } from '../../src/dsp/notch.js';
import type { Sos } from '../../src/dsp/types.js';

const fs = 360;
const notch = (): Sos => { const { b, a } = iirnotch(60, 30, fs); return [[...b, ...a] as [number, number, number, number, number, number]]; };

function signal(n: number): Float64Array {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.sin(i * 0.05) + 0.4 * Math.sin(i * 1.7) + 0.2 * Math.cos(i * 0.003) + ((i * 7919) % 101) / 500;
  return x;
}

function sameBits(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

// Two sections each take the paired loop; other shapes fall back to two calls.
const cases: { name: string; a: Sos; b: Sos; n: number }[] = [
  { name: 'two 4th-order band-passes', a: butter(2, [0.5, 40], { btype: 'bandpass', fs }), b: butter(2, [5, 20], { btype: 'bandpass', fs }), n: 20_000 },
  { name: 'a 4th-order low-pass and high-pass', a: butter(4, 30, { fs }), b: butter(4, 1, { btype: 'highpass', fs }), n: 5_000 },
  { name: 'a signal just longer than the padding', a: butter(2, [0.5, 40], { btype: 'bandpass', fs }), b: butter(2, [5, 20], { btype: 'bandpass', fs }), n: 16 },
  { name: 'three sections and two (fallback)', a: [...butter(2, [0.5, 40], { btype: 'bandpass', fs }), ...notch()], b: butter(2, [5, 20], { btype: 'bandpass', fs }), n: 3_000 },
  { name: 'one section and two (fallback)', a: butter(2, 10, { fs }), b: butter(2, [5, 20], { btype: 'bandpass', fs }), n: 3_000 },
];

for (const c of cases) {
  test(`sosfiltfiltPair gives bitwise the outputs of two sosfiltfilt calls: ${c.name}`, () => {
    const x = signal(c.n);
    const [ya, yb] = sosfiltfiltPair(c.a, c.b, x);
    assert.ok(sameBits(ya, sosfiltfilt(c.a, x)));
    assert.ok(sameBits(yb, sosfiltfilt(c.b, x)));
  });
}

test('sosfiltfiltPair writes into caller-owned outputs and leaves the input alone', () => {
  const a = butter(2, [0.5, 40], { btype: 'bandpass', fs }), b = butter(2, [5, 20], { btype: 'bandpass', fs });
  const x = signal(4000), copy = x.slice();
  const oa = new Float64Array(4000), ob = new Float64Array(4000);
  const [ya, yb] = sosfiltfiltPair(a, b, x, oa, ob);
  assert.equal(ya, oa);
  assert.equal(yb, ob);
  assert.ok(sameBits(x, copy));
});

test('sosfiltfiltPair refuses outputs of the wrong length or sharing memory, and signals too short to pad', () => {
  const a = butter(2, [0.5, 40], { btype: 'bandpass', fs }), b = butter(2, [5, 20], { btype: 'bandpass', fs });
  const x = signal(100);
  assert.throws(() => sosfiltfiltPair(a, b, x, new Float64Array(99)), /length 100/);
  assert.throws(() => sosfiltfiltPair(a, b, x, x), /share memory with x/);
  const o = new Float64Array(100);
  assert.throws(() => sosfiltfiltPair(a, b, x, o, o), /must not share memory/);
  assert.throws(() => sosfiltfiltPair(a, b, signal(15)), /padlen/);
});

test('sosfiltfiltPair names non-finite input as sosfiltfilt does', () => {
  const a = butter(2, [0.5, 40], { btype: 'bandpass', fs }), b = butter(2, [5, 20], { btype: 'bandpass', fs });
  const x = signal(1000);
  x[500] = NaN;
  assert.throws(() => sosfiltfiltPair(a, b, x), /x/);
  assert.throws(() => sosfiltfilt(a, x), /x/);
});
