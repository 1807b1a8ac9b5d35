import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
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

const tempDir = (t: { after: (fn: () => void) => void }, prefix = 'vitaldsp-sessions-') => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

/** Writes a session's meta, a checkpoint and a batch of `bytes` bytes, as a run would. */
async function makeSession(root: string, id: string, updated: number, bytes = 100_000): Promise<CheckpointStore> {
  const s = new CheckpointStore(root, id);
  await s.writeMeta({ id, created: '', updated: new Date(updated).toISOString(), status: 'complete', inputs: [], outDir: '', done: [] });
  await s.save('x', 'fp', 1);
  await new CheckpointBatch<Uint8Array>(s, 'blocks', 'fp', 0).add('b', new Uint8Array(bytes));
  return s;
}

const NOW = Date.parse('2026-06-01T00:00:00Z');
const DAY = 86400e3;

test('a checkpoint rewritten while another process reads it is always read whole, never missing nor corrupt', async (t) => {
  const root = tempDir(t, 'vitaldsp-ckpt-');
  const store = new CheckpointStore(root, 'S');
  const last = 60;
  await store.save('k', 'fp', { i: 0, data: new Float64Array(20_000) });
  const moduleUrl = new URL('../../src/runtime/checkpoint.js', import.meta.url).href;
  // The reader loads until it sees the last value, checking that every value it gets is whole.
  const reader = `
    const { CheckpointStore } = await import(${JSON.stringify(moduleUrl)});
    const s = new CheckpointStore(${JSON.stringify(root)}, 'S');
    let loads = 0, bad = 0, missing = 0, seen = new Set();
    process.stdout.write('ready\\n');
    for (let n = 0; n < 1e6; n++) {
      const v = await s.load('k', 'fp');
      loads++;
      if (v === undefined) { missing++; continue; }
      if (v.data.length !== 20000 || v.data.some((x) => x !== v.i)) bad++;
      seen.add(v.i);
      if (v.i === ${last}) break;
    }
    process.stdout.write(JSON.stringify({ loads, bad, missing, seen: seen.size, stats: s.stats }) + '\\n');
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', reader], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const ready = new Promise<void>((res) => child.stdout.on('data', (d: Buffer) => { out += d.toString(); if (out.includes('ready')) res(); }));
  const exited = new Promise<number | null>((res) => child.on('exit', res));
  await ready;
  for (let i = 1; i <= last; i++) await store.save('k', 'fp', { i, data: new Float64Array(20_000).fill(i) });
  assert.equal(await exited, 0);
  const r = JSON.parse(out.split('\n')[1]!) as { loads: number; bad: number; missing: number; seen: number; stats: { corrupt: number } };
  assert.deepEqual([r.bad, r.missing, r.stats.corrupt], [0, 0, 0], JSON.stringify(r));
  assert.ok(r.seen >= 1);
});

test('listSessions and cleanupSessions pass over folders of the sessions root that hold no session', async (t) => {
  const root = tempDir(t);
  await makeSession(root, '20260531T000000Z-aaaaaa', NOW - DAY);
  mkdirSync(join(root, 'empty'));
  mkdirSync(join(root, 'torn'));
  writeFileSync(join(root, 'torn', 'session.json'), 'vitaldsp-sha256:00\n{"id":');
  assert.deepEqual((await listSessions(root)).map((s) => s.id), ['20260531T000000Z-aaaaaa']);
  assert.deepEqual(await cleanupSessions(root, { maxAgeHours: 1e6, maxTotalMB: 1000 }, NOW), []);
});

test('listSessions and cleanupSessions pass over stray files in the sessions root', async (t) => {
  const root = tempDir(t);
  await makeSession(root, '20260531T000000Z-aaaaaa', NOW - DAY);
  writeFileSync(join(root, 'README.txt'), 'notes');
  assert.deepEqual((await listSessions(root)).map((s) => s.id), ['20260531T000000Z-aaaaaa']);
  assert.deepEqual(await cleanupSessions(root, { maxAgeHours: 1e6, maxTotalMB: 1000 }, NOW), []);
});

test('files a session folder holds besides its own count into its size', async (t) => {
  const root = tempDir(t);
  const s = await makeSession(root, '20260531T000000Z-aaaaaa', NOW - DAY, 10);
  const before = (await listSessions(root))[0]!.bytes;
  writeFileSync(join(s.dir, 'stray.bin'), Buffer.alloc(5000));
  assert.equal((await listSessions(root))[0]!.bytes, before + 5000);
});

const newestAlone = [
  { name: 'removes every session, the newest included, when nothing is kept', keep: undefined, removed: ['20260530T000000Z-aaaaaa', '20260531T000000Z-bbbbbb'] },
  { name: 'keeps the session it is told to keep, even when it alone exceeds the limit', keep: '20260531T000000Z-bbbbbb', removed: ['20260530T000000Z-aaaaaa'] },
];
for (const c of newestAlone) {
  test(`cleanupSessions, when the newest session alone exceeds the size limit, ${c.name}`, async (t) => {
    const root = tempDir(t);
    await makeSession(root, '20260530T000000Z-aaaaaa', NOW - 2 * DAY, 1000);
    await makeSession(root, '20260531T000000Z-bbbbbb', NOW - DAY, 300_000);
    assert.deepEqual(await cleanupSessions(root, { maxAgeHours: 1e6, maxTotalMB: 0.2, ...(c.keep ? { keep: c.keep } : {}) }, NOW), c.removed);
    const left = ['20260530T000000Z-aaaaaa', '20260531T000000Z-bbbbbb'].filter((id) => !c.removed.includes(id));
    assert.deepEqual((await listSessions(root)).map((s) => s.id), left);
  });
}

test('cleanupSessions removes the sessions past their age first, and older ones only if the rest still exceeds the limit', async (t) => {
  const root = tempDir(t);
  // Created first but resumed an hour ago; created later but untouched for 100 days; the newest.
  await makeSession(root, '20260101T000000Z-aaaaaa', NOW - 3600e3);
  await makeSession(root, '20260201T000000Z-bbbbbb', NOW - 100 * DAY);
  await makeSession(root, '20260531T000000Z-cccccc', NOW - DAY);
  // Two sessions (about 200 kB) fit in 0.25 MiB, three do not.
  assert.deepEqual(await cleanupSessions(root, { maxAgeHours: 30 * 24, maxTotalMB: 0.25 }, NOW), ['20260201T000000Z-bbbbbb']);
});

test('cleanupSessions keeps a session updated exactly at the age limit and removes one a millisecond older', async (t) => {
  const root = tempDir(t);
  await makeSession(root, '20260501T000000Z-aaaaaa', NOW - 10 * DAY - 1, 10);
  await makeSession(root, '20260502T000000Z-bbbbbb', NOW - 10 * DAY, 10);
  assert.deepEqual(await cleanupSessions(root, { maxAgeHours: 240, maxTotalMB: 1000 }, NOW), ['20260501T000000Z-aaaaaa']);
});

test('a record noted done after a line torn by a kill is read back as done', async (t) => {
  const s = new CheckpointStore(tempDir(t), newSessionId());
  await s.writeMeta({ id: s.sessionId, created: '', updated: '', status: 'running', inputs: ['/a', '/b', '/c'], outDir: '', done: [] });
  await s.markDone('/a');
  appendFileSync(join(s.dir, 'done.log'), '/b-cut-sho');
  await s.markDone('/c');
  assert.deepEqual((await s.readMeta())?.done, ['/a', '/c']);
});

test('a done log without a session.json makes no session', async (t) => {
  const root = tempDir(t);
  const s = new CheckpointStore(root, newSessionId());
  await s.markDone('/a');
  assert.equal(await s.readMeta(), undefined);
  assert.deepEqual(await listSessions(root), []);
});

test('newSessionId gives ids that sort by their time, to the second', () => {
  const times = ['2026-01-01T00:00:00.999Z', '2026-01-01T00:00:01.000Z', '2026-12-31T23:59:59.000Z'];
  const ids = times.map((t) => newSessionId(new Date(t)));
  assert.deepEqual([...ids].sort(), ids);
  assert.match(ids[0]!, /^20260101T000000Z-[0-9a-f]{6}$/);
});

test('CheckpointBatch writes the entries added after a failed write once the fault is gone', async (t) => {
  const s = new CheckpointStore(tempDir(t, 'vitaldsp-ckpt-'), 'S');
  const b = new CheckpointBatch<number>(s, 'blocks', 'fp', 0);
  // A file where the batch folder goes makes the first write fail.
  mkdirSync(s.dir, { recursive: true });
  writeFileSync(join(s.dir, 'blocks-fp'), 'in the way');
  await assert.rejects(b.add('a', 1));
  rmSync(join(s.dir, 'blocks-fp'));
  await b.add('b', 2);
  await b.flush();
  assert.deepEqual([...(await s.loadBatches<number>('blocks', 'fp'))], [['b', 2]]);
});
