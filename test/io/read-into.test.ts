import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEdf } from '../../src/io/edf/record.js';
import { writeEdf } from '../../src/io/edf/writer.js';
import { MemoryRecording } from '../../src/io/memory.js';
import type { ChunkOptions, ReadOptions, Recording, SampleBlock } from '../../src/io/recording.js';
import { openWfdb } from '../../src/io/wfdb/record.js';
import { writeWfdb } from '../../src/io/wfdb/writer.js';
import { seededRandom as rng } from '../../src/signals/random.js';
import { needShared, shared } from '../helpers/shared.js';

const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-read-into-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A smooth signal with noise on top, so that stored values cover a range of codes. */
function signal(n: number, seed: number): Float64Array {
  const rand = rng(seed);
  return Float64Array.from({ length: n }, (_, i) => Math.sin(i / (20 + seed)) + 0.3 * Math.sin(i / 3) + 0.1 * (rand() - 0.5));
}

const SAMPLES = 70_001; // odd, and more than the 65,536 samples after which EDF switches to a lookup table
const memory = (channels: number): MemoryRecording =>
  new MemoryRecording({ data: Array.from({ length: channels }, (_, k) => signal(SAMPLES, k + 1)), fs: 250 });

/** Every reader and layout with its own decoding path: name, and how to open it. */
const READERS: { name: string; skip: false | string; open: () => Promise<Recording> }[] = [
  { name: 'WFDB 212, 2 signals (eight frames per step)', skip: false, open: () => openWfdb(join(dir, 'f212x2')) },
  { name: 'WFDB 212, 4 signals (pairs every 6 bytes)', skip: false, open: () => openWfdb(join(dir, 'f212x4')) },
  { name: 'WFDB 212, 3 signals (odd frames: flat path)', skip: false, open: () => openWfdb(join(dir, 'f212x3')) },
  { name: 'WFDB 16, 3 signals', skip: false, open: () => openWfdb(join(dir, 'f16x3')) },
  { name: 'WFDB 16, 200 samples per frame', skip: needShared('data/wfdb/test_generator_2.hea'), open: () => openWfdb(shared('data/wfdb/test_generator_2')) },
  { name: 'EDF 16-bit, 2 signals', skip: false, open: () => openEdf(join(dir, 'x2.edf')) },
  { name: 'BDF 24-bit, 2 signals', skip: false, open: () => openEdf(join(dir, 'x2.bdf')) },
  { name: 'memory, float64', skip: false, open: async () => memory(2) },
];

before(async () => {
  await writeWfdb(memory(2), join(dir, 'f212x2.hea'), { format: '212' });
  await writeWfdb(memory(4), join(dir, 'f212x4.hea'), { format: '212' });
  await writeWfdb(memory(3), join(dir, 'f212x3.hea'), { format: '212' });
  await writeWfdb(memory(3), join(dir, 'f16x3.hea'), { format: '16' });
  await writeEdf(memory(2), join(dir, 'x2.edf'));
  await writeEdf(memory(2), join(dir, 'x2.bdf'), { bdf: true });
});

async function withRec(open: () => Promise<Recording>, fn: (rec: Recording) => Promise<void>): Promise<void> {
  const rec = await open();
  try { await fn(rec); } finally { await rec.close(); }
}

/** Same values, same array type; NaN equal to NaN. */
function assertSameBlocks(got: SampleBlock[], want: SampleBlock[], what: string): void {
  assert.equal(got.length, want.length, what);
  got.forEach((g, k) => {
    assert.equal(g.constructor, want[k]!.constructor, `${what}, channel ${k}: array type`);
    assert.deepEqual(g, want[k], `${what}, channel ${k}`);
  });
}

const READ_OPTIONS = [{}, { dtype: 'float32' as const }, { raw: true }];

