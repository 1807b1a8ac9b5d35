import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommentMeta, unitFromName } from '../../src/io/text-header.js';

test('parseCommentMeta reads BioSPPy Simple Text Format headers', () => {
  const meta = parseCommentMeta(['Simple Text Format', 'Sampling Rate (Hz):= 125.00', 'Date:= 2021-07-18T23:58:26.361264', 'Data Type:= float64', 'Labels:= EEG']);
  assert.deepEqual(meta, { fs: 125, startTime: '2021-07-18T23:58:26.361Z', labels: ['EEG'] });
});

test('parseCommentMeta reads hand-written rate lines', () => {
  const cases: [string, number | undefined][] = [
    ['Sampling rate: 1000 Hz', 1000], ['fs = 250', 250], ['sample rate: 1 kHz', 1000], ['Sampling frequency (Hz): 512', 512],
    ['Sampling Rate       ; n/a', undefined], ['rate: fast', undefined], ['Resolution:= 12', undefined],
  ];
  for (const [line, fs] of cases) assert.equal(parseCommentMeta([line]).fs, fs, line);
});

test('parseCommentMeta reads label and unit lists in several spellings', () => {
  assert.deepEqual(parseCommentMeta(["Labels:= ['A1', 'A2']", 'Units: mV\tuV']), { labels: ['A1', 'A2'], units: ['mV', 'uV'] });
  assert.deepEqual(parseCommentMeta(['channels = ECG, PPG']).labels, ['ECG', 'PPG']);
});

test('parseCommentMeta reads an OpenSignals JSON header', () => {
  const meta = parseCommentMeta(['OpenSignals Text File Format',
    '{"00:07:80:0F:30:80": {"sampling rate": 1000, "column": ["nSeq", "DI", "A1"], "label": ["A1"], "date": "2020-1-2", "time": "10:11:12.5"}}', 'EndOfHeader']);
  assert.equal(meta.fs, 1000);
  assert.deepEqual(meta.columns, ['nSeq', 'DI', 'A1']);
  assert.deepEqual(meta.labels, ['A1']);
});

test('unitFromName takes a trailing bracketed unit', () => {
  assert.equal(unitFromName('ECG (mV)'), 'mV');
  assert.equal(unitFromName('ABP [mmHg]'), 'mmHg');
  assert.equal(unitFromName('ECG'), '');
});
