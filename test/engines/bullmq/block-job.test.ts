/**
 * runBlockJob on its own, without Redis: it reads nothing of its job but `data`, `attemptsMade`,
 * `opts.attempts` and `failedReason`, and writes only through `updateData`, so a stand-in job and
 * a scripted runner can put it in each state of the retry policy directly. worker.test.ts runs the
 * same policy end to end (one retried and one fallback block, one input failure) and compares it
 * with a local run; what is checked here beyond that is each branch by itself: which failures are
 * thrown back for BullMQ to retry, which end the job at once, which fall back in place; the error
 * categories written back to the job; the report's counts; the fault going to the first attempt
 * only; checkpoints read, written, stale, and never written for a failed attempt; cache reports;
 * and the reason format the record job parses back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnrecoverableError, type Job } from 'bullmq';
import { defaultWorkerName, failureReason, runBlockJob, type BlockReport } from '../../../src/engines/bullmq/block-job.js';
import { normalizeReason } from '../../../src/engines/bullmq/assemble.js';
import { decodeValue } from '../../../src/engines/bullmq/codec.js';
import type { BlockJobData } from '../../../src/engines/bullmq/queues.js';
import { planRecord } from '../../../src/pipeline/process.js';
import { skippedBlock } from '../../../src/pipeline/run-blocks.js';
import { syntheticEcg } from '../../../src/signals/synthetic-ecg.js';
import { runWorkerTask, type WorkerResult, type WorkerTask } from '../../../src/runtime/block-worker.js';
import { emptyStats } from '../../../src/runtime/cache.js';
import { createRunner, type TaskRunner } from '../../../src/runtime/pool.js';
import { NumericalError, TaskTimeoutError, type Classified, type ErrorCategory } from '../../../src/runtime/recovery.js';

const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-block-job-'));
const input = join(dir, 'rec.csv');
const ecg = syntheticEcg({ fs: 250, seconds: 130, heartRate: 66, seed: 5 });
writeFileSync(input, 'ECG\n' + Array.from(ecg.signal, (v) => v.toFixed(5)).join('\n') + '\n');
const plan = await planRecord(input, { open: { fs: 250 }, config: { set: ['pipeline.blockSeconds=60'] } });
const task = plan.tasks[1]!;
const baseData: BlockJobData = { index: 1, source: plan.source, task };

/** A stand-in for the BullMQ job, keeping what runBlockJob writes back with updateData. */
function fakeJob(data: BlockJobData, o: { attemptsMade?: number; attempts?: number; failedReason?: string } = {}) {
  const updates: BlockJobData[] = [];
  const job = {
    data, attemptsMade: o.attemptsMade ?? 0, opts: o.attempts === undefined ? {} : { attempts: o.attempts }, failedReason: o.failedReason ?? '',
    updateData: async (d: BlockJobData) => { updates.push(d); },
  };
  return { job: job as unknown as Job<BlockJobData>, updates };
}

/** A runner that answers its calls from a script (a result, or an error to throw) and keeps the calls. */
function scriptedRunner(...script: (WorkerResult | Error)[]) {
  const calls: WorkerTask[] = [];
  const runner: TaskRunner = {
    workers: 1,
    run: async (t) => {
      calls.push(t);
      const next = script.shift();
      if (next === undefined) throw new Error('the test runner was called more often than scripted');
      if (next instanceof Error) throw next;
      return next;
    },
    runFeatures: async () => { throw new Error('not used by block jobs'); },
    start: () => undefined,
    close: async () => undefined,
  };
  return { runner, calls };
}

// A result the scripted runner hands back: any valid BlockResult will do, one with NaN in it best.
const fakeResult = (label: string): WorkerResult => ({ result: skippedBlock(task, label), cacheHit: false, ms: 12, thread: 3 });
const enoent = () => Object.assign(new Error(`ENOENT: no such file or directory, open '${join(dir, 'gone.csv')}'`), { code: 'ENOENT' });
const decode = (s: string) => decodeValue<BlockReport>(s);

