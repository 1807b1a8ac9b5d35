import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from '../../src/config/resolve.js';
import { epochFeatures } from '../../src/pipeline/epochs.js';
import type { ChannelPlan, FeatureRow } from '../../src/pipeline/types.js';
import type { SignalType } from '../../src/signals/signal-type.js';

// 2 s epochs (the shortest the schema allows is 1 s) keep the spectra to one Welch segment each.
const cfg = resolveConfig({ env: {}, set: ['runtime.workers=1', 'segment.eegSeconds=2'] }).values;

function plan(type: SignalType, fs: number): ChannelPlan {
  return { index: 0, name: 'Fp1', fs, samples: 10 * fs, unit: 'uV', type, typeFrom: 'given' };
}

const tone = (n: number, fs: number, hz: number, a: number) => a * Math.sin((2 * Math.PI * hz * n) / fs);

/**
 * Samples 200-399 hold 10.3 Hz and 2.2 Hz tones, 400-599 21.7 Hz and 37.1 Hz; everything else is a
 * loud 5 Hz tone that would show in theta if an epoch read the wrong samples.
 */
function sample(n: number): number {
  if (n >= 200 && n < 400) return tone(n, 100, 10.3, 1) + tone(n, 100, 2.2, 0.5);
  if (n >= 400 && n < 600) return tone(n, 100, 21.7, 1) + tone(n, 100, 37.1, 0.4);
  return tone(n, 100, 5, 100);
}

/**
 * scipy.signal.welch(x, fs, 'hann', nperseg=len(x), noverlap=len(x)//2, detrend='constant',
 * scaling='density') of each epoch, band powers as sum(P) * df over [low, high).
 */
const expected: FeatureRow[] = [
  {
    channel: 'Fp1', start_s: 2, end_s: 4,
    delta_power: 0.12523873199366553, delta_rel: 0.20030362889368222, theta_power: 7.768930872054602e-06, theta_rel: 1.2425429589748677e-05,
    alpha_power: 0.4999957962871947, alpha_rel: 0.7996805048535379, beta_power: 2.1513103188503444e-06, beta_rel: 3.440750771605895e-06,
    gamma_power: 4.5279225967785525e-11, gamma_rel: 7.241843741521771e-11, total_power: 0.6252444485673304,
    sef90: 10.5, sef95: 10.5, spectral_entropy: 0.3046395671378982,
  },
  {
    channel: 'Fp1', start_s: 4, end_s: 6,
    delta_power: 4.271459342999497e-06, delta_rel: 7.364530701132872e-06, theta_power: 1.6854342964791398e-10, theta_rel: 2.9058997463023193e-10,
    alpha_power: 2.6923356073028903e-09, alpha_rel: 4.64192367187836e-09, beta_power: 0.49999998940379564, beta_rel: 0.8620625825609778,
    gamma_power: 0.08000001846906571, gamma_rel: 0.13793004797580735, total_power: 0.5800042821930834,
    sef90: 37, sef95: 37, spectral_entropy: 0.2820140674049433,
  },
];

function assertRowsClose(actual: FeatureRow[], wanted: FeatureRow[]): void {
  assert.equal(actual.length, wanted.length);
  actual.forEach((row, i) => {
    assert.deepEqual(Object.keys(row).sort(), Object.keys(wanted[i]!).sort(), `epoch ${i} keys`);
    for (const [k, v] of Object.entries(wanted[i]!)) {
      const got = row[k]!;
      if (typeof v === 'string') assert.equal(got, v, k);
      else assert.ok(typeof got === 'number' && Math.abs(got - v) <= 1e-9 * Math.abs(v) + 1e-15, `epoch ${i} ${k}: ${got}, scipy ${v}`);
    }
  });
}

test('epochFeatures gives band powers, spectral edges and entropy for each whole epoch of a block, as scipy computes them', () => {
  // The cleaned samples start at sample 100 (the block's margin); the block is samples 200-700:
  // epochs at 200 and 400, and 600-700 is half an epoch, left out.
  const clean = Float64Array.from({ length: 650 }, (_, i) => sample(100 + i));
  assertRowsClose(epochFeatures(clean, 100, 200, 700, plan('eeg', 100), cfg), expected);
});

test('epochFeatures reads an epoch at its place in the samples whatever the block\'s margin', () => {
  const b0 = 400, b1 = 600;
  for (const s0 of [0, 150, 400]) {
    const clean = Float64Array.from({ length: 700 - s0 }, (_, i) => sample(s0 + i));
    assertRowsClose(epochFeatures(clean, s0, b0, b1, plan('eeg', 100), cfg), [expected[1]!]);
  }
});

test('epochFeatures gives nothing for a block shorter than one epoch', () => {
  const clean = Float64Array.from({ length: 700 }, (_, i) => sample(i));
  assert.deepEqual(epochFeatures(clean, 0, 200, 399, plan('eeg', 100), cfg), []);
  assert.equal(epochFeatures(clean, 0, 200, 400, plan('eeg', 100), cfg).length, 1, 'exactly one epoch');
});

test('epochFeatures cuts the bands at Nyquist and drops those above it', () => {
  // At 50 Hz beta ends at 25 Hz and gamma (30-45 Hz) is gone.
  const clean = Float64Array.from({ length: 100 }, (_, n) => tone(n, 50, 7.3, 1) + tone(n, 50, 17.9, 0.8));
  assertRowsClose(epochFeatures(clean, 0, 0, 100, plan('eeg', 50), cfg), [{
    channel: 'Fp1', start_s: 0, end_s: 2,
    delta_power: 0.00022899459095868848, delta_rel: 0.00027918383514705173, theta_power: 0.4828273246759572, theta_rel: 0.5886496430002685,
    alpha_power: 0.017172196090150374, alpha_rel: 0.020935863778591527, beta_power: 0.32000017316307117, beta_rel: 0.3901353093859931,
    total_power: 0.8202286885201373, sef90: 18, sef95: 18, spectral_entropy: 0.3947454023743406,
  }]);
});

test('epochFeatures leaves the features of other signal types to their beats', () => {
  const clean = Float64Array.from({ length: 700 }, (_, i) => sample(i));
  for (const type of ['ecg', 'ppg', 'resp', 'unknown'] as const) assert.deepEqual(epochFeatures(clean, 0, 0, 700, plan(type, 100), cfg), [], type);
});
