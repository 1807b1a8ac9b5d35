/**
 * runRecordJob with a stand-in for its parent job (data, timestamp, the children's values and
 * ignored failures, progress) and a real block queue in Redis, which it reads through Job.fromId for
 * the error categories of failed children. worker.test.ts runs whole flows and compares their
 * outputs with a local run; what is checked here beyond that: the refusals (a plan that changed
 * since submission, an input gone or a folder in its place), children keyed
 * by full Redis keys in any order with foreign keys ignored, a failed child's attempt categories
 * read from the block queue or, when its job is gone, taken from its reason (BullMQ's own reasons
 * included), the run section built from the children's reports (workers, speed-up, peak memory,
 * checkpoints only when the session keeps them), wall time counted from submission, progress
 * forwarded and its failures ignored, and the summary returned.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, UnrecoverableError, type Job } from 'bullmq';
import { needRedis, startRedis } from '../../helpers/redis.js';
import type { BlockReport } from '../../../src/engines/bullmq/block-job.js';
import { encodeValue } from '../../../src/engines/bullmq/codec.js';
import { blockJobId, queueNames, type BlockJobData, type RecordJobData } from '../../../src/engines/bullmq/queues.js';
import { runRecordJob } from '../../../src/engines/bullmq/record-job.js';
import { planRecord } from '../../../src/pipeline/process.js';
import type { BlockResult } from '../../../src/pipeline/types.js';
import { syntheticEcg } from '../../../src/signals/synthetic-ecg.js';
import { runWorkerTask } from '../../../src/runtime/block-worker.js';
import { createRunner } from '../../../src/runtime/pool.js';

const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-record-job-'));
const input = join(dir, 'rec.csv');
const ecg = syntheticEcg({ fs: 250, seconds: 180, heartRate: 72, seed: 8 });
writeFileSync(input, 'ECG\n' + Array.from(ecg.signal, (v) => v.toFixed(5)).join('\n') + '\n');
const set = ['pipeline.blockSeconds=60'];
const plan = await planRecord(input, { open: { fs: 250 }, config: { set } });
assert.equal(plan.tasks.length, 3);
const results: BlockResult[] = [];
for (const task of plan.tasks) results.push((await runWorkerTask({ source: plan.source, task })).result);
const runner = createRunner({ workers: 0 });

const recordData = (out: string, o: Partial<RecordJobData> = {}): RecordJobData => ({
  input, out, signal: 'auto', open: { fs: 250 }, flags: { set }, config: plan.config, fingerprint: plan.fingerprint, blocks: plan.tasks.length, session: 's1', checkpoints: false, ...o,
});

const report = (index: number, o: Partial<BlockReport> = {}): BlockReport => ({
  result: results[index]!, from: 'computed', outcome: 'ok', attempts: 1, errors: [], ms: 1000, worker: 'w1', thread: 0, rssMB: 100, startedAt: 1_000_000, finishedAt: 1_001_000, ...o,
});

/** A stand-in for the parent job: what BullMQ would hand over once every child has finished. */
function fakeRecordJob(data: RecordJobData, o: { children?: Record<string, string>; failures?: Record<string, string>; timestamp?: number; progressFails?: boolean } = {}) {
  const progress: { stage: string; fraction: number }[] = [];
  let childrenRead = false;
  const job = {
    data, timestamp: o.timestamp ?? Date.now(),
    getChildrenValues: async () => { childrenRead = true; return o.children ?? {}; },
    getIgnoredChildrenFailures: async () => o.failures ?? {},
    updateProgress: async (p: { stage: string; fraction: number }) => {
      progress.push(p);
      if (o.progressFails) throw new Error('Connection is closed.');
    },
  };
  return { job: job as unknown as Job<RecordJobData>, progress, childrenRead: () => childrenRead };
}

interface Manifest {
  stages: { stage: string; counts: Record<string, number> }[];
  run: {
    workers: number; wallSeconds: number; peakRssMB: number; parallelSpeedup: number;
    recovery: { attempts: number; errors: Record<string, number>; outcomes: Record<string, number>; recovered: number; events: string[] };
    checkpoints: Record<string, number> | null;
    blocks: { fromCheckpoint: number; computed: number; skipped: number };
  };
}
const manifestOf = (out: string) => JSON.parse(readFileSync(join(out, plan.name, 'manifest.json'), 'utf8')) as Manifest;
const nonZero = (counts: Record<string, number>) => Object.fromEntries(Object.entries(counts).filter(([, n]) => n !== 0));

