import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanPpg, ppgOnsets, ppgPeaks, PpgDetector } from '../../src/signals/ppg.js';
import { pulseRate } from '../../src/signals/ppg-features.js';
import { syntheticPpg, type SyntheticPpgOptions } from '../../src/signals/synthetic-ppg.js';
import { matchBeats } from '../../src/signals/evaluate.js';
import { BeatStream, detectInBlocks } from '../../src/signals/beat-stream.js';
import { openRecording } from '../../src/io/open.js';
import { needShared, repoRoot, shared } from '../helpers/shared.js';
import { streamInChunks } from '../helpers/chunked.js';

interface CleanCase { fn: string; fs: number; band: number[]; input: number[]; expected: number[] }
// Made by test/golden/signals/make_ppg_resp_clean.py: scipy.signal.sosfiltfilt(butter(2, band, 'bandpass', fs, output='sos'), x).
const golden = (JSON.parse(readFileSync(join(repoRoot, 'test/golden/signals/ppg_resp_clean.json'), 'utf8')) as { cases: CleanCase[] }).cases;

test('cleanPpg matches SciPy sosfiltfilt with the 0.5-8 Hz order-2 Butterworth bandpass', () => {
  const cases = golden.filter((c) => c.fn === 'cleanPpg');
  assert.ok(cases.length >= 3);
  for (const c of cases) {
    const y = cleanPpg(c.input, c.fs);
    assert.equal(y.length, c.expected.length);
    for (let i = 0; i < y.length; i++) assert.ok(Math.abs(y[i]! - c.expected[i]!) <= 1e-9 * (1 + Math.abs(c.expected[i]!)), `fs ${c.fs} [${i}]: ${y[i]} vs ${c.expected[i]}`);
  }
});

test('cleanPpg rejects a bad band, order or fs by name', () => {
  const x = new Float64Array(500);
  assert.throws(() => cleanPpg(x, 100, { bandHz: [8, 0.5] }), /bandHz/);
  assert.throws(() => cleanPpg(x, 100, { order: 0 }), /order/);
  assert.throws(() => cleanPpg(x, 0), /fs/);
  assert.throws(() => cleanPpg(x, 1), /too low/);
});

/** Sensitivity and PPV over seeds; the first and last 0.5 s (pulses cut by the signal ends) are not scored. */
function score(fs: number, opts: SyntheticPpgOptions, seeds: number[], seconds = 120): { se: number; ppv: number; errMs: number } {
  let tp = 0, fn = 0, fp = 0, err = 0;
  for (const seed of seeds) {
    const s = syntheticPpg({ fs, seconds, seed, ...opts });
    const m = matchBeats(s.peaks, ppgPeaks(s.signal, fs).peaks, fs, { windowSeconds: 0.15, startSeconds: 0.5, endSeconds: seconds - 0.5 });
    tp += m.tp; fn += m.fn; fp += m.fp; err += m.meanAbsErrorMs / seeds.length;
  }
  return { se: tp / (tp + fn), ppv: tp / (tp + fp), errMs: err };
}

// Noise is white, its standard deviation relative to the pulse amplitude; 0.1 is the moderate level
// of the acceptance criterion (at 50 Hz all of it lies within 0-25 Hz, so it is the hardest case).
for (const fs of [50, 100, 250, 1000]) {
  for (const heartRate of [45, 60, 90, 120, 150]) {
    test(`ppgPeaks at ${fs} Hz finds the pulses of a synthetic PPG at ${heartRate} bpm with Se and PPV >= 99 % up to moderate noise`, () => {
      for (const noise of [0.01, 0.05, 0.1]) {
        const r = score(fs, { heartRate, noise }, [1, 2]);
        assert.ok(r.se >= 0.99, `noise ${noise}: sensitivity ${r.se}`);
        assert.ok(r.ppv >= 0.99, `noise ${noise}: PPV ${r.ppv}`);
        assert.ok(r.errMs <= 25, `noise ${noise}: mean |error| ${r.errMs} ms`);
      }
    });
  }
}

