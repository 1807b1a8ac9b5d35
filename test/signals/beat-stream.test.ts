import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BeatStream, detectInBlocks, streamBeats, type BlockDetector } from '../../src/signals/beat-stream.js';
import { detectRPeaks, RPeakDetector } from '../../src/signals/ecg-detect.js';
import { matchBeats } from '../../src/signals/evaluate.js';
import { panTompkinsDetector } from '../../src/signals/ecg-pantompkins.js';
import { syntheticEcg } from '../../src/signals/synthetic-ecg.js';
import { openWfdb } from '../../src/io/wfdb/record.js';
import { MemoryRecording } from '../../src/io/memory.js';
import { needShared, shared } from '../helpers/shared.js';

/** Feeds x to a BeatStream in chunks of `size` samples, each repeating `overlap` earlier samples. */
function chunked(x: Float64Array, fs: number, det: BlockDetector, size: number, overlap = 0, blockSeconds = 60): Int32Array {
  const s = new BeatStream(det, fs, { blockSeconds });
  const out: number[] = [];
  for (let pos = 0; pos < x.length; pos += size) {
    const from = Math.max(0, pos - overlap);
    out.push(...s.push(x.subarray(from, Math.min(x.length, pos + size)), from));
  }
  out.push(...s.finish());
  return Int32Array.from(out);
}

test('BeatStream on record 100 equals one-shot detectRPeaks for every chunk size', { skip: needShared('data/wfdb/100.hea') }, async () => {
  const rec = await openWfdb(shared('data/wfdb/100.hea'));
  const [x] = (await rec.read(0, 0, rec.info.channels[0]!.samples)) as Float64Array[];
  await rec.close();
  const oneShot = detectRPeaks(x!, 360).peaks;
  assert.ok(oneShot.length > 2200);
  for (const size of [1000, 7919, 21600, 65536, 360 * 60, 650000]) {
    assert.deepEqual(chunked(x!, 360, new RPeakDetector(), size), oneShot, `chunk size ${size}`);
  }
});

test('streamBeats over a recording chunk by chunk equals one-shot detection', { skip: needShared('data/wfdb/100.hea') }, async () => {
  const rec = await openWfdb(shared('data/wfdb/100.hea'));
  try {
    const [x] = (await rec.read(0, 0, rec.info.channels[0]!.samples)) as Float64Array[];
    const got: number[] = [];
    for await (const b of streamBeats(rec, 0, new RPeakDetector(), { chunkSeconds: 17 })) got.push(...b);
    assert.deepEqual(Int32Array.from(got), detectRPeaks(x!, 360).peaks);
  } finally {
    await rec.close();
  }
});

const synthetic = [
  { fs: 100, opts: { ventricularProbability: 0.2 } },
  { fs: 250, opts: { noiseBursts: [{ start: 55, seconds: 10, std: 0.5 }] } },
  { fs: 1000, opts: { polarityFlips: [59.9], baselineWander: 1 } },
  { fs: 2000, opts: { heartRate: 150 } },
];
for (const { fs, opts } of synthetic) {
  test(`BeatStream at ${fs} Hz equals one-shot detection with overlapping and odd-sized chunks`, () => {
    const x = syntheticEcg({ fs, seconds: 150, seed: 5, ...opts }).signal;
    const oneShot = detectRPeaks(x, fs, { blockSeconds: 20 }).peaks;
    for (const [size, overlap] of [[fs, 0], [Math.round(3.3 * fs), 17], [Math.round(41 * fs), Math.round(2 * fs)], [x.length, 0]] as const) {
      assert.deepEqual(chunked(x, fs, new RPeakDetector(), size, overlap, 20), oneShot, `size ${size} overlap ${overlap}`);
    }
  });
}

test('BeatStream with Pan-Tompkins equals detectInBlocks with Pan-Tompkins', () => {
  const x = syntheticEcg({ fs: 360, seconds: 100, ventricularProbability: 0.1 }).signal;
  const ref = detectInBlocks(x, 360, panTompkinsDetector(), { blockSeconds: 30 });
  assert.ok(ref.length > 100);
  assert.deepEqual(chunked(x, 360, panTompkinsDetector(), 5000, 0, 30), ref);
});

