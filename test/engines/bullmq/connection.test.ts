import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { Redis } from 'ioredis';
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

// Tests that change the server's settings (a password) run on a private Redis only.
const privateRedis = needRedis || (process.env.VITALDSP_REDIS_URL ? 'changes server settings: needs a private redis-server, not VITALDSP_REDIS_URL' : false);

test('probeRedis fails within its timeout when the address accepts connections but never answers', { timeout: 20_000 }, async (t) => {
  const sockets = new Set<Socket>();
  const srv = createServer((s) => { sockets.add(s); s.resume(); });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.after(() => { for (const s of sockets) s.destroy(); srv.close(); });
  const url = `redis://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'still waiting'>((r) => { timer = setTimeout(() => r('still waiting'), 8000); });
  const outcome = await Promise.race([probeRedis(url, 1000).then(() => 'resolved', (e: Error) => e), late]);
  clearTimeout(timer);
  assert.ok(outcome instanceof RedisUnavailableError, `probeRedis: ${String(outcome)}`);
  assert.match(outcome.message, /cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+/);
});

test('probeRedis connects with the password in the URL and refuses a wrong one without showing it', { skip: privateRedis, timeout: 20_000 }, async (t) => {
  const redis = await startRedis();
  const admin = new Redis(redis.url);
  t.after(async () => { admin.disconnect(); await redis.stop(); });
  await admin.config('SET', 'requirepass', 's3cret-pw');
  const port = new URL(redis.url).port;
  const facts = await probeRedis(`redis://:s3cret-pw@127.0.0.1:${port}`);
  assert.match(facts.version, /^\d+\.\d+/);
  assert.equal((await probeRedis(`redis://default:s3cret-pw@127.0.0.1:${port}/2`)).version, facts.version);
  for (const url of [`redis://:wrong-pw@127.0.0.1:${port}`, `redis://127.0.0.1:${port}`]) {
    await assert.rejects(probeRedis(url, 2000), (e: Error) => e instanceof RedisUnavailableError && e.message.startsWith(`cannot reach Redis at ${redactUrl(url)}: `) && !e.message.includes('wrong-pw'));
  }
});

test('probeRedis refuses a database number the server does not have', { skip: needRedis, timeout: 20_000 }, async (t) => {
  const redis = await startRedis();
  t.after(() => redis.stop());
  // A default server has databases 0 to 15.
  await assert.rejects(probeRedis(`${redis.url}/99`, 2000), (e: Error) => e instanceof RedisUnavailableError && /\/99/.test(e.message));
});

test('checkRedisUrl refuses a URL path that is no database number, such as a unix socket path', {}, () => {
  for (const bad of ['redis:///tmp/redis.sock', 'redis://127.0.0.1:6379/abc']) {
    assert.throws(() => checkRedisUrl(bad), (e: Error) => e instanceof RangeError && /^redis must be/.test(e.message), bad);
  }
  assert.equal(checkRedisUrl('redis://127.0.0.1:6379/3').pathname, '/3');
});
