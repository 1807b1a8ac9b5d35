import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeBlock, readBlock, releaseBlock, runBlock, type BlockInput, type BlockTask } from '../../src/pipeline/block.js';
import { resolveConfig } from '../../src/config/resolve.js';
import { MemoryRecording } from '../../src/io/memory.js';
import { butter } from '../../src/dsp/iir-design.js';
import { seededRandom } from '../../src/signals/random.js';
import { syntheticEcg } from '../../src/signals/synthetic-ecg.js';
import { matchBeats } from '../../src/signals/evaluate.js';
import { qualityLevels } from '../../src/quality/score.js';
import { processingModes } from '../../src/pipeline/windows.js';
import type { TypeProcessor } from '../../src/pipeline/processors.js';
import type { BlockDetector } from '../../src/signals/beat-stream.js';
import type { BlockResult, ChannelPlan } from '../../src/pipeline/types.js';

const config = resolveConfig({ env: {}, set: ['runtime.workers=1', 'pipeline.blockSeconds=60'] }).values;

const plan = (fs: number, samples: number, type: ChannelPlan['type'] = 'unknown'): ChannelPlan => ({ index: 0, name: 'x', fs, samples, unit: '', type, typeFrom: 'given' });

function processor(extra: Partial<TypeProcessor> = {}): TypeProcessor {
  return { type: 'unknown', sos: undefined, detector: undefined, contextSamples: 0, templateSeconds: [0.2, 0.2], rateRange: [25, 250], ...extra };
}

/** A detector that reports the given positions (indices into the slice it is handed) and counts its calls. */
function fixedDetector(positions: number[]): BlockDetector & { calls: number } {
  return {
    calls: 0,
    contextSeconds: 0,
    refractorySeconds: 0.2,
    detect(x: Float64Array) {
      this.calls++;
      return Int32Array.from(positions.filter((p) => p < x.length));
    },
  };
}

// Level floors and mode thresholds as documented in quality/score.ts and the config defaults.
const levelOf = (s: number) => qualityLevels[s >= 0.85 ? 0 : s >= 0.7 ? 1 : s >= 0.5 ? 2 : s >= 0.2 ? 3 : 4]!;
const modeOf = (s: number) => (s < 0.2 ? 'skip' : s < 0.5 ? 'reduced' : 'full');

test('readBlock reads the block\'s samples with the processor\'s context on both sides, clipped at the record\'s ends', async () => {
  const rec = new MemoryRecording({ data: Float64Array.from({ length: 1000 }, (_, i) => i), fs: 100 });
  const proc = processor({ contextSamples: 50 });
  const cases = [
    { block: 0, s0: 0, b0: 0, b1: 300, last: 349 },
    { block: 1, s0: 250, b0: 300, b1: 600, last: 649 },
    // The last block is short and has no samples after it.
    { block: 3, s0: 850, b0: 900, b1: 1000, last: 999 },
  ];
  for (const c of cases) {
    const task: BlockTask = { channel: plan(100, 1000), block: c.block, blockSamples: 300, binSamples: 100, traceSamples: 0, config };
    const input = await readBlock(rec, task, proc);
    assert.deepEqual({ s0: input.s0, b0: input.b0, b1: input.b1 }, { s0: c.s0, b0: c.b0, b1: c.b1 });
    assert.equal(input.x.length, c.last - c.s0 + 1);
    assert.deepEqual(Array.from(input.x), Array.from({ length: c.last - c.s0 + 1 }, (_, i) => c.s0 + i));
    releaseBlock(input);
  }
});

test('readBlock gives blocks in flight buffers of their own, and releaseBlock keeps at most four for reuse', async () => {
  const rec = new MemoryRecording({ data: new Float64Array(1000).fill(1), fs: 100 });
  const task: BlockTask = { channel: plan(100, 1000), block: 0, blockSamples: 200, binSamples: 100, traceSamples: 0, config };
  const proc = processor();
  const readMany = (n: number) => Promise.all(Array.from({ length: n }, () => readBlock(rec, task, proc)));
  // Four reads held empty the free list whatever earlier tests left in it.
  const drained = await readMany(4);
  const held = await readMany(5);
  assert.equal(new Set(held.map((h) => h.x.buffer)).size, 5, 'overlapping reads never share a buffer');
  for (const h of held) releaseBlock(h);
  const again = await readMany(5);
  const kept = held.slice(0, 4).map((h) => h.x.buffer);
  // Taken back last in, first out; the fifth released buffer was not kept.
  assert.deepEqual(again.slice(0, 4).map((a) => kept.indexOf(a.x.buffer)), [3, 2, 1, 0]);
  assert.equal(held.some((h) => h.x.buffer === again[4]!.x.buffer), false);
  assert.ok(again.every((a) => a.x.every((v) => v === 1)), 'a reused buffer holds the new samples');
  for (const b of [...drained, ...again]) releaseBlock(b);
});

