import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as root from '../src/index.js';
import * as dsp from '../src/dsp/index.js';
import * as io from '../src/io/index.js';
import * as signals from '../src/signals/index.js';
import * as features from '../src/features/index.js';
import * as pipeline from '../src/pipeline/index.js';

const contract: [string, Record<string, unknown>, string[]][] = [
  ['vitaldsp', root, ['processRecording', 'processBatch', 'openRecording', 'resolveConfig', 'hrv', 'detectRPeaks', 'computeSqis']],
  ['vitaldsp/dsp', dsp, ['butter', 'cheby1', 'cheby2', 'ellip', 'bessel', 'sosfreqz', 'sosfilt', 'sosfiltfilt', 'lfilter', 'filtfilt', 'sosfiltZi', 'lfilterZi', 'firwin', 'iirnotch', 'savgolFilter', 'medfilt', 'detrend', 'resamplePoly', 'hilbert', 'welch', 'periodogram', 'lombscargle', 'findPeaks', 'rfft', 'convolve', 'fftConvolve', 'SosFilter', 'ChunkedZeroPhase', 'Welford', 'percentile', 'kurtosis', 'skewness']],
  ['vitaldsp/io', io, ['openRecording', 'openWfdb', 'openEdf', 'openText', 'openNpy', 'writeWfdb', 'writeEdf', 'writeCsv', 'readAnnotations', 'writeAnnotations', 'FormatError', 'MemoryRecording']],
  ['vitaldsp/signals', signals, ['detectRPeaks', 'panTompkins', 'correctRR', 'ppgPeaks', 'breaths', 'eegBandPowers', 'matchBeats', 'BeatStream', 'syntheticEcg']],
  ['vitaldsp/features', features, ['hrv', 'hrvTime', 'hrvFrequency', 'hrvNonlinear', 'sampleEntropy', 'dfa']],
  ['vitaldsp/pipeline', pipeline, ['processRecording', 'planRecord', 'finishRecord', 'processBatch', 'stageNames']],
];
for (const [name, mod, names] of contract) {
  test(`${name} exports its public functions`, () => {
    for (const n of names) assert.equal(typeof mod[n], n === 'stageNames' ? 'object' : 'function', `${name} ${n}`);
  });
}

// The root API over plain arrays: what each function refuses, and that it leaves its inputs alone.
const fs = 250;
const ecg = signals.syntheticEcg({ fs, seconds: 30, heartRate: 72, seed: 5 }).signal;
const ppg = signals.syntheticPpg({ fs: 100, seconds: 30, seed: 5 }).signal;
const resp = signals.syntheticResp({ fs: 25, seconds: 60, seed: 5 }).signal;
const eeg = Float64Array.from({ length: 256 * 8 }, (_, i) => Math.sin((2 * Math.PI * 10 * i) / 256) + 0.2 * Math.sin((2 * Math.PI * 3 * i) / 256));
const byRate: [string, (x: Float64Array, fs: number) => unknown, Float64Array, number][] = [
  ['detectRPeaks', (x, r) => root.detectRPeaks(x, r), ecg, fs],
  ['ppgPeaks', (x, r) => root.ppgPeaks(x, r), ppg, 100],
  ['breaths', (x, r) => root.breaths(x, r), resp, 25],
  ['eegBandPowers', (x, r) => root.eegBandPowers(x, r), eeg, 256],
  ['computeSqis', (x, r) => root.computeSqis(x, r, 'ecg'), ecg.slice(0, 10 * fs), fs],
];
for (const [name, f, x, rate] of byRate) {
  test(`${name} refuses a sampling rate that is not a positive finite number with a RangeError`, () => {
    for (const bad of [-rate, 0, NaN, Infinity]) assert.throws(() => f(x, bad), RangeError, `fs ${bad}`);
  });
  test(`${name} leaves the caller's samples unchanged${name === 'computeSqis' ? '' : ' and gives the same answer for a number[] as for a Float64Array'}`, () => {
    const y = Float64Array.from(x);
    const a = f(y, rate);
    assert.deepStrictEqual(y, x);
    const list = Array.from(x);
    if (name !== 'computeSqis') assert.deepStrictEqual(f(list as unknown as Float64Array, rate), a);
    assert.deepStrictEqual(list, Array.from(x));
  });
}