test('runBlockJob returns, encoded, the block its runner computed, bit for bit, reported as a first-attempt success', async () => {
  const want = await runWorkerTask({ source: plan.source, task });
  const { job, updates } = fakeJob(baseData, { attempts: 3 });
  const r = await decode(await runBlockJob(job, { runner: createRunner({ workers: 0 }), worker: 'host-a:41' }));
  // NaN SQIs, typed arrays and all: the record job must see what a local run would have merged.
  // Only the stage timings differ between two computations of the same block.
  assert.deepEqual({ ...r.result, timings: undefined }, { ...want.result, timings: undefined });
  assert.deepEqual(Object.keys(r.result.timings).sort(), ['process', 'screen', 'validate']);
  assert.equal(r.from, 'computed');
  assert.equal(r.outcome, 'ok');
  assert.equal(r.attempts, 1);
  assert.deepEqual(r.errors, []);
  assert.equal(r.worker, 'host-a:41');
  assert.equal('lastError' in r, false);
  assert.equal('checkpoints' in r, false);
  assert.equal('cacheStats' in r, false);
  assert.ok(r.finishedAt >= r.startedAt);
  assert.deepEqual(updates, []);
});

interface FailureCase {
  name: string;
  error: () => Error;
  attemptsMade: number;
  /** The job's attempts option; undefined leaves it unset. */
  attempts: number | undefined;
  prior?: ErrorCategory[];
  /** 'retry': the original error rethrown; 'final': UnrecoverableError; 'fallback': the fallback's result. */
  expect: 'retry' | 'final' | 'fallback';
  errors: ErrorCategory[];
  /** Attempts in the report of a fallback. */
  reportAttempts?: number;
}

const failures: FailureCase[] = [
  { name: 'an input error on the first of five attempts ends the job at once', error: enoent, attemptsMade: 0, attempts: 5, expect: 'final', errors: ['input'] },
  { name: 'an input error on the last attempt ends the job without a fallback', error: enoent, attemptsMade: 2, attempts: 3, prior: ['timeout', 'timeout'], expect: 'final', errors: ['timeout', 'timeout', 'input'] },
  { name: 'an unclassified error before the last attempt is thrown back for BullMQ to retry', error: () => new Error('socket hang up'), attemptsMade: 0, attempts: 3, expect: 'retry', errors: ['unknown'] },
  { name: 'a timeout on a middle attempt is retried, its category added to those before', error: () => new TaskTimeoutError('block 1 of ECG timed out after 600 s'), attemptsMade: 1, attempts: 3, prior: ['worker'], expect: 'retry', errors: ['worker', 'timeout'] },
  { name: 'a memory error before the last attempt is retried', error: () => new Error('Array buffer allocation failed'), attemptsMade: 0, attempts: 2, expect: 'retry', errors: ['memory'] },
  { name: 'a numerical error on the first attempt falls back at once', error: () => new NumericalError('non-finite values in block 1'), attemptsMade: 0, attempts: 5, expect: 'fallback', errors: ['numerical'], reportAttempts: 2 },
  { name: 'an unclassified error on the last attempt falls back', error: () => new Error('socket hang up'), attemptsMade: 2, attempts: 3, prior: ['worker', 'timeout'], expect: 'fallback', errors: ['worker', 'timeout', 'unknown'], reportAttempts: 4 },
  { name: 'without an attempts option the first attempt is the last and falls back', error: () => new Error('socket hang up'), attemptsMade: 0, attempts: undefined, expect: 'fallback', errors: ['unknown'], reportAttempts: 2 },
];

for (const c of failures) {
  test(`runBlockJob: ${c.name}`, async () => {
    const err = c.error();
    const { runner, calls } = scriptedRunner(err, fakeResult('from the fallback'));
    const data: BlockJobData = { ...baseData, ...(c.prior ? { errors: c.prior } : {}) };
    const { job, updates } = fakeJob(data, { attemptsMade: c.attemptsMade, ...(c.attempts !== undefined ? { attempts: c.attempts } : {}), failedReason: 'earlier failure' });
    const run = runBlockJob(job, { runner, worker: 'w' });
    if (c.expect === 'fallback') {
      const r = await decode(await run);
      assert.equal(r.outcome, 'fallback');
      assert.equal(r.attempts, c.reportAttempts);
      assert.deepEqual(r.errors, c.errors);
      assert.deepEqual(r.lastError, { category: c.errors.at(-1), message: err.message });
      assert.deepEqual(r.result, fakeResult('from the fallback').result);
      assert.equal(calls.length, 2);
      // Nothing is written back: the job succeeds and its report carries the errors.
      assert.deepEqual(updates, []);
      return;
    }
    if (c.expect === 'retry') {
      // The same error object: BullMQ records its message as the failed reason and retries.
      await assert.rejects(run, (e: unknown) => e === err);
    } else {
      await assert.rejects(run, (e: unknown) => e instanceof UnrecoverableError && e.message === `input: ${err.message}`);
    }
    assert.equal(calls.length, 1, 'no fallback');
    assert.deepEqual(updates, [{ ...data, errors: c.errors }]);
  });
}

