import { test } from 'node:test';
import assert from 'node:assert/strict';
import { choosePrecision } from '../../src/runtime/precision.js';
import { processRecording } from '../../src/pipeline/process.js';
import { syntheticEcg } from '../../src/signals/synthetic-ecg.js';

const cases: [string, Float64Array, number, string][] = [
  ['an ECG in mV', syntheticEcg({ fs: 250, seconds: 20 }).signal, 1e-6, 'float32'],
  ['ADC integers', Float64Array.from({ length: 1000 }, (_, i) => (i * 37) % 2048 - 1024), 1e-6, 'float32'],
  ['a tiny signal on a huge offset', Float64Array.from({ length: 1000 }, (_, i) => 1e3 + Math.sin(i) * 1e-3), 1e-6, 'float64'],
  ['the same with a loose bound', Float64Array.from({ length: 1000 }, (_, i) => 1e3 + Math.sin(i) * 1e-3), 1e-1, 'float32'],
];
for (const [name, x, bound, want] of cases) {
  test(`choosePrecision keeps ${name} in ${want} at bound ${bound}`, () => {
    const c = choosePrecision(x, bound);
    assert.equal(c.precision, want);
    if (want === 'float32') assert.ok(c.relError <= bound);
  });
}

test('in-memory signals are shared in float32 by default and the manifest figure is the memory saved', async () => {
  const ecg = syntheticEcg({ fs: 250, seconds: 120, seed: 8 });
  const compact = await processRecording({ data: ecg.signal, fs: 250, signalType: 'ecg' }, { config: { env: {}, set: ['runtime.workers=1'] } });
  assert.deepEqual(compact.memory?.precision, ['float32']);
  assert.equal(compact.memory?.bytesSaved, ecg.signal.length * 4);
  const full = await processRecording({ data: ecg.signal, fs: 250, signalType: 'ecg' }, { config: { env: {}, set: ['runtime.workers=1', 'runtime.precision=float64'] } });
  assert.equal(full.memory, undefined);
  assert.deepEqual(compact.channels[0]!.beats.sample, full.channels[0]!.beats.sample, 'float32 storage finds the same beats');
});

// 0 and 2 are float32 values; 1 + 2**-25 rounds to 1, an error of 2**-25 over a range of 2: 2**-26.
const atBound = Float64Array.of(0, 2, 1 + 2 ** -25);
const boundCases: [string, Float64Array, number, string, number][] = [
  ['an error exactly at the bound', atBound, 2 ** -26, 'float32', 2 ** -26],
  ['an error just above the bound', atBound, 2 ** -26 * (1 - 2 ** -20), 'float64', 0],
  ['a constant channel of float32 values', new Float64Array(100).fill(0.5), 0, 'float32', 0],
  ['a constant channel that float32 rounds', new Float64Array(100).fill(0.1), 1e-3, 'float64', 0],
  ['values beyond the float32 range', Float64Array.of(0, 1e39), 1e-3, 'float64', 0],
  ['float32 values with NaN gaps', Float64Array.of(0, NaN, 1, 0.25, NaN), 0, 'float32', 0],
];
for (const [name, x, bound, precision, relError] of boundCases) {
  test(`choosePrecision gives ${precision} with relative error ${relError} for ${name}`, () => {
    assert.deepEqual(choosePrecision(x, bound), { precision, relError });
  });
}

test('choosePrecision keeps a Float32Array in float32 with no error', () => {
  assert.deepEqual(choosePrecision(Float32Array.of(0.1, 2), 0), { precision: 'float32', relError: 0 });
});

test('choosePrecision keeps a tiny signal on a huge offset in float64 when one sample is infinite', () => {
  const x = Float64Array.from({ length: 1000 }, (_, i) => 1e3 + Math.sin(i) * 1e-3);
  x[500] = Infinity;
  assert.equal(choosePrecision(x, 1e-6).precision, 'float64');
});