for (const r of READERS) {
  test(`read() into caller-owned out arrays gives what fresh arrays give: ${r.name}`, { skip: r.skip }, () =>
    withRec(r.open, async (rec) => {
      const chans = rec.signalChannels().filter((c) => rec.info.channels[c]!.fs === rec.info.channels[rec.signalChannels()[0]!]!.fs);
      const n = Math.min(...chans.map((c) => rec.info.channels[c]!.samples));
      for (const [a, b] of [[0, n], [1, Math.min(n, 4097)], [n - 9, n], [5, 5]] as const) {
        for (const opts of READ_OPTIONS) {
          const fresh = await rec.read(chans, a, b, opts);
          const out = fresh.map((f) => new (f.constructor as new (n: number) => SampleBlock)(f.length).fill(-7));
          const got = await rec.read(chans, a, b, { ...opts, out });
          got.forEach((g, k) => assert.equal(g, out[k], 'returns the caller\'s arrays'));
          assertSameBlocks(got, fresh, `[${a}, ${b}) ${JSON.stringify(opts)}`);
        }
      }
    }));

  test(`chunks({ reuse: true }) yields the chunks of chunks() in two sets of arrays: ${r.name}`, { skip: r.skip }, () =>
    withRec(r.open, async (rec) => {
      const first = rec.signalChannels()[0]!;
      const chans = rec.signalChannels().filter((c) => rec.info.channels[c]!.fs === rec.info.channels[first]!.fs);
      const n = Math.min(...chans.map((c) => rec.info.channels[c]!.samples));
      const cases: ChunkOptions[] = [
        { samples: Math.ceil(n / 7) },
        { samples: 5000, overlap: 13, dtype: 'float32' },
        { samples: 4096, raw: true },
        { samples: n + 10 },
      ];
      for (const opts of cases) {
        const want: SampleBlock[][] = [];
        for await (const c of rec.chunks({ ...opts, channels: chans })) want.push(c.data);
        const buffers = new Set<ArrayBufferLike>();
        let i = 0;
        for await (const c of rec.chunks({ ...opts, channels: chans, reuse: true })) {
          assertSameBlocks(c.data, want[i]!, `chunk ${i} of ${JSON.stringify(opts)}`);
          // Raw float values (memory, text) come in fresh arrays: reuse holds Int32 arrays only.
          if (!opts.raw || c.data[0] instanceof Int32Array) c.data.forEach((d) => buffers.add(d.buffer));
          i++;
        }
        assert.equal(i, want.length, 'as many chunks');
        if (want.length > 1 && buffers.size > 0) assert.equal(buffers.size, 2 * chans.length, `${JSON.stringify(opts)}: two arrays per channel`);
      }
    }));
}

test('chunks({ reuse: true }) reassembles to the one-shot read, overlap dropped', () =>
  withRec(READERS[0]!.open, async (rec) => {
    const full = await rec.read([0, 1], 0, SAMPLES);
    const joined = [new Float64Array(SAMPLES), new Float64Array(SAMPLES)];
    let next = 0;
    for await (const c of rec.chunks({ samples: 9000, overlap: 250, reuse: true })) {
      assert.equal(c.start + c.overlap, next);
      c.data.forEach((d, k) => joined[k]!.set(d.subarray(c.overlap), next));
      next += c.data[0]!.length - c.overlap;
    }
    assert.equal(next, SAMPLES);
    assertSameBlocks(joined, full, 'joined chunks');
  }));

