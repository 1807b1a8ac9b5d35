import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import run, { runWorkerTask, type Fault, type WorkerResult } from '../../src/runtime/block-worker.js';
import { planRecord } from '../../src/pipeline/process.js';
import { resolveConfig } from '../../src/config/resolve.js';
import { shareChannels, type SourceRef } from '../../src/runtime/source.js';
import { classifyError, NumericalError } from '../../src/runtime/recovery.js';
import { currentThreadId } from '../../src/runtime/thread-cpu.js';
import { syntheticEcg } from '../../src/signals/synthetic-ecg.js';
import { matchBeats } from '../../src/signals/evaluate.js';
import type { BlockTask } from '../../src/pipeline/block.js';
import type { FeatureJob } from '../../src/pipeline/features.js';

const fs = 250;
const ecg = syntheticEcg({ fs, seconds: 180, heartRate: 72, seed: 12 });
const set = ['runtime.workers=1', 'pipeline.blockSeconds=60', 'runtime.precision=float64'];
const planned = planRecord({ data: ecg.signal, fs, signalType: 'ecg' }, { config: { env: {}, set } });

const cacheDir = (t: { after: (fn: () => void) => void }) => {
  const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-worker-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

const tally = (r: WorkerResult) => [r.cacheStats?.hits, r.cacheStats?.misses, r.cacheStats?.writes];

test('runWorkerTask without a cache computes the block in this thread and reports no cache entry', async () => {
  const plan = await planned;
  const r = await runWorkerTask({ source: plan.source, task: plan.tasks[1]! });
  assert.equal(r.cacheHit, false);
  assert.equal(r.cacheKey, undefined);
  assert.equal(r.cacheStats, undefined);
  assert.equal(r.thread, currentThreadId());
  assert.equal(r.result.block, 1);
  const truth = Array.from(ecg.beats).filter((p) => p >= 60 * fs && p < 120 * fs);
  assert.ok(matchBeats(truth, r.result.beats.sample, fs).f1 > 0.99);
});

test('runWorkerTask stores a block in the cache on the first call and serves the identical result on the second', async (t) => {
  const dir = cacheDir(t);
  const plan = await planned;
  const task = { source: plan.source, task: plan.tasks[0]!, cache: { dir } };
  const first = await runWorkerTask(task);
  assert.equal(first.cacheHit, false);
  assert.deepEqual(tally(first), [0, 1, 1]);
  assert.match(first.cacheKey!, /^[0-9a-f]{64}$/);
  assert.ok(existsSync(join(dir, first.cacheKey!.slice(0, 2), `${first.cacheKey!}.gz`)));
  const second = await runWorkerTask(task);
  assert.equal(second.cacheHit, true);
  assert.deepEqual(tally(second), [1, 0, 0]);
  assert.equal(second.cacheKey, first.cacheKey);
  // Bit-identical, NaN columns included.
  assert.deepEqual(second.result, first.result);
  assert.ok(second.result.windows.snrGainDb instanceof Float64Array);
});

test('runWorkerTask keys a block by its samples and the settings stages 2-4 use, not by runtime, cache or checkpoint settings', async (t) => {
  const dir = cacheDir(t);
  const plan = await planned;
  const base = plan.tasks[1]!;
  const withConfig = (...extra: string[]): BlockTask => ({ ...base, config: resolveConfig({ env: {}, set: [...set, ...extra] }).values });
  const changed = Float64Array.from(ecg.signal);
  changed[70 * fs] = changed[70 * fs]! + 0.5;
  const sameSamples = shareChannels([Float64Array.from(ecg.signal)], fs, ['ch0'], ['']);
  const cases: [string, SourceRef, BlockTask, boolean][] = [
    ['the same task', plan.source, base, true],
    ['other workers, cache size and checkpoint interval', plan.source, withConfig('runtime.workers=2', 'cache.maxMB=10', 'checkpoint.intervalSeconds=5', 'recovery.maxRetries=0'), true],
    ['the same samples shared again', sameSamples, base, true],
    ['another block', plan.source, plan.tasks[2]!, false],
    ['another quality window', plan.source, withConfig('quality.windowSeconds=5'), false],
    ['another ECG band', plan.source, withConfig('ecg.highHz=30'), false],
    ['one sample changed in the block', shareChannels([changed], fs, ['ch0'], ['']), base, false],
  ];
  const first = await runWorkerTask({ source: plan.source, task: base, cache: { dir } });
  for (const [what, source, task, hit] of cases) {
    const r = await runWorkerTask({ source, task, cache: { dir } });
    assert.equal(r.cacheHit, hit, what);
    assert.equal(r.cacheKey === first.cacheKey, hit, what);
  }
});

const faults: [Fault, string, boolean][] = [
  ['throw', 'unknown', false],
  ['nan', 'numerical', true],
];
for (const [fault, category, numerical] of faults) {
  test(`runWorkerTask with fault '${fault}' fails before reading anything, with an error of category ${category}`, async () => {
    const plan = await planned;
    // A source that cannot be opened: the fault comes first.
    const source: SourceRef = { kind: 'file', path: join(tmpdir(), 'vitaldsp-no-such-file.edf'), open: {} };
    await assert.rejects(runWorkerTask({ source, task: plan.tasks[2]!, fault }), (e: unknown) => {
      assert.ok(e instanceof Error);
      assert.match(e.message, /injected .* in block 2$/);
      assert.equal(e instanceof NumericalError, numerical);
      assert.equal(classifyError(e).category, category);
      return true;
    });
  });
}

test('the worker entry runs block tasks as runWorkerTask does and hands feature jobs to the feature stage', async () => {
  const plan = await planned;
  const block = run({ source: plan.source, task: plan.tasks[0]! });
  assert.ok(block instanceof Promise);
  const direct = await runWorkerTask({ source: plan.source, task: plan.tasks[0]! });
  assert.deepEqual({ ...(await block).result, timings: null }, { ...direct.result, timings: null });

  const ch = plan.ingest.channels[0]!;
  const job: FeatureJob = {
    kind: 'features', plan: ch, record: true, config: plan.config.values, beats: Int32Array.from(ecg.beats),
    segments: [{ channel: ch.name, type: 'ecg', start: 0, end: 180, quality: 1, coverage: 1, level: 'excellent' }],
    skipped: new Uint8Array(18),
  };
  const features = run(job);
  assert.ok(!(features instanceof Promise), 'feature jobs run synchronously');
  assert.equal(features.rows.length, 1);
  assert.ok(Math.abs((features.rows[0]!['hr_mean'] as number) - 72) < 3, String(features.rows[0]!['hr_mean']));
});
