import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasBeats, inferSignalType, type SignalType } from '../../src/signals/signal-type.js';

const cases: [string, string, string][] = [
  ['MLII', 'mV', 'ecg'], ['V5', 'mV', 'ecg'], ['ECG I', '', 'ecg'], ['EKG', '', 'ecg'], ['aVF', '', 'ecg'],
  ['PLETH', '', 'ppg'], ['ppg_ir', '', 'ppg'], ['BVP', '', 'ppg'],
  ['RESP', '', 'resp'], ['Resp chest', '', 'resp'], ['Airflow', '', 'resp'], ['ABDOMEN', '', 'resp'],
  ['EEG Fp1-Ref', 'uV', 'eeg'], ['O2', '', 'eeg'], ['Cz', '', 'eeg'],
  ['squarewave', 'uV', 'eeg'], ['ch0', '', 'unknown'], ['ABP', 'mmHg', 'unknown'], ['heartpy_ppg_100hz', '', 'ppg'],
];
for (const [label, unit, want] of cases) {
  test(`inferSignalType reads '${label}'${unit ? ` (${unit})` : ''} as ${want}`, () => assert.equal(inferSignalType(label, unit), want));
}

const beats: [SignalType, boolean][] = [['ecg', true], ['ppg', true], ['resp', true], ['eeg', false], ['unknown', false]];
for (const [type, want] of beats) {
  test(`hasBeats says ${type} ${want ? 'has' : 'has no'} beats`, () => assert.equal(hasBeats(type), want));
}
