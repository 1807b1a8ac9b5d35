import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { submitBatch } from '../../../src/engines/bullmq/submit.js';
import { needRedis, startRedis } from '../../helpers/redis.js';
import { listSessions } from '../../../src/runtime/checkpoint.js';
import { recordOutputs } from '../../helpers/outputs.js';
import { syntheticEcg } from '../../../src/signals/synthetic-ecg.js';
import { processBatch } from '../../../src/pipeline/batch.js';
import { startWorker } from '../../../src/engines/bullmq/worker.js';
import { queueNames } from '../../../src/engines/bullmq/queues.js';
import { queueStatus } from '../../../src/engines/bullmq/status.js';

test('submitBatch without waiting enqueues one flow per plannable input and reports the others at once', { skip: needRedis }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-bullmq-submit-'));
  const good = join(dir, 'good.csv'), bad = join(dir, 'bad.csv');
  writeFileSync(good, 'ECG\n' + Array.from({ length: 250 * 150 }, (_, i) => Math.sin(i / 30).toFixed(4)).join('\n') + '\n');
  writeFileSync(bad, 'ECG\n1\n2\nx\n');
  const redis = await startRedis();
  const queue = redis.queue();
  const blocks = new Queue(`${queue}-block`, { connection: { url: redis.url } });
  try {
    const seen: string[] = [];
    const r = await submitBatch([good, bad], { redis: redis.url, queue, out: join(dir, 'out'), open: { fs: 250 }, config: { set: ['pipeline.blockSeconds=60'] }, wait: false, onRecord: (i, o) => seen.push(`${i}:${o.status}`) });
    assert.equal(r.outcomes.get(good)?.status, 'queued');
    assert.equal(r.outcomes.get(bad)?.status, 'failed');
    assert.deepEqual(seen, [`${bad}:failed`]);
    assert.deepEqual(r.failed.map((f) => f.input), [bad]);
    assert.match(r.failed[0]!.error.message, /expected a number at line 4/);
    assert.equal(await blocks.getWaitingCount(), 3);
    const sessions = await listSessions(join(dir, 'out', '.vitaldsp', 'sessions'));
    assert.deepEqual(sessions.map((s) => [s.id, s.status]), [[r.session, 'running']]);
  } finally {
    await blocks.close();
    await redis.stop();
  }
});

// One short synthetic record (3 block jobs of 60 s) and its local run, the reference of the tests below.
const dir2 = mkdtempSync(join(tmpdir(), 'vitaldsp-bullmq-submit2-'));
const ecgCsv = (seed: number) => 'ECG\n' + Array.from(syntheticEcg({ fs: 250, seconds: 130, heartRate: 70, seed }).signal, (v) => v.toFixed(5)).join('\n') + '\n';
const rec = join(dir2, 'rec.csv');
writeFileSync(rec, ecgCsv(31));
const set = ['pipeline.blockSeconds=60', 'recovery.backoffMs=20'];
const fast = { lockDurationMs: 5000, stalledIntervalMs: 1000 };
let localOut: Promise<string> | undefined;
const local = () => (localOut ??= processBatch([rec], { out: join(dir2, 'local'), open: { fs: 250 }, config: { set } }).then((r) => {
  assert.equal(r.failed.length, 0);
  return join(dir2, 'local', 'rec');
}));

/**
 * A private Redis and a queue name for one test; `defer` registers what to close (workers, queues),
 * closed after the test in reverse order, before Redis is stopped.
 */
async function redisFor(t: TestContext) {
  const redis = await startRedis();
  const closing: (() => Promise<unknown>)[] = [];
  t.after(async () => {
    for (const close of closing.reverse()) await close();
    await redis.stop();
  });
  return { redis, queue: redis.queue(), defer: (close: () => Promise<unknown>) => { closing.push(close); } };
}