/*
 * A pulse train with a known template: at 250 Hz one beat a second, each beat's ±50-sample window
 * holding exactly a Gaussian g (or a variant), small noise between the windows so that no window
 * looks flat. Window 2's beats are g plus an odd wave q orthogonal to g with |q|^2 = 3 |g - mean g|^2,
 * which correlates with g at exactly 1/2; window 3 is flat; window 4's beats are -g (correlation -1);
 * the detector reports only three of window 5's ten beats.
 */
const fs = 250, HALF = 50;
function pulseTrain(): { x: Float64Array; beats: number[]; reported: number[] } {
  const rand = seededRandom(5);
  const x = Float64Array.from({ length: 60 * fs }, () => 0.02 * (rand() - 0.5));
  const g = Array.from({ length: 2 * HALF + 1 }, (_, i) => Math.exp(-0.5 * ((i - HALF) / 10) ** 2));
  const q0 = g.map((v, i) => ((i - HALF) / 10) * v);
  const gMean = g.reduce((a, v) => a + v, 0) / g.length;
  const gc2 = g.reduce((a, v) => a + (v - gMean) ** 2, 0);
  const a = Math.sqrt((3 * gc2) / q0.reduce((s, v) => s + v * v, 0));
  const beats = Array.from({ length: 60 }, (_, k) => k * fs + fs / 2);
  for (const p of beats) {
    const w = Math.floor(p / (10 * fs));
    for (let j = 0; j < g.length; j++) x[p - HALF + j] = w === 2 ? g[j]! + a * q0[j]! : w === 4 ? -g[j]! : g[j]!;
  }
  x.fill(0, 30 * fs, 40 * fs);
  const reported = beats.filter((p) => p < 53 * fs);
  return { x, beats, reported };
}

test('computeBlock scores each window by its beats\' correlation with the block\'s median beat and by their rate', () => {
  const { x, reported } = pulseTrain();
  const detector = fixedDetector(reported);
  const task: BlockTask = { channel: plan(fs, x.length), block: 0, blockSamples: x.length, binSamples: 10 * fs, traceSamples: 0, config };
  const r = computeBlock({ x, s0: 0, b0: 0, b1: x.length }, task, processor({ detector }));
  const w = r.windows;
  assert.ok([0, 1, 2, 4, 5].every((k) => w.screenScore[k]! >= 0.5), `screen scores ${Array.from(w.screenScore)}`);
  assert.equal(w.limitedBy[3], 'flatline');

  assert.deepEqual(Array.from(w.beats), [10, 10, 10, 0, 10, 3]);
  const corr = Array.from(w.templateCorr);
  for (const [k, want] of [[0, 1], [1, 1], [2, 0.5], [4, -1], [5, 1]] as const) assert.ok(Math.abs(corr[k]! - want) < 1e-9, `window ${k}: r = ${corr[k]}`);
  assert.ok(Number.isNaN(corr[3]!), 'a skipped window has no correlation');

  // Score factors: sqrt((r - 0.3) / 0.7) for the correlation, 0.5 for a rate outside 25-250/min.
  const want = [1, 1, Math.sqrt(2 / 7), 0, 0, 0.5].map((f, k) => f * w.screenScore[k]!);
  for (let k = 0; k < 6; k++) assert.ok(Math.abs(w.score[k]! - want[k]!) < 1e-9, `window ${k}: score ${w.score[k]} want ${want[k]}`);
  for (const k of [2, 4, 5]) assert.equal(qualityLevels[w.level[k]!], levelOf(want[k]!), `level of window ${k}`);
  for (const k of [2, 5]) {
    const screened = modeOf(w.screenScore[k]!), after = modeOf(want[k]!);
    const expected = after === 'skip' || (after === 'reduced' && screened === 'full') ? after : screened;
    assert.equal(processingModes[w.mode[k]!], expected, `mode of window ${k}`);
  }
  assert.equal(processingModes[w.mode[4]!], 'skip');
  assert.equal(processingModes[w.mode[3]!], 'skip');

  // Beats of skipped windows are dropped: none from window 3 (flat) nor window 4 (unlike the template).
  const kept = reported.filter((p) => p < 30 * fs || p >= 50 * fs);
  assert.deepEqual(Array.from(r.beats.sample), kept);
  assert.ok(Array.from(r.beats.amplitude).every((v) => v === 1), 'amplitude is the sample at the beat');
  assert.deepEqual(Array.from(r.beats.level), kept.map((p) => w.level[Math.floor(p / (10 * fs))]!));
  assert.ok(Array.from(w.snrGainDb).every(Number.isNaN), 'no cleaning filter, no SNR gain');
  assert.equal(r.refractory, 50);

  // The envelope of 10 s bins: pulses peak at 1, window 4 dips to -1, window 3 is 0 throughout.
  assert.deepEqual([r.envelope.max[0], r.envelope.min[3], r.envelope.max[3], r.envelope.min[4]], [1, 0, 0, -1]);
});

