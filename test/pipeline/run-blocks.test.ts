import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fallbackTask, runBlocks, skippedBlock, threadTasks, type BlockRunContext } from '../../src/pipeline/run-blocks.js';
import { resolveConfig } from '../../src/config/resolve.js';
import { MemoryMonitor } from '../../src/runtime/memory.js';
import { CheckpointStore } from '../../src/runtime/checkpoint.js';
import { emptyStats } from '../../src/runtime/cache.js';
import { emptyRecoveryStats, NumericalError } from '../../src/runtime/recovery.js';
import { SKIP } from '../../src/pipeline/windows.js';
import { qualityLevels } from '../../src/quality/score.js';
import { sqiNames } from '../../src/quality/sqi-names.js';
import type { TaskRunner } from '../../src/runtime/pool.js';
import type { WorkerResult, WorkerTask } from '../../src/runtime/block-worker.js';
import type { BlockTask } from '../../src/pipeline/block.js';
import type { BlockResult, ChannelPlan } from '../../src/pipeline/types.js';
import type { Config } from '../../src/config/schema.js';

const config = resolveConfig({ env: {}, set: ['runtime.workers=1', 'pipeline.blockSeconds=60', 'recovery.backoffMs=0', 'recovery.maxRetries=2', 'checkpoint.intervalSeconds=0'] }).values;

const channel: ChannelPlan = { index: 0, name: 'ECG', fs: 100, samples: 30_000, unit: 'mV', type: 'ecg', typeFrom: 'given' };

/** Five 60 s blocks of a 100 Hz channel. */
function tasksOf(n = 5, cfg: Config = config): BlockTask[] {
  return Array.from({ length: n }, (_, block) => ({ channel, block, blockSamples: 6000, binSamples: 100, traceSamples: 0, config: cfg }));
}

// runBlocks only hands results on, so a tagged stand-in is enough to tell them apart.
const resultOf = (t: BlockTask, tag = 'computed') => ({ channel: t.channel.index, block: t.block, tag }) as unknown as BlockResult;
const ok = (t: BlockTask, extra: Partial<WorkerResult> = {}): WorkerResult => ({ result: resultOf(t), cacheHit: false, ms: 1, thread: 1, ...extra });

const tick = () => new Promise<void>((r) => setImmediate(r));

/** A TaskRunner whose answers the test decides; it records every call and the most tasks it held at once. */
class ScriptedRunner implements TaskRunner {
  readonly workers = 1;
  readonly calls: WorkerTask[] = [];
  active = 0;
  maxActive = 0;
  constructor(private readonly answer: (t: WorkerTask, call: number) => Promise<WorkerResult>) {}
  async run(t: WorkerTask): Promise<WorkerResult> {
    this.calls.push(t);
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    try {
      return await this.answer(t, this.calls.length - 1);
    } finally {
      this.active--;
    }
  }
  runFeatures(): never { throw new Error('not used'); }
  start(): void {}
  async close(): Promise<void> {}
}

interface Sunk { index: number; result: BlockResult; cacheKey: string | undefined }

function context(runner: TaskRunner, extra: Partial<BlockRunContext> = {}) {
  const sunk: Sunk[] = [];
  const progress: [number, number][] = [];
  const ctx: BlockRunContext = {
    runner, source: { kind: 'file', path: '/nonexistent', open: {} }, config, fingerprint: 'fp-a',
    monitor: new MemoryMonitor(Number.MAX_SAFE_INTEGER), maxInFlight: 8, recovery: emptyRecoveryStats(),
    sink: (index, result, cacheKey) => { sunk.push({ index, result, cacheKey }); },
    onDone: (done, total) => { progress.push([done, total]); },
    ...extra,
  };
  return { ctx, sunk, progress };
}

test('runBlocks hands every result to the sink once, with its task index, whatever order the threads finish in', async () => {
  const tasks = tasksOf(5);
  const pending: (() => void)[] = [];
  const runner = new ScriptedRunner((t) => new Promise((resolve) => pending.push(() => resolve(ok(t.task)))));
  const { ctx, sunk, progress } = context(runner);
  const run = runBlocks(tasks, ctx);
  while (pending.length < 5) await tick();
  // Finish in an order unlike the task order; each result reaches the sink as it comes.
  for (const k of [3, 0, 4, 2, 1]) {
    pending[k]!();
    await tick();
  }
  const stats = await run;
  assert.deepEqual(sunk.map((s) => s.index), [3, 0, 4, 2, 1]);
  for (const s of sunk) assert.equal((s.result as unknown as { block: number }).block, s.index);
  assert.deepEqual(progress, [[0, 5], [1, 5], [2, 5], [3, 5], [4, 5], [5, 5]]);
  assert.equal(stats.tasks, 5);
  assert.equal(stats.computed, 5);
});

