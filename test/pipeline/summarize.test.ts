import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarizeChannel } from '../../src/pipeline/summarize.js';
import type { ChannelPlan, FeatureRow, Segment } from '../../src/pipeline/types.js';
import { levelIndex, modeIndex, windowColumns, type Windows } from '../../src/pipeline/windows.js';
import type { ProcessingMode, QualityLevel } from '../../src/quality/score.js';
import type { SignalType } from '../../src/signals/signal-type.js';

function plan(type: SignalType, seconds: number, fs = 250): ChannelPlan {
  return { index: 0, name: type.toUpperCase(), fs, samples: seconds * fs, unit: '', type, typeFrom: 'given' };
}

function windowsOf(rows: [start: number, end: number, score: number, level: QualityLevel, mode: ProcessingMode][]): Windows {
  const w = windowColumns('ECG', rows.length);
  rows.forEach(([s, e, score, level, mode], i) => {
    w.start[i] = s; w.end[i] = e; w.score[i] = score; w.level[i] = levelIndex(level); w.mode[i] = modeIndex(mode);
  });
  return w;
}

function seg(start: number, end: number, quality: number, level: QualityLevel): Segment {
  return { channel: 'ECG', type: 'ecg', start, end, quality, coverage: 1, level };
}

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a}, expected ${b}`);

test('summarizeChannel counts seconds per level, the time-weighted mean score and the processed share of the windows', () => {
  const ch = plan('ecg', 25);
  const w = windowsOf([[0, 10, 0.9, 'excellent', 'full'], [10, 20, 0.3, 'poor', 'skip'], [20, 25, 0.75, 'good', 'reduced']]);
  const s = summarizeChannel(ch, w, [], [], 31, { hr_mean: 71 });
  assert.deepEqual(s.secondsByLevel, { excellent: 10, good: 5, fair: 0, poor: 10, unusable: 0 });
  // (0.9 * 10 + 0.3 * 10 + 0.75 * 5) / 25; reduced processing is still processing.
  close(s.meanQuality, 0.63, 'meanQuality');
  close(s.processedFraction, 0.6, 'processedFraction');
  assert.deepEqual([s.channel, s.type, s.durationSeconds, s.beats, s.record], ['ECG', 'ecg', 25, 31, { hr_mean: 71 }]);
  assert.deepEqual([s.segments, s.excludedSegments], [{}, 0]);
});

test('summarizeChannel gives zero quality and processing, not NaN, for a channel without windows', () => {
  const s = summarizeChannel(plan('resp', 0), windowColumns('RESP', 0), [], [], 0, {});
  assert.deepEqual([s.meanQuality, s.processedFraction, s.durationSeconds], [0, 0, 0]);
  assert.deepEqual(s.secondsByLevel, { excellent: 0, good: 0, fair: 0, poor: 0, unusable: 0 });
});

test('summarizeChannel averages features over segments of fair quality or better, weighted by segment quality', () => {
  const ch = plan('ecg', 1200);
  const segments = [seg(0, 300, 0.9, 'excellent'), seg(300, 600, 0.6, 'fair'), seg(600, 900, 0.3, 'poor'), seg(900, 1200, 0.75, 'good')];
  const base = (s: Segment): FeatureRow => ({ channel: 'ECG', start_s: s.start, end_s: s.end, quality: s.quality, coverage: s.coverage, level: s.level });
  const rows: FeatureRow[] = [
    { ...base(segments[0]!), hr_mean: 60, sdnn: 50, note: 'a string is not a feature' },
    { ...base(segments[1]!), hr_mean: 80, sdnn: NaN },
    { ...base(segments[2]!), hr_mean: 200, sdnn: 10, only_poor: 3 },
    { ...base(segments[3]!), hr_mean: 70, sdnn: 30 },
  ];
  const s = summarizeChannel(ch, windowsOf([]), segments, rows, 0, {});
  assert.deepEqual(Object.keys(s.segments).sort(), ['hr_mean', 'only_poor', 'sdnn'], 'segment bookkeeping and strings are not features');
  assert.equal(s.excludedSegments, 1);
  // hr_mean: (60 * 0.9 + 80 * 0.6 + 70 * 0.75) / 2.25; the poor segment's 200 is left out.
  const hr = s.segments['hr_mean']!;
  close(hr.value, 68.66666666666667, 'hr_mean');
  assert.deepEqual([hr.segmentsUsed, hr.segmentsTotal], [3, 4]);
  // Coverage 3/4 times mean quality 2.25/3.
  close(hr.confidence, 0.5625, 'hr_mean confidence');
  // sdnn: the NaN segment is not used either: (50 * 0.9 + 30 * 0.75) / 1.65, 2/4 * 1.65/2.
  const sdnn = s.segments['sdnn']!;
  close(sdnn.value, 40.909090909090914, 'sdnn');
  assert.deepEqual([sdnn.segmentsUsed, sdnn.segmentsTotal], [2, 4]);
  close(sdnn.confidence, 0.4125, 'sdnn confidence');
  // A feature only the excluded segment has: nothing to average.
  assert.deepEqual(s.segments['only_poor'], { value: NaN, segmentsUsed: 0, segmentsTotal: 4, confidence: 0 });
});

test('summarizeChannel uses no segment below fair, whatever its features', () => {
  const cases: [QualityLevel, number][] = [['excellent', 0.9], ['good', 0.75], ['fair', 0.5], ['poor', 0.49], ['unusable', 0.1]];
  for (const [level, quality] of cases) {
    const segments = [seg(0, 300, quality, level)];
    const s = summarizeChannel(plan('ecg', 300), windowsOf([]), segments, [{ start_s: 0, hr_mean: 64 }], 0, {});
    const used = level === 'excellent' || level === 'good' || level === 'fair';
    assert.deepEqual(s.segments['hr_mean'], used ? { value: 64, segmentsUsed: 1, segmentsTotal: 1, confidence: quality } : { value: NaN, segmentsUsed: 0, segmentsTotal: 1, confidence: 0 }, level);
    assert.equal(s.excludedSegments, used ? 0 : 1, level);
  }
});

test('summarizeChannel gives an infinite feature no weight', () => {
  const segments = [seg(0, 300, 0.8, 'good'), seg(300, 600, 0.6, 'fair')];
  const s = summarizeChannel(plan('ecg', 600), windowsOf([]), segments, [{ start_s: 0, lf_hf: Infinity }, { start_s: 300, lf_hf: 2 }], 0, {});
  assert.deepEqual(s.segments['lf_hf'], { value: 2, segmentsUsed: 1, segmentsTotal: 2, confidence: 0.3 });
});

test('summarizeChannel pairs EEG epoch rows with the segments they start, when segments overlap', () => {
  // segment.overlap 0.5 makes 30 s EEG segments every 15 s, while the blocks compute one row per
  // 30 s epoch: the epoch at 30 s belongs to the segment at 30 s, not to the second one (15 s).
  const segments = [seg(0, 30, 0.9, 'excellent'), seg(15, 45, 0.3, 'poor'), seg(30, 60, 0.8, 'good'), seg(45, 60, 0.8, 'good')];
  const rows: FeatureRow[] = [{ channel: 'EEG', start_s: 0, end_s: 30, alpha_rel: 0.5 }, { channel: 'EEG', start_s: 30, end_s: 60, alpha_rel: 0.25 }];
  const s = summarizeChannel(plan('eeg', 60, 100), windowsOf([]), segments, rows, 0, {});
  // (0.5 * 0.9 + 0.25 * 0.8) / 1.7 over both epochs.
  assert.deepEqual([s.segments['alpha_rel']!.segmentsUsed, s.segments['alpha_rel']!.segmentsTotal, s.excludedSegments], [2, 2, 0]);
  close(s.segments['alpha_rel']!.value, 0.38235294117647056, 'alpha_rel');
});