test('runBlockJob runs the fallback as the simpler detector on the same source, without the fault', async () => {
  const { runner, calls } = scriptedRunner(new NumericalError('singular fit'), fakeResult('fallback'));
  const { job } = fakeJob({ ...baseData, fault: 'nan' }, { attempts: 3 });
  await runBlockJob(job, { runner, worker: 'w' });
  assert.equal(task.config.ecg.detector, 'default');
  assert.deepEqual(calls, [
    { source: plan.source, task, fault: 'nan' },
    { source: plan.source, task: { ...task, config: { ...task.config, ecg: { ...task.config.ecg, detector: 'pantompkins' } } } },
  ]);
});

const fallbackFailures: { name: string; error: () => Error; category: ErrorCategory }[] = [
  { name: 'a timeout', error: () => new TaskTimeoutError('block 1 of ECG timed out after 600 s'), category: 'timeout' },
  { name: 'an input error', error: enoent, category: 'input' },
  { name: 'another numerical error', error: () => new NumericalError('NaN in the Pan-Tompkins threshold'), category: 'numerical' },
];
for (const f of fallbackFailures) {
  test(`runBlockJob ends the job for good when its fallback fails too, with the fallback's reason (${f.name})`, async () => {
    const err = f.error();
    const { runner } = scriptedRunner(new NumericalError('non-finite values'), err);
    const { job, updates } = fakeJob(baseData, { attempts: 4 });
    await assert.rejects(runBlockJob(job, { runner, worker: 'w' }), (e: unknown) => e instanceof UnrecoverableError && e.message === `${f.category}: ${err.message}`);
    assert.deepEqual(updates, [{ ...baseData, errors: ['numerical', f.category] }]);
  });
}

test('runBlockJob reports a success after failed attempts as retried, with the previous attempt\'s error and no fault', async () => {
  const { runner, calls } = scriptedRunner(fakeResult('third attempt'));
  const { job, updates } = fakeJob({ ...baseData, fault: 'throw', errors: ['timeout', 'worker'] }, { attemptsMade: 2, attempts: 5, failedReason: 'worker exited with code 70' });
  const r = await decode(await runBlockJob(job, { runner, worker: 'w' }));
  assert.equal(r.outcome, 'retried');
  assert.equal(r.attempts, 3);
  assert.deepEqual(r.errors, ['timeout', 'worker']);
  assert.deepEqual(r.lastError, { category: 'worker', message: 'worker exited with code 70' });
  // The fault is injected on the first attempt only, as local runs do: a retry runs clean.
  assert.deepEqual(calls, [{ source: plan.source, task }]);
  assert.deepEqual(updates, []);
});

test('runBlockJob reports a retry whose earlier errors were never recorded without a previous error', async () => {
  const { runner } = scriptedRunner(fakeResult('second attempt'));
  const { job } = fakeJob(baseData, { attemptsMade: 1, attempts: 3, failedReason: 'job stalled more than allowable limit' });
  const r = await decode(await runBlockJob(job, { runner, worker: 'w' }));
  assert.equal(r.outcome, 'retried');
  assert.equal(r.attempts, 2);
  assert.deepEqual(r.errors, []);
  assert.equal('lastError' in r, false);
});

test('runBlockJob reports a block served from the cache, with what the task did to the cache, and passes the cache options on', async () => {
  const cacheStats = { ...emptyStats(), hits: 1, bytesRead: 4096 };
  const cache = { dir: join(dir, 'cache'), maxBytes: 2 ** 20, ttlHours: 1 };
  const { runner, calls } = scriptedRunner({ ...fakeResult('cached'), cacheHit: true, cacheStats, ms: 0.5 });
  const { job } = fakeJob({ ...baseData, cache }, { attempts: 2 });
  const r = await decode(await runBlockJob(job, { runner, worker: 'w' }));
  assert.equal(r.from, 'cache');
  assert.deepEqual(r.cacheStats, cacheStats);
  assert.equal(r.ms, 0.5);
  assert.equal(r.thread, 3);
  assert.deepEqual(calls, [{ source: plan.source, task, cache }]);
});

