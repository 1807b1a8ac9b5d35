import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashFiles } from '../../src/pipeline/source.js';

const sha = (...parts: string[]) => createHash('sha256').update(parts.join('')).digest('hex');

test('hashFiles gives the size and SHA-256 of the files read in order', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-hash-'));
  writeFileSync(join(dir, 'a.hea'), 'header\n');
  writeFileSync(join(dir, 'a.dat'), 'samples');
  assert.deepEqual(await hashFiles([join(dir, 'a.hea'), join(dir, 'a.dat')]), { bytes: 14, sha256: sha('header\n', 'samples') });
});

test('hashFiles with a memo folder reuses the hash of unchanged files and rehashes changed ones', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-hash-'));
  const f = join(dir, 'x.dat'), memo = join(dir, 'memo');
  writeFileSync(f, 'first');
  assert.equal((await hashFiles([f], memo)).sha256, sha('first'));
  assert.equal(readdirSync(memo).filter((n) => n.endsWith('.json')).length, 1);
  // A rewrite of the same size carries another modification time, so it is hashed again.
  writeFileSync(f, 'FIRST');
  utimesSync(f, new Date(0), new Date(0));
  assert.equal((await hashFiles([f], memo)).sha256, sha('FIRST'));
  writeFileSync(f, 'changed, longer');
  assert.equal((await hashFiles([f], memo)).sha256, sha('changed, longer'));
});
