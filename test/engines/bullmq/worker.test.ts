import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlowProducer, Queue, type Job } from 'bullmq';
import { needRedis, spawnWorkers, startRedis, stopWorkers, type WorkerProcess } from '../../helpers/redis.js';
import { recordOutputs } from '../../helpers/outputs.js';
import { syntheticEcg } from '../../../src/signals/synthetic-ecg.js';
import { processBatch } from '../../../src/pipeline/batch.js';
import { planRecord } from '../../../src/pipeline/process.js';
import { startWorker, type RunningWorker } from '../../../src/engines/bullmq/worker.js';
import { submitBatch } from '../../../src/engines/bullmq/submit.js';
import { queueNames, recordFlow, type BlockJobData, type RecordJobData } from '../../../src/engines/bullmq/queues.js';

const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-bullmq-worker-'));
const input = join(dir, 'rec.csv');
const ecg = syntheticEcg({ fs: 250, seconds: 240, heartRate: 72, seed: 21 });
writeFileSync(input, 'ECG\n' + Array.from(ecg.signal, (v) => v.toFixed(5)).join('\n') + '\n');
const set = ['pipeline.blockSeconds=60', 'recovery.backoffMs=20'];
const fast = { lockDurationMs: 5000, stalledIntervalMs: 1000 };

const outputs = recordOutputs;