const hard: { name: string; opts: SyntheticPpgOptions; se: number; ppv: number }[] = [
  { name: 'heavy noise', opts: { noise: 0.2 }, se: 0.99, ppv: 0.97 },
  { name: 'baseline wander twice the pulse amplitude', opts: { baselineWander: 2, baselineHz: 0.4, noise: 0.05 }, se: 1, ppv: 1 },
  { name: 'a small diastolic wave and strong rate variability', opts: { diastolic: 0.15, rrStd: 0.12, noise: 0.05 }, se: 0.995, ppv: 0.995 },
  { name: 'a large diastolic wave at a slow rate', opts: { diastolic: 0.6, heartRate: 45, noise: 0.05 }, se: 0.99, ppv: 0.99 },
];
for (const fs of [50, 250]) {
  for (const h of hard) {
    test(`ppgPeaks at ${fs} Hz copes with ${h.name}`, () => {
      const r = score(fs, h.opts, [1, 2, 3]);
      assert.ok(r.se >= h.se, `sensitivity ${r.se}`);
      assert.ok(r.ppv >= h.ppv, `PPV ${r.ppv}`);
    });
  }
}

test('ppgPeaks recovers right after motion artefacts: outside the bursts every pulse is found', () => {
  const bursts = [{ start: 20, seconds: 8, amplitude: 1 }, { start: 70, seconds: 5, amplitude: 2 }];
  const outside = (v: Int32Array, fs: number): number[] =>
    Array.from(v).filter((p) => !bursts.some((b) => p >= (b.start - 1) * fs && p < (b.start + b.seconds + 1) * fs));
  for (const fs of [50, 100, 1000]) {
    for (const seed of [1, 2]) {
      const s = syntheticPpg({ fs, seconds: 120, seed, noise: 0.05, motionBursts: bursts });
      const m = matchBeats(outside(s.peaks, fs), outside(ppgPeaks(s.signal, fs).peaks, fs), fs, { startSeconds: 0.5, endSeconds: 119.5 });
      assert.ok(m.fn <= 1 && m.fp <= 1, `fs ${fs} seed ${seed}: fn ${m.fn} fp ${m.fp}`);
    }
  }
});

test('ppgPeaks places onsets at the foot of each synthetic pulse', () => {
  for (const [fs, heartRate, noise, medMs] of [[100, 70, 0.02, 20], [250, 90, 0.05, 20], [1000, 60, 0.05, 25], [50, 120, 0.05, 25]] as const) {
    const s = syntheticPpg({ fs, seconds: 90, heartRate, noise, seed: 4 });
    const r = ppgPeaks(s.signal, fs);
    const errs: number[] = [];
    for (let k = 0; k < s.peaks.length; k++) {
      if (s.onsets[k]! < 0) continue;
      const i = r.peaks.findIndex((p) => Math.abs(p - s.peaks[k]!) <= 0.15 * fs);
      if (i >= 0) errs.push((Math.abs(r.onsets[i]! - s.onsets[k]!) / fs) * 1000);
    }
    errs.sort((a, b) => a - b);
    assert.ok(errs.length >= s.peaks.length - 3);
    assert.ok(errs[errs.length >> 1]! <= medMs, `fs ${fs}: median onset error ${errs[errs.length >> 1]} ms`);
    for (let i = 0; i < r.peaks.length; i++) {
      assert.ok(r.onsets[i]! <= r.peaks[i]! && (i === 0 || r.onsets[i]! > r.peaks[i - 1]!), `onset ${i} lies in its own pulse`);
    }
  }
});

test("ppgPeaks with invert finds the pulses of an inverted PPG, and 'auto' decides the polarity", () => {
  for (const [fs, heartRate] of [[100, 60], [250, 120], [50, 45]] as const) {
    const s = syntheticPpg({ fs, seconds: 60, heartRate, noise: 0.05, seed: 7 });
    const neg = s.signal.map((v) => -v);
    const upright = ppgPeaks(s.signal, fs);
    for (const invert of [true, 'auto'] as const) {
      const r = ppgPeaks(neg, fs, { invert });
      assert.equal(r.inverted, true, `invert ${invert}`);
      const m = matchBeats(s.peaks, r.peaks, fs, { startSeconds: 0.5, endSeconds: 59.5 });
      assert.ok(m.fn === 0 && m.fp === 0, `invert ${invert} at ${fs} Hz: fn ${m.fn} fp ${m.fp}`);
      // Negation is exact in floating point, so inverting back reproduces the upright result.
      assert.deepEqual(r.peaks, upright.peaks);
      assert.deepEqual(r.onsets, upright.onsets);
    }
    assert.equal(ppgPeaks(s.signal, fs, { invert: 'auto' }).inverted, false);
    // Without inversion the detector locks onto the feet of the inverted pulses: not the peaks.
    const wrong = matchBeats(s.peaks, ppgPeaks(neg, fs).peaks, fs, { windowSeconds: 0.05 });
    assert.ok(wrong.sensitivity < 0.5);
  }
});

