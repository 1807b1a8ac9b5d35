import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BreathDetector, breathingRate, breathVariability, breaths, cleanResp } from '../../src/signals/resp.js';
import { syntheticResp } from '../../src/signals/synthetic-resp.js';
import { matchBeats } from '../../src/signals/evaluate.js';
import { BeatStream, detectInBlocks } from '../../src/signals/beat-stream.js';
import { openRecording } from '../../src/io/open.js';
import { needShared, repoRoot, shared } from '../helpers/shared.js';
import { streamInChunks } from '../helpers/chunked.js';

interface CleanCase { fn: string; fs: number; band: number[]; input: number[]; expected: number[] }
// Made by test/golden/signals/make_ppg_resp_clean.py: scipy.signal.sosfiltfilt(butter(2, band, 'bandpass', fs, output='sos'), x).
const golden = (JSON.parse(readFileSync(join(repoRoot, 'test/golden/signals/ppg_resp_clean.json'), 'utf8')) as { cases: CleanCase[] }).cases;

test('cleanResp matches SciPy sosfiltfilt with the 0.05-1 Hz order-2 Butterworth bandpass', () => {
  const cases = golden.filter((c) => c.fn === 'cleanResp');
  assert.ok(cases.length >= 2);
  for (const c of cases) {
    const y = cleanResp(c.input, c.fs);
    for (let i = 0; i < y.length; i++) assert.ok(Math.abs(y[i]! - c.expected[i]!) <= 1e-9 * (1 + Math.abs(c.expected[i]!)), `fs ${c.fs} [${i}]: ${y[i]} vs ${c.expected[i]}`);
  }
});

// Noise is white, its standard deviation relative to the breath depth (about 1).
for (const fs of [4, 25, 100, 1000]) {
  for (const rate of [6, 10, 15, 20, 30]) {
    test(`breaths at ${fs} Hz measures a synthetic breathing rate of ${rate}/min within 1 breath/min`, () => {
      for (const [noise, seed] of [[0.01, 1], [0.05, 2], [0.1, 3]] as const) {
        const s = syntheticResp({ fs, seconds: 300, rate, noise, seed });
        const b = breaths(s.signal, fs);
        const truth = breathingRate(s.peaks, fs);
        const got = breathingRate(b.peaks, fs);
        assert.ok(Math.abs(got - truth) <= 1, `noise ${noise}: ${got} vs ${truth} breaths/min`);
        // Breath by breath too: a window of 15 % of the breath period (at least 2 samples), ends (cut
        // breaths) not scored.
        const win = Math.max((0.15 * 60) / rate, 2 / fs);
        const m = matchBeats(s.peaks, b.peaks, fs, { windowSeconds: win, startSeconds: 10, endSeconds: 290 });
        assert.ok(m.sensitivity >= 0.98 && m.ppv >= 0.98, `noise ${noise}: Se ${m.sensitivity} PPV ${m.ppv}`);
        const t = matchBeats(s.troughs, b.troughs, fs, { windowSeconds: win, startSeconds: 10, endSeconds: 290 });
        assert.ok(t.sensitivity >= 0.98 && t.ppv >= 0.98, `troughs, noise ${noise}: Se ${t.sensitivity} PPV ${t.ppv}`);
      }
    });
  }
}

test('breaths gives one trough before each peak, inside its breath', () => {
  const s = syntheticResp({ fs: 25, seconds: 200, rate: 12, noise: 0.05, seed: 6 });
  const { peaks, troughs } = breaths(s.signal, 25);
  assert.equal(troughs.length, peaks.length);
  for (let i = 0; i < peaks.length; i++) assert.ok(troughs[i]! < peaks[i]! && (i === 0 || troughs[i]! > peaks[i - 1]!), `trough ${i}`);
});

test('breaths ignores small ripples between breaths and merges peaks closer than the refractory period', () => {
  const fs = 10;
  // 10 breaths/min with a 0.1-deep ripple at 0.8 Hz riding on it: the ripple makes extra crossings
  // near zero that the amplitude rule must remove.
  const x = Float64Array.from({ length: 1200 }, (_, i) => Math.sin((2 * Math.PI * i) / 60) + 0.1 * Math.sin((2 * Math.PI * 0.8 * i) / fs));
  const { peaks } = breaths(x, fs);
  assert.ok(Math.abs(breathingRate(peaks, fs) - 10) <= 0.2, `rate ${breathingRate(peaks, fs)}`);
  for (let i = 1; i < peaks.length; i++) assert.ok(peaks[i]! - peaks[i - 1]! >= 50, `interval ${peaks[i]! - peaks[i - 1]!}`);
});

