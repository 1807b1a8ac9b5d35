import { test } from 'node:test';
import assert from 'node:assert/strict';
import { processorFor } from '../../src/pipeline/processors.js';
import { resolveConfig } from '../../src/config/resolve.js';
import type { Config } from '../../src/config/schema.js';

const base = (): Config => resolveConfig({ env: {} }).values;

test('processorFor builds one processor per type, rate and settings and shares it', () => {
  const a = processorFor('ecg', 360, base());
  assert.equal(processorFor('ecg', 360, base()), a);
  assert.notEqual(processorFor('ecg', 250, base()), a);
  const other = base();
  other.ecg.detector = 'pantompkins';
  assert.notEqual(processorFor('ecg', 360, other), a);
  // Settings of other types do not matter to an ECG processor.
  const ppg = base();
  ppg.ppg.lowHz = 0.7;
  assert.equal(processorFor('ecg', 360, ppg), a);
});

test('processorFor gives the ECG detector a band-pass the block can run beside its cleaning', () => {
  const p = processorFor('ecg', 360, base());
  assert.equal(p.sos?.length, 2);
  assert.equal(p.detector?.bandSos?.(360).length, 2);
  assert.ok(p.contextSamples >= 5 * 360);
});

test('processorFor gives EEG a cleaning filter and no detector', () => {
  const p = processorFor('eeg', 256, base());
  assert.ok(p.sos);
  assert.equal(p.detector, undefined);
});

test('processorFor sets the beat window and plausible rate per signal type', () => {
  const cases: [Parameters<typeof processorFor>[0], [number, number], [number, number]][] = [
    ['ecg', [0.25, 0.4], [25, 250]], ['ppg', [0.3, 0.5], [25, 250]], ['resp', [1, 2], [3, 60]],
  ];
  for (const [type, templateSeconds, rateRange] of cases) {
    const p = processorFor(type, 250, base());
    assert.equal(p.type, type);
    assert.ok(p.sos && p.detector, `${type} is cleaned and has a detector`);
    assert.deepEqual([p.templateSeconds, p.rateRange], [templateSeconds, rateRange], type);
  }
});

test('processorFor gives every detector at least its own context on each side of a block', () => {
  for (const [type, fs] of [['ecg', 360], ['ppg', 125], ['resp', 25], ['ecg', 1000]] as const) {
    const p = processorFor(type, fs, base());
    assert.ok(p.contextSamples >= Math.ceil(p.detector!.contextSeconds * fs), `${type} at ${fs} Hz: ${p.contextSamples} samples`);
  }
});

test('processorFor leaves an unknown signal uncleaned, without a detector or context, whatever the other types\' settings', () => {
  const p = processorFor('unknown', 500, base());
  assert.deepEqual([p.sos, p.detector, p.contextSamples], [undefined, undefined, 0]);
  const other = base();
  other.eeg.lowHz = 1;
  other.ecg.detector = 'pantompkins';
  assert.equal(processorFor('unknown', 500, other), p);
});

test('processorFor gives EEG a new filter when its band changes, and settles it within the context', () => {
  const a = processorFor('eeg', 256, base());
  const other = base();
  other.eeg.highHz = 30;
  const b = processorFor('eeg', 256, other);
  assert.notEqual(b, a);
  assert.ok(b.sos && b.contextSamples > 0);
});
