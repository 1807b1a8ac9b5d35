import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FlowProducer } from 'bullmq';
import { Redis } from 'ioredis';
import { startWorker, type RunningWorker } from '../../../src/engines/bullmq/worker.js';
import { formatStatus, jobStates, queueStatus, type QueueStatus } from '../../../src/engines/bullmq/status.js';
import { needRedis, startRedis } from '../../helpers/redis.js';

test('queueStatus counts jobs by state for each job kind', { skip: needRedis }, async () => {
  const redis = await startRedis();
  const queue = redis.queue();
  const flow = new FlowProducer({ connection: { url: redis.url } });
  try {
    const empty = await queueStatus(redis.url, queue);
    assert.deepEqual(empty.jobs.record, Object.fromEntries(jobStates.map((s) => [s, 0])));
    assert.deepEqual(empty.workers, { record: 0, block: 0 });
    await flow.add({ name: 'record', queueName: `${queue}-record`, data: {}, children: [0, 1, 2].map((i) => ({ name: 'block', queueName: `${queue}-block`, data: { i } })) });
    const s = await queueStatus(redis.url, queue);
    assert.equal(s.jobs.record['waiting-children'], 1);
    assert.equal(s.jobs.block.waiting, 3);
    assert.equal(s.jobs.block.completed, 0);
  } finally {
    await flow.close();
    await redis.stop();
  }
});

test('formatStatus prints one row per job kind and warns about an evicting Redis', () => {
  const zero = Object.fromEntries(jobStates.map((s) => [s, 0])) as QueueStatus['jobs']['record'];
  const s: QueueStatus = { queue: 'q', redis: 'redis://h', server: { version: '7.2.0', maxmemoryPolicy: 'allkeys-lru', appendonly: 'yes' }, workers: { record: 2, block: 2 }, jobs: { record: { ...zero, completed: 12 }, block: { ...zero, active: 3, failed: 1 } } };
  const lines = formatStatus(s).split('\n');
  assert.match(lines[1]!, /^job\s+waiting\s+waiting-children\s+active\s+delayed\s+prioritized\s+completed\s+failed$/);
  assert.match(lines[2]!, /^record\s+0\s+0\s+0\s+0\s+0\s+12\s+0$/);
  assert.match(lines[3]!, /^block\s+0\s+0\s+3\s+0\s+0\s+0\s+1$/);
  assert.match(lines[4]!, /warning: maxmemory-policy is allkeys-lru/);
});

// Tests that use other databases or change server settings run on a private Redis only.
const privateRedis = needRedis || (process.env.VITALDSP_REDIS_URL ? 'needs a private redis-server, not VITALDSP_REDIS_URL' : false);

test('queueStatus counts the jobs of the database named in the URL only, and the workers on each job kind', { skip: privateRedis, timeout: 30_000 }, async (t) => {
  const redis = await startRedis();
  const queue = redis.queue();
  const db3 = `${redis.url}/3`;
  const flow = new FlowProducer({ connection: { url: db3 } });
  let worker: RunningWorker | undefined;
  t.after(async () => { await worker?.close(); await flow.close(); await redis.stop(); });
  await flow.add({ name: 'record', queueName: `${queue}-record`, data: {}, children: [{ name: 'block', queueName: `${queue}-block`, data: {}, opts: { delay: 600_000 } }] });
  const inDb3 = await queueStatus(db3, queue);
  assert.equal(inDb3.redis, db3);
  assert.equal(inDb3.jobs.record['waiting-children'], 1);
  assert.equal(inDb3.jobs.block.delayed, 1);
  assert.deepEqual(inDb3.workers, { record: 0, block: 0 });
  const inDb0 = await queueStatus(redis.url, queue);
  assert.equal(inDb0.jobs.record['waiting-children'], 0);
  assert.equal(inDb0.jobs.block.delayed, 0);
  worker = await startWorker({ redis: db3, queue });
  assert.deepEqual((await queueStatus(db3, queue)).workers, { record: 1, block: 1 });
});

test('queueStatus reaches a Redis with a password and reports its address without it', { skip: privateRedis, timeout: 30_000 }, async (t) => {
  const redis = await startRedis();
  const admin = new Redis(redis.url);
  t.after(async () => { admin.disconnect(); await redis.stop(); });
  await admin.config('SET', 'requirepass', 'pw-of-status');
  const url = `redis://:pw-of-status@127.0.0.1:${new URL(redis.url).port}/1`;
  const s = await queueStatus(url, 'q');
  assert.equal(s.redis, `redis://:***@127.0.0.1:${new URL(redis.url).port}/1`);
  assert.deepEqual(s.jobs.block, Object.fromEntries(jobStates.map((st) => [st, 0])));
  assert.ok(!formatStatus(s).includes('pw-of-status'));
  assert.ok(!JSON.stringify(s).includes('pw-of-status'));
});
