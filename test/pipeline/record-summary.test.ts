import { test } from 'node:test';
import assert from 'node:assert/strict';
import { processRecording, type RecordResult } from '../../src/pipeline/process.js';
import { recordLine, summarizeRecord } from '../../src/pipeline/record-summary.js';
import { syntheticEcg } from '../../src/signals/synthetic-ecg.js';

/**
 * The parts of a record result that summarizeRecord reads; the rest of a RecordResult (config,
 * stages, files, ...) does not enter the summary, so a cast spares building it.
 */
function result(channels: { name: string; beats: number }[], summaries: { channel: string; meanQuality: number }[], wallSeconds: number, skipped: number): RecordResult {
  return {
    name: 'night-1',
    channels: channels.map((c) => ({ plan: { name: c.name }, beats: { sample: new Float64Array(c.beats) } })),
    summaries, run: { wallSeconds }, blocks: { skipped },
  } as unknown as RecordResult;
}

test('summarizeRecord gives each channel its beat count and the mean quality of its own summary', () => {
  // Summaries in another order than the channels: they are matched by name.
  const r = result([{ name: 'ECG', beats: 3 }, { name: 'PLETH', beats: 5 }], [{ channel: 'PLETH', meanQuality: 0.62 }, { channel: 'ECG', meanQuality: 0.91 }], 12.5, 2);
  assert.deepEqual(summarizeRecord('data/night-1.edf', r, 'out/night-1'), {
    input: 'data/night-1.edf', name: 'night-1', dir: 'out/night-1',
    channels: [{ name: 'ECG', beats: 3, quality: 0.91 }, { name: 'PLETH', beats: 5, quality: 0.62 }],
    wallSeconds: 12.5, failedBlocks: 2,
  });
});

test('summarizeRecord gives null quality for a channel without a summary or without a finite mean', () => {
  const cases: [what: string, summaries: { channel: string; meanQuality: number }[], quality: number | null][] = [
    ['no summary', [], null],
    ['a summary of another channel', [{ channel: 'EEG', meanQuality: 0.8 }], null],
    ['NaN', [{ channel: 'ECG', meanQuality: NaN }], null],
    ['infinite', [{ channel: 'ECG', meanQuality: Infinity }], null],
    ['zero is a quality', [{ channel: 'ECG', meanQuality: 0 }], 0],
  ];
  for (const [what, summaries, quality] of cases) {
    const s = summarizeRecord('x.edf', result([{ name: 'ECG', beats: 0 }], summaries, 1, 0), 'out/x');
    assert.deepEqual(s.channels, [{ name: 'ECG', beats: 0, quality }], what);
  }
});

test('summarizeRecord gives plain JSON that comes back unchanged from Redis', () => {
  const r = result([{ name: 'ECG', beats: 7 }, { name: 'EEG', beats: 0 }], [{ channel: 'ECG', meanQuality: 0.75 }, { channel: 'EEG', meanQuality: NaN }], 3.25, 0);
  const s = summarizeRecord('a.edf', r, 'out/a');
  assert.deepEqual(JSON.parse(JSON.stringify(s)), s);
});

test('summarizeRecord of a processed ECG carries its beats and quality', async () => {
  const fs = 250;
  const ecg = syntheticEcg({ fs, seconds: 60, heartRate: 60, seed: 5 });
  const r = await processRecording({ data: ecg.signal, fs, signalType: 'ecg', metadata: { name: 'short' } }, { config: { env: {}, set: ['runtime.workers=1', 'cache.enabled=false'] } });
  const s = summarizeRecord('memory', r, 'out/short');
  assert.equal(s.name, 'short');
  assert.equal(s.channels.length, 1);
  // The synthetic beats, give or take one at either end of the record.
  assert.ok(Math.abs(s.channels[0]!.beats - ecg.beats.length) <= 1, `${s.channels[0]!.beats} beats, ${ecg.beats.length} made`);
  assert.ok(s.channels[0]!.quality !== null && s.channels[0]!.quality > 0.7, `quality ${s.channels[0]!.quality}`);
  assert.equal(s.failedBlocks, 0);
  assert.deepEqual(JSON.parse(JSON.stringify(s)), s);
});

test('recordLine prints each channel\'s beats (when it has any) and quality, the folder and the time', () => {
  const cases: [what: string, channels: { name: string; beats: number; quality: number | null }[], seconds: number, line: string][] = [
    ['one channel', [{ name: 'ECG', beats: 71, quality: 0.874 }], 1.234, 'rec.edf: ECG 71 beats, quality 0.87 -> out/rec (1.23 s)'],
    ['a channel without beats', [{ name: 'ECG', beats: 71, quality: 0.9 }, { name: 'Fp1', beats: 0, quality: 0.5 }], 60, 'rec.edf: ECG 71 beats, quality 0.90; Fp1 quality 0.50 -> out/rec (60.00 s)'],
    ['no quality', [{ name: 'ECG', beats: 2, quality: null }], 0.5, 'rec.edf: ECG 2 beats, quality unknown -> out/rec (0.50 s)'],
    ['no channels', [], 0, 'rec.edf:  -> out/rec (0.00 s)'],
  ];
  for (const [what, channels, wallSeconds, line] of cases) assert.equal(recordLine('rec.edf', { channels, wallSeconds }, 'out/rec'), line, what);
});
