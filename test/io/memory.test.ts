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

test('MemoryRecording keeps channels of different lengths: its duration is the longest, reads past a shorter one are refused', async () => {
  const rec = new MemoryRecording({ data: [Float64Array.of(1, 2, 3, 4), Float32Array.of(0.1)], fs: 2 });
  assert.deepEqual(rec.info.channels.map((c) => c.samples), [4, 1]);
  assert.equal(rec.info.duration, 2);
  assert.deepEqual(Array.from((await rec.read(0, 1, 4))[0]!), [2, 3, 4]);
  await assert.rejects(rec.read(1, 0, 2), (e: unknown) => e instanceof RangeError && /sample range \[0, 2\) outside \[0, 1\)/.test(e.message));
  await assert.rejects(rec.read([0, 1], 0, 4), RangeError);
});

test('MemoryRecording reads a float32 channel as the exact float32 values, in physical and raw reads', async () => {
  const rec = new MemoryRecording({ data: Float32Array.of(0.1, -1 / 3), fs: 1 });
  const want = [Math.fround(0.1), Math.fround(-1 / 3)];
  assert.deepEqual(Array.from((await rec.read(0, 0, 2))[0]!), want);
  assert.deepEqual(Array.from((await rec.read(0, 0, 2, { raw: true }))[0]!), want);
});

test('MemoryRecording reads the caller\'s arrays as they are at the time of the read (no copy is taken)', async () => {
  const a = new Float64Array(3);
  const rec = new MemoryRecording({ data: a, fs: 1, path: 'mine', units: ['mV'] });
  a[1] = 42;
  assert.deepEqual(Array.from((await rec.read(0, 0, 3))[0]!), [0, 42, 0]);
  assert.deepEqual([rec.info.path, rec.info.format, rec.info.variant, rec.info.channels[0]!.unit], ['mine', 'npy', 'memory', 'mV']);
});

test('MemoryRecording of an empty array has no duration and streams no chunks', async () => {
  const rec = new MemoryRecording({ data: new Float64Array(0), fs: 250 });
  assert.equal(rec.info.duration, 0);
  assert.deepEqual(Array.from((await rec.read(0, 0, 0))[0]!), []);
  let chunks = 0;
  for await (const _ of rec.chunks()) chunks++;
  assert.equal(chunks, 0);
});

test('MemoryRecording rejects non-finite rates and units of the wrong length', () => {
  const a = new Float64Array(3);
  for (const fs of [NaN, Infinity, -250]) assert.throws(() => new MemoryRecording({ data: a, fs }), /fs must be a positive number/);
  assert.throws(() => new MemoryRecording({ data: a, fs: 1, units: [] }), /units must have one entry per channel \(1\), got 0/);
});
