import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blockSecondsFor, ingest, planChannels, type ChannelChoice } from '../../src/pipeline/ingest.js';
import { resolveConfig } from '../../src/config/resolve.js';
import { FormatError } from '../../src/io/errors.js';
import { Recording, type ChannelInfo, type RecordingInfo, type StoredBlock } from '../../src/io/recording.js';

type Chan = Partial<ChannelInfo> & { name: string };

/** Metadata only: planning never reads samples. */
class MetaRecording extends Recording {
  readonly info: RecordingInfo;
  constructor(path: string, channels: Chan[]) {
    super();
    const full = channels.map((c): ChannelInfo => ({ unit: '', fs: 250, samples: 1000, gain: 1, baseline: 0, storage: 'float64', ...c }));
    this.info = { path, format: 'text', duration: 4, channels: full, annotations: [], comments: [] };
  }
  protected async readStored(): Promise<StoredBlock[]> {
    throw new Error('planning must not read samples');
  }
  async close(): Promise<void> {}
}

const rec = (channels: Chan[], path = '/data/record.csv') => new MetaRecording(path, channels);
const config = (...set: string[]) => resolveConfig({ env: {}, set: ['runtime.workers=1', ...set] }).values;

test('planChannels by default processes the first channel of the type that wins, all of them for EEG, and says what it left out', () => {
  const cases: { what: string; channels: Chan[]; path?: string; chosen: string[]; type: string; from: string; warnings: string[] }[] = [
    { what: 'ECG wins over PPG', channels: [{ name: 'PLETH' }, { name: 'ECG II' }], chosen: ['ECG II'], type: 'ecg', from: 'label', warnings: [] },
    { what: 'a second ECG', channels: [{ name: 'ECG I' }, { name: 'ECG II' }, { name: 'Resp chest' }], chosen: ['ECG I'], type: 'ecg', from: 'label', warnings: ['1 more ecg channel(s) not processed; use --channel to choose'] },
    { what: 'EEG montage', channels: [{ name: 'EEG Fp1-Ref' }, { name: 'EMG chin' }, { name: 'EEG C3-Ref' }], chosen: ['EEG Fp1-Ref', 'EEG C3-Ref'], type: 'eeg', from: 'label', warnings: [] },
    { what: 'a unit alone', channels: [{ name: 'ch0', unit: 'uV' }], chosen: ['ch0'], type: 'eeg', from: 'label', warnings: [] },
    { what: 'the file name when no label says anything', channels: [{ name: 'ch0' }, { name: 'ch1' }], path: '/data/subject_ppg_100hz.csv', chosen: ['ch0'], type: 'ppg', from: 'filename', warnings: ['1 more ppg channel(s) not processed; use --channel to choose'] },
    { what: 'nothing to go by', channels: [{ name: 'signal' }], chosen: ['signal'], type: 'unknown', from: 'default', warnings: ["channel 'signal': signal type unknown; only generic quality screening runs (use --signal)"] },
  ];
  for (const c of cases) {
    const { channels, warnings } = planChannels(rec(c.channels, c.path), {});
    assert.deepEqual(channels.map((p) => p.name), c.chosen, c.what);
    assert.ok(channels.every((p) => p.type === c.type && p.typeFrom === c.from), `${c.what}: ${JSON.stringify(channels)}`);
    assert.deepEqual(warnings, c.warnings, c.what);
  }
});

test('planChannels takes a hint from the file name only when no channel label says anything', () => {
  const { channels } = planChannels(rec([{ name: 'ECG' }, { name: 'ch1' }], '/data/night_ppg.csv'), { channels: 'all' });
  assert.deepEqual(channels.map((c) => [c.name, c.type, c.typeFrom]), [['ECG', 'ecg', 'label'], ['ch1', 'unknown', 'default']]);
});

test('planChannels gives every channel the signal type the caller names', () => {
  const { channels } = planChannels(rec([{ name: 'Pleth' }, { name: 'ch1' }]), { signal: 'ppg', channels: 'all' });
  assert.deepEqual(channels.map((c) => [c.type, c.typeFrom]), [['ppg', 'given'], ['ppg', 'given']]);
  const auto = planChannels(rec([{ name: 'Pleth' }]), { signal: 'auto' }).channels;
  assert.equal(auto[0]!.typeFrom, 'label');
});

test('planChannels with signal ppg picks the channel labelled PPG over an ECG channel before it', () => {
  const { channels, warnings } = planChannels(rec([{ name: 'ECG II' }, { name: 'PLETH' }]), { signal: 'ppg' });
  assert.deepEqual(channels.map((c) => c.name), ['PLETH']);
  assert.deepEqual(warnings, []);
});

test('planChannels warns when no channel looks like the signal type the caller names, and takes one that says nothing of itself first', () => {
  const cases: [Chan[], string][] = [
    [[{ name: 'ECG II' }, { name: 'ECG V5' }], 'ECG II'],
    [[{ name: 'ECG II' }, { name: 'ch1' }], 'ch1'],
  ];
  for (const [chans, name] of cases) {
    const { channels, warnings } = planChannels(rec(chans), { signal: 'resp' });
    assert.deepEqual(channels.map((c) => [c.name, c.type, c.typeFrom]), [[name, 'resp', 'given']]);
    assert.deepEqual(warnings, [`no channel looks like resp; processing '${name}' as resp`]);
  }
});

