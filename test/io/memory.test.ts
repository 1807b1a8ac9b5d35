import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryRecording } from '../../src/io/memory.js';

test('MemoryRecording exposes arrays as channels with names, units and storage after the array type', async () => {
  const a = Float64Array.from({ length: 1000 }, (_, i) => Math.sin(i / 10));
  const b = Float32Array.from({ length: 1000 }, (_, i) => i * 0.1);
  const rec = new MemoryRecording({ data: [a, b], fs: 250, names: ['ecg', 'ppg'], units: ['mV', ''] });
  assert.deepEqual(rec.info.channels.map((c) => [c.name, c.unit, c.fs, c.samples, c.storage, c.gain, c.baseline]),
    [['ecg', 'mV', 250, 1000, 'float64', 1, 0], ['ppg', '', 250, 1000, 'float32', 1, 0]]);
  assert.equal(rec.info.duration, 4);
  assert.equal(rec.info.path, '<memory>');
  const [x, y] = await rec.read(['ecg', 1], 100, 110);
  assert.deepEqual(x, a.slice(100, 110));
  assert.deepEqual(Array.from(y!), Array.from(b.subarray(100, 110)));
  const [f] = await rec.read('ppg', 0, 3, { dtype: 'float32' });
  assert.ok(f instanceof Float32Array);
  // reads are copies: writing into them leaves the source alone
  (x as Float64Array).fill(0);
  assert.equal(a[100], Math.sin(10));
});

test('MemoryRecording streams chunks that reassemble the source', async () => {
  const a = Float64Array.from({ length: 1234 }, (_, i) => i);
  const rec = new MemoryRecording({ data: a, fs: 100 });
  assert.equal(rec.info.channels[0]!.name, 'ch0');
  const out: number[] = [];
  for await (const c of rec.chunks({ samples: 100, overlap: 10 })) out.push(...Array.from(c.data[0]!).slice(c.overlap));
  assert.deepEqual(out, Array.from(a));
});

test('MemoryRecording rejects a bad fs, mismatched names and non-float arrays', () => {
  const a = new Float64Array(3);
  assert.throws(() => new MemoryRecording({ data: a, fs: 0 }), /fs must be a positive number/);
  assert.throws(() => new MemoryRecording({ data: [a, a], fs: 1, names: ['x'] }), /names must have one entry per channel \(2\)/);
  assert.throws(() => new MemoryRecording({ data: [] as Float64Array[], fs: 1 }), /at least one channel/);
  assert.throws(() => new MemoryRecording({ data: [new Int16Array(3) as unknown as Float64Array], fs: 1 }), TypeError);
});
