import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { alignTable, formatInfo, infoJson } from '../../src/cli/info.js';
import { MemoryRecording } from '../../src/io/memory.js';
import { cliPath, needShared, shared } from '../helpers/shared.js';

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8' });
}

test('info --json prints path, format, duration, channels, annotation count and comments', { skip: needShared('data/wfdb/100s.hea') }, () => {
  const r = cli('info', '--json', shared('data/wfdb/100s.hea'));
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { path: string; format: string; duration: number; channels: Record<string, unknown>[]; annotations: number; comments: string[] };
  assert.equal(j.path, shared('data/wfdb/100s.hea'));
  assert.equal(j.format, 'wfdb');
  assert.equal(j.duration, 60);
  assert.equal(typeof j.annotations, 'number');
  assert.ok(Array.isArray(j.comments));
  assert.deepEqual(j.channels.map((c) => [c.name, c.fs, c.samples, c.unit, c.storage, c.gain, c.baseline]),
    [['MLII', 360, 21600, 'mV', '212', 200, 1024], ['V5', 360, 21600, 'mV', '212', 200, 1024]]);
});

test('info prints an aligned table by default', { skip: needShared('data/wfdb/100s.hea') }, () => {
  const r = cli('info', shared('data/wfdb/100s.hea'));
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.ok(lines.includes('format       wfdb'), r.stdout);
  const head = lines.findIndex((l) => l.startsWith('#  name'));
  assert.ok(head > 0, r.stdout);
  // every row of the table starts its 'samples' column where the header does
  const col = lines[head]!.indexOf('samples') + 'samples'.length;
  assert.equal(lines[head + 1]!.slice(0, col).trimEnd().endsWith('21600'), true, lines[head + 1]);
  assert.equal(lines[head + 2]!.slice(0, col).trimEnd().endsWith('21600'), true, lines[head + 2]);
});

test('info on text without a rate exits 2 asking for --fs, and works with it', { skip: needShared('data/ecg/heartpy_e0103_250hz.csv') }, () => {
  const bad = cli('info', shared('data/ecg/heartpy_e0103_250hz.csv'));
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^vitaldsp: .*--fs/);
  const ok = cli('info', '--json', '--fs', '250', shared('data/ecg/heartpy_e0103_250hz.csv'));
  assert.equal(ok.status, 0, ok.stderr);
  assert.deepEqual((JSON.parse(ok.stdout) as { channels: { fs: number; samples: number }[] }).channels.map((c) => [c.fs, c.samples]), [[250, 30000]]);
});

test('info --format overrides detection and --fs must be a positive number', { skip: needShared('data/ecg/biosppy_ecg.txt') }, () => {
  const wrong = cli('info', '--format', 'npy', shared('data/ecg/biosppy_ecg.txt'));
  assert.equal(wrong.status, 2);
  assert.match(wrong.stderr, /NPY magic/);
  assert.notEqual(cli('info', '--format', 'xls', shared('data/ecg/biosppy_ecg.txt')).status, 0);
  const fs = cli('info', '--fs', 'fast', shared('data/ecg/biosppy_ecg.txt'));
  assert.notEqual(fs.status, 0);
  assert.match(fs.stderr, /fs must be a positive number/);
});

test('infoJson counts annotations and formatInfo aligns numeric columns right', () => {
  const rec = new MemoryRecording({ data: [new Float64Array(5), new Float32Array(5)], fs: 2.5, names: ['a', 'longer name'], units: ['mV', ''] });
  rec.info.annotations.push({ onset: 1, duration: 0, text: 'x' });
  const j = infoJson(rec.info);
  assert.equal(j.annotations, 1);
  assert.equal(j.variant, 'memory');
  const text = formatInfo(rec.info);
  assert.match(text, /duration {5}2 s \(0:00:02\)/);
  assert.equal(alignTable(['n', 'v'], [['a', '1'], ['bb', '100']], [false, true]), 'n     v\na     1\nbb  100');
});
