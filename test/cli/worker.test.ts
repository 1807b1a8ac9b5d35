import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { cliPath } from '../helpers/shared.js';
import { needRedis, spawnWorkers, startRedis, stopWorkers, type WorkerProcess } from '../helpers/redis.js';

test('a worker registers on both queues and stops cleanly on SIGTERM', { skip: needRedis, timeout: 30_000 }, async () => {
  const redis = await startRedis();
  const queue = redis.queue();
  const queues = ['record', 'block'].map((k) => new Queue(`${queue}-${k}`, { connection: { url: redis.url } }));
  let workers: WorkerProcess[] = [];
  try {
    workers = await spawnWorkers(redis.url, queue, 1, ['--concurrency', '2', '--name', 'probe-worker']);
    const w = workers[0]!;
    assert.match(w.log(), /worker probe-worker on queue '.*' at redis:\/\/.*: 2 block job\(s\) at once on 2 threads/);
    for (const q of queues) {
      const registered = await q.getWorkers();
      assert.ok(registered.some((x) => String(x['rawname']).endsWith(':probe-worker')), `${q.name}: ${JSON.stringify(registered)}`);
    }
    const exited = new Promise<string>((r) => w.child.once('exit', (code, signal) => r(`code ${code}, signal ${signal}`)));
    await stopWorkers([w]);
    assert.equal(await exited, 'code 0, signal null', w.log());
    assert.match(w.log(), /SIGTERM: finishing the jobs in hand[\s\S]*stopped/);
  } finally {
    await stopWorkers(workers);
    await Promise.all(queues.map((q) => q.close()));
    await redis.stop();
  }
});

test('worker exits with code 2 and a message when Redis cannot be reached', () => {
  const r = spawnSync(process.execPath, [cliPath, 'worker', '--redis', 'redis://127.0.0.1:1'], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /cannot reach Redis at redis:\/\/127\.0\.0\.1:1/);
});

test('worker names the option for a bad concurrency', () => {
  const r = spawnSync(process.execPath, [cliPath, 'worker', '--concurrency', '1.5', '--redis', 'redis://127.0.0.1:1'], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /concurrency must be/);
});

test('worker refuses a --redis URL that is not redis:// with exit code 2 before connecting', () => {
  const r = spawnSync(process.execPath, [cliPath, 'worker', '--redis', 'localhost:6379'], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /redis must be a redis:\/\/ or rediss:\/\/ URL, got 'localhost:6379'/);
});

test('worker exits with code 2 and a message when Redis refuses its password, without showing it', { skip: needRedis || (process.env.VITALDSP_REDIS_URL ? 'changes server settings: needs a private redis-server' : false), timeout: 30_000 }, async (t) => {
  const redis = await startRedis();
  const admin = new Redis(redis.url);
  t.after(async () => { admin.disconnect(); await redis.stop(); });
  await admin.config('SET', 'requirepass', 'worker-pw');
  const url = `redis://:wrong-worker-pw@127.0.0.1:${new URL(redis.url).port}`;
  const r = spawnSync(process.execPath, [cliPath, 'worker', '--redis', url], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^vitaldsp: cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+: /);
  assert.ok(!r.stderr.includes('wrong-worker-pw'));
});

test('worker refuses a negative --max-stalled with exit code 2 before connecting, and takes 0', () => {
  const bad = spawnSync(process.execPath, [cliPath, 'worker', '--redis', 'redis://127.0.0.1:1', '--max-stalled', '-1'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /max-stalled must be a whole number >= 0, got '-1'/);
  // 0 passes the option check; the run then stops at the unreachable Redis, also with code 2.
  const zero = spawnSync(process.execPath, [cliPath, 'worker', '--redis', 'redis://127.0.0.1:1', '--max-stalled', '0'], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(zero.status, 2);
  assert.match(zero.stderr, /cannot reach Redis at redis:\/\/127\.0\.0\.1:1/);
});
