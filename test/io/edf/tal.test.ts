import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { encodeTal, formatTalTime, parseTals } from '../../../src/io/edf/tal.js';
import { openEdf } from '../../../src/io/edf/record.js';
import { FormatError } from '../../../src/io/errors.js';
import { needShared, shared } from '../../helpers/shared.js';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

test('parseTals reads onsets, durations, several texts per TAL and the time-keeping TAL', () => {
  // Examples from the EDF+ specification (Kemp & Olivan 2003, section 2.2.4) and their variants.
  const cases: [string, boolean, number | undefined, [number, number, string][]][] = [
    ['+0\x14\x14\x00', true, 0, []],
    ['+567\x14\x14\x00+567.5\x14Lights off\x14\x00', true, 567, [[567.5, 0, 'Lights off']]],
    ['+0\x14\x14Recording starts\x14\x00', true, 0, [[0, 0, 'Recording starts']]],
    ['+993.2\x151.2\x14Limb movement\x14R+L leg\x14\x00', false, undefined, [[993.2, 1.2, 'Limb movement'], [993.2, 1.2, 'R+L leg']]],
    ['-0.065\x14Pre-stimulus beep 1000Hz\x14\x00', false, undefined, [[-0.065, 0, 'Pre-stimulus beep 1000Hz']]],
    ['+30210\x14Recording ends\x14\x00\x00\x00\x00', false, undefined, [[30210, 0, 'Recording ends']]],
    ['+2\x150.500000\x14仰卧\x14\x00', false, undefined, [[2, 0.5, '仰卧']]],
    ['+12\x14\x14\x00+12.25\x1530\x14Apnea\x14\x00+13\x14Arousal\x14\x00\x00', true, 12, [[12.25, 30, 'Apnea'], [13, 0, 'Arousal']]],
    ['+5\x14Not time-keeping\x14\x00', true, undefined, [[5, 0, 'Not time-keeping']]],
    ['+7\x14\x14', true, 7, []],
    ['\x00\x00\x00\x00', true, undefined, []],
  ];
  for (const [text, timekeeping, onset, anns] of cases) {
    const r = parseTals(bytes(text), 'x.edf', 0, timekeeping);
    assert.equal(r.recordOnset, onset, JSON.stringify(text));
    assert.deepEqual(r.annotations, anns.map(([o, d, t]) => ({ onset: o, duration: d, text: t })), JSON.stringify(text));
  }
});

test('parseTals raises a FormatError at the byte offset of a malformed TAL', () => {
  const cases: [string, number, RegExp][] = [
    ['abc\x14x\x14\x00', 0, /TAL/],
    ['+0\x14\x14\x00+1.5\x15x\x14a\x14\x00', 10, /duration/],
    ['+0\x14\x14\x00 1\x14a\x14\x00', 5, /TAL/],
    ['+1\x14text without end', 3, /not terminated/],
    ['+1', 0, /TAL/],
    ['+1\x00', 0, /TAL/],
  ];
  for (const [text, offset, message] of cases) {
    assert.throws(() => parseTals(bytes(text), 'x.edf', 1000, true), (e: unknown) => {
      assert.ok(e instanceof FormatError, JSON.stringify(text));
      assert.equal(e.file, 'x.edf');
      assert.equal(e.where, `byte ${1000 + offset}`, JSON.stringify(text));
      assert.match(e.message, message);
      return true;
    });
  }
});

test('encodeTal writes the TAL syntax and parseTals reads it back', () => {
  const dec = (b: Uint8Array): string => new TextDecoder().decode(b);
  assert.equal(dec(encodeTal(0, 0, [''])), '+0\x14\x14\x00');
  assert.equal(dec(encodeTal(-0.065, 0, ['x'])), '-0.065\x14x\x14\x00');
  assert.equal(dec(encodeTal(1.5, 0.25, ['a\x14b\x15c\x00d'])), '+1.5\x150.25\x14a b c d\x14\x00');
  assert.equal(dec(encodeTal(0.1 + 0.2, 0, ['y'])), '+0.3\x14y\x14\x00');
  const r = parseTals(encodeTal(3600.123456789, 2.5, ['Schlaf – REM']), 'x', 0, false);
  assert.deepEqual(r.annotations, [{ onset: 3600.123456789, duration: 2.5, text: 'Schlaf – REM' }]);
});

