import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { hashFilesHere, hashFilesInThread } from '../../src/runtime/hash-thread.js';

const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-hash-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const a = join(dir, 'a.hea'), b = join(dir, 'a.dat');
writeFileSync(a, 'header\n');
writeFileSync(b, Buffer.alloc(3 << 20, 7)); // several read chunks
const expected = { bytes: 7 + (3 << 20), sha256: createHash('sha256').update('header\n').update(Buffer.alloc(3 << 20, 7)).digest('hex') };

test('hashFilesHere gives the size and SHA-256 of the files in order', async () => {
  assert.deepEqual(await hashFilesHere([a, b]), expected);
});

test('hashFilesInThread gives the same digest from a thread of its own', async () => {
  assert.deepEqual(await hashFilesInThread([a, b]), expected);
});

test('hashFilesInThread rejects with the file named when one is missing', async () => {
  await assert.rejects(hashFilesInThread([a, join(dir, 'missing.dat')]), /missing\.dat/);
});

test('hashFilesInThread stops when its signal aborts', async () => {
  const ac = new AbortController();
  const p = hashFilesInThread([a, b], ac.signal);
  ac.abort();
  await assert.rejects(p, /stopped/);
});

test('hashFilesHere of no files gives zero bytes and the SHA-256 of nothing', async () => {
  assert.deepEqual(await hashFilesHere([]), { bytes: 0, sha256: createHash('sha256').digest('hex') });
});

test('hashFilesHere depends on the order of the files', async () => {
  assert.notEqual((await hashFilesHere([b, a])).sha256, expected.sha256);
});

test('hashFilesInThread stops at once when its signal has already aborted', async () => {
  await assert.rejects(hashFilesInThread([a, b], AbortSignal.abort()), /stopped/);
});
