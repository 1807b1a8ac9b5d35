import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Recording, toPhysical, unfilled, type Chunk, type ChannelInfo, type ChunkOptions, type PhysicalBlock, type RecordingInfo, type StoredBlock } from '../../src/io/recording.js';

interface Call {
  channels: number[];
  start: number;
  end: number;
  out?: Int32Array[];
}

/**
 * The smallest reader: stored value of channel c at sample i is 1000 * c + i, so every expected value
 * below follows from that rule and the channel's gain and baseline. It records each readStored call.
 */
class FakeRecording extends Recording {
  readonly info: RecordingInfo;
  readonly calls: Call[] = [];
  /** 'float' stores Float64Array values (as text and float NPY do) and ignores `out`. */
  storedType: 'int' | 'float' = 'int';
  /** Reads that start at or after this sample reject. */
  failFrom = Infinity;

  constructor(channels: (Partial<ChannelInfo> & { name: string; fs: number; samples: number })[]) {
    super();
    this.info = {
      path: '/data/fake.rec',
      format: 'npy',
      duration: 0,
      channels: channels.map((c) => ({ unit: '', gain: 1, baseline: 0, storage: 'int32', ...c })),
      annotations: [],
      comments: [],
    };
  }

  protected async readStored(channels: number[], start: number, end: number, out?: Int32Array[]): Promise<StoredBlock[]> {
    this.calls.push({ channels: channels.slice(), start, end, ...(out ? { out } : {}) });
    if (start >= this.failFrom) throw new Error(`read at ${start} failed`);
    return channels.map((c, k) => {
      const a = this.storedType === 'float' ? new Float64Array(end - start) : out?.[k] ?? new Int32Array(end - start);
      for (let i = 0; i < a.length; i++) a[i] = 1000 * c + start + i;
      return a;
    });
  }

  async close(): Promise<void> {}
}

/** Five channels: two spellings of one name, a second rate, an EDF+ annotation signal and a numeric name. */
const mixed = (): FakeRecording => new FakeRecording([
  { name: 'ECG', fs: 250, samples: 1000, gain: 200, baseline: 0 },
  { name: 'ecg', fs: 250, samples: 900 },
  { name: 'PPG', fs: 100, samples: 400, gain: 2, baseline: 10 },
  { name: 'EDF Annotations', fs: 250, samples: 1000, annotation: true },
  { name: '7', fs: 250, samples: 1000 },
]);

/** Two channels at 4 Hz of different lengths, for streaming. */
const pair = (): FakeRecording => new FakeRecording([{ name: 'A', fs: 4, samples: 10 }, { name: 'B', fs: 4, samples: 12 }]);

test('channelIndex resolves indices, exact names, then case-insensitive names, then digit strings as indices', () => {
  const rec = mixed();
  const cases: [number | string, number][] = [
    [0, 0], [4, 4], ['ECG', 0], ['ecg', 1], ['Ecg', 0], ['ppg', 2], ['edf annotations', 3],
    // A channel named '7' wins over index 7; '2' names no channel, so it is index 2.
    ['7', 4], ['2', 2],
  ];
  for (const [ref, want] of cases) assert.equal(rec.channelIndex(ref), want, String(ref));
});

test('channelIndex refuses unknown channels with a RangeError naming the file and what exists', () => {
  const rec = mixed();
  const cases: [number | string, RegExp][] = [
    [-1, /^\/data\/fake\.rec: channel -1 out of range \(0\.\.4\)$/],
    [5, /channel 5 out of range \(0\.\.4\)/],
    [1.5, /channel 1\.5 out of range/],
    [NaN, /channel NaN out of range/],
    ['9', /channel 9 out of range \(0\.\.4\)/],
    ['resp', /^\/data\/fake\.rec: no channel named 'resp' \(have: ECG, ecg, PPG, EDF Annotations, 7\)$/],
  ];
  for (const [ref, re] of cases) assert.throws(() => rec.channelIndex(ref), (e: unknown) => e instanceof RangeError && re.test(e.message), String(ref));
});

test('signalChannels lists every channel but annotation signals', () => {
  assert.deepEqual(mixed().signalChannels(), [0, 1, 2, 4]);
  assert.deepEqual(pair().signalChannels(), [0, 1]);
});

