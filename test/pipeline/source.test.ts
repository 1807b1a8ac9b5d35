import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashFiles, recordingFiles } from '../../src/pipeline/source.js';
import type { RecordingInfo } from '../../src/io/recording.js';

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

const info = (over: Partial<RecordingInfo>): RecordingInfo => ({ path: '/d/r.hea', format: 'wfdb', duration: 1, channels: [], annotations: [], comments: [], ...over });
const channel = (file?: string) => ({ name: 'x', unit: '', fs: 1, samples: 1, gain: 1, baseline: 0, storage: '16', ...(file ? { extra: { file } } : {}) });

const FILES: [string, RecordingInfo, string[]][] = [
  ['a WFDB record: its header, then each signal file once', info({ channels: [channel('/d/r.dat'), channel('/d/r.dat'), channel('/d/r2.dat')] }), ['/d/r.hea', '/d/r.dat', '/d/r2.dat']],
  ['a multi-segment record: the files it lists', info({ files: ['/d/r.hea', '/d/r_1.hea', '/d/r_1.dat'] }), ['/d/r.hea', '/d/r_1.hea', '/d/r_1.dat']],
  ['an EDF file: itself', info({ path: '/d/x.edf', format: 'edf', channels: [channel()] }), ['/d/x.edf']],
  ['an in-memory recording: none', info({ path: '<memory>', format: 'npy', variant: 'memory' }), []],
];
for (const [what, i, want] of FILES) {
  test(`recordingFiles lists what the content hash covers for ${what}`, () => {
    assert.deepEqual(recordingFiles(i), want);
  });
}
