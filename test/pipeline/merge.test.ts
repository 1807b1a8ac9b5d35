import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planRecord } from '../../src/pipeline/process.js';
import { RecordMerge, beatColumns, joinBeats } from '../../src/pipeline/merge.js';
import { createRunner } from '../../src/runtime/pool.js';
import { syntheticEcg } from '../../src/signals/synthetic-ecg.js';
import { resolveConfig } from '../../src/config/resolve.js';
import { levelIndex, modeIndex, windowGrid } from '../../src/pipeline/windows.js';
import type { BlockTask } from '../../src/pipeline/block.js';
import type { BlockResult, ChannelPlan } from '../../src/pipeline/types.js';

const fs = 250;
const ecg = syntheticEcg({ fs, seconds: 600, heartRate: 70, seed: 3 });

/** A record's plan and the results of its ten 60 s blocks, in task order. */
async function blocks() {
  const plan = await planRecord({ data: ecg.signal, fs, signalType: 'ecg' }, { config: { env: {}, set: ['runtime.workers=1', 'pipeline.blockSeconds=60'] } });
  const runner = createRunner({ workers: 0 });
  const results: BlockResult[] = [];
  for (const task of plan.tasks) results.push((await runner.run({ source: plan.source, task })).result);
  const merge = () => new RecordMerge(plan.ingest.channels, plan.tasks, plan.config.values);
  return { plan, results, merge };
}

test('RecordMerge gives the same channel data whatever order the blocks arrive in', async () => {
  const { results, merge } = await blocks();
  assert.equal(results.length, 10);
  const inOrder = merge();
  for (const r of results) inOrder.add(r);
  const a = inOrder.finish();
  for (const order of [[...results].reverse(), [3, 9, 0, 5, 1, 8, 2, 7, 4, 6].map((i) => results[i]!)]) {
    const m = merge();
    for (const r of order) m.add(r);
    assert.deepEqual(m.finish(), a);
  }
  assert.equal(a[0]!.windows.start.length, 60, 'ten blocks of six 10 s windows');
  assert.deepEqual(Array.from(a[0]!.windows.start.subarray(0, 7)), [0, 10, 20, 30, 40, 50, 60]);
  assert.ok(a[0]!.beats.sample.length > 650, `${a[0]!.beats.sample.length} beats`);
});

test('RecordMerge refuses a block twice, a block with the wrong windows, and finishing with a block missing', async () => {
  const { results, merge } = await blocks();
  const m = merge();
  m.add(results[0]!);
  assert.throws(() => m.add(results[0]!), /block 0 of .* merged twice/);
  const bad = { ...results[1]!, windows: { ...results[1]!.windows, start: new Float64Array(2) } };
  assert.throws(() => merge().add(bad), /block 1 of .* has 2 windows, expected 6/);
  assert.throws(() => merge().add({ ...results[1]!, block: 10 }), /no block 10/);
  for (const r of results.slice(1)) if (r.block !== 4) m.add(r);
  assert.throws(() => m.finish(), /block 4 of .* was never merged/);
  const done = merge();
  for (const r of results) done.add(r);
  done.finish();
  assert.throws(() => done.finish(), /finished once/);
});

test('joinBeats drops a beat closer than the refractory period to the last one kept, across a seam', () => {
  const part = (samples: number[]) => {
    const b = beatColumns(samples.length);
    samples.forEach((s, i) => { b.sample[i] = s; b.amplitude[i] = i + 1; b.level[i] = 1; });
    return b;
  };
  const j = joinBeats([part([100, 400, 698]), part([700, 1000])], 50);
  assert.deepEqual(Array.from(j.sample), [100, 400, 698, 1000]);
  assert.deepEqual(Array.from(j.amplitude), [1, 2, 3, 2]);
  assert.equal(joinBeats([part([1, 2])], 0).sample.length, 2);
});

test('RecordMerge joins seams with the refractory period of the detector that found the blocks\' beats', async () => {
  const { results, merge } = await blocks();
  // The default ECG detector's 0.2 s at 250 Hz.
  assert.ok(results.every((r) => r.refractory === 50));
  // A beat 30 samples after the last one of block 0 is a seam duplicate under 50 samples, and kept under 20.
  const last = results[0]!.beats.sample.at(-1)!;
  const extra = { ...results[1]!, beats: { sample: Float64Array.of(last + 30, ...results[1]!.beats.sample), amplitude: Float64Array.of(1, ...results[1]!.beats.amplitude), level: Uint8Array.of(1, ...results[1]!.beats.level) } };
  const counts = [50, 20].map((refractory) => {
    const m = merge();
    for (const r of [results[0]!, extra, ...results.slice(2)]) m.add({ ...r, refractory });
    return m.finish()[0]!.beats.sample.length;
  });
  assert.equal(counts[1]! - counts[0]!, 1);
});