test('runBlocks counts computed and cached tasks, sums their times and cache figures, and groups them by thread in numeric order', async () => {
  const tasks = tasksOf(5);
  const script: Partial<WorkerResult>[] = [
    { ms: 5, thread: 9 },
    { ms: 1, thread: 10, cacheHit: true, cacheKey: 'k1', cacheStats: { ...emptyStats(), hits: 1, bytesRead: 100 } },
    { ms: 3, thread: 9 },
    { ms: 7, thread: 10, cacheKey: 'k3', cacheStats: { ...emptyStats(), misses: 1, writes: 1, bytesWritten: 50 } },
    { ms: 2, thread: 9 },
  ];
  const runner = new ScriptedRunner(async (t) => ok(t.task, script[t.task.block]));
  // One at a time, so that each thread's tasks run in task order.
  const { ctx, sunk } = context(runner, { maxInFlight: 1 });
  const stats = await runBlocks(tasks, ctx);
  assert.deepEqual(sunk.map((s) => [s.index, s.cacheKey]), [[0, undefined], [1, 'k1'], [2, undefined], [3, 'k3'], [4, undefined]]);
  assert.deepEqual({ computed: stats.computed, cacheHits: stats.cacheHits, skipped: stats.skipped, fromCheckpoint: stats.fromCheckpoint, taskMs: stats.taskMs }, { computed: 4, cacheHits: 1, skipped: 0, fromCheckpoint: 0, taskMs: 18 });
  assert.deepEqual(stats.cache, { ...emptyStats(), hits: 1, misses: 1, writes: 1, bytesRead: 100, bytesWritten: 50 });
  // '9' before '10': names sort as numbers, not as text.
  assert.deepEqual(stats.threads, [
    { thread: '9', tasks: 3, computeSeconds: 0.01, firstTaskMs: 5, medianTaskMs: 3 },
    { thread: '10', tasks: 2, computeSeconds: 0.008, firstTaskMs: 1, medianTaskMs: 4 },
  ]);
});

for (const maxInFlight of [1, 2, 3]) {
  test(`runBlocks never has more than maxInFlight = ${maxInFlight} tasks running at once, and runs each task once`, async () => {
    const tasks = tasksOf(7);
    // Tasks take different numbers of turns, so they finish out of order.
    const runner = new ScriptedRunner(async (t) => {
      for (let k = 0; k < 1 + ((t.task.block * 5) % 3); k++) await tick();
      return ok(t.task);
    });
    const { ctx, sunk } = context(runner, { maxInFlight });
    await runBlocks(tasks, ctx);
    assert.equal(runner.maxActive, maxInFlight);
    assert.deepEqual(runner.calls.map((c) => c.task.block), [0, 1, 2, 3, 4, 5, 6], 'tasks start in task order');
    assert.deepEqual(sunk.map((s) => s.index).sort(), [0, 1, 2, 3, 4, 5, 6]);
    assert.equal(ctx.monitor.throttled, 0);
  });
}

test('runBlocks holds back to one task at a time while memory is over budget, and counts each hold', async () => {
  const tasks = tasksOf(4);
  const runner = new ScriptedRunner(async (t) => { await tick(); return ok(t.task); });
  // A budget of 0 bytes: any process is over it.
  const monitor = new MemoryMonitor(0);
  const { ctx, sunk } = context(runner, { maxInFlight: 3, monitor });
  await runBlocks(tasks, ctx);
  assert.equal(runner.maxActive, 1);
  assert.equal(sunk.length, 4);
  // Every task after the first waited once for the one before it.
  assert.equal(monitor.throttled, 3);
});