test('read returns physical values (stored - baseline) / gain as Float64Array by default', async () => {
  const rec = mixed();
  const [ecg] = await rec.read('ECG', 10, 13);
  assert.ok(ecg instanceof Float64Array);
  assert.deepEqual(Array.from(ecg), [0.05, 0.055, 0.06]); // 10/200, 11/200, 12/200
  const [ppg] = await rec.read(2, 0, 3);
  assert.deepEqual(Array.from(ppg!), [995, 995.5, 996]); // (2000 - 10) / 2, ...
  const [plain] = await rec.read('ecg', 0, 2);
  assert.deepEqual(Array.from(plain!), [1000, 1001]);
  assert.deepEqual(rec.calls.map((c) => [c.channels, c.start, c.end]), [[[0], 10, 13], [[2], 0, 3], [[1], 0, 2]]);
});

test("read with dtype 'float32' rounds the physical values to Float32Array", async () => {
  const rec = new FakeRecording([{ name: 'x', fs: 1, samples: 3, gain: 3, baseline: 0 }]);
  const [x] = await rec.read(0, 1, 3, { dtype: 'float32' });
  assert.ok(x instanceof Float32Array);
  assert.deepEqual(Array.from(x), [Math.fround(1 / 3), Math.fround(2 / 3)]);
});

test('read with raw returns the stored values of several same-rate channels in the order asked', async () => {
  const rec = mixed();
  const [a, b] = await rec.read(['7', 'ECG'], 998, 1000, { raw: true });
  assert.ok(a instanceof Int32Array && b instanceof Int32Array);
  assert.deepEqual([Array.from(a), Array.from(b)], [[4998, 4999], [998, 999]]);
});

test('read of an empty range gives empty arrays', async () => {
  const [x] = await mixed().read(0, 5, 5);
  assert.ok(x instanceof Float64Array);
  assert.equal(x.length, 0);
});

test('read refuses bad ranges, annotation signals and mixed rates with a RangeError naming the file, before reading', async () => {
  const rec = mixed();
  const cases: [string, () => Promise<unknown>, RegExp][] = [
    ['a negative start', () => rec.read(0, -1, 5), /^\/data\/fake\.rec: sample range \[-1, 5\) outside \[0, 1000\)$/],
    ['end before start', () => rec.read(0, 5, 4), /sample range \[5, 4\) outside \[0, 1000\)/],
    ['end past the last sample', () => rec.read(0, 0, 1001), /sample range \[0, 1001\) outside \[0, 1000\)/],
    ['a fractional start', () => rec.read(0, 0.5, 2), /sample range \[0\.5, 2\)/],
    // The shortest channel bounds a read of several.
    ['end past the shorter channel', () => rec.read([0, 1], 0, 901), /sample range \[0, 901\) outside \[0, 900\)/],
    ['an annotation signal', () => rec.read([0, 'EDF Annotations'], 0, 1), /\/data\/fake\.rec: channel 3 is an annotation signal/],
    ['channels of two rates', () => rec.read(['ECG', 'PPG'], 0, 10), /channels 0, 2 have different sampling rates; read them one at a time or with unit 'seconds'/],
    ['an unknown channel', () => rec.read('resp', 0, 1), /no channel named 'resp'/],
  ];
  for (const [what, run, re] of cases) {
    await assert.rejects(run(), (e: unknown) => e instanceof RangeError && re.test(e.message), what);
  }
  assert.equal(rec.calls.length, 0);
});

test("read with unit 'seconds' reads each channel from ceil(start * fs) to ceil(end * fs) at its own rate", async () => {
  const rec = mixed();
  // 250 Hz: samples 3 (ceil 2.5) to 25; 100 Hz: samples 1 to 10.
  const [ecg, ppg] = await rec.read(['ECG', 'PPG'], 0.01, 0.1, { unit: 'seconds', raw: true });
  assert.deepEqual(Array.from(ecg!), Array.from({ length: 22 }, (_, i) => 3 + i));
  assert.deepEqual(Array.from(ppg!), [2001, 2002, 2003, 2004, 2005, 2006, 2007, 2008, 2009]);
  // 0.07 * 100 is 7.000000000000001 in floating point; 0.07 s at 100 Hz is still 7 samples, not 8.
  const [seven] = await rec.read('PPG', 0, 0.07, { unit: 'seconds', raw: true });
  assert.equal(seven!.length, 7);
  await assert.rejects(rec.read('PPG', 0, 4.01, { unit: 'seconds' }), /sample range \[0, 401\) outside \[0, 400\)/);
});