/** Beats at `samples` with the given amplitudes (level 1 each). */
function beatsAt(samples: number[], amplitudes: number[] = samples.map(() => 1)) {
  const b = beatColumns(samples.length);
  samples.forEach((s, i) => { b.sample[i] = s; b.amplitude[i] = amplitudes[i]!; b.level[i] = 1; });
  return b;
}

const joinCases: { name: string; parts: number[][]; amplitudes?: number[][]; refractory: number; sample: number[]; amplitude?: number[] }[] = [
  { name: 'keeps a beat exactly on the seam when the block before ends far from it', parts: [[100, 1500], [2000, 2400]], refractory: 50, sample: [100, 1500, 2000, 2400] },
  { name: 'keeps the earlier of two beats closer than the refractory period across a seam, even when the later is larger', parts: [[100, 1990], [2005, 2400]], amplitudes: [[1, 1], [9, 1]], refractory: 50, sample: [100, 1990, 2400], amplitude: [1, 1, 1] },
  { name: 'keeps two beats exactly the refractory period apart', parts: [[1990], [2040]], refractory: 50, sample: [1990, 2040] },
  { name: 'measures from the last beat kept, not from the last beat dropped', parts: [[1990], [2020, 2050]], refractory: 50, sample: [1990, 2050] },
  { name: 'carries the last kept beat across a block with no beats', parts: [[1990], [], [2010, 4500]], refractory: 50, sample: [1990, 4500] },
  { name: 'gives no beats for no blocks or empty blocks', parts: [[], []], refractory: 50, sample: [] },
];
for (const c of joinCases) {
  test(`joinBeats ${c.name}`, () => {
    const j = joinBeats(c.parts.map((p, i) => beatsAt(p, c.amplitudes?.[i])), c.refractory);
    assert.deepEqual(Array.from(j.sample), c.sample);
    assert.equal(j.amplitude.length, c.sample.length);
    assert.equal(j.level.length, c.sample.length);
    if (c.amplitude) assert.deepEqual(Array.from(j.amplitude), c.amplitude);
  });
}

const cfg = resolveConfig({ env: {} }).values;
/** A 100 Hz channel of `samples` samples cut into blocks of 20 s (two 10 s windows each). */
function handPlan(samples: number, name = 'ECG', index = 0) {
  const plan: ChannelPlan = { index, name, fs: 100, samples, unit: 'mV', type: 'ecg', typeFrom: 'given' };
  const tasks: BlockTask[] = Array.from({ length: Math.ceil(samples / 2000) }, (_, block) => ({ channel: plan, block, blockSamples: 2000, binSamples: 500, traceSamples: 3000, config: cfg }));
  return { plan, tasks };
}
/** Block `block` of such a channel, with its windows, the given beats and a recognisable envelope, trace and epoch. */
function handBlock(plan: ChannelPlan, block: number, beats: number[], amplitudes?: number[], refractory = 20): BlockResult {
  const b0 = block * 2000, b1 = Math.min(plan.samples, b0 + 2000);
  const trace = b0 < 3000 ? Float64Array.from({ length: Math.ceil((Math.min(b1, 3000) - b0) / 2) }, (_, i) => block * 1000 + i) : new Float64Array(0);
  return {
    channel: plan.index, block, windows: windowGrid(plan.name, b0, b1, 1000, 100), beats: beatsAt(beats, amplitudes),
    epochs: [{ channel: plan.name, start_s: b0 / 100 }], envelope: { min: [block - 10], max: [block + 10] },
    trace, traceStride: 2, timings: { screen: 1, process: 2, validate: 3 }, refractory,
  };
}

