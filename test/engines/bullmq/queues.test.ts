import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planRecord } from '../../../src/pipeline/process.js';
import { blockJobId, parseBlockJobId, queueNames, recordFlow, recordJobId, type BlockJobData, type RecordJobData } from '../../../src/engines/bullmq/queues.js';

test('queueNames gives a record and a block queue and refuses names BullMQ cannot use', () => {
  assert.deepEqual(queueNames('vitaldsp'), { record: 'vitaldsp-record', block: 'vitaldsp-block' });
  for (const bad of ['', 'a:b', 'with space', 'x'.repeat(101)]) assert.throws(() => queueNames(bad), /queue must be/);
});

test('block job ids name their record and task index, from the id or the full Redis key', () => {
  const rec = recordJobId('20260101T000000Z-abcdef', 3);
  const id = blockJobId(rec, 17);
  assert.deepEqual(parseBlockJobId(id), { record: rec, index: 17 });
  assert.deepEqual(parseBlockJobId(`bull:q-block:${id}`), { record: rec, index: 17 });
  assert.equal(parseBlockJobId('bull:q-block:123'), undefined);
  assert.ok(!id.includes(':'), 'BullMQ refuses custom ids with a colon');
});

test('a record flow has one block child per task, carrying paths and parameters only, with the failure policy', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-bullmq-queues-'));
  const input = join(dir, 'r.csv');
  writeFileSync(input, 'ECG\n' + Array.from({ length: 250 * 130 }, (_, i) => Math.sin(i / 20).toFixed(4)).join('\n') + '\n');
  const plan = await planRecord(input, { open: { fs: 250 }, config: { set: ['pipeline.blockSeconds=60', 'recovery.maxRetries=4', 'recovery.backoffMs=250'] }, out: dir });
  const names = queueNames('q');
  const data: RecordJobData = { input, out: dir, signal: 'auto', open: { fs: 250 }, flags: { set: [] }, config: plan.config, fingerprint: plan.fingerprint, blocks: plan.tasks.length, session: 's', checkpoints: true };
  const flow = recordFlow({ names, id: 's.r0', plan, data, checkpointRoot: join(dir, 'sessions'), faults: { 1: 'throw' } });
  assert.equal(flow.queueName, 'q-record');
  assert.equal(flow.opts?.jobId, 's.r0');
  assert.equal(flow.children?.length, 3);
  for (const [i, c] of flow.children!.entries()) {
    const d = c.data as BlockJobData;
    assert.equal(c.queueName, 'q-block');
    assert.equal(c.opts?.jobId, `s.r0.b${i}`);
    assert.equal(c.opts?.attempts, 5);
    assert.deepEqual(c.opts?.backoff, { type: 'exponential', delay: 250 });
    assert.equal(c.opts?.ignoreDependencyOnFailure, true);
    assert.equal(d.index, i);
    assert.deepEqual(d.source, { kind: 'file', path: input, open: { fs: 250 } });
    assert.deepEqual(d.checkpoint, { root: join(dir, 'sessions'), session: 's', key: `block-0-${i}`, fingerprint: plan.fingerprint });
    assert.equal(d.fault, i === 1 ? 'throw' : undefined);
    // No samples: the job data is small whatever the record's length.
    assert.ok(JSON.stringify(d).length < 8000, `block ${i} data is ${JSON.stringify(d).length} bytes`);
  }
});