// Neither check needs Redis: the record is refused before any child is read.
const stale: { name: string; data: Partial<RecordJobData> }[] = [
  { name: 'its fingerprint differs from the plan made now', data: { fingerprint: 'f'.repeat(64) } },
  { name: 'it was submitted with another number of blocks', data: { blocks: 4 } },
];
for (const { name, data } of stale) {
  test(`runRecordJob refuses for good a record whose plan changed since submission: ${name}`, async () => {
    const { job, childrenRead } = fakeRecordJob(recordData(join(dir, 'stale'), data));
    await assert.rejects(runRecordJob(job, { blockQueue: {} as Queue, runner }), (e: unknown) => e instanceof UnrecoverableError && e.message === `${input}: the input or its plan changed since it was submitted (or workers run another vitaldsp version); submit it again`);
    assert.equal(childrenRead(), false);
  });
}

const unreadable: [what: string, path: string][] = [
  ['the file is gone', join(dir, 'gone.csv')],
  // read() fails with EISDIR: another attempt cannot cure a wrong path.
  ['a folder is where the file was', dir],
];
for (const [what, path] of unreadable) {
  test(`runRecordJob fails for good when its input can no longer be read, naming the file: ${what}`, async () => {
    const { job } = fakeRecordJob(recordData(join(dir, 'gone'), { input: path }));
    await assert.rejects(runRecordJob(job, { blockQueue: {} as Queue, runner }), (e: unknown) => e instanceof UnrecoverableError && e.message.includes(path));
  });
}

test('runRecordJob assembles its children by their Redis keys, reads a failed child\'s attempts from the block queue, and returns the record\'s summary', { skip: needRedis, timeout: 60_000 }, async (t) => {
  const redis = await startRedis();
  const names = queueNames(redis.queue());
  const blockQueue = new Queue(names.block, { connection: { url: redis.url } });
  t.after(async () => { await blockQueue.close(); await redis.stop(); });

  const out = join(dir, 'assembled');
  const key = (i: number) => `bull:${names.block}:${blockJobId('s1.r0', i)}`;
  // The failed child is still in its queue, with the categories of its three attempts.
  await blockQueue.add('block', { index: 1, errors: ['worker', 'timeout', 'timeout'] } as unknown as BlockJobData, { jobId: blockJobId('s1.r0', 1) });
  const reason = 'timeout: block 1 of ECG timed out after 600 s';
  const submitted = Date.now() - 3_600_000;
  const { job, progress } = fakeRecordJob(recordData(out), {
    timestamp: submitted,
    children: {
      // Out of task order, and with a value that is no block of this record.
      [key(2)]: await encodeValue(report(2, { worker: 'w2', thread: 7, ms: 5000, rssMB: 1e6, startedAt: 1_001_000, finishedAt: 1_005_000, outcome: 'retried', attempts: 2, errors: ['worker'], lastError: { category: 'worker', message: 'worker exited with code 70' }, checkpoints: { saved: 1, loaded: 0, corrupt: 0, stale: 0 } })),
      [key(0)]: await encodeValue(report(0, { ms: 3000, startedAt: 1_000_000, finishedAt: 1_004_000 })),
      [`bull:${names.block}:some-other-job`]: 'not a block report',
    },
    failures: { [key(1)]: reason, [`bull:${names.block}:unrelated`]: 'unknown: not ours' },
  });

  const summary = await runRecordJob(job, { blockQueue, runner });
  assert.equal(summary.input, input);
  assert.equal(summary.name, plan.name);
  assert.equal(summary.dir, join(out, plan.name));
  assert.equal(summary.failedBlocks, 1);
  assert.deepEqual(summary.channels.map((c) => c.name), ['ECG']);
  assert.ok(summary.channels[0]!.beats > 0);
  // Wall time counts from submission, an hour ago, not from when this job started.
  assert.ok(summary.wallSeconds >= 3600, `wallSeconds ${summary.wallSeconds}`);

  const m = manifestOf(out);
  assert.equal(m.stages.find((s) => s.stage === 'process')!.counts['failed'], 1);
  // Attempts: 1 (block 0) + 2 (block 2) + the 3 recorded on the failed child's job.
  assert.equal(m.run.recovery.attempts, 6);
  assert.deepEqual(nonZero(m.run.recovery.errors), { worker: 2, timeout: 2 });
  assert.deepEqual(nonZero(m.run.recovery.outcomes), { ok: 1, retried: 1, skipped: 1 });
  assert.deepEqual(m.run.recovery.events, [
    'ECG block 1: skipped after timeout error: block 1 of ECG timed out after 600 s',
    'ECG block 2: retried after worker error: worker exited with code 70',
  ]);
  assert.equal(m.run.workers, 2);
  // 8 s of task time over the 5 s from the first block's start to the last one's end.
  assert.equal(m.run.parallelSpeedup, 1.6);
  assert.equal(m.run.peakRssMB, 1e6);
  // The session keeps no checkpoints: what a child reports of them is not the record's to show.
  assert.equal(m.run.checkpoints, null);

  const rows = readFileSync(join(out, plan.name, 'quality.csv'), 'utf8').trim().split('\n');
  const header = rows[0]!.split(',');
  const start = header.indexOf('start_s'), limited = header.indexOf('limited_by');
  const inBlock1 = rows.slice(1).map((r) => r.split(',')).filter((c) => Number(c[start]) >= 60 && Number(c[start]) < 120);
  assert.equal(inBlock1.length, 6);
  for (const c of inBlock1) assert.equal(c[limited], `error: ${reason}`);

  assert.equal(progress.at(-1)?.stage, 'package');
  assert.equal(progress.at(-1)?.fraction, 1);
  assert.deepEqual([...new Set(progress.map((p) => p.stage))], ['segment', 'features', 'summarize', 'package']);
});

