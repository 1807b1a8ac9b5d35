import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointBatch, CheckpointStore, cleanupSessions, listSessions, newSessionId } from '../../src/runtime/checkpoint.js';

test('a checkpoint is loaded only by a run with the same fingerprint', async () => {
  const s = new CheckpointStore(mkdtempSync(join(tmpdir(), 'vitaldsp-ckpt-')), newSessionId());
  await s.save('rec/block-0-1', 'fp1', { beats: [1, 2], q: NaN });
  const v = await s.load<{ beats: number[]; q: number }>('rec/block-0-1', 'fp1');
  assert.deepEqual(v?.beats, [1, 2]);
  assert.ok(Number.isNaN(v?.q));
  assert.equal(await s.load('rec/block-0-1', 'fp2'), undefined);
  assert.deepEqual(s.stats, { saved: 1, loaded: 1, corrupt: 0, stale: 1 });
});

test('a torn checkpoint is ignored and counted as corrupt', async () => {
  const s = new CheckpointStore(mkdtempSync(join(tmpdir(), 'vitaldsp-ckpt-')), 'S');
  await s.save('k', 'fp', 42);
  const file = readdirSync(s.dir).find((f) => f.endsWith('.ckpt'))!;
  writeFileSync(join(s.dir, file), 'vitaldsp-sha256:00\npartial');
  assert.equal(await s.load('k', 'fp'), undefined);
  assert.equal(s.stats.corrupt, 1);
});

/** Batch files of fingerprint 'fp' under 'blocks', in their own folder. */
const ckptFiles = (s: CheckpointStore) => readdirSync(join(s.dir, 'blocks-fp')).filter((f) => f.endsWith('.ckpt')).length;

const batchCases = [
  { name: 'gathers the entries of an interval into one file', intervalMs: 60_000, files: 1 },
  { name: 'writes each entry on its own with interval 0', intervalMs: 0, files: 3 },
];
for (const c of batchCases) {
  test(`CheckpointBatch ${c.name}, and loadBatches reads every entry back`, async () => {
    const s = new CheckpointStore(mkdtempSync(join(tmpdir(), 'vitaldsp-ckpt-')), 'S');
    const b = new CheckpointBatch<{ v: number }>(s, 'blocks', 'fp', c.intervalMs);
    for (const k of ['a', 'b', 'c']) await b.add(k, { v: k.charCodeAt(0) });
    await b.flush();
    assert.equal(ckptFiles(s), c.files);
    assert.deepEqual([...(await s.loadBatches<{ v: number }>('blocks', 'fp'))], [['a', { v: 97 }], ['b', { v: 98 }], ['c', { v: 99 }]]);
  });
}

test('loadBatches reads only the batches of its own fingerprint and ignores torn ones', async () => {
  const s = new CheckpointStore(mkdtempSync(join(tmpdir(), 'vitaldsp-ckpt-')), 'S');
  const other = new CheckpointBatch<number>(s, 'blocks', 'fp-other', 0);
  await other.add('a', 1);
  const cur = new CheckpointBatch<number>(s, 'blocks', 'fp', 0);
  await cur.add('b', 2);
  await cur.add('c', 3);
  const own = join(s.dir, 'blocks-fp');
  const second = readdirSync(own).sort()[1]!;
  writeFileSync(join(own, second), 'vitaldsp-sha256:00\npartial');
  assert.deepEqual([...(await s.loadBatches<number>('blocks', 'fp'))], [['b', 2]]);
  assert.deepEqual(s.stats, { saved: 3, loaded: 1, corrupt: 1, stale: 0 }, "the other record's batches are not even read");
});

test('loadBatches keeps apart fingerprints that share the folder of their first 16 characters', async () => {
  const s = new CheckpointStore(mkdtempSync(join(tmpdir(), 'vitaldsp-ckpt-')), 'S');
  await new CheckpointBatch<number>(s, 'blocks', '0123456789abcdef-A', 0).add('a', 1);
  await new CheckpointBatch<number>(s, 'blocks', '0123456789abcdef-B', 0).add('b', 2);
  assert.deepEqual([...(await s.loadBatches<number>('blocks', '0123456789abcdef-B'))], [['b', 2]]);
  assert.equal(s.stats.stale, 1);
});

test('sessions are listed newest first and cleaned up by age and total size', async () => {
  const root = mkdtempSync(join(tmpdir(), 'vitaldsp-sessions-'));
  const now = Date.parse('2026-06-01T00:00:00Z');
  const ids = ['20260101T000000Z-aaaaaa', '20260520T000000Z-bbbbbb', '20260531T000000Z-cccccc'];
  for (const [i, id] of ids.entries()) {
    const s = new CheckpointStore(root, id);
    await s.writeMeta({ id, created: '', updated: new Date(now - [100, 12, 1][i]! * 86400e3).toISOString(), status: 'complete', inputs: [], outDir: '', done: [] });
    // Most of a session is in its batch folders: its size counts them.
    await s.save('x', 'fp', 1);
    await new CheckpointBatch<Uint8Array>(s, 'blocks', 'fp', 0).add('b', new Uint8Array(100_000));
  }
  assert.deepEqual((await listSessions(root)).map((s) => s.id), [...ids].reverse());
  assert.deepEqual(await cleanupSessions(root, { maxAgeHours: 30 * 24, maxTotalMB: 1000 }, now), [ids[0]]);
  assert.deepEqual(await cleanupSessions(root, { maxAgeHours: 1e6, maxTotalMB: 0.15 }, now), [ids[1]]);
  assert.deepEqual((await listSessions(root)).map((s) => s.id), [ids[2]]);
});

test('records noted done go to the session\'s log, read back with its meta, and a line cut short by a kill is ignored', async () => {
  const s = new CheckpointStore(mkdtempSync(join(tmpdir(), 'vitaldsp-sessions-')), newSessionId());
  await s.writeMeta({ id: s.sessionId, created: '', updated: '2026-01-01T00:00:00.000Z', status: 'running', inputs: ['/a', '/b', '/c'], outDir: '', done: ['/a'] });
  const written = readFileSync(join(s.dir, 'session.json'), 'utf8');
  await s.markDone('/b');
  await s.markDone('/a');
  appendFileSync(join(s.dir, 'done.log'), '/c-cut-sho');
  assert.equal(readFileSync(join(s.dir, 'session.json'), 'utf8'), written, 'session.json is not rewritten per record');
  const meta = await s.readMeta();
  assert.deepEqual(meta?.done, ['/a', '/b']);
  assert.ok(Date.parse(meta!.updated) > Date.parse('2026-01-01'), 'updated when the log was');
  assert.deepEqual((await listSessions(s.root)).map((m) => m.done), [['/a', '/b']]);
});
