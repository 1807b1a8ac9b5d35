import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { findRecordings } from '../../src/io/find-recordings.js';

const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-find-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A tree of files: path relative to dir -> content. */
const TREE: Record<string, string> = {
  'a.hea': 'a 1 250 10\na.dat 16 200 16 0 0 0 0 ECG\n',
  'a.dat': '',
  'a.atr': '',
  'night.edf': '',
  'README.md': '',
  'notes.txt': 'text',
  // A multi-segment record: its master counts, its segments and layout header do not.
  'm.hea': '# a comment first\nm/3 1 250 30\nm_layout 0\nm_0001 20\n~ 10\n',
  'm_layout.hea': 'm_layout 1 250 0\n~ 0 200 16 0 0 0 0 ECG\n',
  'm_0001.hea': 'm_0001 1 250 20\nm_0001.dat 16 200 16 0 0 0 0 ECG\n',
  'sub/deep/p.csv': '1\n2\n',
  'sub/q.NPY': '',
  'sub/r.TSV': '',
  '.vitaldsp/sessions/s.csv': '',
  'out/beats.csv': '',
};
for (const [p, text] of Object.entries(TREE)) {
  mkdirSync(join(dir, p, '..'), { recursive: true });
  writeFileSync(join(dir, p), text);
}

const rel = (paths: string[]) => paths.map((p) => relative(dir, p).split('\\').join('/'));

test('findRecordings lists the recordings of a tree in path order, each multi-segment record once, outside dot folders and skipped ones', async () => {
  assert.deepEqual(rel(await findRecordings(dir, { skip: [join(dir, 'out')] })), ['a.hea', 'm.hea', 'night.edf', 'notes.txt', 'sub/q.NPY', 'sub/r.TSV', 'sub/deep/p.csv']);
});

test('findRecordings without recursion stays in the folder, and refuses what is not a folder', async () => {
  assert.deepEqual(rel(await findRecordings(dir, { recursive: false })), ['a.hea', 'm.hea', 'night.edf', 'notes.txt']);
  await assert.rejects(findRecordings(join(dir, 'a.hea')), /is not a folder/);
});
