import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from '../../src/config/resolve.js';
import { extractFeatures, featureJobs, intervalValidity, recordFeaturesOf, rowsWithoutBeats, runFeatureJob, type FeatureJob, type FeatureJobResult } from '../../src/pipeline/features.js';
import type { ChannelData } from '../../src/pipeline/merge.js';
import type { ChannelPlan, FeatureRow, Segment } from '../../src/pipeline/types.js';
import { modeIndex, SKIP, windowGrid, type Windows } from '../../src/pipeline/windows.js';
import { createRunner, type TaskRunner } from '../../src/runtime/pool.js';
import type { SignalType } from '../../src/signals/signal-type.js';

const cfg = resolveConfig({ env: {}, set: ['runtime.workers=1'] }).values;

function plan(type: SignalType, fs: number, seconds: number, name: string = type): ChannelPlan {
  return { index: 0, name, fs, samples: seconds * fs, unit: 'mV', type, typeFrom: 'given' };
}

function segment(ch: ChannelPlan, start: number, end: number, quality = 0.9, coverage = 1, level: Segment['level'] = 'excellent'): Segment {
  return { channel: ch.name, type: ch.type, start, end, quality, coverage, level };
}

/** 10 s windows over the channel (the default quality window), those listed skipped. */
function windows(ch: ChannelPlan, skipped: number[] = []): Windows {
  const w = windowGrid(ch.name, 0, ch.samples, 10 * ch.fs, ch.fs);
  for (const k of skipped) w.mode[k] = SKIP;
  return w;
}

/** One 0/1 byte per window, as featureJobs derives it from the window modes. */
function skipFlags(n: number, skipped: number[]): Uint8Array {
  const s = new Uint8Array(n);
  for (const k of skipped) s[k] = 1;
  return s;
}

/** Beats every `every` samples over [from, to), leaving out those in [gapFrom, gapTo). */
function beatsEvery(every: number, from: number, to: number, gapFrom = 0, gapTo = 0): Int32Array {
  const out: number[] = [];
  for (let s = from; s < to; s += every) if (s < gapFrom || s >= gapTo) out.push(s);
  return Int32Array.from(out);
}

function job(ch: ChannelPlan, segments: Segment[], beats: Int32Array, skipped: Uint8Array, record = false): FeatureJob {
  return { kind: 'features', plan: ch, segments, beats, skipped, config: cfg, record };
}

test('intervalValidity marks each interval usable unless it is the first beat or spans a skipped window', () => {
  // fs 1 Hz and 10 s windows: window k holds samples [10k, 10k + 10).
  const cases: { what: string; beats: number[]; skipped: number[]; windows: number; expected: number[] }[] = [
    { what: 'no beats', beats: [], skipped: [], windows: 4, expected: [] },
    { what: 'one beat has no interval', beats: [5], skipped: [], windows: 4, expected: [0] },
    { what: 'nothing skipped', beats: [2, 8, 25, 39], skipped: [], windows: 4, expected: [0, 1, 1, 1] },
    { what: 'a skipped window between two beats', beats: [2, 8, 25, 28, 31], skipped: [1], windows: 4, expected: [0, 1, 0, 1, 1] },
    { what: 'two skipped windows between two beats', beats: [5, 35], skipped: [1, 2], windows: 4, expected: [0, 0] },
    { what: 'a skipped window before both beats', beats: [12, 25], skipped: [0], windows: 4, expected: [0, 1] },
    { what: 'a skipped window after both beats', beats: [12, 25], skipped: [3], windows: 4, expected: [0, 1] },
    { what: 'neighbouring windows share a boundary, not a skipped window', beats: [9, 10], skipped: [1, 2], windows: 4, expected: [0, 1] },
    { what: 'a beat on the first sample after a skipped window', beats: [9, 20], skipped: [1], windows: 4, expected: [0, 0] },
    { what: 'beats past the last window count as in it', beats: [31, 45, 52], skipped: [2], windows: 4, expected: [0, 1, 1] },
  ];
  for (const c of cases) {
    const v = intervalValidity(Int32Array.from(c.beats), skipFlags(c.windows, c.skipped), 1, 10);
    assert.deepEqual(Array.from(v), c.expected, c.what);
  }
});

