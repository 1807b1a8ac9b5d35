import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from '../../src/config/resolve.js';
import { segmentChannel, segmentSeconds } from '../../src/pipeline/segment.js';
import type { ChannelPlan } from '../../src/pipeline/types.js';
import { SKIP, windowColumns, windowGrid, type Windows } from '../../src/pipeline/windows.js';
import type { SignalType } from '../../src/signals/signal-type.js';

const config = (...set: string[]) => resolveConfig({ env: {}, set: ['runtime.workers=1', ...set] }).values;

// 10 Hz keeps the window grids small; only times matter here.
const fs = 10;

function plan(type: SignalType, seconds: number): ChannelPlan {
  return { index: 0, name: `${type} 1`, fs, samples: seconds * fs, unit: '', type, typeFrom: 'given' };
}

/** Windows from explicit [start, end, score] triples; those listed in `skipped` have mode skip. */
function windowsOf(ch: ChannelPlan, rows: [number, number, number][], skipped: number[] = []): Windows {
  const w = windowColumns(ch.name, rows.length);
  rows.forEach(([s, e, score], i) => { w.start[i] = s; w.end[i] = e; w.score[i] = score; });
  for (const k of skipped) w.mode[k] = SKIP;
  return w;
}

/** The default 10 s windows over the channel, every one at `score`. */
function even(ch: ChannelPlan, score: number): Windows {
  const w = windowGrid(ch.name, 0, ch.samples, 10 * fs, fs);
  w.score.fill(score);
  return w;
}

test('segmentSeconds takes the HRV length for ECG and PPG, the epoch for EEG and the respiration length otherwise', () => {
  const cfg = config('segment.hrvSeconds=120', 'segment.eegSeconds=20', 'segment.respSeconds=40');
  const cases: [SignalType, number][] = [['ecg', 120], ['ppg', 120], ['eeg', 20], ['resp', 40], ['unknown', 40]];
  for (const [type, seconds] of cases) assert.equal(segmentSeconds(type, cfg), seconds, type);
  const defaults = config();
  assert.deepEqual(['ecg', 'eeg', 'resp'].map((t) => segmentSeconds(t as SignalType, defaults)), [300, 30, 60]);
});

test('segmentChannel cuts a record at multiples of the step and drops a trailing piece shorter than half a segment', () => {
  const cases: { what: string; seconds: number; overlap: number; expected: [number, number][] }[] = [
    { what: 'whole segments', seconds: 600, overlap: 0, expected: [[0, 300], [300, 600]] },
    { what: 'a 100 s tail is dropped', seconds: 700, overlap: 0, expected: [[0, 300], [300, 600]] },
    { what: 'a tail of exactly half is kept', seconds: 750, overlap: 0, expected: [[0, 300], [300, 600], [600, 750]] },
    { what: 'a 160 s tail is kept, short', seconds: 760, overlap: 0, expected: [[0, 300], [300, 600], [600, 760]] },
    { what: 'a record shorter than half a segment still has one', seconds: 100, overlap: 0, expected: [[0, 100]] },
    // [450, 600) would lie inside [300, 600).
    { what: 'half overlap', seconds: 600, overlap: 0.5, expected: [[0, 300], [150, 450], [300, 600]] },
    { what: 'half overlap with a tail past the last whole segment', seconds: 620, overlap: 0.5, expected: [[0, 300], [150, 450], [300, 600], [450, 620]] },
    { what: 'half overlap, a 50 s tail dropped', seconds: 500, overlap: 0.5, expected: [[0, 300], [150, 450], [300, 500]] },
    { what: 'a quarter overlap', seconds: 700, overlap: 0.25, expected: [[0, 300], [225, 525], [450, 700]] },
  ];
  for (const c of cases) {
    const ch = plan('ecg', c.seconds);
    const segs = segmentChannel(ch, even(ch, 0.9), config(`segment.overlap=${c.overlap}`));
    assert.deepEqual(segs.map((s) => [s.start, s.end]), c.expected, c.what);
    for (const s of segs) assert.deepEqual([s.channel, s.type], ['ecg 1', 'ecg'], c.what);
  }
});

test('segmentChannel uses the segment length of the channel\'s type', () => {
  const cfg = config('segment.eegSeconds=20', 'segment.respSeconds=40');
  const cases: [SignalType, [number, number][]][] = [
    ['eeg', [[0, 20], [20, 40], [40, 60], [60, 80], [80, 90]]],
    ['resp', [[0, 40], [40, 80]]],
    ['unknown', [[0, 40], [40, 80]]],
    ['ppg', [[0, 90]]],
  ];
  for (const [type, expected] of cases) {
    const ch = plan(type, 90);
    assert.deepEqual(segmentChannel(ch, even(ch, 0.9), cfg).map((s) => [s.start, s.end]), expected, type);
  }
});

