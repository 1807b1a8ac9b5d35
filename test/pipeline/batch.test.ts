import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { processBatch, recordNames, sessionsRoot, type RecordOutcome } from '../../src/pipeline/batch.js';
import { CheckpointStore, listSessions } from '../../src/runtime/checkpoint.js';
import { syntheticEcg } from '../../src/signals/synthetic-ecg.js';

const fs = 250;
const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-batch-'));
after(() => rmSync(dir, { recursive: true, force: true }));
/** Three 4-minute ECG records of their own (the cache would serve copies of one record). */
const inputs = [1, 2, 3].map((seed) => {
  const path = join(dir, `rec${seed}.csv`);
  const ecg = syntheticEcg({ fs, seconds: 240, heartRate: 60 + 5 * seed, seed });
  writeFileSync(path, 'ECG\n' + Array.from(ecg.signal, (v) => v.toFixed(4)).join('\n') + '\n');
  return path;
});
const opts = { open: { fs }, config: { set: ['runtime.workers=1', 'pipeline.blockSeconds=60', 'checkpoint.intervalSeconds=0'] } };

test('processBatch keeps full results by default, only summaries without keepResults, and gives onRecord the full result either way', async () => {
  const kept = await processBatch(inputs, { ...opts, out: join(dir, 'kept') });
  const seen: RecordOutcome[] = [];
  const lean = await processBatch(inputs, { ...opts, out: join(dir, 'lean'), keepResults: false, onRecord: (_, o) => seen.push(o) });
  for (const input of inputs) {
    const a = kept.outcomes.get(input), b = lean.outcomes.get(input);
    assert.ok(a?.status === 'done' && b?.status === 'done');
    assert.ok(a.result, 'kept by default');
    assert.equal(b.result, undefined, 'dropped without keepResults');
    assert.deepEqual({ ...b.summary, wallSeconds: 0, dir: '' }, { ...a.summary, wallSeconds: 0, dir: '' });
    assert.equal(b.summary.dir, join(dir, 'lean', a.result.name));
    assert.equal(b.summary.channels[0]!.beats, a.result.channels[0]!.beats.sample.length);
  }
  assert.equal(seen.length, 3);
  assert.ok(seen.every((o) => o.status === 'done' && o.result !== undefined));
});

test("each record's manifest counts its own checkpoints, not the session's", async () => {
  const out = join(dir, 'ckpt');
  await processBatch(inputs, { ...opts, out });
  for (const input of inputs) {
    const name = input.replace(/^.*\//, '').replace(/\.csv$/, '');
    const m = JSON.parse(readFileSync(join(out, name, 'manifest.json'), 'utf8')) as { run: { checkpoints: { saved: number; loaded: number; stale: number } } };
    // Four 60 s blocks, each written as it comes (interval 0), and nothing of the other records read.
    assert.deepEqual(m.run.checkpoints, { saved: 4, loaded: 0, corrupt: 0, stale: 0 }, name);
  }
});

test('a resumed batch skips the records its session noted done and runs the rest', async () => {
  const out = join(dir, 'resume');
  const first = await processBatch(inputs, { ...opts, out });
  // As if killed before the last record ended: the session running, two records in its done log.
  const store = new CheckpointStore(sessionsRoot(out), first.session);
  const [meta] = await listSessions(sessionsRoot(out));
  await store.writeMeta({ ...meta!, status: 'running', done: [] });
  writeFileSync(join(store.dir, 'done.log'), inputs.slice(0, 2).map((i) => `${resolve(i)}\n`).join(''));
  const again = await processBatch(inputs, { ...opts, out, resume: true });
  assert.equal(again.session, first.session);
  assert.deepEqual(inputs.map((i) => again.outcomes.get(i)?.status), ['resumed', 'resumed', 'done']);
  const [after] = await listSessions(sessionsRoot(out));
  assert.equal(after!.status, 'complete');
  assert.deepEqual([...after!.done].sort(), inputs.map((i) => resolve(i)).sort());
});

test('a batch goes on past a record that fails, ends its session failed, and a resume redoes only that record', async () => {
  const out = join(dir, 'bad');
  const missing = join(dir, 'missing.csv');
  const list = [inputs[0]!, missing, inputs[1]!];
  const seen: string[] = [];
  const first = await processBatch(list, { ...opts, out, keepResults: false, onRecord: (i, o) => seen.push(`${i}:${o.status}`) });
  assert.deepEqual(list.map((i) => first.outcomes.get(i)?.status), ['done', 'failed', 'done']);
  assert.deepEqual(first.failed.map((f) => f.input), [missing]);
  assert.deepEqual(seen, list.map((i, k) => `${i}:${k === 1 ? 'failed' : 'done'}`));
  const [meta] = await listSessions(sessionsRoot(out));
  assert.equal(meta!.status, 'failed');
  assert.deepEqual([...meta!.done].sort(), [resolve(inputs[0]!), resolve(inputs[1]!)].sort());

  const again = await processBatch(list, { ...opts, out, resume: true });
  assert.equal(again.session, first.session, 'a failed session is resumed');
  assert.deepEqual(list.map((i) => again.outcomes.get(i)?.status), ['resumed', 'failed', 'resumed']);
});

test('resuming a session that does not exist is refused, and resume: true with no unfinished session starts a new one', async () => {
  const out = join(dir, 'noresume');
  await assert.rejects(processBatch([inputs[0]!], { ...opts, out, resume: '20200101T000000Z-000000' }), RangeError);
  const first = await processBatch([inputs[0]!], { ...opts, out });
  const next = await processBatch([inputs[0]!], { ...opts, out, resume: true });
  assert.notEqual(next.session, first.session, 'the complete session is not resumed');
  assert.equal(next.outcomes.get(inputs[0]!)?.status, 'done');
});

test('a batch completes when its sessions folder holds a stray file', async () => {
  const out = join(dir, 'stray');
  mkdirSync(sessionsRoot(out), { recursive: true });
  writeFileSync(join(sessionsRoot(out), 'notes.txt'), 'kept by hand');
  const r = await processBatch([inputs[0]!], { ...opts, out });
  assert.equal(r.outcomes.get(inputs[0]!)?.status, 'done');
});

test('recordNames keeps each stem unless two inputs share it, and then names them apart whatever their order', () => {
  const names = recordNames(['/d/a.hea', '/d/100s.hea', '/e/100s.csv', '/d/b.edf']);
  assert.equal(names.get('/d/a.hea'), 'a');
  assert.equal(names.get('/d/b.edf'), 'b');
  const [x, y] = [names.get('/d/100s.hea')!, names.get('/e/100s.csv')!];
  assert.match(x, /^100s-[0-9a-f]{8}$/);
  assert.match(y, /^100s-[0-9a-f]{8}$/);
  assert.notEqual(x, y);
  const reversed = recordNames(['/e/100s.csv', '/d/100s.hea']);
  assert.deepEqual([reversed.get('/d/100s.hea'), reversed.get('/e/100s.csv')], [x, y]);
  // The same file given twice is one record, not two.
  assert.equal(recordNames(['/d/a.hea', '/d/./a.hea']).get('/d/a.hea'), 'a');
});

test("processBatch leaves the caller's list of inputs and its options as they were", async () => {
  const list = [inputs[0]!];
  const options = { ...opts, out: join(dir, 'untouched'), keepResults: false, channels: [0] };
  const snapshot = structuredClone({ list, options });
  const r = await processBatch(list, options);
  assert.equal(r.outcomes.get(inputs[0]!)?.status, 'done');
  assert.deepStrictEqual({ list, options }, snapshot);
});
