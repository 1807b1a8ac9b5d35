import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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
  // What PhysioNet ships beside records.
  'SHA256SUMS.txt': '',
  'LICENSE.txt': '',
  // A multi-segment record: its master counts, its segments and layout header do not.
  'm.hea': '# a comment first\nm/3 1 250 30\nm_layout 0\nm_0001 20\n~ 10\n',
  'm_layout.hea': 'm_layout 1 250 0\n~ 0 200 16 0 0 0 0 ECG\n',
  'm_0001.hea': 'm_0001 1 250 20\nm_0001.dat 16 200 16 0 0 0 0 ECG\n',
  // Segments in a subfolder, as the master names them.
  'n.hea': 'n/2 1 250 20\nsegs/s1 10\nsegs/s2 10\n',
  'segs/s1.hea': 's1 1 250 10\ns1.dat 16 200 16 0 0 0 0 ECG\n',
  'segs/s2.hea': 's2 1 250 10\ns2.dat 16 200 16 0 0 0 0 ECG\n',
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
// A linked recording, a linked folder, and a link back up the tree (a loop).
symlinkSync(join(dir, 'sub', 'deep', 'p.csv'), join(dir, 'linked.csv'));
symlinkSync(join(dir, 'sub', 'deep'), join(dir, 'zlinked-folder'));
symlinkSync(dir, join(dir, 'sub', 'loop'));

const rel = (paths: string[]) => paths.map((p) => relative(dir, p).split('\\').join('/'));

test('findRecordings lists the recordings of a tree in path order, each multi-segment record once, following links, outside dot folders and skipped ones', async () => {
  const found = await findRecordings(dir, { skip: [join(dir, 'out')] });
  // linked.csv and sub/deep/p.csv are one file: it counts once, under the first path.
  assert.deepEqual(rel(found.recordings), ['a.hea', 'linked.csv', 'm.hea', 'n.hea', 'night.edf', 'notes.txt', 'sub/q.NPY', 'sub/r.TSV']);
  assert.deepEqual(found.unreadable, []);
});

test('findRecordings without recursion stays in the folder, and refuses what is not a folder', async () => {
  assert.deepEqual(rel((await findRecordings(dir, { recursive: false })).recordings), ['a.hea', 'linked.csv', 'm.hea', 'n.hea', 'night.edf', 'notes.txt']);
  await assert.rejects(findRecordings(join(dir, 'a.hea')), /is not a folder/);
});

test('findRecordings lists a folder it cannot read apart, and goes on', { skip: process.getuid?.() === 0 ? 'runs as root, which reads every folder' : false }, async () => {
  const d = mkdtempSync(join(tmpdir(), 'vitaldsp-find-locked-'));
  try {
    mkdirSync(join(d, 'locked'), { mode: 0o000 });
    writeFileSync(join(d, 'x.csv'), '1\n');
    const found = await findRecordings(d);
    assert.deepEqual(rel(found.recordings.map((p) => join(dir, relative(d, p)))), ['x.csv']);
    assert.deepEqual(found.unreadable.map((u) => relative(d, u.path)), ['locked']);
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});
