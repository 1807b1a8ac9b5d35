import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planRecord } from '../../src/pipeline/process.js';
import { RecordMerge, beatColumns, joinBeats } from '../../src/pipeline/merge.js';
import { createRunner } from '../../src/runtime/pool.js';
import { syntheticEcg } from '../../src/signals/synthetic-ecg.js';
import type { BlockResult } from '../../src/pipeline/types.js';

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