interface Recovery { attempts: number; errors: Record<string, number>; outcomes: Record<string, number>; recovered: number; events: string[] }
const recoveryOf = (d: string) => {
  const r = (JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8')) as { run: { recovery: Recovery } }).run.recovery;
  return { ...r, events: [...r.events].sort() };
};

test('block jobs that fail once are retried or fall back as in a local run, with identical outputs and recovery record', { skip: needRedis, timeout: 60_000 }, async () => {
  const redis = await startRedis();
  const queue = redis.queue();
  const worker = await startWorker({ redis: redis.url, queue, ...fast });
  try {
    const faults = { 0: 'throw', 1: 'nan' } as const;
    const local = await processBatch([input], { out: join(dir, 'local'), open: { fs: 250 }, config: { set }, faults });
    assert.equal(local.failed.length, 0);
    const dist = await submitBatch([input], { redis: redis.url, queue, out: join(dir, 'dist'), open: { fs: 250 }, config: { set }, faults, pollMs: 200 });
    assert.equal(dist.failed.length, 0, dist.failed.map((f) => f.error.message).join('; '));
    assert.deepEqual(outputs(join(dir, 'dist', 'rec')), outputs(join(dir, 'local', 'rec')));
    const want = recoveryOf(join(dir, 'local', 'rec'));
    assert.deepEqual(recoveryOf(join(dir, 'dist', 'rec')), want);
    assert.equal(want.outcomes['retried'], 1);
    assert.equal(want.outcomes['fallback'], 1);
  } finally {
    await worker.close();
    await redis.stop();
  }
});

test('a block job that fails for good does not hang its record: the record completes with that block marked failed', { skip: needRedis, timeout: 60_000 }, async () => {
  const redis = await startRedis();
  const queue = redis.queue();
  const names = queueNames(queue);
  const connection = { url: redis.url };
  const worker = await startWorker({ redis: redis.url, queue, ...fast });
  const flow = new FlowProducer({ connection });
  const records = new Queue(names.record, { connection });
  try {
    const out = join(dir, 'broken');
    const plan = await planRecord(input, { open: { fs: 250 }, config: { set }, out });
    const data: RecordJobData = { input, out, signal: 'auto', open: { fs: 250 }, flags: { set }, config: plan.config, fingerprint: plan.fingerprint, blocks: plan.tasks.length, session: 's1', checkpoints: false };
    const f = recordFlow({ names, id: 's1.r0', plan, data });
    // Block 2 reads a file that is not there: an input error, final at its first attempt.
    const child = f.children![2]!.data as BlockJobData;
    child.source = { kind: 'file', path: join(dir, 'missing.csv'), open: { fs: 250 } };
    await flow.add(f);
    const deadline = Date.now() + 40_000;
    let state = '';
    while (Date.now() < deadline && (state = await records.getJobState('s1.r0')) !== 'completed' && state !== 'failed') await new Promise((r) => setTimeout(r, 100));
    assert.equal(state, 'completed');
    const job = await records.getJob('s1.r0');
    assert.equal((job!.returnvalue as { failedBlocks: number }).failedBlocks, 1);

    const rows = readFileSync(join(out, 'rec', 'quality.csv'), 'utf8').trim().split('\n');
    const header = rows[0]!.split(',');
    const start = header.indexOf('start_s'), limited = header.indexOf('limited_by'), level = header.indexOf('level');
    const inBlock2 = rows.slice(1).map((r) => r.split(',')).filter((c) => Number(c[start]) >= 120 && Number(c[start]) < 180);
    assert.equal(inBlock2.length, 6);
    for (const c of inBlock2) {
      assert.equal(c[level], 'unusable');
      assert.match(c.slice(limited).join(','), /^"?error: input: .*missing\.csv/);
    }
    const manifest = JSON.parse(readFileSync(join(out, 'rec', 'manifest.json'), 'utf8')) as { stages: { stage: string; counts: Record<string, number> }[] };
    assert.equal(manifest.stages.find((s) => s.stage === 'process')!.counts['failed'], 1);
  } finally {
    await Promise.all([flow.close(), records.close()]);
    await worker.close();
    await redis.stop();
  }
});

test('a block job whose worker process is killed mid-block is taken over by another worker, and the record keeps the outputs of a local run', { skip: needRedis, timeout: 90_000 }, async (t) => {
  const redis = await startRedis();
  const queue = redis.queue();
  const names = queueNames(queue);
  const blocks = new Queue(names.block, { connection: { url: redis.url } });
  let spawned: WorkerProcess[] = [];
  let worker: RunningWorker | undefined;
  t.after(async () => {
    await stopWorkers(spawned, 0);
    await worker?.close();
    await blocks.close();
    await redis.stop();
  });
  const local = await processBatch([input], { out: join(dir, 'local-killed'), open: { fs: 250 }, config: { set } });
  assert.equal(local.failed.length, 0);
  // Block 1 never returns on its first attempt: the worker is sure to die holding it.
  spawned = await spawnWorkers(redis.url, queue, 1, ['--concurrency', '2', '--lock-duration', '2000', '--stalled-interval', '500']);
  const submitted = submitBatch([input], { redis: redis.url, queue, out: join(dir, 'killed'), open: { fs: 250 }, config: { set }, faults: { 1: 'hang' }, pollMs: 200 });
  const deadline = Date.now() + 30_000;
  let b1: Job | undefined;
  while (Date.now() < deadline && (b1 = (await blocks.getJobs(['active'])).find((j) => j.id?.endsWith('.b1'))) === undefined) await new Promise((r) => setTimeout(r, 50));
  assert.ok(b1, 'block 1 never became active');
  spawned[0]!.child.kill('SIGKILL');
  await new Promise((r) => spawned[0]!.child.once('exit', r));
  // Should the fault come again with the job, the task timeout ends it and a retry runs clean.
  worker = await startWorker({ redis: redis.url, queue, concurrency: 2, lockDurationMs: 2000, stalledIntervalMs: 500, taskTimeoutSeconds: 3 });
  const r = await submitted;
  assert.deepEqual(r.failed.map((f) => f.error.message), []);
  assert.deepEqual(outputs(join(dir, 'killed', 'rec')), outputs(join(dir, 'local-killed', 'rec')));
  const taken = await blocks.getJob(b1.id!);
  assert.ok(taken && taken.stalledCounter >= 1, `stalledCounter ${taken?.stalledCounter}`);
  assert.equal(await taken.getState(), 'completed');
});