test('detectInBlocks keeps a beat exactly on a block seam once, in the later block', () => {
  // A toy detector that reports every sample that is 1 in its slice.
  const det: BlockDetector = {
    contextSeconds: 1,
    refractorySeconds: 0.5,
    detect: (x) => Int32Array.from([...x.keys()].filter((i) => x[i] === 1)),
  };
  const x = new Float64Array(100);
  for (const i of [0, 19, 20, 21, 40, 99]) x[i] = 1;
  // fs 10: blocks of 20 samples, context 10, refractory 5 samples: 20 and 21 merge into 19.
  assert.deepEqual(detectInBlocks(x, 10, det, { blockSeconds: 2 }), Int32Array.from([0, 19, 40, 99]));
  assert.deepEqual(chunked(x, 10, det, 7, 3, 2), Int32Array.from([0, 19, 40, 99]));
});

test('BeatStream rejects gaps, pushes after finish, and a block shorter than the context', () => {
  const s = new BeatStream(new RPeakDetector(), 100);
  s.push(new Float64Array(50));
  assert.throws(() => s.push(new Float64Array(10), 60), /contiguous/);
  s.finish();
  assert.throws(() => s.push(new Float64Array(10)), /finish/);
  assert.throws(() => new BeatStream(new RPeakDetector(), 100, { blockSeconds: 2 }), /blockSeconds/);
  assert.throws(() => new BeatStream(new RPeakDetector(), 0), /fs/);
});

/**
 * A toy detector reporting every sample equal to 1 in its slice (fs 10: context 10 samples,
 * refractory 5); a missing sample reaching it is a failure.
 */
const ones: BlockDetector = {
  contextSeconds: 1,
  refractorySeconds: 0.5,
  detect: (x) => {
    if (x.some((v) => !Number.isFinite(v))) throw new Error('the detector was given a missing sample');
    return Int32Array.from([...x.keys()].filter((i) => x[i] === 1));
  },
};

const seams: { name: string; n: number; at: number[]; want: number[]; missing?: [number, number, number?][] }[] = [
  { name: 'beats on the first and last samples of the signal are kept', n: 57, at: [0, 56], want: [0, 56] },
  { name: 'beats on the first and last samples of every block are kept', n: 60, at: [0, 19, 20, 39, 40, 59], want: [0, 19, 39, 59] },
  { name: 'a beat closer than the refractory period after a kept one is dropped, across a seam or not', n: 60, at: [3, 7, 18, 22, 30], want: [3, 18, 30] },
  { name: 'a beat exactly one refractory period after a kept one is kept', n: 60, at: [17, 22, 27], want: [17, 22, 27] },
  { name: 'a signal shorter than one block is one block', n: 13, at: [2, 12], want: [2, 12] },
  { name: 'an empty signal has no beats', n: 0, at: [], want: [] },
  // Missing samples ([from, to) as NaN, or the value given): each finite stretch is detected alone.
  { name: 'beats around a gap of missing samples are kept, across block seams', n: 60, at: [5, 17, 25, 45], want: [5, 17, 25, 45], missing: [[18, 24]] },
  { name: 'missing samples on the first and last samples leave the beats between', n: 60, at: [4, 30, 54], want: [4, 30, 54], missing: [[0, 4], [55, 60]] },
  { name: 'beats on the samples next to a gap are kept on either side', n: 60, at: [8, 14, 33], want: [8, 14, 33], missing: [[9, 14]] },
  { name: 'infinite samples are missing samples', n: 40, at: [5, 25], want: [5, 25], missing: [[10, 11, Infinity], [30, 32, -Infinity]] },
  { name: 'a signal of missing samples only has no beats', n: 45, at: [], want: [], missing: [[0, 45]] },
];
for (const c of seams) {
  test(`detectInBlocks and BeatStream: ${c.name}`, () => {
    const x = new Float64Array(c.n);
    for (const i of c.at) x[i] = 1;
    for (const [from, to, v] of c.missing ?? []) x.fill(v ?? NaN, from, to);
    const want = Int32Array.from(c.want);
    assert.deepEqual(detectInBlocks(x, 10, ones, { blockSeconds: 2 }), want);
    for (const [size, overlap] of [[1, 0], [10, 0], [20, 0], [30, 0], [7, 5], [3, 11]] as const) {
      assert.deepEqual(chunked(x, 10, ones, size, overlap, 2), want, `chunk ${size}, overlap ${overlap}`);
    }
  });
}

