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
