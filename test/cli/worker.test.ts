import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Queue } from 'bullmq';
import { cliPath } from '../helpers/shared.js';
import { needRedis, spawnWorkers, startRedis, stopWorkers, uniqueQueue } from '../helpers/redis.js';

test('a worker registers on both queues and stops cleanly on SIGTERM', { skip: needRedis, timeout: 30_000 }, async () => {
  const redis = await startRedis();
  const queue = uniqueQueue();
  const q = new Queue(`${queue}-block`, { connection: { url: redis.url } });
  try {
    const [w] = await spawnWorkers(redis.url, queue, 1, ['--concurrency', '2', '--name', 'probe-worker']);
    assert.match(w!.log(), /worker probe-worker on queue '.*': 2 block job\(s\) at once on 2 threads/);
    const workers = await q.getWorkers();
    assert.ok(workers.some((x) => x['name'] === 'probe-worker'), JSON.stringify(workers));
    const exited = new Promise<number | null>((r) => w!.child.once('exit', (code) => r(code)));
    await stopWorkers([w!]);
    assert.equal(await exited, 0);
    assert.match(w!.log(), /SIGTERM: finishing the jobs in hand[\s\S]*stopped/);
  } finally {
    await q.close();
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