test('detectRPeaks finds the beats on both sides of a gap of missing samples and none in it', () => {
  const fs = 360;
  const s = syntheticEcg({ fs, seconds: 90, seed: 8 });
  const x = Float64Array.from(s.signal);
  const [g0, g1] = [Math.round(31.3 * fs), Math.round(34.8 * fs)];
  x.fill(NaN, g0, g1);
  const peaks = detectRPeaks(x, fs, { blockSeconds: 20 }).peaks;
  assert.ok(peaks.every((p) => p < g0 || p >= g1), 'a beat inside the gap');
  // Every generator beat whose QRS lies wholly outside the gap is found, and nothing else.
  const qrs = Math.round(0.06 * fs);
  const m = matchBeats(s.beats.filter((b) => b + qrs < g0 || b - qrs >= g1), peaks, fs);
  assert.equal(m.fn + m.fp, 0, `fn ${m.fn}, fp ${m.fp}`);
  for (const [size, overlap] of [[fs, 0], [Math.round(7.7 * fs), 100], [x.length, 0]] as const) {
    assert.deepEqual(chunked(x, fs, new RPeakDetector(), size, overlap, 20), peaks, `size ${size} overlap ${overlap}`);
  }
});

test('streamBeats reports each stretch of missing samples once, joined over chunk seams, before the beats after it', async () => {
  const x = new Float64Array(200);
  for (const i of [5, 25, 47, 75, 120, 180]) x[i] = 1;
  // Stretches: one inside a chunk, one over the seams at 60 and 120, one at the end (fs 10, chunks of 60).
  x.fill(NaN, 30, 40); x.fill(NaN, 55, 118); x.fill(Infinity, 190, 200);
  const events: string[] = [];
  const rec = new MemoryRecording({ data: x, fs: 10 });
  for await (const beats of streamBeats(rec, 0, ones, { blockSeconds: 2, chunkSeconds: 6, onMissing: (a, b) => events.push(`missing ${a}-${b}`) })) {
    for (const b of beats) events.push(`beat ${b}`);
  }
  // A stretch is reported when it ends, which may be before the beats ahead of it are decided.
  assert.deepEqual(events, ['missing 30-40', 'beat 5', 'beat 25', 'missing 55-118', 'beat 47', 'beat 120', 'missing 190-200', 'beat 180']);
});

test('BeatStream ignores empty chunks and chunks it has wholly seen, and finish twice returns nothing more', () => {
  const x = new Float64Array(100);
  for (const i of [5, 25, 45, 65, 85]) x[i] = 1;
  const s = new BeatStream(ones, 10, { blockSeconds: 2 });
  const got: number[] = [];
  got.push(...s.push(new Float64Array(0)));
  got.push(...s.push(x.subarray(0, 60)));
  got.push(...s.push(x.subarray(10, 40), 10));
  got.push(...s.push(new Float64Array(0)));
  assert.equal(s.position, 60);
  got.push(...s.push(x.subarray(55), 55));
  got.push(...s.finish());
  assert.deepEqual(got, [5, 25, 45, 65, 85]);
  assert.equal(s.finish().length, 0);
});

test('BeatStream decides a block only once its right context has arrived', () => {
  const x = new Float64Array(100);
  x[5] = 1;
  const s = new BeatStream(ones, 10, { blockSeconds: 2 });
  // Block [0, 20) needs samples up to 30 (its 10-sample context).
  assert.deepEqual(Array.from(s.push(x.subarray(0, 29))), []);
  assert.deepEqual(Array.from(s.push(x.subarray(29, 30))), [5]);
});
