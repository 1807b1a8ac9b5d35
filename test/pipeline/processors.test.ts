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