test('hrv and matchBeats leave their arrays unchanged and refuse values that are not intervals or sample indices', () => {
  const nn = Array.from({ length: 300 }, (_, i) => 800 + 40 * Math.sin(i / 4));
  const nnCopy = [...nn];
  assert.deepStrictEqual(root.hrv(Float64Array.from(nn)), root.hrv(nn));
  assert.deepStrictEqual(nn, nnCopy);
  for (const bad of [[800, NaN, 810], [800, -5, 810], [800, Infinity, 810]]) assert.throws(() => root.hrv(bad), RangeError, String(bad));
  const ref = Int32Array.from([300, 100, 700]), test_ = [702, 98];
  const m = root.matchBeats(ref, test_, fs);
  assert.deepEqual([m.tp, m.fn, m.fp], [2, 1, 0]);
  assert.deepStrictEqual([Array.from(ref), test_], [[300, 100, 700], [702, 98]]);
  assert.throws(() => root.matchBeats([NaN], [1], fs), RangeError);
  assert.throws(() => root.matchBeats([1], [1], -fs), RangeError);
});

test('inferSignalType reads the labels of WFDB, EDF and 10-20 recordings', () => {
  const cases: [string, string, root.SignalType][] = [['MLII', '', 'ecg'], ['ECG I', 'mV', 'ecg'], ['PLETH', '', 'ppg'], ['Resp chest', '', 'resp'], ['EEG Fp1-Ref', 'uV', 'eeg'], ['C3', '', 'eeg'], ['', 'uV', 'eeg'], ['status', '', 'unknown']];
  for (const [label, unit, type] of cases) assert.equal(root.inferSignalType(label, unit), type, `${label} ${unit}`);
});

test('scoreWindow grades the SQIs of computeSqis with the quality settings of a resolved config', () => {
  const cfg: root.ResolvedConfig = root.resolveConfig({ env: {} });
  const sqis: root.Sqis = root.computeSqis(ecg.slice(0, 10 * fs), fs, 'ecg');
  const q = root.scoreWindow(sqis, 'ecg', cfg.values.quality);
  const level: root.QualityLevel = q.level, mode: root.ProcessingMode = q.mode;
  assert.ok(q.score > 0.7 && q.score <= 1);
  assert.ok(level === 'excellent' || level === 'good', level);
  assert.equal(mode, 'full');
  assert.deepStrictEqual(structuredClone(sqis), sqis);
});

// Typical uses of the exported types: this file must compile (the build is the assertion) and the
// lines marked @ts-expect-error must not.
test('the exported types describe what a caller writes and gets back', async () => {
  const source: root.InMemorySignal = { data: [ecg, Array.from(ecg)], fs, signalType: 'ecg', metadata: { names: ['I', 'II'], units: ['mV', 'mV'], name: 'typed' } };
  const config: root.ResolvedConfig = root.resolveConfig({ env: {}, set: ['runtime.workers=1'] });
  const opts: root.ProcessOptions = { config, channels: ['II'], signal: 'ecg', cache: false };
  const batch: root.BatchOptions = { out: '/nonexistent', config: { env: {}, set: ['runtime.workers=1'] }, keepResults: false };
  const result: root.RecordResult = await root.processRecording(source, opts);
  const beats: ArrayLike<number> = result.channels[0]!.beats.sample;
  const channels: root.ChannelInfo[] = result.ingest.info.channels;
  const info: root.RecordingInfo = result.ingest.info;
  const values: root.Config = result.config.values;
  const h: root.HrvResult = root.hrv([800, 810, 790, 805]);
  const t: root.SignalType = root.inferSignalType(channels[0]!.name, channels[0]!.unit);
  const opened: (path: string) => Promise<root.Recording> = root.openRecording;
  assert.equal(beats.length > 0 && info.channels.length === 2 && values.runtime.workers === 1 && typeof h.rmssd === 'number' && t === 'ecg', true);
  assert.equal(typeof opened, 'function');
  assert.equal(batch.keepResults, false);
  void (() => {
    // @ts-expect-error: 'ekg' is no signal type
    void root.processRecording({ data: ecg, fs, signalType: 'ekg' });
    // @ts-expect-error: data is samples, not a string
    void root.processRecording({ data: 'ecg.csv', fs });
    // @ts-expect-error: fs is required for samples in memory
    void root.processRecording({ data: ecg });
    // @ts-expect-error: processBatch needs an output folder
    void root.processBatch(['a.edf'], {});
  });
});
