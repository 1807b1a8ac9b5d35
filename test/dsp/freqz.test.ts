import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freqz, sosfreqz } from '../../src/dsp/freqz.js';

const close = (a: number, b: number, tol: number, label: string): void =>
  assert.ok(Math.abs(a - b) <= tol, `${label}: ${a} vs ${b}`);

test('freqz of a two-point average is 0.5 (1 + e^-jw) on the half-circle grid', () => {
  const { f, re, im } = freqz([0.5, 0.5], 1, { worN: 8 });
  assert.equal(f.length, 8);
  for (let i = 0; i < 8; i++) {
    const w = (i * Math.PI) / 8;
    close(f[i]!, w, 1e-15, `f[${i}]`);
    close(re[i]!, 0.5 * (1 + Math.cos(w)), 1e-15, `re[${i}]`);
    close(im[i]!, -0.5 * Math.sin(w), 1e-15, `im[${i}]`);
  }
});

test('the frequency grid follows fs and wholeCircle, and defaults to 512 points', () => {
  assert.equal(freqz([1]).f.length, 512);
  const half = freqz([1], 1, { worN: 4, fs: 100 }).f;
  assert.deepEqual(Array.from(half), [0, 12.5, 25, 37.5]);
  const whole = freqz([1], 1, { worN: 4, fs: 100, wholeCircle: true }).f;
  assert.deepEqual(Array.from(whole), [0, 25, 50, 75]);
  assert.equal(freqz([1], 1, { worN: 0 }).f.length, 0);
});

test('explicit frequencies are evaluated in the units of fs', () => {
  // One-pole lowpass y[n] = x[n] + 0.5 y[n-1]: |H| = 1 / |1 - 0.5 e^-jw|.
  const fs = 250;
  const freqs = [0, 10, 62.5, 125];
  const { f, re, im } = freqz([1], [1, -0.5], { worN: freqs, fs });
  assert.deepEqual(Array.from(f), freqs);
  freqs.forEach((hz, i) => {
    const w = (2 * Math.PI * hz) / fs;
    close(Math.hypot(re[i]!, im[i]!), 1 / Math.hypot(1 - 0.5 * Math.cos(w), 0.5 * Math.sin(w)), 1e-15, `${hz} Hz`);
  });
});

test('sosfreqz equals freqz of the multiplied-out transfer function', () => {
  const sos = [
    [0.2, 0.4, 0.2, 1, -0.3, 0.2],
    [1, -1.2, 1, 1, -0.9, 0.64],
  ];
  const conv = (x: number[], y: number[]): number[] =>
    x.flatMap((_, i) => y.map((_, j) => [i + j, x[i]! * y[j]!] as const)).reduce((acc, [k, v]) => { acc[k] = (acc[k] ?? 0) + v; return acc; }, [] as number[]);
  const b = conv(sos[0]!.slice(0, 3), sos[1]!.slice(0, 3));
  const a = conv(sos[0]!.slice(3), sos[1]!.slice(3));
  const s = sosfreqz(sos, { worN: 64, wholeCircle: true });
  const t = freqz(b, a, { worN: 64, wholeCircle: true });
  for (let i = 0; i < 64; i++) {
    close(s.re[i]!, t.re[i]!, 1e-13, `re[${i}]`);
    close(s.im[i]!, t.im[i]!, 1e-13, `im[${i}]`);
  }
});

test('sosfreqz accepts flat Float64Array sections and sections with a0 other than 1', () => {
  const rows = [[2, 1, 0, 2, -1, 0]];
  const flat = Float64Array.from([1, 0.5, 0, 1, -0.5, 0]);
  const a = sosfreqz(rows, { worN: 16 });
  const b = sosfreqz(flat, { worN: 16 });
  assert.deepEqual(a, b);
});

type Call = () => unknown;
const errorCases: [string, Call, RegExp][] = [
  ['negative worN', () => freqz([1], 1, { worN: -1 }), /worN must be a non-negative integer/],
  ['fractional worN', () => sosfreqz([[1, 0, 0, 1, 0, 0]], { worN: 2.5 }), /worN must be a non-negative integer/],
  ['NaN frequency', () => freqz([1], 1, { worN: [1, NaN] }), /worN frequencies must be finite/],
  ['fs of 0', () => freqz([1], 1, { fs: 0 }), /fs must be a positive finite number, got 0/],
  ['empty b', () => freqz([], 1), /b must have at least one coefficient/],
  ['a of zeros', () => freqz([1], [0, 0]), /a must have a non-zero coefficient/],
  ['NaN in a', () => freqz([1], [1, NaN]), /a must be finite/],
  ['sections of the wrong shape', () => sosfreqz(Float64Array.from([1, 2, 3])), /sos must have shape/],
];

test('invalid frequency-response arguments throw RangeErrors that name the argument', () => {
  for (const [label, call, message] of errorCases) {
    assert.throws(call, (e: unknown) => e instanceof RangeError && message.test(e.message), label);
  }
});
