import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSource, shareChannels, SourceCache, type SourceRef } from '../../src/runtime/source.js';
import { MemoryRecording } from '../../src/io/memory.js';
import type { Precision } from '../../src/runtime/precision.js';
import type { Recording } from '../../src/io/recording.js';

const tempDir = (t: { after: (fn: () => void) => void }) => {
  const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-source-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

/** Records which in-memory recordings get closed, by path, until the test ends. */
function spyOnClose(t: { after: (fn: () => void) => void }): string[] {
  const closed: string[] = [];
  const original = MemoryRecording.prototype.close;
  MemoryRecording.prototype.close = async function (this: MemoryRecording) {
    closed.push(this.info.path);
  };
  t.after(() => { MemoryRecording.prototype.close = original; });
  return closed;
}

// 0.1 and 1/3 are not float32 values: stored as float32 they come back rounded.
const a = Float64Array.of(0.1, -2.5, 1 / 3);
const b = Float64Array.of(1e-3, 7);

test('shareChannels copies each channel once into a shared buffer of its precision', () => {
  const cases: [Precision[] | undefined, number[], number[][]][] = [
    [undefined, [24, 16], [Array.from(a), Array.from(b)]],
    [['float32', 'float64'], [12, 16], [Array.from(a, Math.fround), Array.from(b)]],
    [['float64', 'float32'], [24, 8], [Array.from(a), Array.from(b, Math.fround)]],
  ];
  for (const [precision, bytes, values] of cases) {
    const ref = shareChannels([a, b], 100, ['x', 'y'], ['mV', ''], undefined, precision);
    assert.equal(ref.kind, 'memory');
    if (ref.kind !== 'memory') continue;
    assert.ok(ref.buffers.every((buf) => buf instanceof SharedArrayBuffer));
    assert.deepEqual(ref.buffers.map((buf) => buf.byteLength), bytes);
    assert.deepEqual(ref.precision, precision ?? ['float64', 'float64']);
    const stored = ref.buffers.map((buf, i) => Array.from(ref.precision[i] === 'float32' ? new Float32Array(buf) : new Float64Array(buf)));
    assert.deepEqual(stored, values);
    assert.equal(ref.path, '<memory>');
  }
});

test('shareChannels copies rather than keeps the caller\'s arrays, and gives every call its own id', () => {
  const data = Float64Array.of(1, 2, 3);
  const one = shareChannels([data], 10, ['x'], ['']);
  const two = shareChannels([data], 10, ['x'], ['']);
  data[0] = 42;
  assert.ok(one.kind === 'memory' && two.kind === 'memory');
  assert.equal(new Float64Array(one.buffers[0]!)[0], 1);
  assert.notEqual(one.id, two.id);
  assert.match(one.id, /^[0-9a-f-]{36}$/);
});

test('openSource shows shared channels as a recording with their names, units, rate and precision, reading the shared memory itself', async () => {
  const ref = shareChannels([a, b], 50, ['ECG', 'PLETH'], ['mV', 'au'], '/virtual/rec', ['float64', 'float32']);
  const rec = await openSource(ref);
  assert.equal(rec.info.path, '/virtual/rec');
  assert.deepEqual(rec.info.channels.map((c) => [c.name, c.unit, c.fs, c.samples, c.storage]), [['ECG', 'mV', 50, 3, 'float64'], ['PLETH', 'au', 50, 2, 'float32']]);
  assert.deepEqual(Array.from((await rec.read(0, 0, 3))[0]!), Array.from(a));
  assert.deepEqual(Array.from((await rec.read(1, 0, 2))[0]!), Array.from(b, Math.fround));
  // No copy on opening: a worker sees the very buffer the task refers to.
  assert.ok(ref.kind === 'memory');
  new Float64Array(ref.buffers[0]!)[1] = 9;
  assert.equal((await rec.read(0, 1, 2))[0]![0], 9);
});

test('openSource opens a file with its open options', async (t) => {
  const path = join(tempDir(t), 'resp.csv');
  writeFileSync(path, 'resp\n0.5\n-1.25\n2\n');
  const rec = await openSource({ kind: 'file', path, open: { fs: 4 } });
  try {
    assert.equal(rec.info.channels[0]!.fs, 4);
    assert.deepEqual(Array.from((await rec.read(0, 0, 3))[0]!), [0.5, -1.25, 2]);
  } finally {
    await rec.close();
  }
});

test('SourceCache hands out one open recording per source, and another for a source with other open options', async (t) => {
  const cache = new SourceCache();
  t.after(() => cache.closeAll());
  const mem = shareChannels([a], 10, ['x'], ['']);
  assert.equal(cache.get(mem), cache.get(mem));
  assert.notEqual(cache.get(mem), cache.get(shareChannels([a], 10, ['x'], [''])), 'keyed by the share, not the values');
  const path = join(tempDir(t), 'x.csv');
  writeFileSync(path, 'v\n1\n2\n');
  const file: SourceRef = { kind: 'file', path, open: { fs: 2 } };
  assert.equal(cache.get(file), cache.get({ kind: 'file', path, open: { fs: 2 } }));
  assert.notEqual(cache.get(file), cache.get({ kind: 'file', path, open: { fs: 3 } }));
});

test('SourceCache opens a file again once it is rewritten in place, whether its size or only its modification time changed', async (t) => {
  const cache = new SourceCache();
  t.after(() => cache.closeAll());
  const path = join(tempDir(t), 'x.csv');
  const ref: SourceRef = { kind: 'file', path, open: { fs: 2 } };
  const firstValue = async (p: Promise<Recording>) => (await (await p).read(0, 0, 1))[0]![0];
  writeFileSync(path, 'v\n1\n2\n');
  const first = cache.get(ref);
  assert.equal(await firstValue(first), 1);
  writeFileSync(path, 'v\n30\n40\n');
  const resized = cache.get(ref);
  assert.notEqual(resized, first);
  assert.equal(await firstValue(resized), 30);
  // Same size, other content: only the modification time tells.
  writeFileSync(path, 'v\n50\n60\n');
  utimesSync(path, new Date(1_000_000), new Date(1_000_000));
  const touched = cache.get(ref);
  assert.notEqual(touched, resized);
  assert.equal(await firstValue(touched), 50);
});

test('SourceCache closes the longest open recording beyond its limit, and opens it again when asked', async (t) => {
  const closed = spyOnClose(t);
  const cache = new SourceCache(2);
  const refs = ['a', 'b', 'c'].map((p) => shareChannels([a], 10, ['x'], [''], p));
  const first = cache.get(refs[0]!);
  cache.get(refs[1]!);
  await cache.get(refs[2]!);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(closed, ['a']);
  assert.notEqual(cache.get(refs[0]!), first);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(closed, ['a', 'b']);
  await cache.closeAll();
  assert.deepEqual(closed.sort(), ['a', 'a', 'b', 'c']);
});

test('SourceCache forgets a source that failed to open, so that the next task tries again', async () => {
  const cache = new SourceCache();
  // A rate of 0 Hz: the in-memory recording refuses it.
  const bad = shareChannels([a], 0, ['x'], ['']);
  const first = cache.get(bad);
  await assert.rejects(first, /fs must be a positive number/);
  const second = cache.get(bad);
  assert.notEqual(second, first);
  await assert.rejects(second, RangeError);
});

test('SourceCache.closeAll closes every open recording and starts afresh', async (t) => {
  const closed = spyOnClose(t);
  const cache = new SourceCache();
  const refs = ['p', 'q'].map((p) => shareChannels([b], 10, ['x'], [''], p));
  const before = refs.map((r) => cache.get(r));
  await Promise.all(before);
  await cache.closeAll();
  assert.deepEqual(closed.sort(), ['p', 'q']);
  assert.notEqual(cache.get(refs[0]!), before[0]);
  await cache.closeAll();
});