test('read takes the readPhysical fast path when a reader offers it, and readStored when it declines', async () => {
  class Fast extends FakeRecording {
    accept = true;
    seen: PhysicalBlock[][] = [];
    protected override async readPhysical(_channels: number[], _start: number, _end: number, out: PhysicalBlock[]): Promise<boolean> {
      this.seen.push(out);
      if (!this.accept) return false;
      for (const o of out) o.fill(-7);
      return true;
    }
  }
  const rec = new Fast([{ name: 'x', fs: 10, samples: 20, gain: 2, baseline: 0 }]);
  const mine = new Float64Array(3);
  const [x] = await rec.read(0, 4, 7, { out: [mine] });
  assert.equal(x, mine);
  assert.deepEqual(Array.from(mine), [-7, -7, -7]);
  assert.equal(rec.seen[0]![0], mine, 'the caller-owned array is offered to the fast path');
  assert.equal(rec.calls.length, 0);
  rec.accept = false;
  const [y] = await rec.read(0, 4, 7, { dtype: 'float32' });
  assert.deepEqual(Array.from(y!), [2, 2.5, 3]);
  assert.equal(rec.calls.length, 1);
  // Raw reads never go through the physical fast path.
  await rec.read(0, 0, 1, { raw: true });
  assert.equal(rec.seen.length, 2);
});

test('read with raw and Int32Array out arrays hands them to readStored and returns them', async () => {
  const rec = pair();
  const a = new Int32Array(3), b = new Int32Array(3);
  const got = await rec.read([1, 0], 2, 5, { raw: true, out: [a, b] });
  assert.equal(got[0], a);
  assert.equal(got[1], b);
  assert.deepEqual(rec.calls[0]!.out, [a, b]);
  assert.deepEqual([Array.from(a), Array.from(b)], [[1002, 1003, 1004], [2, 3, 4]]);
});

test('read with raw copies float stored values into Float64Array out arrays, and refuses Int32Array ones after the read', async () => {
  const rec = pair();
  rec.storedType = 'float';
  const mine = new Float64Array(2);
  const [x] = await rec.read(0, 3, 5, { raw: true, out: [mine] });
  assert.equal(x, mine);
  assert.deepEqual(Array.from(mine), [3, 4]);
  await assert.rejects(rec.read(1, 0, 2, { raw: true, out: [new Int32Array(2)] }),
    (e: unknown) => e instanceof TypeError && /^\/data\/fake\.rec: channel 1 reads raw as Float64Array, out\[0\] is a Int32Array$/.test(e.message));
});

test('read of no channels gives no arrays, whatever the unit', async () => {
  const rec = pair();
  assert.deepEqual(await rec.read([], 0, 1, { unit: 'seconds' }), []);
  assert.deepEqual(await rec.read([], 0, 1), []);
});

async function collect(rec: Recording, opts: ChunkOptions): Promise<Chunk[]> {
  const out: Chunk[] = [];
  for await (const c of rec.chunks(opts)) out.push(c);
  return out;
}

/** start, overlap, last and the values of the first channel of each chunk. */
const shape = (chunks: Chunk[]): [number, number, boolean, number[]][] => chunks.map((c) => [c.start, c.overlap, c.last, Array.from(c.data[0]!)]);

const CHUNKINGS: { name: string; opts: ChunkOptions; want: [number, number, boolean, number[]][] }[] = [
  {
    name: 'samples with overlap repeat the tail of the previous chunk',
    opts: { samples: 4, overlap: 1, raw: true },
    want: [[0, 0, false, [0, 1, 2, 3]], [3, 1, false, [3, 4, 5, 6, 7]], [7, 1, true, [7, 8, 9]]],
  },
  {
    name: 'seconds are rounded to samples at the channels\' rate',
    opts: { seconds: 1, raw: true }, // 4 samples at 4 Hz
    want: [[0, 0, false, [0, 1, 2, 3]], [4, 0, false, [4, 5, 6, 7]], [8, 0, true, [8, 9]]],
  },
  {
    name: 'samples take precedence over seconds',
    opts: { seconds: 100, samples: 6, raw: true },
    want: [[0, 0, false, [0, 1, 2, 3, 4, 5]], [6, 0, true, [6, 7, 8, 9]]],
  },
  {
    name: 'a chunk shorter than one sample is one sample',
    opts: { seconds: 0.1, raw: true, channels: ['A'] },
    want: Array.from({ length: 10 }, (_, i) => [i, 0, i === 9, [i]] as [number, number, boolean, number[]]),
  },
  {
    name: 'the default 60 s covers this short recording in one chunk, ending at the shorter channel',
    opts: { raw: true },
    want: [[0, 0, true, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]]],
  },
];