test('RecordMerge joins blocks of different lengths, a block without beats and a short last block, in any order', () => {
  // 65.5 s: blocks of 20, 20, 20 and 5.5 s; windows of 10 s, the last one 5.5 s.
  const { plan, tasks } = handPlan(6550);
  const blocks = [
    handBlock(plan, 0, [150, 1990]),
    handBlock(plan, 1, [2005, 2600, 3990], [9, 1, 1]),
    handBlock(plan, 2, []),
    handBlock(plan, 3, [6000, 6400]),
  ];
  const m = new RecordMerge([plan], tasks, cfg);
  for (const i of [3, 1, 2, 0]) m.add(blocks[i]!);
  const [c] = m.finish();
  assert.deepEqual(Array.from(c!.windows.start), [0, 10, 20, 30, 40, 50, 60]);
  assert.deepEqual(Array.from(c!.windows.end), [10, 20, 30, 40, 50, 60, 65.5]);
  assert.deepEqual(Array.from(c!.beats.sample), [150, 1990, 2600, 3990, 6000, 6400], 'the seam duplicate at 2005 is dropped, the earlier beat kept');
  assert.deepEqual(Array.from(c!.beats.amplitude), [1, 1, 1, 1, 1, 1]);
  assert.deepEqual(c!.epochs.map((e) => e['start_s']), [0, 20, 40, 60]);
  assert.deepEqual(c!.envelope, { min: [-10, -9, -8, -7], max: [10, 11, 12, 13] });
  // The trace covers the first 30 s: all of block 0 and half of block 1, at one sample in two.
  assert.equal(c!.trace.length, 1500);
  assert.deepEqual([c!.trace[0], c!.trace[999], c!.trace[1000], c!.trace[1499]], [0, 999, 1000, 1499]);
  assert.equal(c!.traceStride, 2);
  assert.deepEqual(c!.timings, { screen: 4, process: 8, validate: 12 });
  assert.equal(c!.plan, plan);
});

test('RecordMerge joins seams with the longest refractory period of the blocks\' detectors', () => {
  const { plan, tasks } = handPlan(4000);
  // 25 samples apart: a duplicate under the 30-sample period of block 1's detector, not under block 0's 20.
  const m = new RecordMerge([plan], tasks, cfg);
  m.add(handBlock(plan, 0, [1990], undefined, 20));
  m.add(handBlock(plan, 1, [2015, 3000], undefined, 30));
  assert.deepEqual(Array.from(m.finish()[0]!.beats.sample), [1990, 3000]);
});

test('RecordMerge gives a channel with no blocks empty data: no windows, beats, trace or envelope', () => {
  const a = handPlan(2000, 'ECG', 0), empty = handPlan(0, 'PPG', 1);
  assert.equal(empty.tasks.length, 0);
  const m = new RecordMerge([a.plan, empty.plan], [...a.tasks, ...empty.tasks], cfg);
  m.add(handBlock(a.plan, 0, [500]));
  const [first, second] = m.finish();
  assert.equal(first!.windows.start.length, 2);
  assert.equal(second!.plan, empty.plan);
  assert.equal(second!.windows.channel, 'PPG');
  assert.deepEqual([second!.windows.start.length, second!.beats.sample.length, second!.trace.length, second!.envelope.min.length, second!.epochs.length], [0, 0, 0, 0, 0]);
  assert.deepEqual(second!.timings, { screen: 0, process: 0, validate: 0 });
});

test('RecordMerge refuses a block after finishing, leaving the channel data it gave untouched', () => {
  const { plan, tasks } = handPlan(2000);
  const m = new RecordMerge([plan], tasks, cfg);
  m.add(handBlock(plan, 0, [500]));
  const [c] = m.finish();
  const late = handBlock(plan, 0, [700]);
  late.windows.score.fill(0.25);
  assert.throws(() => m.add(late));
  assert.deepEqual(Array.from(c!.windows.score), [0, 0]);
});

test('RecordMerge joins the blocks of a 250.01 Hz record into whole 10 s windows, none a sliver at a seam', async () => {
  const rate = 250.01, n = Math.round(130 * rate);
  const eeg = Float64Array.from({ length: n }, (_, i) => 20 * Math.sin((2 * Math.PI * 10 * i) / rate) + 3 * Math.sin(i * 1.7));
  const plan = await planRecord({ data: eeg, fs: rate, signalType: 'eeg' }, { config: { env: {}, set: ['runtime.workers=1', 'pipeline.blockSeconds=60'] } });
  const runner = createRunner({ workers: 0 });
  const m = new RecordMerge(plan.ingest.channels, plan.tasks, plan.config.values);
  for (const task of plan.tasks) m.add((await runner.run({ source: plan.source, task })).result);
  const w = m.finish()[0]!.windows;
  // 32,501 samples: 13 whole windows of 2500, then the record's last sample, too short to score.
  assert.equal(w.start.length, 14);
  for (let i = 0; i < 13; i++) assert.ok(Math.abs((w.end[i]! - w.start[i]!) * rate - 2500) <= 1, `window ${i}: ${w.start[i]}..${w.end[i]} s`);
  assert.deepEqual([w.mode[13], w.level[13], w.limitedBy[13]], [modeIndex('skip'), levelIndex('unusable'), 'length']);
});