test('breaths equals detectInBlocks with BreathDetector and chunked BeatStream detection', () => {
  const fs = 25;
  const s = syntheticResp({ fs, seconds: 600, rate: 14, noise: 0.05, seed: 11 });
  const ref = breaths(s.signal, fs, { blockSeconds: 90 }).peaks;
  assert.deepEqual(detectInBlocks(s.signal, fs, new BreathDetector(), { blockSeconds: 90 }), ref);
  const stream = new BeatStream(new BreathDetector(), fs, { blockSeconds: 90 });
  const got: number[] = [];
  for (let p = 0; p < s.signal.length; p += 777) got.push(...stream.push(s.signal.subarray(p, p + 777)));
  got.push(...stream.finish());
  assert.deepEqual(Int32Array.from(got), ref);
  // One block or many: the same breaths.
  const m = matchBeats(breaths(s.signal, fs, { blockSeconds: 1000 }).peaks, ref, fs, { windowSeconds: 0.1 });
  assert.ok(m.fn + m.fp <= 1, `fn ${m.fn} fp ${m.fp}`);
});

test('breathingRate and breathVariability summarise the breath intervals', () => {
  // Intervals 4, 5, 3 and 4 s at 10 Hz.
  const peaks = [0, 40, 90, 120, 160];
  assert.equal(breathingRate(peaks, 10), 15);
  const v = breathVariability(peaks, 10);
  assert.equal(v.meanInterval, 4);
  // Sample standard deviation of 4, 5, 3, 4: sqrt(2 / 3).
  assert.ok(Math.abs(v.std - Math.sqrt(2 / 3)) < 1e-12);
  assert.ok(Math.abs(v.cv - Math.sqrt(2 / 3) / 4) < 1e-12);
  assert.ok(Number.isNaN(breathingRate([3], 10)));
  assert.ok(Number.isNaN(breathVariability([3, 40], 10).std));
});

test('BreathDetector and cleanResp reject invalid options by name', () => {
  assert.throws(() => new BreathDetector({ bandHz: [1, 0.05] }), /bandHz/);
  assert.throws(() => new BreathDetector({ minRelativeAmplitude: 1 }), /minRelativeAmplitude/);
  assert.throws(() => new BreathDetector({ neighbours: 0 }), /neighbours/);
  assert.throws(() => new BreathDetector({ refractorySeconds: 0 }), /refractorySeconds/);
  assert.throws(() => cleanResp(new Float64Array(100), 0.1), /too low/);
  assert.throws(() => breaths(new Float64Array(100), -4), /fs/);
});

test('breaths finds a plausible breathing rate in biosppy_resp', { skip: needShared('data/resp/biosppy_resp.txt') }, async () => {
  const rec = await openRecording(shared('data/resp/biosppy_resp.txt'));
  try {
    const fs = rec.info.channels[0]!.fs;
    assert.equal(fs, 1000);
    const [x] = (await rec.read(0, 0, rec.info.channels[0]!.samples)) as Float64Array[];
    const { peaks, troughs } = breaths(x!, fs);
    const rate = breathingRate(peaks, fs);
    assert.ok(rate >= 8 && rate <= 25, `rate ${rate}`);
    // 60 s of breathing: about rate breaths, none shorter than the refractory period.
    assert.ok(Math.abs(peaks.length - rate) <= 3, `${peaks.length} breaths`);
    for (let i = 1; i < peaks.length; i++) assert.ok(peaks[i]! - peaks[i - 1]! >= fs);
    assert.equal(troughs.length, peaks.length);
    assert.ok(breathVariability(peaks, fs).cv < 0.5);
  } finally {
    await rec.close();
  }
});

test('breaths finds the same breaths at 4 to 250 Hz as at 1000 Hz, within one sample of the lower rate', () => {
  // The generator places its breaths in continuous time, so one seed gives the same breathing at any fs.
  const ref = breaths(syntheticResp({ fs: 1000, seconds: 300, seed: 3, noise: 0 }).signal, 1000);
  // Away from the ends, where the edge padding of the 0.05 Hz filter differs with fs.
  const inner = (v: Int32Array, fs: number): number[] => Array.from(v).map((p) => p / fs).filter((t) => t >= 20 && t <= 280);
  for (const fs of [4, 10, 25, 100, 250]) {
    const b = breaths(syntheticResp({ fs, seconds: 300, seed: 3, noise: 0 }).signal, fs);
    for (const [what, got, want] of [['peaks', b.peaks, ref.peaks], ['troughs', b.troughs, ref.troughs]] as const) {
      const g = inner(got, fs), w = inner(want, 1000);
      assert.equal(g.length, w.length, `${fs} Hz ${what}: ${g.length} vs ${w.length}`);
      g.forEach((t, k) => assert.ok(Math.abs(t - w[k]!) <= 1 / fs, `${fs} Hz ${what} ${k}: ${t} s vs ${w[k]} s`));
    }
  }
});