test('out arrays of the wrong count, length or type are refused with a RangeError or TypeError', () =>
  withRec(READERS[0]!.open, async (rec) => {
    const f64 = (n: number) => new Float64Array(n);
    const cases: { name: string; opts: ReadOptions; error: RegExp; type: typeof RangeError | typeof TypeError }[] = [
      { name: 'one array for two channels', opts: { out: [f64(10)] }, error: /out has 1 arrays for 2 channels/, type: RangeError },
      { name: 'three arrays for two channels', opts: { out: [f64(10), f64(10), f64(10)] }, error: /out has 3 arrays for 2 channels/, type: RangeError },
      { name: 'too short', opts: { out: [f64(10), f64(9)] }, error: /out\[1\] holds 9 values, the read needs exactly 10/, type: RangeError },
      { name: 'too long', opts: { out: [f64(11), f64(10)] }, error: /out\[0\] holds 11 values, the read needs exactly 10/, type: RangeError },
      { name: 'float32 for float64', opts: { out: [new Float32Array(10), f64(10)] }, error: /out\[0\] must be a Float64Array \(dtype 'float64'\), got Float32Array/, type: TypeError },
      { name: 'float64 for float32', opts: { dtype: 'float32', out: [new Float32Array(10), f64(10)] }, error: /out\[1\] must be a Float32Array/, type: TypeError },
      { name: 'int16 for raw', opts: { raw: true, out: [new Int16Array(10) as unknown as Int32Array, new Int32Array(10)] }, error: /out\[0\] must be an Int32Array or Float64Array \(raw\)/, type: TypeError },
      { name: 'float64 where the raw values are int32', opts: { raw: true, out: [f64(10), f64(10)] }, error: /reads raw as Int32Array, out\[0\] is a Float64Array/, type: TypeError },
    ];
    for (const c of cases) {
      await assert.rejects(rec.read([0, 1], 100, 110, c.opts), (e: Error) => e instanceof c.type && c.error.test(e.message), c.name);
    }
  }));

test('out with unit seconds takes one array per channel at its own rate', { skip: needShared('data/edf/test_generator.bdf') }, () =>
  withRec(() => openEdf(shared('data/edf/test_generator.bdf')), async (rec) => {
    const chans = [0, 2]; // 1000 Hz and 500 Hz
    const fresh = await rec.read(chans, 2.5, 7, { unit: 'seconds' });
    assert.notEqual(fresh[0]!.length, fresh[1]!.length);
    const out = fresh.map((f) => new Float64Array(f.length));
    const got = await rec.read(chans, 2.5, 7, { unit: 'seconds', out });
    assert.equal(got[1], out[1]);
    assertSameBlocks(got, fresh, 'seconds');
    await assert.rejects(rec.read(chans, 2.5, 7, { unit: 'seconds', out: [out[0]!, new Float64Array(out[0]!.length)] }), /out\[1\] holds \d+ values/);
  }));

test('EDF physical values stay (stored - baseline) / gain after the 16-bit lookup table takes over', () =>
  withRec(() => openEdf(join(dir, 'x2.edf')), async (rec) => {
    let start = 0;
    for await (const c of rec.chunks({ samples: 3000, reuse: true })) {
      const raw = (await rec.read([0, 1], c.start, c.start + c.data[0]!.length, { raw: true })) as Int32Array[];
      c.data.forEach((d, k) => {
        const { gain, baseline } = rec.info.channels[k]!;
        for (let i = 0; i < d.length; i++) if (d[i] !== (raw[k]![i]! - baseline) / gain) assert.fail(`channel ${k}, sample ${c.start + i}`);
      });
      start = c.start;
    }
    assert.ok(start > 65536, 'the stream ran past the table threshold');
  }));

for (const r of [READERS[0]!, READERS[3]!, READERS[5]!]) {
  test(`close() lets reads in flight finish, the read-ahead of a stream left early included: ${r.name}`, async () => {
    let rec = await r.open();
    const want = await rec.read([0, 1], 1000, 30000);
    await rec.close();
    rec = await r.open();
    const pending = rec.read([0, 1], 1000, 30000);
    const closing = rec.close();
    assertSameBlocks(await pending, want, 'read started before close');
    await closing;
    rec = await r.open();
    for await (const c of rec.chunks({ samples: 1000, reuse: true })) { assert.equal(c.start, 0); break; }
    await rec.close();
  });
}