test('runRecordJob takes a failed child\'s category from its reason when its job is gone, and sums checkpoints when the session keeps them', { skip: needRedis, timeout: 60_000 }, async (t) => {
  const redis = await startRedis();
  const names = queueNames(redis.queue());
  const blockQueue = new Queue(names.block, { connection: { url: redis.url } });
  t.after(async () => { await blockQueue.close(); await redis.stop(); });

  const out = join(dir, 'gone-child');
  const key = (i: number) => `bull:${names.block}:${blockJobId('s2.r0', i)}`;
  const { job } = fakeRecordJob(recordData(out, { session: 's2', checkpoints: true }), {
    children: {
      [key(1)]: await encodeValue(report(1, { from: 'checkpoint', checkpoints: { saved: 0, loaded: 1, corrupt: 0, stale: 0 } })),
      [key(2)]: await encodeValue(report(2, { checkpoints: { saved: 1, loaded: 0, corrupt: 1, stale: 1 } })),
    },
    // A reason BullMQ wrote itself, for a child removed since: no attempts to read, only the reason.
    failures: { [key(0)]: 'job stalled more than allowable limit' },
    // Progress is a courtesy: a Redis that cannot take it must not fail the record.
    progressFails: true,
  });

  const summary = await runRecordJob(job, { blockQueue, runner });
  assert.equal(summary.failedBlocks, 1);
  const m = manifestOf(out);
  assert.deepEqual(m.run.checkpoints, { saved: 1, loaded: 1, corrupt: 1, stale: 1 });
  assert.equal(m.run.blocks.fromCheckpoint, 1);
  assert.equal(m.run.blocks.computed, 1);
  assert.equal(m.run.blocks.skipped, 1);
  assert.deepEqual(nonZero(m.run.recovery.errors), { unknown: 1 });
  assert.deepEqual(m.run.recovery.events, ['ECG block 0: skipped after unknown error: job stalled more than allowable limit']);
  // A checkpointed block took no time of any worker: only block 2 counts, alone on one worker.
  assert.equal(m.run.workers, 1);
  assert.equal(m.run.parallelSpeedup, 1);

  const rows = readFileSync(join(out, plan.name, 'quality.csv'), 'utf8').trim().split('\n');
  const limited = rows[0]!.split(',').indexOf('limited_by');
  assert.equal(rows[1]!.split(',')[limited], 'error: unknown: job stalled more than allowable limit');
});
