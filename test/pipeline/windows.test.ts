import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyWindows, levelIndex, modeIndex, processingModes, SKIP, windowColumns, windowCount, windowGrid, windowRow, windowRows, windowSamples, windowsIn } from '../../src/pipeline/windows.js';
import { sqiNames } from '../../src/quality/sqi-names.js';

function block(first: number, n: number, reason: string) {
  const w = windowColumns('ECG', n);
  for (let i = 0; i < n; i++) {
    w.start[i] = (first + i) * 10; w.end[i] = (first + i + 1) * 10;
    sqiNames.forEach((k, j) => { w[k][i] = first + i + j / 100; });
    w.score[i] = w.screenScore[i] = 0.9 - i / 10;
    w.level[i] = levelIndex(i ? 'good' : 'excellent'); w.mode[i] = i === n - 1 ? SKIP : modeIndex('full');
    w.limitedBy[i] = `${reason}`; w.beats[i] = 12 + i; w.templateCorr[i] = 0.95; w.snrGainDb[i] = 3;
  }
  return w;
}

test('windowColumns makes empty columns of the given length for one channel', () => {
  const w = windowColumns('PPG', 3);
  assert.equal(windowCount(w), 3);
  assert.equal(w.channel, 'PPG');
  for (const k of sqiNames) assert.equal(w[k].length, 3);
  assert.deepEqual(w.limitedBy, ['', '', '']);
});

test('copyWindows puts blocks side by side in one set of columns and shares one string per distinct reason', () => {
  const a = block(0, 3, 'kurtosis'), b = block(3, 2, 'kurt' + 'osis');
  const j = windowColumns('ECG', 5), strings = new Map<string, string>();
  copyWindows(j, 0, a, strings);
  copyWindows(j, 3, b, strings);
  assert.equal(windowCount(j), 5);
  assert.deepEqual(Array.from(j.start), [0, 10, 20, 30, 40]);
  assert.deepEqual(windowRow(j, 3), windowRow(b, 0));
  assert.deepEqual(windowRow(j, 2), windowRow(a, 2));
  assert.equal(new Set(j.limitedBy).size, 1);
  assert.equal(strings.size, 1);
  copyWindows(j, 5, windowColumns('ECG', 0), strings);
  assert.deepEqual(windowRow(j, 4), windowRow(b, 1), 'an empty part changes nothing');
});

test('windowRow gives a window as an object with level and mode names', () => {
  const rows = windowRows(block(0, 2, 'snr'));
  assert.equal(rows.length, 2);
  assert.deepEqual({ level: rows[0]!.level, mode: rows[0]!.mode, beats: rows[0]!.beats, channel: rows[0]!.channel }, { level: 'excellent', mode: 'full', beats: 12, channel: 'ECG' });
  assert.equal(rows[1]!.mode, 'skip');
  assert.equal(rows[1]!.flatline, 1);
  assert.equal(rows[1]!.clipping, 1.01);
});

const gridCases: { name: string; b0: number; b1: number; start: number[]; end: number[] }[] = [
  { name: 'a whole number of windows', b0: 0, b1: 3000, start: [0, 10, 20], end: [10, 20, 30] },
  { name: 'a block that starts later in the record, with a shorter last window', b0: 6000, b1: 8550, start: [60, 70, 80], end: [70, 80, 85.5] },
  { name: 'a single sample past a window boundary', b0: 2000, b1: 3001, start: [20, 30], end: [30, 30.01] },
  { name: 'no samples', b0: 4000, b1: 4000, start: [], end: [] },
];
for (const c of gridCases) {
  test(`windowGrid times the windows of ${c.name} in s from the record start`, () => {
    const w = windowGrid('EEG', c.b0, c.b1, 1000, 100);
    assert.equal(windowCount(w), c.start.length);
    assert.equal(windowsIn(c.b0, c.b1, 1000), c.start.length);
    assert.deepEqual(Array.from(w.start), c.start);
    assert.deepEqual(Array.from(w.end), c.end);
  });
}

test('windowGrid leaves beats not applicable (-1), template correlation and SNR gain NaN, and the rest to the caller', () => {
  const rows = windowRows(windowGrid('RESP', 0, 2500, 1000, 100));
  assert.equal(rows.length, 3);
  for (const r of rows) {
    assert.equal(r.channel, 'RESP');
    assert.equal(r.beats, -1);
    assert.ok(Number.isNaN(r.templateCorr) && Number.isNaN(r.snrGainDb));
    assert.deepEqual([r.score, r.screenScore, r.level, r.mode, r.limitedBy], [0, 0, 'excellent', 'full', '']);
  }
});

test('windowSamples rounds window seconds times the rate to whole samples', () => {
  const cases: [number, number, number][] = [[10, 250, 2500], [2.5, 250, 625], [10, 250.01, 2500], [30, 0.5, 15], [10, 128.04, 1280]];
  for (const [seconds, fs, want] of cases) assert.equal(windowSamples(seconds, fs), want, `${seconds} s at ${fs} Hz`);
});

test('copyWindows into the middle of the columns leaves the windows before and after as they were', () => {
  const j = windowColumns('ECG', 6), strings = new Map<string, string>();
  copyWindows(j, 0, block(0, 2, 'a'), strings);
  copyWindows(j, 4, block(4, 2, 'c'), strings);
  const before = windowRows(j);
  copyWindows(j, 2, block(2, 2, 'b'), strings);
  const after = windowRows(j);
  assert.deepEqual([after[0], after[1], after[4], after[5]], [before[0], before[1], before[4], before[5]]);
  assert.deepEqual(after.map((r) => r.limitedBy), ['a', 'a', 'b', 'b', 'c', 'c']);
  assert.deepEqual(Array.from(j.start), [0, 10, 20, 30, 40, 50]);
});

test('levelIndex and modeIndex name the entries of the level and mode columns', () => {
  assert.deepEqual(['excellent', 'good', 'fair', 'poor', 'unusable'].map((l) => levelIndex(l as Parameters<typeof levelIndex>[0])), [0, 1, 2, 3, 4]);
  assert.deepEqual(processingModes.map(modeIndex), [0, 1, 2]);
  assert.equal(processingModes[SKIP], 'skip');
});