for (const c of CHUNKINGS) {
  test(`chunks: ${c.name}`, async () => {
    assert.deepEqual(shape(await collect(pair(), c.opts)), c.want);
  });
}

test('chunks stream the channels asked for, in that order, in physical units and the precision asked', async () => {
  const rec = new FakeRecording([{ name: 'A', fs: 4, samples: 5, gain: 4, baseline: 0 }, { name: 'B', fs: 4, samples: 5 }]);
  const chunks = await collect(rec, { samples: 3, channels: ['b', 0], dtype: 'float32' });
  assert.equal(chunks.length, 2);
  for (const c of chunks) assert.ok(c.data.every((d) => d instanceof Float32Array));
  assert.deepEqual(chunks.map((c) => c.data.map((d) => Array.from(d))), [
    [[1000, 1001, 1002], [0, 0.25, 0.5]],
    [[1003, 1004], [0.75, 1]],
  ]);
});

test('chunks of no channels, or of empty channels, yield nothing and read nothing', async () => {
  const rec = pair();
  assert.deepEqual(await collect(rec, { channels: [] }), []);
  const empty = new FakeRecording([{ name: 'x', fs: 10, samples: 0 }]);
  assert.deepEqual(await collect(empty, {}), []);
  assert.equal(rec.calls.length + empty.calls.length, 0);
});

test('chunks refuse bad sizes, overlaps and mixed rates with a RangeError', async () => {
  const cases: [string, () => FakeRecording, ChunkOptions, RegExp][] = [
    ['zero samples', pair, { samples: 0 }, /^chunk size must be a positive integer, got 0$/],
    ['negative samples', pair, { samples: -3 }, /chunk size must be a positive integer, got -3/],
    ['fractional samples', pair, { samples: 2.5 }, /chunk size must be a positive integer, got 2\.5/],
    ['overlap equal to the size', pair, { samples: 4, overlap: 4 }, /^overlap must be an integer in \[0, 4\), got 4$/],
    ['negative overlap', pair, { samples: 4, overlap: -1 }, /overlap must be an integer in \[0, 4\), got -1/],
    ['fractional overlap', pair, { samples: 4, overlap: 0.5 }, /got 0\.5/],
    // By default every signal channel is streamed: here they run at 250 and 100 Hz.
    ['mixed rates', mixed, {}, /^\/data\/fake\.rec: chunked channels must share a sampling rate/],
    ['an unknown channel', pair, { channels: ['C'] }, /no channel named 'C'/],
  ];
  for (const [what, make, opts, re] of cases) {
    const rec = make();
    await assert.rejects(collect(rec, opts), (e: unknown) => e instanceof RangeError && re.test(e.message), what);
    assert.equal(rec.calls.length, 0, what);
  }
});