test('runBlockJob saves its block as a checkpoint and a later job with the same fingerprint reads it instead of running', async () => {
  const root = join(dir, 'sessions');
  const checkpoint = { root, session: 's1', key: 'block-0-1', fingerprint: 'fp-1' };
  const first = scriptedRunner(fakeResult('computed once'));
  const a = await decode(await runBlockJob(fakeJob({ ...baseData, checkpoint }, { attempts: 2 }).job, { runner: first.runner, worker: 'w' }));
  assert.equal(a.from, 'computed');
  assert.deepEqual(a.checkpoints, { saved: 1, loaded: 0, corrupt: 0, stale: 0 });

  // Scripted to fail: a job that ran its task here would not return.
  const second = scriptedRunner(new Error('must not run'));
  const b = await decode(await runBlockJob(fakeJob({ ...baseData, checkpoint }, { attempts: 2 }).job, { runner: second.runner, worker: 'w' }));
  assert.equal(second.calls.length, 0);
  assert.equal(b.from, 'checkpoint');
  assert.equal(b.outcome, 'ok');
  assert.equal(b.attempts, 1);
  assert.deepEqual(b.result, fakeResult('computed once').result);
  assert.deepEqual(b.checkpoints, { saved: 0, loaded: 1, corrupt: 0, stale: 0 });

  // A retry that finds the checkpoint its failed attempt saved still reports that failure.
  const retry = await decode(await runBlockJob(fakeJob({ ...baseData, checkpoint, errors: ['worker'] }, { attempts: 2, attemptsMade: 1, failedReason: 'worker exited with code 1' }).job, { runner: second.runner, worker: 'w' }));
  assert.deepEqual([retry.from, retry.outcome, retry.attempts, retry.errors, retry.lastError], ['checkpoint', 'retried', 2, ['worker'], { category: 'worker', message: 'worker exited with code 1' }]);
  assert.equal(second.calls.length, 0);

  // Another fingerprint (the input or settings changed): the checkpoint is stale and the block runs.
  const third = scriptedRunner(fakeResult('computed again'));
  const c = await decode(await runBlockJob(fakeJob({ ...baseData, checkpoint: { ...checkpoint, fingerprint: 'fp-2' } }, { attempts: 2 }).job, { runner: third.runner, worker: 'w' }));
  assert.equal(third.calls.length, 1);
  assert.equal(c.from, 'computed');
  assert.deepEqual(c.checkpoints, { saved: 1, loaded: 0, corrupt: 0, stale: 1 });
});

test('runBlockJob writes no checkpoint for an attempt that failed', async () => {
  const root = join(dir, 'sessions-failed');
  const checkpoint = { root, session: 's2', key: 'block-0-1', fingerprint: 'fp' };
  const { runner } = scriptedRunner(new Error('socket hang up'));
  await assert.rejects(runBlockJob(fakeJob({ ...baseData, checkpoint }, { attempts: 3 }).job, { runner, worker: 'w' }), /socket hang up/);
  const files = (() => { try { return readdirSync(join(root, 's2')); } catch { return []; } })();
  assert.deepEqual(files.filter((f) => f.endsWith('.ckpt')), []);
});

const reasons: { c: Classified; want: string }[] = [
  { c: { category: 'input', severity: 'fatal', message: 'r.csv: expected a number at line 5' }, want: 'input: r.csv: expected a number at line 5' },
  { c: { category: 'numerical', severity: 'degrading', message: 'NaN in fit' }, want: 'numerical: NaN in fit' },
  { c: { category: 'unknown', severity: 'transient', message: '' }, want: 'unknown: ' },
];
for (const { c, want } of reasons) {
  test(`failureReason writes '${want}' as local runs record it, and the record job reads category and message back`, () => {
    assert.equal(failureReason(c), want);
    const back = normalizeReason(failureReason(c));
    assert.equal(back.category, c.category);
    assert.equal(back.message, c.message);
  });
}

test('defaultWorkerName names the host and the process', () => {
  assert.equal(defaultWorkerName(), `${hostname()}:${process.pid}`);
});