test('ppgPeaks equals detectInBlocks with PpgDetector and chunked BeatStream detection', () => {
  const fs = 100;
  const s = syntheticPpg({ fs, seconds: 150, heartRate: 80, noise: 0.05, seed: 9, motionBursts: [{ start: 59, seconds: 3, amplitude: 1 }] });
  const oneBlock = ppgPeaks(s.signal, fs, { blockSeconds: 200 }).peaks;
  assert.deepEqual(detectInBlocks(s.signal, fs, new PpgDetector(), { blockSeconds: 200 }), oneBlock);
  const blocked = ppgPeaks(s.signal, fs, { blockSeconds: 20 }).peaks;
  assert.deepEqual(detectInBlocks(s.signal, fs, new PpgDetector(), { blockSeconds: 20 }), blocked);
  for (const size of [97, 1000, 4321]) {
    const stream = new BeatStream(new PpgDetector(), fs, { blockSeconds: 20 });
    const got: number[] = [];
    for (let p = 0; p < s.signal.length; p += size) got.push(...stream.push(s.signal.subarray(p, p + size)));
    got.push(...stream.finish());
    assert.deepEqual(Int32Array.from(got), blocked, `chunk ${size}`);
  }
  // Blocks change the slices but not the pulses found outside the artefact.
  const m = matchBeats(oneBlock, blocked, fs, { windowSeconds: 0.02 });
  assert.ok(m.fn + m.fp <= 2, `fn ${m.fn} fp ${m.fp}`);
});

test('ppgOnsets gives one onset per peak and does not depend on the block length', () => {
  const fs = 250;
  const s = syntheticPpg({ fs, seconds: 100, heartRate: 75, noise: 0.02, seed: 2 });
  const { peaks, onsets } = ppgPeaks(s.signal, fs);
  assert.equal(onsets.length, peaks.length);
  const other = ppgOnsets(s.signal, fs, peaks, { blockSeconds: 17 });
  const differ = onsets.filter((o, i) => Math.abs(o - other[i]!) > 1).length;
  assert.ok(differ <= 2, `${differ} onsets moved`);
});

test('ppgPeaks finds nothing in a flat or very short signal and accepts plain arrays', () => {
  assert.equal(ppgPeaks(new Float64Array(3000), 100).peaks.length, 0);
  assert.equal(ppgPeaks(new Float64Array(20), 100).peaks.length, 0);
  const s = syntheticPpg({ fs: 100, seconds: 20, seed: 3 });
  assert.deepEqual(ppgPeaks(Array.from(s.signal), 100), ppgPeaks(s.signal, 100));
});

test('PpgDetector rejects invalid options by name', () => {
  assert.throws(() => new PpgDetector({ bandHz: [8, 0.5] }), /bandHz/);
  assert.throws(() => new PpgDetector({ peakSeconds: 0 }), /peakSeconds/);
  assert.throws(() => new PpgDetector({ peakSeconds: 0.8 }), /beatSeconds/);
  assert.throws(() => new PpgDetector({ refineSeconds: -1 }), /refineSeconds/);
  assert.throws(() => new PpgDetector({ invert: 'yes' as unknown as boolean }), /invert/);
  assert.throws(() => ppgPeaks(new Float64Array(100), -1), /fs/);
});

async function channel(rel: string, opts: Parameters<typeof openRecording>[1]): Promise<{ fs: number; data: Float64Array[] }> {
  const rec = await openRecording(shared(rel), opts);
  try {
    const fs = rec.info.channels[0]!.fs;
    const idx = rec.info.channels.map((_, i) => i);
    return { fs, data: (await rec.read(idx, 0, rec.info.channels[0]!.samples)) as Float64Array[] };
  } finally {
    await rec.close();
  }
}

