import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { eegBandPowers, eegEpochFeatures } from '../../src/signals/eeg.js';
import { needShared, shared } from '../helpers/shared.js';

const CLOSED = 'data/eeg/biosppy_eeg_eyes_closed.txt';
const OPEN = 'data/eeg/biosppy_eeg_eyes_open.txt';

/** BioSPPy text: '#' header lines (one gives the rate), then one value per line. */
function loadBiosppy(rel: string): { fs: number; x: Float64Array } {
  const lines = readFileSync(shared(rel), 'utf8').split('\n');
  const rate = lines.find((l) => l.startsWith('# Sampling Rate'));
  const fs = Number(rate!.split(':=')[1]);
  return { fs, x: Float64Array.from(lines.filter((l) => l.trim() && !l.startsWith('#')).map(Number)) };
}

/** Seeded uniform noise in [-1, 1). */
function noise(n: number, seed: number): Float64Array {
  let s = seed >>> 0;
  return Float64Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

const FS = 250;
const sine = (f: number, amp: number, n: number) => Float64Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * f * i) / FS));

test('a 10 Hz sine puts nearly all power in alpha', () => {
  const r = eegBandPowers(sine(10, 20, FS * 60), FS);
  assert.ok(r.relative.alpha! > 0.95, `alpha ${r.relative.alpha}`);
  // Power of a sine of amplitude 20 is 200 (unit^2).
  assert.ok(Math.abs(r.absolute.alpha! - 200) < 10, `alpha power ${r.absolute.alpha}`);
  assert.ok(Math.abs(r.totalPower - 200) < 10);
  assert.ok(r.sef.sef90! >= 9.5 && r.sef.sef90! <= 11, `SEF90 ${r.sef.sef90}`);
  assert.ok(r.spectralEntropy < 0.3, `entropy of a pure tone ${r.spectralEntropy}`);
});

test('relative powers sum to 1 when the bands tile the analysis range', () => {
  const r = eegBandPowers(noise(FS * 60, 3), FS);
  const sum = Object.values(r.relative).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - 1) < 1e-12, `sum ${sum}`);
  assert.ok(r.spectralEntropy > 0.95, `white noise entropy ${r.spectralEntropy}`);
  // Flat spectrum over 0.5-45 Hz: SEF90 near 0.5 + 0.9 * 44.5 = 40.55 Hz.
  assert.ok(Math.abs(r.sef.sef90! - 40.55) < 1.5, `SEF90 ${r.sef.sef90}`);
  assert.ok(r.sef.sef95! > r.sef.sef90!);
});

test('custom bands, SEF percentages and segment length are honoured', () => {
  const high = sine(20, 10, FS * 20);
  const x = sine(6, 10, FS * 20).map((v, i) => v + high[i]!);
  const r = eegBandPowers(x, FS, { bands: { low: [1, 10], high: [10, 30] }, sef: [50], nperseg: 4 });
  assert.deepEqual(Object.keys(r.absolute), ['low', 'high']);
  assert.ok(Math.abs(r.relative.low! - 0.5) < 0.02 && Math.abs(r.relative.high! - 0.5) < 0.02);
  assert.ok(r.sef.sef50! >= 6 && r.sef.sef50! < 20, `SEF50 ${r.sef.sef50}`);
});

test('relative alpha is higher with eyes closed than with eyes open', { skip: needShared(CLOSED) || needShared(OPEN) }, () => {
  const closed = loadBiosppy(CLOSED), open = loadBiosppy(OPEN);
  assert.equal(closed.fs, 125);
  const a = eegBandPowers(closed.x, closed.fs).relative.alpha!;
  const b = eegBandPowers(open.x, open.fs).relative.alpha!;
  assert.ok(a > 1.5 * b, `eyes closed ${a} vs open ${b}`);
  const epochs = eegEpochFeatures(closed.x, closed.fs);
  assert.equal(epochs.length, Math.floor(closed.x.length / (30 * 125)));
  const mean = epochs.reduce((s, e) => s + e.relative.alpha!, 0) / epochs.length;
  const openEpochs = eegEpochFeatures(open.x, open.fs);
  assert.ok(mean > openEpochs.reduce((s, e) => s + e.relative.alpha!, 0) / openEpochs.length);
});

test('eegEpochFeatures cuts complete epochs with their start times', () => {
  const x = sine(10, 5, FS * 65);
  const e = eegEpochFeatures(x, FS, { epochSeconds: 20 });
  assert.deepEqual(e.map((q) => q.start), [0, 20, 40]);
  assert.ok(e.every((q) => q.relative.alpha! > 0.9));
});

test('EEG options are validated with messages naming them', () => {
  const x = sine(10, 1, 1000);
  const cases: [() => unknown, RegExp][] = [
    [() => eegBandPowers(x, 0), /fs must be/],
    [() => eegBandPowers(x, FS, { bands: { a: [5, 2] } }), /bands\.a/],
    [() => eegBandPowers(x, FS, { bands: { a: [5, 200] } }), /Nyquist/],
    [() => eegBandPowers(x, FS, { sef: [0] }), /sef/],
    [() => eegBandPowers(x, FS, { nperseg: -2 }), /nperseg/],
    [() => eegEpochFeatures(x, FS, { epochSeconds: 0 }), /epochSeconds/],
    [() => eegBandPowers([1], FS), /at least 2 samples/],
  ];
  for (const [fn, re] of cases) assert.throws(fn, (e: unknown) => e instanceof RangeError && re.test(e.message), re.source);
});
