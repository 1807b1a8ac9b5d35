import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { cliPath } from '../helpers/shared.js';
import { needRedis, startRedis } from '../helpers/redis.js';

const cli = (args: string[]) => spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8' });

test('status prints job counts per job kind, as a table or as JSON', { skip: needRedis }, async () => {
  const redis = await startRedis();
  try {
    const queue = redis.queue();
    const table = cli(['status', '--redis', redis.url, '--queue', queue]);
    assert.equal(table.status, 0, table.stderr);
    assert.match(table.stdout, new RegExp(`^queue ${queue} at redis://`));
    assert.match(table.stdout, /\nrecord(\s+0){7}\nblock(\s+0){7}\n$/);
    const json = cli(['status', '--redis', redis.url, '--queue', queue, '--json']);
    assert.equal(json.status, 0, json.stderr);
    const s = JSON.parse(json.stdout) as { queue: string; jobs: Record<string, Record<string, number>> };
    assert.equal(s.queue, queue);
    assert.deepEqual(Object.keys(s.jobs), ['record', 'block']);
    assert.equal(s.jobs['block']!['failed'], 0);
  } finally {
    await redis.stop();
  }
});

test('status exits with code 2 and a message when Redis cannot be reached', () => {
  const r = cli(['status', '--redis', 'redis://127.0.0.1:1']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^vitaldsp: cannot reach Redis at redis:\/\/127\.0\.0\.1:1/);
});

test('status names --queue when the name is not usable', () => {
  const r = cli(['status', '--queue', 'a:b']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /queue must be/);
});

const privateRedis = needRedis || (process.env.VITALDSP_REDIS_URL ? 'changes server settings: needs a private redis-server, not VITALDSP_REDIS_URL' : false);

test('status --json on an empty queue prints zero counts for every state, no workers, and the address without its password', { skip: privateRedis, timeout: 30_000 }, async (t) => {
  const redis = await startRedis();
  const admin = new Redis(redis.url);
  t.after(async () => { admin.disconnect(); await redis.stop(); });
  await admin.config('SET', 'requirepass', 'cli-secret');
  const port = new URL(redis.url).port;
  const r = cli(['status', '--redis', `redis://:cli-secret@127.0.0.1:${port}/2`, '--queue', 'empty.q_1', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout) as { queue: string; redis: string; workers: Record<string, number>; jobs: Record<string, Record<string, number>> };
  assert.equal(s.queue, 'empty.q_1');
  assert.equal(s.redis, `redis://:***@127.0.0.1:${port}/2`);
  assert.deepEqual(s.workers, { record: 0, block: 0 });
  for (const kind of ['record', 'block']) assert.deepEqual(Object.values(s.jobs[kind]!), [0, 0, 0, 0, 0, 0, 0], kind);
  assert.ok(!r.stdout.includes('cli-secret'));

  const wrong = cli(['status', '--redis', `redis://:not-it@127.0.0.1:${port}`, '--json']);
  assert.equal(wrong.status, 2);
  assert.match(wrong.stderr, new RegExp(`^vitaldsp: cannot reach Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port}: `));
  assert.ok(!wrong.stderr.includes('not-it'));
  assert.equal(wrong.stdout, '');
});

test('status refuses a --redis URL that is not redis:// with exit code 2, naming the option', () => {
  const r = cli(['status', '--redis', 'http://127.0.0.1:6379']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /redis must be a redis:\/\/ or rediss:\/\/ URL/);
});

test('status exits with code 2 and a message, not a stack, when the URL path is no database number', { skip: needRedis, timeout: 30_000 }, async (t) => {
  const redis = await startRedis();
  t.after(() => redis.stop());
  const r = spawnSync(process.execPath, [cliPath, 'status', '--redis', `${redis.url}/tmp/redis.sock`], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /^vitaldsp: .*redis/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});
