import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from '../../../src/config/resolve.js';
import type { BlockTask } from '../../../src/pipeline/block.js';
import { skippedBlock } from '../../../src/pipeline/run-blocks.js';
import type { BlockResult } from '../../../src/pipeline/types.js';
import { assembleBlocks, normalizeReason } from '../../../src/engines/bullmq/assemble.js';
import type { BlockReport } from '../../../src/engines/bullmq/block-job.js';
import { windowColumns, windowRows } from '../../../src/pipeline/windows.js';

const config = resolveConfig({ env: {} }).values;
const channel = { index: 0, name: 'ECG', fs: 100, samples: 3000, unit: 'mV', type: 'ecg' as const, typeFrom: 'given' as const };
const tasks: BlockTask[] = [0, 1, 2].map((block) => ({ channel, block, blockSamples: 1000, binSamples: 10, traceSamples: 0, config }));
const result = (block: number): BlockResult => ({ channel: 0, block, windows: windowColumns('ECG', 0), beats: { sample: Float64Array.of(block * 1000 + 5), amplitude: Float64Array.of(1), level: Uint8Array.of(1) }, epochs: [], envelope: { min: [], max: [] }, trace: new Float64Array(0), traceStride: 1, timings: { screen: 1, process: 1, validate: 1 }, refractory: 72 });
const report = (block: number, o: Partial<BlockReport> = {}): BlockReport => ({
  result: result(block), from: 'computed', outcome: 'ok', attempts: 1, errors: [], ms: 10, worker: 'w1', thread: 7, rssMB: 100, startedAt: 1000, finishedAt: 2000, ...o,
});

test('assembleBlocks puts results in task order and turns a failed block into the block a local run skips', () => {
  const reports = new Map([[2, report(2, { worker: 'w2', startedAt: 1500, finishedAt: 4000 })], [0, report(0, { from: 'cache' })]]);
  const failures = new Map([[1, { reason: 'input: r.csv: expected a number at line 5', errors: ['input' as const] }]]);
  const a = assembleBlocks(tasks, reports, failures);
  assert.deepEqual(a.results[0], result(0));
  assert.deepEqual(a.results[2], result(2));
  assert.deepEqual(a.results[1], skippedBlock(tasks[1]!, 'input: r.csv: expected a number at line 5'));
  assert.deepEqual({ ...a.stats, cache: undefined }, {
    tasks: 3, fromCheckpoint: 0, cacheHits: 1, cache: undefined, computed: 1, skipped: 1, taskMs: 20,
    threads: [
      { thread: 'w1/7', tasks: 1, computeSeconds: 0.01, firstTaskMs: 10, medianTaskMs: 10 },
      { thread: 'w2/7', tasks: 1, computeSeconds: 0.01, firstTaskMs: 10, medianTaskMs: 10 },
    ],
  });
  assert.equal(a.recovery.outcomes.skipped, 1);
  assert.equal(a.recovery.errors.input, 1);
  assert.deepEqual(a.recovery.events, ['ECG block 1: skipped after input error: r.csv: expected a number at line 5']);
  assert.equal(a.workers, 2);
  assert.equal(a.blockSeconds, 3);
});

test('assembleBlocks gives each worker thread its tasks in the order they started', () => {
  const reports = new Map([
    [0, report(0, { ms: 30, startedAt: 3000 })],
    [1, report(1, { ms: 90, startedAt: 1000 })],
    [2, report(2, { ms: 50, startedAt: 2000, thread: 0 })],
  ]);
  assert.deepEqual(assembleBlocks(tasks, reports, new Map()).stats.threads, [
    { thread: 'w1', tasks: 1, computeSeconds: 0.05, firstTaskMs: 50, medianTaskMs: 50 },
    { thread: 'w1/7', tasks: 2, computeSeconds: 0.12, firstTaskMs: 90, medianTaskMs: 60 },
  ]);
});

test('a block with no result and no recorded failure is skipped rather than lost', () => {
  const a = assembleBlocks(tasks, new Map([[0, report(0)], [1, report(1)]]), new Map());
  assert.equal(a.stats.skipped, 1);
  assert.equal(windowRows(a.results[2]!.windows).every((w) => w.level === 'unusable'), true);
});

test('normalizeReason keeps local-style reasons and classifies reasons that come from BullMQ itself', () => {
  assert.deepEqual(normalizeReason('numerical: NaN in fit'), { category: 'numerical', text: 'numerical: NaN in fit', message: 'NaN in fit' });
  assert.deepEqual(normalizeReason('job stalled more than allowable limit'), { category: 'unknown', text: 'unknown: job stalled more than allowable limit', message: 'job stalled more than allowable limit' });
  assert.equal(normalizeReason('block 3 timed out after 600 s').category, 'timeout');
});
