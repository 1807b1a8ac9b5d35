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

// scipy.signal.welch(x, fs, 'hann', nperseg, nperseg // 2, detrend='constant', scaling='density'),
// then sum(P[low <= f < high]) * df per band, SEF as the first bin where the cumulative sum over
// [0.5, 45) reaches q % of it, and the Shannon entropy of the normalised PSD over ln(bins), for sums of
// sines a * sin(2 pi f t) (SciPy 1.17).
const welchCases: { fs: number; seconds: number; nperseg: number; tones: [number, number][]; absolute: Record<string, number>; total: number; sef: Record<string, number>; entropy: number }[] = [
  {
    fs: 256, seconds: 20, nperseg: 2, tones: [[3, 10], [1.5, 21.3], [0.7, 2.2]],
    absolute: { delta: 0.24529094451419192, theta: 1.0654507499089643e-05, alpha: 4.500000141684114, beta: 1.1249999807753603, gamma: 9.879786406864115e-09 },
    total: 5.870301731360954, sef: { sef50: 10, sef90: 21.5, sef95: 21.5 }, entropy: 0.33867544696656116,
  },
  {
    fs: 125, seconds: 30, nperseg: 4, tones: [[2, 6.1], [1, 40.2]],
    absolute: { delta: 4.387969283967053e-07, theta: 1.999998200872135, alpha: 1.3571403146230239e-06, beta: 1.6865429259400965e-09, gamma: 0.49999999895806907 },
    total: 2.4999999974539895, sef: { sef50: 6.25, sef90: 40.25, sef95: 40.25 }, entropy: 0.26345272714124984,
  },
  {
    // A tone half a bin below the top of the analysis range, and one in the lowest delta bins.
    fs: 200, seconds: 10, nperseg: 1, tones: [[1, 0.75], [1, 44.5]],
    absolute: { delta: 0.2533416382767445, theta: 2.348576908275772e-05, alpha: 2.9315366183375385e-07, beta: 3.061522207791815e-08, gamma: 0.24999998639549778 },
    total: 0.503365434210209, sef: { sef50: 2, sef90: 44, sef95: 44 }, entropy: 0.25904815794838826,
  },
];
for (const c of welchCases) {
  test(`eegBandPowers at ${c.fs} Hz with ${c.nperseg} s segments matches SciPy's Welch band powers, SEF and entropy for tones ${c.tones.map((t) => t[1]).join(', ')} Hz`, () => {
    const x = Float64Array.from({ length: c.fs * c.seconds }, (_, i) => c.tones.reduce((s, [a, f]) => s + a * Math.sin((2 * Math.PI * f * i) / c.fs), 0));
    const r = eegBandPowers(x, c.fs, { nperseg: c.nperseg, sef: [50, 90, 95] });
    for (const [k, v] of Object.entries(c.absolute)) {
      assert.ok(Math.abs(r.absolute[k]! - v) <= 1e-9 * Math.abs(v) + 1e-15, `${k}: ${r.absolute[k]} vs ${v}`);
      assert.ok(Math.abs(r.relative[k]! - v / c.total) <= 1e-9 * (v / c.total) + 1e-15, `relative ${k}`);
    }
    assert.ok(Math.abs(r.totalPower - c.total) <= 1e-9 * c.total);
    assert.deepEqual(r.sef, c.sef);
    assert.ok(Math.abs(r.spectralEntropy - c.entropy) <= 1e-9, `entropy ${r.spectralEntropy} vs ${c.entropy}`);
  });
}

test('SEF100 is the highest bin of the analysis range that holds power, and a tone puts SEF50 on its own bin', () => {
  // White noise: power in every bin of [0.5, 45) at df = 0.5 Hz, so SEF100 is the 44.5 Hz bin.
  const r = eegBandPowers(noise(FS * 60, 8), FS, { sef: [100, 50] });
  assert.equal(r.sef.sef100, 44.5);
  assert.ok(r.sef.sef50! > 20 && r.sef.sef50! < 25, `SEF50 of white noise ${r.sef.sef50}`);
  // A 12 Hz tone on a bin: half its power is reached on that bin, whatever the percentage up to its share.
  const t = eegBandPowers(sine(12, 1, FS * 30), FS, { sef: [1, 50, 60] });
  assert.deepEqual(t.sef, { sef1: 11.5, sef50: 12, sef60: 12 });
});

