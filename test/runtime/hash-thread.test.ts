import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { hashFilesHere, hashFilesInThread } from '../../src/runtime/hash-thread.js';

const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-hash-'));
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