test('formatTalTime writes decimals without exponent, trailing zeros or more than 9 decimals', () => {
  const cases: [number, string][] = [[0, '0'], [100, '100'], [1e-10, '0'], [2.5e-7, '0.00000025'], [86400.5, '86400.5'], [-3.25, '3.25'], [1 / 3, '0.333333333']];
  for (const [t, s] of cases) assert.equal(formatTalTime(t), s, String(t));
});

/** The decimal text after '+' at byte `at`, up to \x14 or \x15. */
function onsetAt(raw: Buffer, at: number): number {
  const s = raw.toString('latin1', at, at + 40);
  return Number(/^\+([0-9.]+)[\x14\x15]/.exec(s)![1]);
}

test('test_subsecond.edf annotations have sub-second onsets counted from the first sample', { skip: needShared('data/edf/test_subsecond.edf') }, async () => {
  const path = shared('data/edf/test_subsecond.edf');
  const raw = readFileSync(path);
  // Header of 2 signals = 768 bytes; record 0's annotation bytes follow its 128 EEG samples.
  const recordOnset = onsetAt(raw, 768 + 128 * 2);
  assert.equal(recordOnset, 0.3945312);
  const event = raw.indexOf('\x14XLEvent\x14', 0, 'latin1');
  const eventOnset = onsetAt(raw, raw.lastIndexOf('+', event));
  assert.equal(eventOnset, 290.8964843);
  const rec = await openEdf(path);
  try {
    assert.equal(rec.info.startTime, '2020-01-24T04:05:56.3945312');
    const xl = rec.info.annotations.find((a) => a.text === 'XLEvent')!;
    assert.ok(Math.abs(xl.onset - (eventOnset - recordOnset)) < 1e-9);
    // The same onsets edfio's tests expect for this file (TEST_SUBSECOND_ANNOTATION_ONSETS).
    const edfio = [1.9511719, 3.4921875, 290.5019531, 583.5722656];
    assert.deepEqual(rec.info.annotations.map((a) => a.text), ['XLSpike', 'Clip Note', 'XLEvent', 'XLSpike']);
    rec.info.annotations.forEach((a, i) => assert.ok(Math.abs(a.onset - edfio[i]!) < 1e-9, `${a.onset} vs ${edfio[i]}`));
    assert.equal(rec.recordOnsets!.length, 698);
    assert.equal(rec.recordOnsets![0], 0);
    assert.ok(Math.abs(rec.recordOnsets![697]! - 697) < 1e-9);
  } finally {
    await rec.close();
  }
});

test('test_utf8.edf annotation text is decoded as UTF-8', { skip: needShared('data/edf/test_utf8.edf') }, async () => {
  const path = shared('data/edf/test_utf8.edf');
  const raw = readFileSync(path);
  const at = raw.indexOf('+120\x14', 0, 'latin1');
  const end = raw.indexOf(0x14, at + 5);
  const text = new TextDecoder().decode(raw.subarray(at + 5, end));
  assert.equal(text, '\u4e2d\u6587\u6d4b\u8bd5\u516b\u4e2a\u5b57');
  const recordOnset = onsetAt(raw, 768 + 128 * 2);
  const rec = await openEdf(path);
  try {
    const a = rec.info.annotations.find((x) => x.text === text);
    assert.ok(a, 'the UTF-8 annotation is listed');
    assert.ok(Math.abs(a.onset - (120 - recordOnset)) < 1e-9);
    assert.equal(a.duration, 0);
    assert.equal(rec.info.annotations.length, 5);
  } finally {
    await rec.close();
  }
});