test('intervalValidity places beats in windows by time at the channel rate', () => {
  // At 250 Hz a 10 s window is 2500 samples: sample 2499 is the last of window 0, 2500 the first of window 1.
  const skipped = skipFlags(3, [1]);
  assert.deepEqual(Array.from(intervalValidity(Int32Array.of(100, 2499, 5000), skipped, 250, 10)), [0, 1, 0]);
  assert.deepEqual(Array.from(intervalValidity(Int32Array.of(100, 2500, 5000), skipped, 250, 10)), [0, 1, 1]);
  // 30 s windows: the same skipped window now covers samples 7500-15000.
  assert.deepEqual(Array.from(intervalValidity(Int32Array.of(7000, 8000, 16000), skipped, 250, 30)), [0, 1, 1]);
  assert.deepEqual(Array.from(intervalValidity(Int32Array.of(7000, 16000), skipped, 250, 30)), [0, 0]);
});

test('featureJobs gives one record job first and then groups of consecutive segments', () => {
  const ch = plan('ecg', 100, 120);
  const segs = [0, 24, 48, 72, 96].map((s) => segment(ch, s, s + 24));
  const beats = beatsEvery(100, 0, 12_000);
  const w = windows(ch, [3]);
  w.mode[7] = modeIndex('reduced');
  const jobs = featureJobs(ch, segs, beats, w, cfg, 2);
  assert.equal(jobs.length, 3);
  const [whole, a, b] = jobs as [FeatureJob, FeatureJob, FeatureJob];
  assert.equal(whole.record, true);
  assert.deepEqual(whole.segments, [{ channel: 'ecg', type: 'ecg', start: 0, end: 120, quality: NaN, coverage: NaN, level: 'fair' }]);
  assert.equal(whole.beats, beats, 'the record job takes the array it was given');
  assert.deepEqual(jobs.map((j) => j.kind), ['features', 'features', 'features']);
  assert.deepEqual([a.record, b.record], [false, false]);
  assert.deepEqual(a.segments, segs.slice(0, 3));
  assert.deepEqual(b.segments, segs.slice(3));
  // Each segment job holds the beats of its span [first start, last end): 0-72 s and 72-120 s.
  assert.deepEqual([a.beats.length, a.beats[0], a.beats.at(-1)], [72, 0, 7100]);
  assert.deepEqual([b.beats.length, b.beats[0], b.beats.at(-1)], [48, 7200, 11_900]);
  assert.notEqual(a.beats.buffer, beats.buffer, 'segment jobs get copies, which a thread pool may move away');
  // Only skipped windows are flagged; a reduced window still has usable intervals.
  for (const j of jobs) assert.deepEqual(Array.from(j.skipped), [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
  for (const j of jobs) assert.equal(j.plan, ch);
});

test('featureJobs cuts the segments into at most the given number of groups, as evenly as ceil allows', () => {
  const ch = plan('ppg', 100, 120);
  const segs = [0, 24, 48, 72, 96].map((s) => segment(ch, s, s + 24));
  const cases: [groups: number, sizes: number[]][] = [
    [0, [5]], [1, [5]], [2, [3, 2]], [3, [2, 2, 1]], [4, [2, 2, 1]], [5, [1, 1, 1, 1, 1]], [12, [1, 1, 1, 1, 1]],
  ];
  for (const [groups, sizes] of cases) {
    const jobs = featureJobs(ch, segs, beatsEvery(100, 0, 12_000), windows(ch), cfg, groups);
    assert.deepEqual(jobs.slice(1).map((j) => j.segments.length), sizes, `${groups} groups`);
    assert.deepEqual(jobs.slice(1).flatMap((j) => j.segments), segs, `${groups} groups keep the segment order`);
  }
  assert.equal(featureJobs(ch, [], beatsEvery(100, 0, 12_000), windows(ch), cfg, 4).length, 1, 'no segments: the record job alone');
});

test('featureJobs gives each overlapping segment job the beats from its first start to its last end', () => {
  const ch = plan('ecg', 100, 90);
  const segs = [segment(ch, 0, 60), segment(ch, 30, 90)];
  const jobs = featureJobs(ch, segs, beatsEvery(100, 0, 9000), windows(ch), cfg, 2);
  assert.deepEqual(jobs.slice(1).map((j) => [j.beats.length, j.beats[0], j.beats.at(-1)]), [[60, 0, 5900], [60, 3000, 8900]]);
});

test('featureJobs makes no jobs for channels without beats', () => {
  for (const type of ['eeg', 'unknown'] as const) {
    const ch = plan(type, 100, 60);
    assert.deepEqual(featureJobs(ch, [segment(ch, 0, 30), segment(ch, 30, 60)], new Int32Array(0), windows(ch), cfg, 4), [], type);
  }
  for (const type of ['ecg', 'ppg', 'resp'] as const) {
    const ch = plan(type, 100, 60);
    assert.equal(featureJobs(ch, [segment(ch, 0, 60)], new Int32Array(0), windows(ch), cfg, 4).length, 2, type);
  }
});

test('runFeatureJob gives each segment its beats, usable intervals, mean heart rate and HRV, with the segment\'s quality', () => {
  // 80 beats/min (0.75 s at 100 Hz) for 120 s; window 5 (50-60 s) skipped and without beats.
  const ch = plan('ecg', 100, 120);
  const beats = beatsEvery(75, 0, 12_000, 5000, 6000);
  const segs = [segment(ch, 0, 60, 0.9, 1, 'excellent'), segment(ch, 60, 120, 0.72, 0.9, 'good')];
  const { rows, warnings } = runFeatureJob(job(ch, segs, beats, skipFlags(12, [5])));
  assert.deepEqual(warnings, []);
  assert.equal(rows.length, 2);
  const [a, b] = rows as [FeatureRow, FeatureRow];
  assert.deepEqual({ channel: a.channel, start_s: a.start_s, end_s: a.end_s, quality: a.quality, coverage: a.coverage, level: a.level }, { channel: 'ecg', start_s: 0, end_s: 60, quality: 0.9, coverage: 1, level: 'excellent' });
  assert.deepEqual({ start_s: b.start_s, end_s: b.end_s, quality: b.quality, coverage: b.coverage, level: b.level }, { start_s: 60, end_s: 120, quality: 0.72, coverage: 0.9, level: 'good' });
  // Samples 0..4950 (67 beats) and 6000..11925 (80 beats); the interval ending at a segment's first beat is not its own.
  assert.deepEqual([a.beats, a.intervals, a.artefacts, a.n_nn], [67, 66, 0, 66]);
  assert.deepEqual([b.beats, b.intervals, b.artefacts, b.n_nn], [80, 79, 0, 79]);
  for (const r of rows) {
    assert.ok(Math.abs((r.hr_mean as number) - 80) < 1e-9, `hr_mean ${r.hr_mean}`);
    assert.ok(Math.abs((r.mean_nn as number) - 750) < 1e-9, `mean_nn ${r.mean_nn}`);
    assert.equal(r.sdnn, 0);
    assert.equal(r.rmssd, 0);
    assert.ok(!('warnings' in r), 'the HRV warnings are not a column');
  }
});

test('runFeatureJob leaves out an interval that spans a skipped window', () => {
  const ch = plan('ecg', 100, 120);
  const beats = beatsEvery(75, 0, 12_000, 5000, 6000);
  const whole = segment(ch, 0, 120, NaN, NaN, 'fair');
  const { rows } = runFeatureJob(job(ch, [whole], beats, skipFlags(12, [5]), true));
  // 147 beats, 146 gaps, of which 4950 -> 6000 (10.5 s) crosses window 5: with it the mean rate would be below 80.
  assert.deepEqual([rows[0]!.beats, rows[0]!.intervals, rows[0]!.n_nn], [147, 145, 145]);
  assert.ok(Math.abs((rows[0]!.hr_mean as number) - 80) < 1e-9, `hr_mean ${rows[0]!.hr_mean}`);
  // Without the skip the same gap is an interval of its own.
  const kept = runFeatureJob(job(ch, [whole], beats, skipFlags(12, []), true)).rows[0]!;
  assert.equal(kept.intervals, 146);
  // 146 intervals over 0-119.25 s.
  assert.ok(Math.abs((kept.hr_mean as number) - 60_000 / (119_250 / 146)) < 1e-9, `hr_mean ${kept.hr_mean}`);
});

test('runFeatureJob gives no HRV and a warning for a segment with fewer than 30 NN intervals', () => {
  const ch = plan('ecg', 100, 60);
  for (const [n, hrv] of [[29, false], [30, true], [31, true]] as const) {
    const beats = beatsEvery(100, 0, (n + 1) * 100);
    const { rows, warnings } = runFeatureJob(job(ch, [segment(ch, 0, 60)], beats, skipFlags(6, [])));
    assert.equal(rows[0]!.intervals, n);
    assert.ok(Math.abs((rows[0]!.hr_mean as number) - 60) < 1e-9);
    assert.equal('sdnn' in rows[0]!, hrv, `${n} intervals`);
    assert.equal(rows[0]!.n_nn, hrv ? n : undefined);
    assert.deepEqual(warnings, hrv ? [] : ['ecg 0-60 s: 29 NN intervals, too few for HRV']);
  }
});

test('runFeatureJob keeps a record job\'s too-few-intervals warning out of its result', () => {
  const ch = plan('ecg', 100, 60);
  const { rows, warnings } = runFeatureJob(job(ch, [segment(ch, 0, 60, NaN, NaN, 'fair')], beatsEvery(100, 0, 1000), skipFlags(6, []), true));
  assert.deepEqual(warnings, []);
  assert.equal(rows[0]!.intervals, 9);
  assert.ok(!('sdnn' in rows[0]!));
});

test('runFeatureJob counts a beat on a segment\'s start in that segment and one on its end in the next', () => {
  const ch = plan('ecg', 100, 30);
  const beats = Int32Array.of(0, 400, 1000, 1400, 1900, 2600);
  const segs = [segment(ch, 0, 10), segment(ch, 5, 15), segment(ch, 10, 20), segment(ch, 20, 30)];
  const { rows } = runFeatureJob(job(ch, segs, beats, skipFlags(3, [])));
  assert.deepEqual(rows.map((r) => [r.start_s, r.beats, r.intervals]), [[0, 2, 1], [5, 2, 1], [10, 3, 2], [20, 1, 0]]);
  // Intervals 4 s; 4 s; 4 and 5 s; none.
  const hr = rows.map((r) => r.hr_mean as number);
  assert.ok(Math.abs(hr[0]! - 15) < 1e-12 && Math.abs(hr[1]! - 15) < 1e-12 && Math.abs(hr[2]! - 60 / 4.5) < 1e-12, `${hr}`);
  assert.ok(Number.isNaN(hr[3]), 'no intervals, no rate');
});

test('runFeatureJob counts corrected artefacts and takes the mean rate over the detected intervals', () => {
  // At 1 kHz, RR 800 ms +- 40 ms in a 10-beat sine (sums 8 s a cycle), the beat after interval 30 missing.
  const ch = plan('ecg', 1000, 60);
  const rr = Array.from({ length: 70 }, (_, i) => Math.round(800 + 40 * Math.sin((2 * Math.PI * i) / 10)));
  const all = rr.reduce((b, r) => [...b, b.at(-1)! + r], [0]);
  const beats = Int32Array.from(all.filter((_, i) => i !== 30));
  const r = runFeatureJob(job(ch, [segment(ch, 0, 60)], beats, skipFlags(6, []))).rows[0]!;
  assert.deepEqual([r.beats, r.intervals, r.artefacts], [70, 69, 1]);
  assert.equal(r.n_nn, 70, 'the missed beat is put back, splitting the long interval in two');
  // The 69 detected intervals, the long one among them, span 0-56 s.
  assert.ok(Math.abs((r.hr_mean as number) - 60_000 / (56_000 / 69)) < 1e-9, `hr_mean ${r.hr_mean}`);
});

test('runFeatureJob gives respiration its breathing rate and the variation of breath intervals', () => {
  const ch = plan('resp', 25, 60);
  const cases: { breaths: number[]; intervals: number; rate: number; cv: number }[] = [
    // Breaths 4, 5 and 6 s apart: mean 5 s (12/min), sample SD 1 s.
    { breaths: [0, 100, 225, 375], intervals: 3, rate: 12, cv: 0.2 },
    { breaths: [50, 150], intervals: 1, rate: 15, cv: 0 },
    { breaths: [50], intervals: 0, rate: NaN, cv: NaN },
  ];
  for (const c of cases) {
    const r = runFeatureJob(job(ch, [segment(ch, 0, 60)], Int32Array.from(c.breaths), skipFlags(6, []))).rows[0]!;
    assert.equal(r.beats, c.breaths.length);
    assert.equal(r.intervals, c.intervals);
    for (const [k, v] of [['breathing_rate', c.rate], ['breath_interval_cv', c.cv]] as const) {
      const got = r[k] as number;
      assert.ok(Number.isNaN(v) ? Number.isNaN(got) : Math.abs(got - v) < 1e-12, `${c.breaths}: ${k} ${got}`);
    }
    assert.ok(!('hr_mean' in r) && !('artefacts' in r), 'no heart-rate columns for breaths');
  }
});

test('rowsWithoutBeats gives EEG its epoch rows with the quality of the segment each starts', () => {
  const ch = plan('eeg', 100, 120);
  const segs = [segment(ch, 0, 30, 0.9, 1, 'excellent'), segment(ch, 30, 60, 0.3, 0.5, 'poor'), segment(ch, 60, 90, 0.6, 1, 'fair')];
  const epochs: FeatureRow[] = [
    { channel: 'eeg', start_s: 0, end_s: 30, alpha_rel: 0.5 },
    { channel: 'eeg', start_s: 30 + 1e-10, end_s: 60, alpha_rel: 0.25 },
    { channel: 'eeg', start_s: 90, end_s: 120, alpha_rel: 0.125 },
  ];
  assert.deepEqual(rowsWithoutBeats(ch, segs, epochs), [
    { channel: 'eeg', start_s: 0, end_s: 30, quality: 0.9, coverage: 1, level: 'excellent', alpha_rel: 0.5 },
    // Matched within 1e-9 s; the epoch's own times are kept.
    { channel: 'eeg', start_s: 30 + 1e-10, end_s: 60, quality: 0.3, coverage: 0.5, level: 'poor', alpha_rel: 0.25 },
    // No segment starts at 90 s: the epoch row as it came.
    { channel: 'eeg', start_s: 90, end_s: 120, alpha_rel: 0.125 },
  ]);
  assert.deepEqual(rowsWithoutBeats(ch, segs, []), [], 'no epochs, no rows');
});

test('rowsWithoutBeats gives other channels without beats one quality row per segment', () => {
  const ch = plan('unknown', 100, 120);
  const segs = [segment(ch, 0, 60, 0.9, 1, 'excellent'), segment(ch, 60, 120, 0.1, 0, 'unusable')];
  assert.deepEqual(rowsWithoutBeats(ch, segs, [{ channel: 'unknown', start_s: 0, end_s: 60, alpha_rel: 1 }]), [
    { channel: 'unknown', start_s: 0, end_s: 60, quality: 0.9, coverage: 1, level: 'excellent' },
    { channel: 'unknown', start_s: 60, end_s: 120, quality: 0.1, coverage: 0, level: 'unusable' },
  ]);
});

test('recordFeaturesOf keeps the numbers of a record row and drops its segment bookkeeping', () => {
  const row: FeatureRow = { channel: 'ecg', start_s: 0, end_s: 120, quality: NaN, coverage: NaN, level: 'fair', beats: 147, intervals: 145, hr_mean: 80, lf_hf: NaN };
  assert.deepEqual(recordFeaturesOf(row), { beats: 147, intervals: 145, hr_mean: 80, lf_hf: NaN });
  assert.deepEqual(recordFeaturesOf({ channel: 'x', start_s: 0 }), {});
});

/** A runner that runs jobs inline but settles them in the reverse order of their calls, and keeps them. */
function reversingRunner(workers: number): TaskRunner & { jobs: FeatureJob[] } {
  const inline = createRunner({ workers: 0 });
  const pending: (() => void)[] = [];
  const jobs: FeatureJob[] = [];
  return {
    workers, jobs,
    run: (t) => inline.run(t),
    runFeatures(j) {
      jobs.push(j);
      if (pending.length === 0) setImmediate(() => { for (const go of pending.reverse()) go(); });
      return new Promise<FeatureJobResult>((resolve, reject) => { pending.push(() => { inline.runFeatures(j).then(resolve, reject); }); });
    },
    start() {},
    close: async () => {},
  };
}

/** ECG at 120 beats/min for 140 s with window 7 (70-80 s) skipped; EEG with two epochs; an unknown channel. */
function record() {
  const ecg = plan('ecg', 100, 140), eeg = { ...plan('eeg', 100, 60), index: 1 }, other = { ...plan('unknown', 100, 60), index: 2 };
  const beats = beatsEvery(50, 0, 14_000, 7000, 8000);
  const data = (p: ChannelPlan, w: Windows, sample: Float64Array, epochs: FeatureRow[]): ChannelData => ({
    plan: p, windows: w, beats: { sample, amplitude: new Float64Array(sample.length), level: new Uint8Array(sample.length) },
    epochs, envelope: { min: [], max: [] }, trace: new Float64Array(0), traceStride: 1, timings: { screen: 0, process: 0, validate: 0 },
  });
  const channels = [
    data(ecg, windows(ecg, [7]), Float64Array.from(beats), []),
    data(eeg, windows(eeg), new Float64Array(0), [{ channel: 'eeg', start_s: 0, end_s: 30, alpha_rel: 0.5 }, { channel: 'eeg', start_s: 30, end_s: 60, alpha_rel: 0.25 }]),
    data(other, windows(other), new Float64Array(0), []),
  ];
  const segments = [
    [0, 20, 40, 60, 80, 100, 120].map((s) => segment(ecg, s, s + 20)),
    [segment(eeg, 0, 30, 0.9), segment(eeg, 30, 60, 0.8, 1, 'good')],
    [segment(other, 0, 60, 0.4, 1, 'poor')],
  ];
  return { channels, segments };
}

test('extractFeatures assembles segment rows, record figures and warnings per channel in order', async () => {
  const { channels, segments } = record();
  const runner = reversingRunner(1);
  const f = await extractFeatures(channels, segments, cfg, runner);
  // Six segment groups per worker: seven segments in runs of two, after the record job.
  assert.deepEqual(runner.jobs.map((j) => j.record ? 'record' : j.segments.length), ['record', 2, 2, 2, 1]);
  const ecgRows = f.perChannel[0]!;
  assert.deepEqual(ecgRows.map((r) => r.start_s), [0, 20, 40, 60, 80, 100, 120]);
  // 40 beats a segment; the one with window 7 has 6000..6950 only.
  assert.deepEqual(ecgRows.map((r) => [r.beats, r.intervals]), [[40, 39], [40, 39], [40, 39], [20, 19], [40, 39], [40, 39], [40, 39]]);
  assert.deepEqual(ecgRows.map((r) => 'sdnn' in r), [true, true, true, false, true, true, true]);
  assert.deepEqual(f.warnings, ['ecg 60-80 s: 19 NN intervals, too few for HRV'], 'one warning, from the segment job only');
  const rec = f.recordFeatures[0]!;
  assert.deepEqual([rec.beats, rec.intervals, rec.artefacts, rec.n_nn], [260, 258, 0, 258]);
  assert.ok(Math.abs(rec.hr_mean! - 120) < 1e-9);
  for (const k of ['start_s', 'end_s', 'quality', 'coverage', 'level', 'channel']) assert.ok(!(k in rec), k);
  assert.deepEqual(f.perChannel[1], [
    { channel: 'eeg', start_s: 0, end_s: 30, quality: 0.9, coverage: 1, level: 'excellent', alpha_rel: 0.5 },
    { channel: 'eeg', start_s: 30, end_s: 60, quality: 0.8, coverage: 1, level: 'good', alpha_rel: 0.25 },
  ]);
  assert.deepEqual(f.perChannel[2], [{ channel: 'unknown', start_s: 0, end_s: 60, quality: 0.4, coverage: 1, level: 'poor' }]);
  assert.deepEqual(f.recordFeatures.slice(1), [{}, {}]);
});

test('extractFeatures gives the same features whatever the worker count groups the segments into', async () => {
  const one = await extractFeatures(record().channels, record().segments, cfg, createRunner({ workers: 0 }));
  const { channels, segments } = record();
  const runner = reversingRunner(2);
  const two = await extractFeatures(channels, segments, cfg, runner);
  assert.deepEqual(runner.jobs.map((j) => j.record ? 'record' : j.segments.length), ['record', 1, 1, 1, 1, 1, 1, 1]);
  assert.deepEqual(two, one);
});
