import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FlowProducer } from 'bullmq';
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