test('ppgPeaks pulse rate agrees with the oximeter within 3 bpm (median over 10 s windows) on vitaldsp_PPG_short', { skip: needShared('data/ppg/vitaldsp_PPG_short.csv') }, async () => {
  const { fs, data } = await channel('data/ppg/vitaldsp_PPG_short.csv', { columns: ['PLETH', 'PULSE_BPM'] });
  assert.equal(fs, 100); // from the TIMESTAMP_MS column
  const [x, device] = data as [Float64Array, Float64Array];
  const { peaks } = ppgPeaks(x, fs);
  const w = 10 * fs;
  const diffs: number[] = [];
  for (let a = 0; a + w <= x.length; a += w) {
    const ours = pulseRate(peaks.filter((p) => p >= a && p < a + w), fs);
    const dev = Float64Array.from(device.subarray(a, a + w)).sort()[w >> 1]!;
    diffs.push(Math.abs(ours - dev));
  }
  diffs.sort((a, b) => a - b);
  assert.ok(diffs.length >= 12);
  const med = diffs.length % 2 ? diffs[diffs.length >> 1]! : (diffs[diffs.length / 2 - 1]! + diffs[diffs.length / 2]!) / 2;
  assert.ok(med <= 3, `median |ours - device| ${med} bpm`);
});

const realPpg: { rel: string; opts: Parameters<typeof openRecording>[1]; fs: number; regular: number }[] = [
  { rel: 'data/ppg/heartpy_ppg_100hz.csv', opts: { fs: 100 }, fs: 100, regular: 1 },
  { rel: 'data/ppg/biosppy_ppg.txt', opts: {}, fs: 1000, regular: 1 },
  // A longer recording with some irregular beats and amplitude changes.
  { rel: 'data/ppg/systole_ppg_75hz.npy', opts: { fs: 75 }, fs: 75, regular: 0.9 },
];
for (const r of realPpg) {
  test(`ppgPeaks finds a plausible, regular pulse in ${r.rel}`, { skip: needShared(r.rel) }, async () => {
    const { fs, data } = await channel(r.rel, r.opts);
    assert.equal(fs, r.fs);
    const x = data[0]!;
    const { peaks, inverted } = ppgPeaks(x, fs, { invert: 'auto' });
    assert.equal(inverted, false);
    const rate = pulseRate(peaks, fs);
    assert.ok(rate >= 40 && rate <= 120, `rate ${rate}`);
    // Pulses cover the recording: about duration x rate / 60 of them.
    const expected = (x.length / fs) * (rate / 60);
    assert.ok(Math.abs(peaks.length - expected) <= 0.05 * expected + 2, `${peaks.length} pulses, expected about ${expected}`);
    const med = 60 / rate;
    let within = 0;
    for (let i = 1; i < peaks.length; i++) if (Math.abs((peaks[i]! - peaks[i - 1]!) / fs - med) <= 0.2 * med) within++;
    assert.ok(within / (peaks.length - 1) >= r.regular, `${within} of ${peaks.length - 1} intervals within 20 % of the median`);
  });
}

/** A PPG given in continuous time: pulses (systolic and diastolic Gaussians) about 0.8 s apart, on an offset of 2. */
const pulseTimes: number[] = [];
for (let t = 0.37; t < 61; t += 0.8 + 0.07 * Math.sin(t)) pulseTimes.push(t);
function pulseWave(t: number): number {
  let v = 2;
  for (const c of pulseTimes) {
    const d = t - c;
    if (d > -1 && d < 2) v += Math.exp(-(d * d) / (2 * 0.07 ** 2)) + 0.4 * Math.exp(-((d - 0.3) ** 2) / (2 * 0.2 ** 2));
  }
  return v;
}
/** Its systolic maxima in s, found on a 10 us grid. */
const trueMaxima = pulseTimes.filter((c) => c < 60).map((c) => {
  let best = c, bv = -Infinity;
  for (let t = c - 0.05; t <= c + 0.05; t += 1e-5) {
    const v = pulseWave(t);
    if (v > bv) { bv = v; best = t; }
  }
  return best;
});