test('planChannels processes the channels asked for, by name or index, in the order asked, and never an annotation channel', () => {
  const r = rec([{ name: 'ECG' }, { name: 'EDF Annotations', annotation: true }, { name: 'PLETH' }, { name: 'Resp' }]);
  const cases: [ChannelChoice, string[]][] = [
    [{ channels: 'all' }, ['ECG', 'PLETH', 'Resp']],
    [{ channels: ['resp', 0] }, ['Resp', 'ECG']],
    [{ channels: [2] }, ['PLETH']],
    // An empty list is no choice: the default applies.
    [{ channels: [] }, ['ECG']],
  ];
  for (const [choice, names] of cases) assert.deepEqual(planChannels(r, choice).channels.map((c) => c.name), names, JSON.stringify(choice));
  // FormatErrors: a batch goes on past them, and recovery does not retry them.
  assert.throws(() => planChannels(r, { channels: ['EDF Annotations'] }), (e: unknown) => e instanceof FormatError && e.file === '/data/record.csv' && /channel EDF Annotations is not a signal channel/.test(e.message));
  assert.throws(() => planChannels(r, { channels: [7] }), (e: unknown) => e instanceof FormatError && /channel 7 out of range \(0\.\.3\)/.test(e.message));
  assert.throws(() => planChannels(r, { channels: ['SpO2'] }), (e: unknown) => e instanceof FormatError && /expected a channel SpO2 at the header \(no channel named 'SpO2'/.test(e.message));
});

test('planChannels refuses a record without signal channels and a chosen channel without a sampling rate, and warns of an empty one', () => {
  assert.throws(() => planChannels(rec([{ name: 'EDF Annotations', annotation: true }], '/x.edf'), {}), (e: unknown) => e instanceof FormatError && /^\/x\.edf: expected a signal channel at the header \(no signal channels to process\)$/.test(e.message));
  for (const fs of [0, NaN, Infinity, -250]) {
    assert.throws(() => planChannels(rec([{ name: 'ECG', fs }]), {}), (e: unknown) => e instanceof FormatError && e.where === "channel 'ECG'" && e.message.endsWith(`expected a valid sampling rate at channel 'ECG' (got ${fs}; pass --fs)`));
  }
  // A channel not chosen may lack a rate.
  assert.equal(planChannels(rec([{ name: 'ECG' }, { name: 'PLETH', fs: 0 }]), {}).channels[0]!.name, 'ECG');
  assert.deepEqual(planChannels(rec([{ name: 'ECG', samples: 0 }]), {}).warnings, ["channel 'ECG' has no samples"]);
});

test('blockSecondsFor rounds the block to whole quality windows, and whole EEG epochs when both are whole seconds', () => {
  const cases: [string[], number][] = [
    // window 10 s, epoch 30 s: unit lcm = 30 s
    [['pipeline.blockSeconds=60'], 60],
    [['pipeline.blockSeconds=100'], 90],
    [['pipeline.blockSeconds=10'], 30],
    // window 4 s, epoch 6 s: unit 12 s; 50 s -> 4 units
    [['pipeline.blockSeconds=50', 'quality.windowSeconds=4', 'segment.eegSeconds=6'], 48],
    // A window of 2.5 s: whole windows only; 11 s -> 4 windows
    [['pipeline.blockSeconds=11', 'quality.windowSeconds=2.5'], 10],
    [['pipeline.blockSeconds=600', 'quality.windowSeconds=7', 'segment.eegSeconds=30'], 630],
  ];
  for (const [set, want] of cases) assert.equal(blockSecondsFor(config(...set)), want, set.join(' '));
});

test('ingest plans the blocks of every processed channel at its own rate, their relative cost, and no more workers than blocks', () => {
  const r = rec([{ name: 'ECG', fs: 250, samples: 60_001 }, { name: 'PLETH', fs: 100, samples: 6000 }, { name: 'Resp', fs: 25, samples: 0 }]);
  const cases: [string[], ChannelChoice, { blocks: number; complexity: number; workers: number }][] = [
    // 15 000-sample blocks: 5 for ECG (one of a single sample); one of 6000 for PLETH; none for an empty channel.
    [['runtime.workers=8'], { channels: 'all' }, { blocks: 6, complexity: 60_001 * 3 + 6000 * 2, workers: 6 }],
    [['runtime.workers=2'], { channels: 'all' }, { blocks: 6, complexity: 192_003, workers: 2 }],
    [['runtime.workers=4'], { channels: ['Resp'] }, { blocks: 0, complexity: 0, workers: 1 }],
    [['runtime.workers=4'], { channels: ['PLETH'] }, { blocks: 1, complexity: 12_000, workers: 1 }],
  ];
  for (const [set, choice, want] of cases) {
    const result = ingest(r, choice, config('pipeline.blockSeconds=60', ...set));
    assert.deepEqual(result.plan, { blockSeconds: 60, ...want }, JSON.stringify(choice));
    assert.equal(result.info, r.info);
  }
  assert.deepEqual(ingest(r, { channels: ['Resp'] }, config('pipeline.blockSeconds=60')).warnings, ["channel 'Resp' has no samples"]);
});

test('planChannels names apart, by channel index, processed channels that share a label', () => {
  const { channels } = planChannels(rec([{ name: 'ECG' }, { name: 'ECG' }, { name: 'PLETH' }]), { channels: 'all' });
  assert.deepEqual(channels.map((c) => c.name), ['ECG (0)', 'ECG (1)', 'PLETH']);
  // One of them chosen alone keeps its label.
  assert.deepEqual(planChannels(rec([{ name: 'ECG' }, { name: 'ECG' }]), {}).channels.map((c) => c.name), ['ECG']);
});