test('segmentChannel weighs window scores by their overlap with the segment and counts skipped time out of coverage', () => {
  // 25 s segments over 10 s windows: the third window is split between the two segments.
  const ch = plan('resp', 60);
  const w = windowsOf(ch, [[0, 10, 0.9], [10, 20, 0.8], [20, 30, 0.6], [30, 40, 0.4], [40, 50, 0.3], [50, 60, 0.1]], [2]);
  const segs = segmentChannel(ch, w, config('segment.respSeconds=25'));
  // [0, 25]: (0.9 * 10 + 0.8 * 10 + 0.6 * 5) / 25; [25, 50]: (0.6 * 5 + 0.4 * 10 + 0.3 * 10) / 25; the 10 s tail is dropped.
  assert.equal(segs.length, 2);
  const expected = [{ start: 0, end: 25, quality: 0.8, coverage: 0.8, level: 'good' }, { start: 25, end: 50, quality: 0.4, coverage: 0.8, level: 'poor' }];
  segs.forEach((s, i) => {
    const e = expected[i]!;
    assert.deepEqual([s.start, s.end, s.level], [e.start, e.end, e.level]);
    assert.ok(Math.abs(s.quality - e.quality) < 1e-12, `quality ${s.quality}`);
    assert.ok(Math.abs(s.coverage - e.coverage) < 1e-12, `coverage ${s.coverage}`);
  });
});

test('segmentChannel gives a segment the level of its mean score, at each level\'s lower bound', () => {
  const cases: [number, string][] = [[1, 'excellent'], [0.85, 'excellent'], [0.8499, 'good'], [0.7, 'good'], [0.6999, 'fair'], [0.5, 'fair'], [0.4999, 'poor'], [0.2, 'poor'], [0.1999, 'unusable'], [0, 'unusable']];
  const ch = plan('resp', 10);
  for (const [score, level] of cases) {
    const [s] = segmentChannel(ch, windowsOf(ch, [[0, 10, score]]), config('segment.respSeconds=10'));
    assert.deepEqual([s!.level, s!.coverage], [level, 1], `score ${score}`);
    assert.ok(Math.abs(s!.quality - score) < 1e-12, `score ${score}: quality ${s!.quality}`);
  }
});

test('segmentChannel keeps the score of skipped windows in the quality and gives them no coverage', () => {
  const ch = plan('resp', 20);
  const [s] = segmentChannel(ch, windowsOf(ch, [[0, 10, 0.8], [10, 20, 0.1]], [0, 1]), config('segment.respSeconds=20'));
  assert.ok(Math.abs(s!.quality - 0.45) < 1e-12, `quality ${s!.quality}`);
  assert.deepEqual([s!.coverage, s!.level], [0, 'poor']);
});

test('segmentChannel scores a segment without windows zero, unusable and uncovered', () => {
  const ch = plan('resp', 120);
  assert.deepEqual(segmentChannel(ch, windowColumns(ch.name, 0), config()), [
    { channel: 'resp 1', type: 'resp', start: 0, end: 60, quality: 0, coverage: 0, level: 'unusable' },
    { channel: 'resp 1', type: 'resp', start: 60, end: 120, quality: 0, coverage: 0, level: 'unusable' },
  ]);
  // Windows covering only the first segment leave the second without any.
  const segs = segmentChannel(ch, windowsOf(ch, [[0, 30, 0.9], [30, 60, 0.9]]), config());
  assert.deepEqual(segs.map((s) => [s.quality, s.coverage, s.level]), [[0.9, 1, 'excellent'], [0, 0, 'unusable']]);
});

test('segmentChannel does not depend on where block seams cut the windows', () => {
  // Block seams at 15 s and 45 s cut two windows in halves, each carrying its window's score.
  const ch = plan('resp', 60);
  const cfg = config('segment.respSeconds=30');
  const whole = segmentChannel(ch, windowsOf(ch, [[0, 10, 0.9], [10, 20, 0.6], [20, 30, 0.3], [30, 40, 0.8], [40, 50, 0.8], [50, 60, 0.2]]), cfg);
  const cut = segmentChannel(ch, windowsOf(ch, [[0, 10, 0.9], [10, 15, 0.6], [15, 20, 0.6], [20, 30, 0.3], [30, 40, 0.8], [40, 45, 0.8], [45, 50, 0.8], [50, 60, 0.2]]), cfg);
  assert.deepEqual(whole.map((s) => [s.start, s.end, s.level, s.coverage]), [[0, 30, 'fair', 1], [30, 60, 'fair', 1]]);
  assert.deepEqual(cut.map((s) => [s.start, s.end, s.level, s.coverage]), [[0, 30, 'fair', 1], [30, 60, 'fair', 1]]);
  // (0.9 + 0.6 + 0.3) / 3 and (0.8 + 0.8 + 0.2) / 3 over 10 s each.
  for (const segs of [whole, cut]) for (const s of segs) assert.ok(Math.abs(s.quality - 0.6) < 1e-12, `quality ${s.quality}`);
});

test('segmentChannel weighs a short last window by its length', () => {
  // A 25 s record: windows of 10, 10 and 5 s under one 25 s segment.
  const ch = plan('resp', 25);
  const [s, ...rest] = segmentChannel(ch, windowsOf(ch, [[0, 10, 0.9], [10, 20, 0.9], [20, 25, 0.3]]), config());
  assert.deepEqual(rest, []);
  assert.deepEqual([s!.start, s!.end], [0, 25]);
  // (0.9 * 20 + 0.3 * 5) / 25 = 0.78, where an unweighted mean would be 0.7.
  assert.ok(Math.abs(s!.quality - 0.78) < 1e-12, `quality ${s!.quality}`);
  assert.equal(s!.level, 'good');
});