for (const [rate, fs] of [[3, 25], [4, 100], [40, 25], [50, 100]] as const) {
  test(`breaths at ${fs} Hz follows a synthetic breathing rate of ${rate}/min breath by breath`, () => {
    const s = syntheticResp({ fs, seconds: 600, rate, noise: 0.02, seed: 2 });
    const b = breaths(s.signal, fs);
    const win = Math.max((0.15 * 60) / rate, 2 / fs);
    const m = matchBeats(s.peaks, b.peaks, fs, { windowSeconds: win, startSeconds: 30, endSeconds: 570 });
    assert.ok(m.fn === 0 && m.fp <= 1, `fn ${m.fn} fp ${m.fp}`);
    assert.ok(Math.abs(breathingRate(b.peaks, fs) - breathingRate(s.peaks, fs)) <= 0.05 * rate, `rate ${breathingRate(b.peaks, fs)}`);
  });
}

test('breaths of an inverted respiration signal are the troughs of the original', () => {
  const fs = 25;
  const s = syntheticResp({ fs, seconds: 300, rate: 12, noise: 0.02, seed: 8 });
  const b = breaths(s.signal.map((v) => -v), fs);
  const m = matchBeats(s.troughs, b.peaks, fs, { windowSeconds: 0.75, startSeconds: 10, endSeconds: 290 });
  assert.ok(m.fn === 0 && m.fp === 0, `fn ${m.fn} fp ${m.fp}`);
});

test('BeatStream with BreathDetector equals detectInBlocks for chunks of one sample, half a breath, a block and a block plus context, with overlap', () => {
  const fs = 10;
  const s = syntheticResp({ fs, seconds: 900, rate: 15, noise: 0.05, seed: 13 });
  const ref = detectInBlocks(s.signal, fs, new BreathDetector(), { blockSeconds: 60 });
  assert.ok(ref.length > 200);
  // 20 samples is half a breath at 15/min; blocks are 600 samples, the context 400.
  for (const [size, overlap] of [[1, 0], [20, 0], [20, 9], [600, 0], [1000, 0], [1001, 400]] as const) {
    assert.deepEqual(streamInChunks(new BreathDetector(), s.signal, fs, 60, size, overlap), ref, `chunk ${size}, overlap ${overlap}`);
  }
});

test('breaths drops a breath whose peak is on the first sample, and keeps one 20 samples from either end', () => {
  // A 15/min cosine at 25 Hz: peaks every 100 samples. Near the ends the filter's edge transients may
  // move a peak by a sample or two.
  const fs = 25, n = 120 * fs;
  const cosine = (peakAt: number): Float64Array => Float64Array.from({ length: n }, (_, i) => Math.cos((2 * Math.PI * 0.25 * (i - peakAt)) / fs));
  const near = (got: number | undefined, want: number, what: string): void => assert.ok(got !== undefined && Math.abs(got - want) <= 2, `${what}: found ${got}, expected ${want}`);
  near(breaths(cosine(0), fs).peaks[0], 100, 'peak on the first sample');
  near(breaths(cosine(20), fs).peaks[0], 20, 'peak 20 samples in');
  const lastIn = breaths(cosine(n - 21), fs).peaks;
  near(lastIn[lastIn.length - 1], n - 21, 'peak 20 samples before the end');
});

test('breaths rejects a NaN run in the signal with a RangeError', () => {
  const s = syntheticResp({ fs: 25, seconds: 200, seed: 1 });
  const x = s.signal.slice();
  x.fill(Number.NaN, 3000, 3100);
  assert.throws(() => breaths(x, 25), (e: unknown) => e instanceof RangeError && /finite/.test(e.message));
});

test('breaths names the first missing sample by its index in the whole signal, in any block', () => {
  const s = syntheticResp({ fs: 25, seconds: 600, seed: 1 });
  for (const at of [100, 3000, 10000, 14990]) {
    const x = s.signal.slice();
    x.fill(Number.NaN, at, at + 10);
    assert.throws(() => breaths(x, 25), (e: unknown) => e instanceof RangeError && new RegExp(`finite, got NaN at index ${at}$`).test(e.message), `NaN at ${at}`);
  }
});

test('breaths finds no breath in a flat line at any level', () => {
  for (const level of [1, -3, 0.2, 30000]) {
    for (const fs of [25, 250]) {
      const n = breaths(new Float64Array(fs * 300).fill(level), fs).peaks.length;
      assert.equal(n, 0, `level ${level} at ${fs} Hz: ${n} breaths`);
    }
  }
});