test('computeBlock leaves out of the template beats too close to the slice\'s edge, and has none with fewer than three', () => {
  const x = pulseTrain().x.slice(0, 20 * fs);
  const regular = Array.from({ length: 20 }, (_, k) => k * fs + fs / 2);
  const cases = [
    // A beat 20 samples from the start has no full template window: counted, not correlated.
    { positions: [20, ...regular], beats: [11, 10], corr: [1, 1], factor: [1, 1] },
    // Two beats make no template; both windows are halved for their rate (12 and 0 per minute).
    { positions: [125, 375], beats: [2, 0], corr: [NaN, NaN], factor: [0.5, 0.5] },
  ];
  for (const c of cases) {
    const task: BlockTask = { channel: plan(fs, x.length), block: 0, blockSamples: x.length, binSamples: fs, traceSamples: 0, config };
    const w = computeBlock({ x, s0: 0, b0: 0, b1: x.length }, task, processor({ detector: fixedDetector(c.positions) })).windows;
    assert.deepEqual(Array.from(w.beats), c.beats);
    c.corr.forEach((want, k) => assert.ok(Number.isNaN(want) ? Number.isNaN(w.templateCorr[k]!) : Math.abs(w.templateCorr[k]! - want) < 1e-9, `window ${k}: r = ${w.templateCorr[k]}`));
    c.factor.forEach((f, k) => assert.ok(Math.abs(w.score[k]! - f * w.screenScore[k]!) < 1e-9, `window ${k}`));
  }
});

test('computeBlock keeps only the beats in the block\'s own range and reports them at record positions', () => {
  const { x: one } = pulseTrain();
  // 70 s of undisturbed pulses read from record sample 10 000, the block 5 s into it.
  const x = new Float64Array(70 * fs);
  for (let s = 0; s < 7; s++) x.set(one.subarray(0, 10 * fs), s * 10 * fs);
  const positions = Array.from({ length: 70 }, (_, k) => k * fs + fs / 2);
  const s0 = 10_000, b0 = s0 + 5 * fs, b1 = b0 + 60 * fs;
  const task: BlockTask = { channel: plan(fs, 200_000), block: 1, blockSamples: 60 * fs, binSamples: fs, traceSamples: 0, config };
  const r = computeBlock({ x, s0, b0, b1 }, task, processor({ detector: fixedDetector(positions) }));
  assert.deepEqual(Array.from(r.beats.sample), Array.from({ length: 60 }, (_, k) => s0 + (k + 5) * fs + fs / 2));
  assert.deepEqual(Array.from(r.windows.start), [45, 55, 65, 75, 85, 95]);
  assert.deepEqual(Array.from(r.windows.beats), [10, 10, 10, 10, 10, 10]);
  assert.equal(r.envelope.max.length, 60);
});

