import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkRedisUrl, connectionFor, probeRedis, redactUrl, RedisUnavailableError } from '../../../src/engines/bullmq/connection.js';
import { needRedis, startRedis } from '../../helpers/redis.js';

test('checkRedisUrl accepts redis:// and rediss:// URLs and names --redis otherwise', () => {
  assert.equal(checkRedisUrl('redis://h:6380/2').port, '6380');
  assert.equal(checkRedisUrl('rediss://user:pw@h').protocol, 'rediss:');
  for (const bad of ['localhost:6379', 'http://h:6379', '']) assert.throws(() => checkRedisUrl(bad), (e: Error) => e instanceof RangeError && /^redis must be/.test(e.message));
  assert.deepEqual(connectionFor('redis://h:1'), { url: 'redis://h:1', maxRetriesPerRequest: null });
});

test('redactUrl hides the password only', () => {
  assert.equal(redactUrl('redis://user:secret@h:6379/0'), 'redis://user:***@h:6379/0');
  assert.equal(redactUrl('redis://h:6379'), 'redis://h:6379');
});

test('probeRedis fails fast with the address when nothing listens there', async () => {
  const t0 = Date.now();
  await assert.rejects(probeRedis('redis://:pw@127.0.0.1:1', 2000), (e: Error) => e instanceof RedisUnavailableError && /cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1/.test(e.message));
  assert.ok(Date.now() - t0 < 10_000);
});

test('probeRedis reports the server version and the settings that keep jobs safe', { skip: needRedis }, async () => {
  const redis = await startRedis();
  try {
    const facts = await probeRedis(redis.url);
    assert.match(facts.version, /^\d+\.\d+/);
    if (!process.env.VITALDSP_REDIS_URL) assert.deepEqual([facts.maxmemoryPolicy, facts.appendonly], ['noeviction', 'no']);
  } finally {
    await redis.stop();
  }
});