test('runBlocks retries a task that failed once and passes the injected fault on its first attempt only', async () => {
  const tasks = tasksOf(3);
  const runner = new ScriptedRunner(async (t) => {
    if (t.fault === 'throw') throw new Error(`injected failure in block ${t.task.block}`);
    return ok(t.task);
  });
  const { ctx, sunk } = context(runner, { maxInFlight: 1, faults: { 1: 'throw' } });
  const stats = await runBlocks(tasks, ctx);
  assert.deepEqual(runner.calls.map((c) => [c.task.block, c.fault]), [[0, undefined], [1, 'throw'], [1, undefined], [2, undefined]]);
  assert.deepEqual(sunk.map((s) => s.index), [0, 1, 2]);
  assert.equal(stats.computed, 3);
  assert.equal(stats.skipped, 0);
  assert.equal(ctx.recovery.outcomes.retried, 1);
  assert.equal(ctx.recovery.recovered, 1);
});

test('runBlocks falls back to Pan-Tompkins for a block that fails numerically with the default detector', async () => {
  const tasks = tasksOf(2);
  const runner = new ScriptedRunner(async (t) => {
    if (t.task.block === 1 && t.task.config.ecg.detector !== 'pantompkins') throw new NumericalError('non-finite values');
    return { ...ok(t.task), result: resultOf(t.task, t.task.config.ecg.detector) };
  });
  const { ctx, sunk } = context(runner, { maxInFlight: 1 });
  const stats = await runBlocks(tasks, ctx);
  // A numerical error is not retried with the same method: straight to the fallback.
  assert.deepEqual(runner.calls.map((c) => [c.task.block, c.task.config.ecg.detector]), [[0, 'default'], [1, 'default'], [1, 'pantompkins']]);
  assert.equal((sunk[1]!.result as unknown as { tag: string }).tag, 'pantompkins');
  assert.equal(ctx.recovery.outcomes.fallback, 1);
  assert.equal(stats.computed, 2);
});

test('runBlocks skips a block that fails every attempt, marks its windows unusable with the reason, and leaves it out of the thread figures', async () => {
  const tasks = tasksOf(3);
  const runner = new ScriptedRunner(async (t) => {
    if (t.task.block === 1) throw new Error('disk on fire');
    return ok(t.task, { ms: 4, thread: 7 });
  });
  const { ctx, sunk } = context(runner, { maxInFlight: 1 });
  const stats = await runBlocks(tasks, ctx);
  // The first attempt, maxRetries = 2 retries and the fallback.
  assert.equal(runner.calls.filter((c) => c.task.block === 1).length, 4);
  assert.deepEqual({ computed: stats.computed, skipped: stats.skipped, taskMs: stats.taskMs }, { computed: 2, skipped: 1, taskMs: 8 });
  assert.deepEqual(stats.threads.map((t) => [t.thread, t.tasks]), [['7', 2]]);
  const skipped = sunk.find((s) => s.index === 1)!.result;
  assert.equal(skipped.block, 1);
  assert.equal(skipped.windows.start.length, 6);
  assert.ok(skipped.windows.limitedBy.every((l) => l === 'error: unknown: disk on fire'), skipped.windows.limitedBy[0]);
  assert.ok(skipped.windows.mode.every((m) => m === SKIP));
  assert.equal(ctx.recovery.outcomes.skipped, 1);
});

test('runBlocks takes blocks checkpointed by a run with the same fingerprint instead of computing them, and ignores those of another', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'vitaldsp-runblocks-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const tasks = tasksOf(3);
  const computing = () => new ScriptedRunner(async (w) => ok(w.task));

  const first = context(computing(), { checkpoints: new CheckpointStore(root, 's1') });
  await runBlocks(tasks, first.ctx);

  const again = computing();
  const second = context(again, { checkpoints: new CheckpointStore(root, 's1') });
  const stats = await runBlocks(tasks, second.ctx);
  assert.equal(again.calls.length, 0);
  assert.equal(stats.fromCheckpoint, 3);
  assert.equal(stats.computed, 0);
  assert.deepEqual(second.progress[0], [3, 3], 'progress starts at the blocks restored');
  assert.deepEqual(second.sunk.sort((a, b) => a.index - b.index).map((s) => s.result), [0, 1, 2].map((b) => resultOf(tasks[b]!)));

  // Blocks are found by channel and block, not by their place in the task list.
  const subset = context(computing(), { checkpoints: new CheckpointStore(root, 's1') });
  await runBlocks([tasks[2]!], subset.ctx);
  assert.deepEqual(subset.sunk.map((s) => s.index), [0]);
  assert.equal(subset.sunk[0]!.result.block, 2);

  const other = computing();
  const third = context(other, { checkpoints: new CheckpointStore(root, 's1'), fingerprint: 'fp-b' });
  assert.equal((await runBlocks(tasks, third.ctx)).fromCheckpoint, 0);
  assert.equal(other.calls.length, 3);
});

