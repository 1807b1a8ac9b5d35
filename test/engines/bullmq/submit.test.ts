import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { submitBatch } from '../../../src/engines/bullmq/submit.js';
import { needRedis, startRedis } from '../../helpers/redis.js';
import { listSessions } from '../../../src/runtime/checkpoint.js';

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