async function until<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(v)})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('two submits of the same input into one queue at once both complete, in separate sessions, with the outputs of a local run', { skip: needRedis, timeout: 90_000 }, async (t) => {
  const { redis, queue, defer } = await redisFor(t);
  const worker = await startWorker({ redis: redis.url, queue, ...fast });
  defer(() => worker.close());
  const submit = (out: string) => submitBatch([rec], { redis: redis.url, queue, out: join(dir2, out), open: { fs: 250 }, config: { set }, pollMs: 200 });
  const [a, b] = await Promise.all([submit('twice-a'), submit('twice-b')]);
  for (const r of [a, b]) assert.deepEqual(r.failed, []);
  assert.notEqual(a.session, b.session);
  const want = recordOutputs(await local());
  assert.deepEqual(recordOutputs(join(dir2, 'twice-a', 'rec')), want);
  assert.deepEqual(recordOutputs(join(dir2, 'twice-b', 'rec')), want);
  const records = new Queue(queueNames(queue).record, { connection: { url: redis.url } });
  defer(() => records.close());
  assert.equal(await records.getCompletedCount(), 2);
});

test('a submit made before any worker runs warns that none is connected, waits, and completes once a worker starts', { skip: needRedis, timeout: 60_000 }, async (t) => {
  const { redis, queue, defer } = await redisFor(t);
  const warnings: string[] = [];
  const blocks = new Queue(queueNames(queue).block, { connection: { url: redis.url } });
  defer(() => blocks.close());
  const submitted = submitBatch([rec], { redis: redis.url, queue, out: join(dir2, 'late-worker'), open: { fs: 250 }, config: { set }, pollMs: 200, onWarning: (m) => warnings.push(m) });
  await until('the block jobs', () => blocks.getWaitingCount(), (n) => n === 3);
  const worker = await startWorker({ redis: redis.url, queue, ...fast });
  defer(() => worker.close());
  const r = await submitted;
  assert.deepEqual(r.failed, []);
  assert.equal(r.outcomes.get(rec)?.status, 'done');
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, new RegExp(`no worker is connected to queue '${queue}'`));
  assert.deepEqual(recordOutputs(join(dir2, 'late-worker', 'rec')), recordOutputs(await local()));
});

test('an input deleted between submit and run fails for good: one attempt of its record, the file named in the reason', { skip: needRedis, timeout: 60_000 }, async (t) => {
  const { redis, queue, defer } = await redisFor(t);
  const gone = join(dir2, 'deleted.csv');
  writeFileSync(gone, ecgCsv(32));
  const names = queueNames(queue);
  const records = new Queue(names.record, { connection: { url: redis.url } });
  const blocks = new Queue(names.block, { connection: { url: redis.url } });
  defer(() => Promise.all([records.close(), blocks.close()]));
  const submitted = submitBatch([gone], { redis: redis.url, queue, out: join(dir2, 'deleted'), open: { fs: 250 }, config: { set: [...set, 'recovery.maxRetries=3'] }, pollMs: 200 });
  await until('the record job', () => records.getWaitingChildrenCount(), (n) => n === 1);
  unlinkSync(gone);
  const worker = await startWorker({ redis: redis.url, queue, ...fast });
  defer(() => worker.close());
  const r = await submitted;
  assert.deepEqual(r.failed.map((f) => f.input), [gone]);
  assert.ok(r.failed[0]!.error.message.includes(gone), r.failed[0]!.error.message);
  const [job] = await records.getJobs(['failed']);
  assert.equal(job?.attemptsMade, 1, 'an input error is not retried');
  // Each block met the missing file once: an input error, final at its first attempt.
  const failedBlocks = await blocks.getJobs(['failed']);
  assert.equal(failedBlocks.length, 3);
  for (const b of failedBlocks) {
    assert.equal(b.attemptsMade, 1);
    assert.match(b.failedReason, /^input: /);
  }
});

