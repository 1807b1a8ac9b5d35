import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyWindows, levelIndex, modeIndex, SKIP, windowColumns, windowCount, windowRow, windowRows } from '../../src/pipeline/windows.js';
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
