import { test } from 'node:test';
import assert from 'node:assert/strict';
import { processRecording } from '../../src/pipeline/process.js';
import { syntheticEcg } from '../../src/signals/synthetic-ecg.js';
import type { Fault } from '../../src/runtime/block-worker.js';
import { windowRows } from '../../src/pipeline/windows.js';

const fs = 250;
const ecg = syntheticEcg({ fs, seconds: 360, heartRate: 66, seed: 21 });
const set = ['runtime.workers=2', 'pipeline.blockSeconds=60', 'runtime.taskTimeoutSeconds=3', 'recovery.backoffMs=10', 'recovery.maxRetries=2'];
const run = (faults?: Record<number, Fault>, extra: string[] = []) =>
  processRecording({ data: ecg.signal, fs, signalType: 'ecg' }, { config: { env: {}, set: [...set, ...extra] }, ...(faults ? { faults } : {}) });

const beatsOf = (r: Awaited<ReturnType<typeof run>>) => Array.from(r.channels[0]!.beats.sample);

test('two worker threads give the same results as processing in one thread', async () => {
  const one = await processRecording({ data: ecg.signal, fs, signalType: 'ecg' }, { config: { env: {}, set: ['runtime.workers=1', 'pipeline.blockSeconds=60'] } });
  const two = await run();
  assert.equal(two.run.workers, 2);
  assert.deepEqual(beatsOf(two), beatsOf(one));
  assert.deepEqual(two.features, one.features);
  assert.deepEqual(two.channels[0]!.windows, one.channels[0]!.windows);
});

const faults: [Fault, string][] = [
  ['throw', 'unknown'],
  ['crash', 'worker'],
  ['hang', 'timeout'],
];
for (const [fault, category] of faults) {
  test(`a worker that fails by '${fault}' is retried and the record completes with the same beats`, async () => {
    const clean = await run();
    const r = await run({ 2: fault });
    assert.deepEqual(beatsOf(r), beatsOf(clean));
    assert.equal(r.recovery.errors[category as 'worker'], 1);
    assert.equal(r.recovery.recovered, 1);
    assert.equal(r.recovery.outcomes.retried, 1);
    assert.equal(r.blocks.skipped, 0);
  });
}

test('a numerical failure falls back to the simpler detector for that block only', async () => {
  const r = await run({ 1: 'nan' });
  assert.equal(r.recovery.errors.numerical, 1);
  assert.equal(r.recovery.outcomes.fallback, 1);
  const inBlock = beatsOf(r).filter((s) => s >= 60 * fs && s < 120 * fs);
  assert.ok(inBlock.length >= 60, `fallback found ${inBlock.length} beats in the block`);
});

test('a corrupt chunk of samples ends as a clearly reported partial result', async () => {
  const x = Float64Array.from(ecg.signal);
  x.fill(NaN, 130 * fs, 135 * fs);
  const r = await processRecording({ data: x, fs, signalType: 'ecg' }, { config: { env: {}, set } });
  const w = windowRows(r.channels[0]!.windows);
  // The 10 s window that holds the corrupt samples is unusable and says why; the rest of its block,
  // and the other blocks, are processed.
  const bad = w.filter((v) => v.start === 130);
  assert.ok(bad.length === 1 && bad[0]!.level === 'unusable' && bad[0]!.mode === 'skip', JSON.stringify(bad));
  assert.equal(bad[0]!.limitedBy, 'non-finite samples');
  assert.ok(w.filter((v) => v.start !== 130).every((v) => v.level !== 'unusable'), 'the rest is processed');
  assert.equal(beatsOf(r).filter((s) => s >= 130 * fs && s < 140 * fs).length, 0, 'no beat in the corrupt window');
  assert.ok(beatsOf(r).filter((s) => s >= 120 * fs && s < 180 * fs).length > 50, 'the rest of its block keeps its beats');
});