test('an input rewritten between submit and run is refused by its record job, which tells to submit it again', { skip: needRedis, timeout: 60_000 }, async (t) => {
  const { redis, queue, defer } = await redisFor(t);
  const changed = join(dir2, 'changed.csv');
  writeFileSync(changed, ecgCsv(33));
  const records = new Queue(queueNames(queue).record, { connection: { url: redis.url } });
  defer(() => records.close());
  const submitted = submitBatch([changed], { redis: redis.url, queue, out: join(dir2, 'changed'), open: { fs: 250 }, config: { set }, pollMs: 200 });
  await until('the record job', () => records.getWaitingChildrenCount(), (n) => n === 1);
  // The same length, other samples.
  writeFileSync(changed, ecgCsv(34));
  const worker = await startWorker({ redis: redis.url, queue, ...fast });
  defer(() => worker.close());
  const r = await submitted;
  assert.deepEqual(r.failed.map((f) => f.input), [changed]);
  assert.match(r.failed[0]!.error.message, /the input or its plan changed since it was submitted.*submit it again/);
  assert.equal((await records.getJobs(['failed']))[0]?.attemptsMade, 1);
  assert.equal(existsSync(join(dir2, 'changed', 'changed', 'manifest.json')), false);
});

test('a queue name with dots, underscores and dashes carries a record through to the outputs of a local run', { skip: needRedis, timeout: 60_000 }, async (t) => {
  const { redis, defer } = await redisFor(t);
  const queue = `${redis.queue('odd')}.v1_batch-2.-`;
  const worker = await startWorker({ redis: redis.url, queue, ...fast });
  defer(() => worker.close());
  const r = await submitBatch([rec], { redis: redis.url, queue, out: join(dir2, 'odd-queue'), open: { fs: 250 }, config: { set }, pollMs: 200 });
  assert.deepEqual(r.failed, []);
  assert.deepEqual(recordOutputs(join(dir2, 'odd-queue', 'rec')), recordOutputs(await local()));
  const s = await queueStatus(redis.url, queue);
  assert.equal(s.jobs.record.completed, 1);
  assert.equal(s.jobs.block.completed, 3);
});

test('retention options go on every record and block job as counts and an age in seconds', { skip: needRedis, timeout: 30_000 }, async (t) => {
  const { redis, queue, defer } = await redisFor(t);
  const names = queueNames(queue);
  const records = new Queue(names.record, { connection: { url: redis.url } });
  const blocks = new Queue(names.block, { connection: { url: redis.url } });
  defer(() => Promise.all([records.close(), blocks.close()]));
  const r = await submitBatch([rec], { redis: redis.url, queue, out: join(dir2, 'retention'), open: { fs: 250 }, config: { set }, wait: false, retention: { completed: 5, failed: 7, hours: 1.5 } });
  const jobs = [...(await records.getJobs(['waiting-children'])), ...(await blocks.getJobs(['waiting']))];
  assert.equal(jobs.length, 4);
  for (const j of jobs) {
    assert.deepEqual(j.opts.removeOnComplete, { age: 5400, count: 5 }, j.id);
    assert.deepEqual(j.opts.removeOnFail, { age: 5400, count: 7 }, j.id);
  }
  const dflt = await submitBatch([rec], { redis: redis.url, queue, out: join(dir2, 'retention'), open: { fs: 250 }, config: { set }, wait: false });
  const job = await records.getJob((dflt.outcomes.get(rec) as { job: string }).job);
  assert.deepEqual([job?.opts.removeOnComplete, job?.opts.removeOnFail], [{ age: 168 * 3600, count: 1000 }, { age: 168 * 3600, count: 10_000 }]);
  assert.notEqual(r.session, dflt.session);
});

test('submitBatch refuses, before any work, a retention under which a finished record job could vanish before it is read', async () => {
  // A record job removed as it completes would be reported as gone, that is failed, whatever its outcome.
  for (const retention of [{ completed: 0 }, { failed: 0 }, { completed: 1.5 }, { hours: 0 }, { hours: 0.001 }]) {
    await assert.rejects(submitBatch([rec], { redis: 'redis://127.0.0.1:1', queue: 'never', out: join(dir2, 'never'), config: { set }, retention }), RangeError, JSON.stringify(retention));
  }
});