test('chunks read at most one chunk ahead of the consumer, and each chunk once', async () => {
  const rec = new FakeRecording([{ name: 'x', fs: 1, samples: 100 }]);
  let k = 0;
  for await (const c of rec.chunks({ samples: 10, raw: true })) {
    assert.equal(c.start, 10 * k);
    assert.ok(rec.calls.length >= k + 1 && rec.calls.length <= k + 2, `chunk ${k}: ${rec.calls.length} reads`);
    k++;
  }
  assert.equal(k, 10);
  assert.deepEqual(rec.calls.map((c) => c.start), [0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
});

test('chunks pass a failed read on at its chunk, after the chunks before it', async () => {
  const rec = new FakeRecording([{ name: 'x', fs: 1, samples: 100 }]);
  rec.failFrom = 30;
  const starts: number[] = [];
  await assert.rejects(async () => {
    for await (const c of rec.chunks({ samples: 10 })) starts.push(c.start);
  }, /read at 30 failed/);
  assert.deepEqual(starts, [0, 10, 20]);
});

test('a stream left early leaves no unhandled rejection behind from its failed read-ahead', async () => {
  const rec = new FakeRecording([{ name: 'x', fs: 1, samples: 100 }]);
  rec.failFrom = 10;
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown): void => { unhandled.push(e); };
  process.on('unhandledRejection', onUnhandled);
  try {
    for await (const c of rec.chunks({ samples: 10 })) {
      assert.equal(c.start, 0);
      break;
    }
    // Unhandled rejections are reported after the microtask queue drains; let a few turns pass.
    for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
  assert.equal(rec.calls.length, 2, 'the second chunk was read ahead');
  assert.deepEqual(unhandled, []);
});

const PHYSICAL: { name: string; stored: StoredBlock; gain: number; baseline: number; dtype: 'float64' | 'float32'; want: number[] }[] = [
  { name: 'WFDB-style gain and baseline', stored: Int32Array.of(1024, 1224, 824, 1025), gain: 200, baseline: 1024, dtype: 'float64', want: [0, 1, -1, 0.005] },
  { name: 'a negative baseline', stored: Int32Array.of(-5, 0, 5), gain: 10, baseline: -5, dtype: 'float64', want: [0, 0.5, 1] },
  { name: 'gain 1 and baseline 0 as a plain copy', stored: Float64Array.of(0.1, -2, NaN), gain: 1, baseline: 0, dtype: 'float64', want: [0.1, -2, NaN] },
  { name: 'float32 rounding of each value', stored: Int32Array.of(1, 2), gain: 3, baseline: 0, dtype: 'float32', want: [0.3333333432674408, 0.6666666865348816] },
  { name: 'float32 rounding of a plain copy', stored: Float64Array.of(0.1), gain: 1, baseline: 0, dtype: 'float32', want: [0.10000000149011612] },
];

for (const p of PHYSICAL) {
  test(`toPhysical computes (stored - baseline) / gain: ${p.name}`, () => {
    const ch: ChannelInfo = { name: 'x', unit: '', fs: 1, samples: p.stored.length, gain: p.gain, baseline: p.baseline, storage: 'x' };
    const got = toPhysical(p.stored, ch, p.dtype);
    assert.equal(got.constructor, p.dtype === 'float32' ? Float32Array : Float64Array);
    assert.notEqual(got, p.stored as unknown);
    assert.deepEqual(Array.from(got), p.want);
  });
}

test('toPhysical writes into the out array it is given and returns it', () => {
  const ch: ChannelInfo = { name: 'x', unit: '', fs: 1, samples: 2, gain: 2, baseline: 1, storage: 'x' };
  const out = new Float32Array(2);
  assert.equal(toPhysical(Int32Array.of(3, 6), ch, 'float64', out), out);
  assert.deepEqual(Array.from(out), [1, 2.5]);
  const copyOut = new Float64Array(2);
  assert.equal(toPhysical(Int32Array.of(-4, 9), { ...ch, gain: 1, baseline: 0 }, 'float64', copyOut), copyOut);
  assert.deepEqual(Array.from(copyOut), [-4, 9]);
});

test('unfilled returns an array of the type and length asked with a buffer of its own', () => {
  for (const n of [0, 1, 3, 1000]) {
    const made: [Float64Array | Float32Array | Int32Array, { BYTES_PER_ELEMENT: number }][] = [
      [unfilled(Float64Array, n), Float64Array], [unfilled(Float32Array, n), Float32Array], [unfilled(Int32Array, n), Int32Array],
    ];
    for (const [a, type] of made) {
      assert.equal(a.constructor, type);
      assert.equal(a.length, n);
      // Node's small-buffer pool would hand out views into one shared ArrayBuffer; outputs must not alias.
      assert.equal(a.byteOffset, 0);
      assert.equal(a.buffer.byteLength, n * type.BYTES_PER_ELEMENT);
    }
  }
  const a = unfilled(Int32Array, 4), b = unfilled(Int32Array, 4);
  a.fill(1);
  b.fill(2);
  assert.deepEqual(Array.from(a), [1, 1, 1, 1]);
});
