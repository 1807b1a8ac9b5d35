import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bandsBelowNyquist, DEFAULT_EEG_BANDS } from '../../src/signals/eeg-bands.js';

const cases: [number, Record<string, readonly [number, number]>][] = [
  [256, DEFAULT_EEG_BANDS],
  [90, { ...DEFAULT_EEG_BANDS, gamma: [30, 45] }],
  [50, { delta: [0.5, 4], theta: [4, 8], alpha: [8, 13], beta: [13, 25] }],
  [20, { delta: [0.5, 4], theta: [4, 8], alpha: [8, 10] }],
];
for (const [fs, want] of cases) {
  test(`bandsBelowNyquist at ${fs} Hz cuts the default bands at ${fs / 2} Hz and drops those above it`, () => {
    assert.deepEqual(bandsBelowNyquist(fs), want);
  });
}