test('computeBlock neither cleans nor detects when screening skips every window', () => {
  const x = new Float64Array(20 * fs).fill(0.5);
  const detector = fixedDetector([100, 400]);
  const sos = butter(2, [0.5, 40], { btype: 'bandpass', fs });
  const task: BlockTask = { channel: plan(fs, x.length), block: 0, blockSamples: x.length, binSamples: 5 * fs, traceSamples: 0, config };
  const r = computeBlock({ x, s0: 0, b0: 0, b1: x.length }, task, processor({ detector, sos }));
  assert.equal(detector.calls, 0);
  assert.equal(r.beats.sample.length, 0);
  assert.deepEqual(Array.from(r.windows.mode), [2, 2]);
  assert.deepEqual(Array.from(r.windows.beats), [0, 0]);
  // A band-pass would have taken the constant away: the envelope is of the raw samples.
  assert.deepEqual(r.envelope, { min: [0.5, 0.5, 0.5, 0.5], max: [0.5, 0.5, 0.5, 0.5] });
});

test('computeBlock keeps a peak-preserving display trace of the samples before traceSamples only', () => {
  const rate = 1000;
  const s0 = 900, b0 = 1000, b1 = 3000;
  const x = Float64Array.from({ length: b1 - s0 }, (_, i) => 0.1 * Math.sin((2 * Math.PI * 5 * i) / rate));
  x.set([1, -3, 3, 2, 0.5, -0.25, 0.1, 0.2, -7, 6], b0 - s0);
  const task = (traceSamples: number): BlockTask => ({ channel: plan(rate, 10_000), block: 1, blockSamples: 2000, binSamples: 500, traceSamples, config });
  const input: BlockInput = { x, s0, b0, b1 };
  const r = computeBlock(input, task(1010), processor());
  // Stride floor(1000 / 250) = 4 over record samples 1000-1009: the sample farthest from zero of each four.
  assert.equal(r.traceStride, 4);
  assert.deepEqual(Array.from(r.trace), [-3, 0.5, -7]);
  assert.deepEqual([r.envelope.min[0], r.envelope.max[0]], [-7, 6]);
  assert.equal(r.envelope.min.length, 4);
  assert.deepEqual(Array.from(r.windows.beats), [-1], 'no detector, no beat count');
  assert.equal(r.refractory, 0);
  assert.equal(computeBlock(input, task(1000), processor()).trace.length, 0);
});

const ecg = syntheticEcg({ fs, seconds: 180, heartRate: 75, seed: 9 });
const ecgTask = (block: number): BlockTask => ({ channel: plan(fs, ecg.signal.length, 'ecg'), block, blockSamples: 60 * fs, binSamples: fs, traceSamples: 0, config });
const withoutTimings = ({ timings: _t, ...rest }: BlockResult) => rest;

test('runBlock finds the beats of a synthetic ECG block inside the block and with the detector\'s refractory period', async () => {
  const rec = new MemoryRecording({ data: ecg.signal, fs });
  const r = await runBlock(rec, ecgTask(1));
  const found = Array.from(r.beats.sample);
  assert.ok(found.every((p) => p >= 60 * fs && p < 120 * fs));
  const truth = Array.from(ecg.beats).filter((p) => p >= 60 * fs && p < 120 * fs);
  const m = matchBeats(truth, found, fs);
  assert.ok(m.f1 > 0.99, `F1 ${m.f1}`);
  assert.equal(r.refractory, 50, '0.2 s at 250 Hz');
  assert.ok(Array.from(r.windows.templateCorr).every((c) => c > 0.9), 'clean beats look like their template');
});

test('runBlock gives a block the same result whether it runs first or after other blocks of the thread', async () => {
  const rec = new MemoryRecording({ data: ecg.signal, fs });
  // Block 2 is the short-context last block; block 1 reads the most samples: reused buffers differ in length.
  const alone = await runBlock(rec, ecgTask(1));
  const last = await runBlock(rec, ecgTask(2));
  await runBlock(rec, ecgTask(0));
  const afterOthers = await runBlock(rec, ecgTask(1));
  assert.deepEqual(withoutTimings(afterOthers), withoutTimings(alone));
  assert.deepEqual(withoutTimings(await runBlock(rec, ecgTask(2))), withoutTimings(last));
});
