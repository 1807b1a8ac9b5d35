import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
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