for (const fs of [25, 50, 100, 250, 1000]) {
  test(`ppgPeaks at ${fs} Hz puts every systolic peak of the same continuous-time PPG within one sample of its true maximum, upright or inverted`, () => {
    const x = Float64Array.from({ length: 60 * fs }, (_, i) => pulseWave(i / fs));
    for (const [signal, invert] of [[x, false], [x.map((v) => -v), 'auto']] as const) {
      const r = ppgPeaks(signal, fs, { invert });
      assert.equal(r.inverted, invert === 'auto');
      // Every maximum inside the signal, the first at 0.37 s and the last 0.48 s before the end included.
      assert.equal(r.peaks.length, trueMaxima.length, `invert ${invert}: ${r.peaks.length} peaks for ${trueMaxima.length} pulses`);
      trueMaxima.forEach((t, k) => assert.ok(Math.abs(r.peaks[k]! / fs - t) <= 1 / fs, `invert ${invert}, pulse at ${t.toFixed(3)} s found at ${r.peaks[k]! / fs} s`));
    }
  });
}

for (const [heartRate, fs] of [[30, 50], [35, 1000], [170, 25], [180, 100], [180, 1000]] as const) {
  test(`ppgPeaks at ${fs} Hz finds every pulse of a steady ${heartRate} bpm synthetic PPG`, () => {
    for (const seed of [1, 2]) {
      const s = syntheticPpg({ fs, seconds: 60, heartRate, rrStd: 0, noise: 0.01, seed });
      const m = matchBeats(s.peaks, ppgPeaks(s.signal, fs).peaks, fs, { startSeconds: 0.5, endSeconds: 59.5 });
      assert.ok(m.fn === 0 && m.fp === 0, `seed ${seed}: fn ${m.fn} fp ${m.fp}`);
    }
  });
}

test('BeatStream with PpgDetector equals detectInBlocks for chunks of one sample, half a pulse, a block and a block plus context, with overlap', () => {
  const fs = 50;
  const s = syntheticPpg({ fs, seconds: 100, heartRate: 75, noise: 0.03, seed: 12 });
  const ref = detectInBlocks(s.signal, fs, new PpgDetector(), { blockSeconds: 10 });
  assert.ok(ref.length > 110);
  // 20 samples is half a pulse at 75 bpm; blocks are 500 samples, the context 250.
  for (const [size, overlap] of [[1, 0], [20, 0], [20, 7], [500, 0], [750, 0], [751, 250]] as const) {
    assert.deepEqual(streamInChunks(new PpgDetector(), s.signal, fs, 10, size, overlap), ref, `chunk ${size}, overlap ${overlap}`);
  }
});

test('ppgPeaks rejects a NaN run in the signal with a RangeError rather than returning pulses around it', () => {
  const s = syntheticPpg({ fs: 100, seconds: 30, seed: 4 });
  const x = s.signal.slice();
  x.fill(Number.NaN, 1000, 1100);
  assert.throws(() => ppgPeaks(x, 100), (e: unknown) => e instanceof RangeError && /finite/.test(e.message));
});

test('ppgPeaks and ppgOnsets name the first missing sample by its index in the whole signal, in any block', () => {
  const s = syntheticPpg({ fs: 100, seconds: 200, seed: 4 });
  for (const at of [1000, 10000, 17950]) {
    const x = s.signal.slice();
    x.fill(Number.NaN, at, at + 30);
    const named = (e: unknown) => e instanceof RangeError && new RegExp(`finite, got NaN at index ${at}$`).test(e.message);
    for (const invert of [false, 'auto'] as const) assert.throws(() => ppgPeaks(x, 100, { invert }), named, `NaN at ${at}, invert ${invert}`);
    assert.throws(() => ppgOnsets(x, 100, [at + 100], { inverted: false }), named, `ppgOnsets, NaN at ${at}`);
  }
});

test('ppgPeaks finds no pulse in a flat line at any level', () => {
  for (const level of [1, -500, 1000, 30000]) {
    for (const invert of [false, 'auto'] as const) {
      const r = ppgPeaks(new Float64Array(6000).fill(level), 100, { invert });
      assert.equal(r.peaks.length, 0, `level ${level}, invert ${invert}: ${r.peaks.length} pulses`);
    }
  }
});
