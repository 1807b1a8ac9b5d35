import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectFormat, looksLikeWfdbHeader } from '../../src/io/detect.js';
import { FormatError } from '../../src/io/errors.js';
import { needShared, shared } from '../helpers/shared.js';

const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-detect-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

function edfHeader(ns: number): Buffer {
  const h = Buffer.alloc(256, 0x20);
  h.write('0', 0, 'latin1');
  h.write(String(256 * (ns + 1)), 184, 'latin1');
  h.write(String(ns), 252, 'latin1');
  return h;
}

const TABLE: [string, string | Buffer, string][] = [
  ['rec.edf', edfHeader(2), 'edf'],
  ['noext', edfHeader(1), 'edf'],
  ['rec.bdf', Buffer.concat([Buffer.from([0xff]), Buffer.from('BIOSEMI'), Buffer.alloc(248, 0x20)]), 'bdf'],
  ['x.dat', Buffer.concat([Buffer.from([0xff]), Buffer.from('BIOSEMI')]), 'bdf'],
  ['arr.bin', Buffer.from('\x93NUMPY\x01\x00', 'latin1'), 'npy'],
  ['r.hea', 'r 1 250 1000\nr.dat 16 200 12 0 0 0 0 ECG\n', 'wfdb'],
  ['record.txt', '# comment\nrec 2 360 650000\nrec.dat 212 200 11 1024 995 -22131 0 MLII\nrec.dat 212 200 11 1024 1011 20052 0 V5\n', 'wfdb'],
  ['signal.dat', Buffer.from([1, 2, 3, 4]), 'wfdb'],
  ['data.csv', 'time,ecg\n0,1\n', 'text'],
  ['pairs.txt', '100 2\n101 3\n', 'text'],
  ['neg.txt', '-0.5 3\n-0.4 3\n', 'text'],
  ['zero.txt', '0       1.5\n1       2.5\n', 'text'],
  ['broken.edf', 'not an edf at all', 'edf'],
  ['empty.txt', '', 'text'],
];

test('detectFormat decides by magic bytes, then extension, then content', async () => {
  for (const [name, content, want] of TABLE) {
    const p = join(dir, name);
    writeFileSync(p, content);
    assert.equal(await detectFormat(p), want, name);
  }
});

test('detectFormat takes a bare WFDB record name and rejects a missing file', async () => {
  writeFileSync(join(dir, 'bare.hea'), 'bare 0\n');
  assert.equal(await detectFormat(join(dir, 'bare')), 'wfdb');
  await assert.rejects(detectFormat(join(dir, 'nothing-here.csv')), (e: unknown) => e instanceof FormatError && /file not found/.test(e.message));
});

const SHARED: [string, string][] = [
  ['data/wfdb/100.hea', 'wfdb'], ['data/wfdb/100.dat', 'wfdb'], ['data/wfdb/formats/binformats.d3', 'wfdb'],
  ['data/edf/test_generator.edf', 'edf'], ['data/edf/mne_test.bdf', 'bdf'], ['data/edf/test_generator.bdf', 'bdf'],
  ['data/ppg/systole_ppg_75hz.npy', 'npy'], ['data/ecg/biosppy_ecg.txt', 'text'], ['data/ppg/vitaldsp_PPG_short.csv', 'text'],
  ['data/wfdb/100s.rdsamp.txt', 'text'],
];

for (const [rel, want] of SHARED) {
  test(`detectFormat says ${want} for ${rel}`, { skip: needShared(rel) }, async () => {
    assert.equal(await detectFormat(shared(rel)), want);
  });
}

test('looksLikeWfdbHeader accepts record lines with rate details and multi-segment headers', () => {
  assert.ok(looksLikeWfdbHeader('03700181 3 125 75000 17:27:45 15/08/1994\n03700181.dat 212x4 2963.77(0)/mV 12 0 0 0 0 MCL1\n'));
  assert.ok(looksLikeWfdbHeader('r 1 360/1(0) 100\n~ 16 200 12 0 0 0 0 x\n'));
  assert.ok(looksLikeWfdbHeader('multi/3 2 360 45000\nseg1 15000\nseg2 30000\n'));
  assert.ok(!looksLikeWfdbHeader('time,ecg\n0,1\n'));
});