test('runBlocks does not checkpoint a skipped block, so a resumed run computes it again', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'vitaldsp-runblocks-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const tasks = tasksOf(3);
  const failing = new ScriptedRunner(async (w) => {
    if (w.task.block === 1) throw new Error('transient');
    return ok(w.task);
  });
  const first = context(failing, { checkpoints: new CheckpointStore(root, 's') });
  assert.equal((await runBlocks(tasks, first.ctx)).skipped, 1);

  const healthy = new ScriptedRunner(async (w) => ok(w.task));
  const second = context(healthy, { checkpoints: new CheckpointStore(root, 's') });
  const stats = await runBlocks(tasks, second.ctx);
  assert.equal(stats.fromCheckpoint, 2);
  assert.deepEqual(healthy.calls.map((c) => c.task.block), [1]);
});

test('skippedBlock covers the block\'s own samples with unusable, skipped windows and an empty envelope of the right size', () => {
  const cases = [
    // block, blockSamples, samples, binSamples -> window starts, ends (s), bins
    { block: 0, samples: 30_000, bin: 100, starts: [0, 10, 20, 30, 40, 50], ends: [10, 20, 30, 40, 50, 60], bins: 60 },
    // The last block of 75 s: a full window and a 5 s one; 1500 samples in bins of 400.
    { block: 1, samples: 7500, bin: 400, starts: [60, 70], ends: [70, 75], bins: 4 },
  ];
  for (const c of cases) {
    const task: BlockTask = { channel: { ...channel, samples: c.samples }, block: c.block, blockSamples: 6000, binSamples: c.bin, traceSamples: 0, config };
    const r = skippedBlock(task, 'why');
    assert.equal(r.block, c.block);
    assert.equal(r.channel, 0);
    assert.deepEqual(Array.from(r.windows.start), c.starts);
    assert.deepEqual(Array.from(r.windows.end), c.ends);
    const n = c.starts.length;
    assert.deepEqual(Array.from(r.windows.level), new Array(n).fill(qualityLevels.indexOf('unusable')));
    assert.deepEqual(r.windows.limitedBy, new Array(n).fill('error: why'));
    for (const name of sqiNames) assert.ok(Array.from(r.windows[name]).every(Number.isNaN), name);
    assert.equal(r.envelope.min.length, c.bins);
    assert.equal(r.envelope.max.length, c.bins);
    assert.ok(r.envelope.max.every(Number.isNaN));
    assert.equal(r.beats.sample.length, 0);
    assert.equal(r.trace.length, 0);
  }
});

test('fallbackTask switches an ECG block to Pan-Tompkins without touching the original, and leaves other tasks alone', () => {
  const [ecg] = tasksOf(1);
  const fb = fallbackTask(ecg!);
  assert.equal(fb.config.ecg.detector, 'pantompkins');
  assert.equal(ecg!.config.ecg.detector, 'default');
  assert.equal(fb.config.ecg.lowHz, ecg!.config.ecg.lowHz);
  const already = { ...ecg!, config: fb.config };
  const ppg = { ...ecg!, channel: { ...channel, type: 'ppg' as const } };
  for (const t of [already, ppg]) assert.equal(fallbackTask(t), t);
});

test('threadTasks gives each thread its task count, total seconds, first and median task time', () => {
  const rows = threadTasks(new Map([['12', [8, 2, 4, 6]], ['3', [1]], ['100', [5, 9, 7]]]));
  assert.deepEqual(rows, [
    { thread: '3', tasks: 1, computeSeconds: 0.001, firstTaskMs: 1, medianTaskMs: 1 },
    { thread: '12', tasks: 4, computeSeconds: 0.02, firstTaskMs: 8, medianTaskMs: 5 },
    { thread: '100', tasks: 3, computeSeconds: 0.021, firstTaskMs: 5, medianTaskMs: 7 },
  ]);
  assert.deepEqual(threadTasks(new Map()), []);
});
