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