test('band edges are half-open: a tone on the theta/alpha edge at 8 Hz lands in alpha, and the bands share no bin', () => {
  // Hann window: the 8 Hz bin holds 4 times the power of each neighbour (7.5 Hz in theta, 8.5 Hz in alpha).
  const r = eegBandPowers(sine(8, 1, FS * 60), FS);
  assert.ok(Math.abs(r.relative.alpha! - 5 / 6) < 1e-3, `alpha ${r.relative.alpha}`);
  assert.ok(Math.abs(r.relative.theta! - 1 / 6) < 1e-3, `theta ${r.relative.theta}`);
  // A band ending at Nyquist is accepted; the Nyquist bin itself lies outside [low, high).
  const top = eegBandPowers(noise(FS * 10, 4), FS, { bands: { all: [0.5, FS / 2] } });
  assert.ok(top.relative.all === 1 && top.totalPower > 0);
});

test('eegEpochFeatures gives each epoch the band powers of its own 10 s, as SciPy does, and drops the partial epoch', () => {
  // Epoch k: a tone of amplitude 2 at 6, 10, then 20 Hz plus a 2 Hz tone of amplitude 1, at 128 Hz;
  // 300 samples of zeros after them. SciPy welch(nperseg=256) per epoch: delta 0.2, the tone's band 0.8.
  const fs = 128, len = 10 * fs, tones = [6, 10, 20];
  const x = new Float64Array(3 * len + 300);
  for (let i = 0; i < 3 * len; i++) x[i] = 2 * Math.sin((2 * Math.PI * tones[Math.floor(i / len)]! * i) / fs) + Math.sin((2 * Math.PI * 2 * i) / fs);
  const e = eegEpochFeatures(x, fs, { epochSeconds: 10 });
  assert.deepEqual(e.map((q) => q.start), [0, 10, 20]);
  const bandOf = ['theta', 'alpha', 'beta'];
  e.forEach((q, k) => {
    assert.ok(Math.abs(q.relative.delta! - 0.2) < 1e-9, `epoch ${k} delta ${q.relative.delta}`);
    assert.ok(Math.abs(q.relative[bandOf[k]!]! - 0.8) < 1e-9, `epoch ${k} ${bandOf[k]} ${q.relative[bandOf[k]!]}`);
  });
  // A signal shorter than one epoch has none.
  assert.deepEqual(eegEpochFeatures(x.subarray(0, len - 1), fs, { epochSeconds: 10 }), []);
});

test('eegBandPowers with segments longer than the signal uses one segment of the whole signal', () => {
  const x = sine(10, 1, FS * 3);
  const r = eegBandPowers(x, FS, { nperseg: 10 });
  // One 3 s Hann segment: df = 1/3 Hz, the tone's power 0.5 lies in alpha.
  assert.ok(Math.abs(r.absolute.alpha! - 0.5) < 0.01, `alpha ${r.absolute.alpha}`);
});

test('eegBandPowers rejects NaN samples rather than returning NaN powers', () => {
  const x = sine(10, 1, FS * 4);
  x[100] = Number.NaN;
  assert.throws(() => eegBandPowers(x, FS), /NaN/);
});

test('a flat EEG at a non-zero level has no band power, like a flat EEG at zero: relative powers, SEF and entropy are NaN', () => {
  for (const level of [0, 3, 0.1, 1e4 + 0.3]) {
    const r = eegBandPowers(new Float64Array(FS * 10).fill(level), FS);
    assert.ok(Number.isNaN(r.relative.delta!), `level ${level}: relative delta ${r.relative.delta}`);
    assert.ok(Number.isNaN(r.sef.sef90!), `level ${level}: SEF90 ${r.sef.sef90}`);
    assert.ok(Number.isNaN(r.spectralEntropy), `level ${level}: entropy ${r.spectralEntropy}`);
  }
});
