import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError } from '../../src/io/errors.js';
import { PositionalFile } from '../../src/io/file.js';
import { FlacStream, type FlacStreamOptions } from '../../src/io/flac-stream.js';
import { FLAC_CASES, flacCase } from '../helpers/flac-golden.js';

const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-flacstream-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function withStream<T>(path: string, opts: FlacStreamOptions, fn: (s: FlacStream) => Promise<T>): Promise<T> {
  const s = new FlacStream(new PositionalFile(path), opts);
  try {
    await s.open();
    return await fn(s);
  } finally {
    await s.file.close();
  }
}

/** Seeded ranges [a, b) within n samples. */
function ranges(n: number, count: number, seed: number): [number, number][] {
  let x = seed;
  const next = (): number => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
  return Array.from({ length: count }, () => {
    const a = Math.floor(next() * n), b = Math.min(n, a + Math.floor(next() * 3000));
    return [a, b];
  });
}

// Bisecting from 64 samples away makes small files take the path long files take.
const MODES: [string, FlacStreamOptions][] = [['defaults', {}], ['bisecting from 64 samples away, index every 256', { bisectSamples: 64, indexStride: 256 }]];

for (const name of FLAC_CASES) {
  for (const [mode, opts] of MODES) {
    test(`FlacStream.read of seeded random ranges equals slices of the input, ${mode}: ${name}`, async () => {
      const c = flacCase(name);
      await withStream(c.path, opts, async (s) => {
        assert.equal(s.info.totalSamples, c.totalSamples);
        for (const [a, b] of [[0, c.totalSamples], [c.totalSamples, c.totalSamples], ...ranges(c.totalSamples, 40, 7)] as [number, number][]) {
          const outs = Array.from({ length: c.channels }, () => new Int32Array(b - a));
          await s.read(a, b, outs);
          outs.forEach((o, ch) => assert.deepEqual(o, c.samples[ch]!.subarray(a, b), `[${a}, ${b}) channel ${ch}`));
        }
      });
    });
  }
}

test('FlacStream.read finds frames by bisection in a stream without a seek table', async () => {
  const c = flacCase('mono16_block192_l0');
  // The SEEKTABLE block (type 3) turned into PADDING (type 1): the same frames, no seek points.
  const bytes = c.bytes.slice();
  let pos = 4;
  for (;;) {
    const last = bytes[pos]! & 0x80, len = (bytes[pos + 1]! << 16) | (bytes[pos + 2]! << 8) | bytes[pos + 3]!;
    if ((bytes[pos]! & 0x7f) === 3) bytes[pos] = last | 1;
    if (last) break;
    pos += 4 + len;
  }
  const path = variant('no-seektable.flac', bytes);
  for (const [, opts] of MODES) {
    await withStream(path, opts, async (s) => {
      assert.equal(s.meta.seekPoints.length, 0);
      for (const [a, b] of ranges(c.totalSamples, 60, 11)) {
        const out = [new Int32Array(b - a)];
        await s.read(a, b, out);
        assert.deepEqual(out[0], c.samples[0]!.subarray(a, b), `[${a}, ${b})`);
      }
    });
  }
});

test('FlacStream.read in consecutive chunks that cut frames gives the whole stream', async () => {
  const c = flacCase('mono16_block192_l0');
  await withStream(c.path, {}, async (s) => {
    const got = new Int32Array(c.totalSamples);
    for (let a = 0; a < c.totalSamples; a += 1000) {
      const b = Math.min(c.totalSamples, a + 1000);
      const out = [new Int32Array(b - a)];
      await s.read(a, b, out);
      got.set(out[0]!, a);
    }
    assert.deepEqual(got, c.samples[0]);
  });
});

test('FlacStream.read of some channels fills only theirs, and a later read of others decodes them', async () => {
  for (const name of ['ch3_16bit_l5', 'stereo16_decorrelation_l8']) {
    const c = flacCase(name);
    await withStream(c.path, {}, async (s) => {
      const n = c.totalSamples;
      const sets = [[true, false, false], [false, true, true], [true, true, true], [false, false, true]].map((w) => w.slice(0, c.channels));
      for (const [k, wanted] of sets.entries()) {
        const a = (k * 997) % n, b = Math.min(n, a + 1500);
        const outs = Array.from({ length: c.channels }, () => new Int32Array(b - a).fill(7));
        await s.read(a, b, outs, wanted);
        outs.forEach((o, ch) => assert.deepEqual(o, wanted[ch] ? c.samples[ch]!.subarray(a, b) : new Int32Array(b - a).fill(7), `${name} [${a}, ${b}) channel ${ch}`));
      }
    });
  }
});

test('FlacStream refuses a range outside the stream', async () => {
  const c = flacCase('mono8_l5');
  await withStream(c.path, {}, async (s) => {
    await assert.rejects(s.read(0, c.totalSamples + 1, [new Int32Array(c.totalSamples + 1)]), RangeError);
  });
});

function variant(name: string, bytes: Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

test('FlacStream.open refuses a file that is not FLAC, or a stream that does not state its length, naming the file', async () => {
  const c = flacCase('mono16_ecg360_l5');
  const notFlac = variant('not.flac', new TextEncoder().encode('0,1\n2,3\n'));
  await assert.rejects(withStream(notFlac, {}, async () => undefined), (e: unknown) => e instanceof FormatError && e.message.includes(notFlac) && /a FLAC stream/.test(e.message));
  const unknown = c.bytes.slice();
  // STREAMINFO starts at byte 8; its total sample count is the low 36 bits of bytes 21-25.
  unknown[8 + 13] = unknown[8 + 13]! & 0xf0;
  unknown.fill(0, 8 + 14, 8 + 18);
  const path = variant('unknown-length.flac', unknown);
  await assert.rejects(withStream(path, {}, async () => undefined), (e: unknown) => e instanceof FormatError && /states its length/.test(e.message));
  const cut = variant('cut.flac', c.bytes.subarray(0, 20));
  await assert.rejects(withStream(cut, {}, async () => undefined), (e: unknown) => e instanceof FormatError && /bytes of FLAC metadata/.test(e.message));
});

test('FlacStream.read reports a truncated or damaged frame as a FormatError at its byte, and reads the frames before it', async () => {
  const c = flacCase('mono16_block192_l0');
  const truncated = variant('truncated.flac', c.bytes.subarray(0, c.bytes.length - 500));
  await withStream(truncated, {}, async (s) => {
    const out = [new Int32Array(192)];
    await s.read(0, 192, out);
    assert.deepEqual(out[0], c.samples[0]!.subarray(0, 192));
    await assert.rejects(s.read(c.totalSamples - 10, c.totalSamples, [new Int32Array(10)]), (e: unknown) => e instanceof FormatError && e.message.includes(truncated) && /byte \d+/.test(e.message));
  });
  const damaged = c.bytes.slice();
  damaged[damaged.length - 300]! ^= 0x40;
  const path = variant('damaged.flac', damaged);
  await withStream(path, {}, async (s) => {
    await assert.rejects(s.read(0, c.totalSamples, [new Int32Array(c.totalSamples)]), (e: unknown) => e instanceof FormatError && /a valid FLAC frame/.test(e.message));
  });
});

test('FlacStream.read stops at a frame that runs into a long zero-filled tail, without reading the tail', async () => {
  const c = flacCase('mono16_ecg360_l5');
  // Cut inside the first frame, then 32 MB of zeros: Rice codes there never end.
  const path = variant('zero-tail.flac', Buffer.concat([c.bytes.subarray(0, 8322 + 3000), Buffer.alloc(32 << 20)]));
  await withStream(path, {}, async (s) => {
    await assert.rejects(s.read(0, 4096, [new Int32Array(4096)]), (e: unknown) => e instanceof FormatError && /no frame end within \d+ bytes/.test(e.message));
  });
});

test('fuzz: FLAC files with mutated bytes open and read, or fail with FormatError/RangeError only', async () => {
  const cases = ['mono16_block192_l0', 'stereo16_decorrelation_l8', 'stereo24_l8', 'mono16_special_subframes_l8'].map(flacCase);
  let x = 99;
  const next = (): number => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
  let read = 0, refused = 0;
  for (let k = 0; k < 200; k++) {
    const c = cases[k % cases.length]!;
    const bytes = c.bytes.slice();
    // Mostly in the first 300 bytes, where the metadata and the first frame headers are.
    const edits = 1 + Math.floor(next() * 4);
    for (let e = 0; e < edits; e++) {
      const at = next() < 0.5 ? Math.floor(next() * Math.min(300, bytes.length)) : Math.floor(next() * bytes.length);
      bytes[at] = next() < 0.5 ? bytes[at]! ^ (1 << Math.floor(next() * 8)) : Math.floor(next() * 256);
    }
    const path = variant(`fuzz${k % 8}.flac`, next() < 0.1 ? bytes.subarray(0, Math.floor(next() * bytes.length)) : bytes);
    try {
      await withStream(path, k % 2 ? { bisectSamples: 64, indexStride: 256 } : {}, async (s) => {
        const n = s.info.totalSamples;
        assert.ok(n <= 2 ** 36);
        const m = Math.min(n, 50000);
        const outs = Array.from({ length: s.info.channels }, () => new Int32Array(m));
        await s.read(0, m, outs);
        const a = Math.floor(m / 2);
        await s.read(a, m, outs.map((o) => o.subarray(0, m - a)));
      });
      read++;
    } catch (e) {
      if (!(e instanceof FormatError) && !(e instanceof RangeError)) throw new Error(`case ${k}: ${String(e)}`, { cause: e });
      refused++;
    }
  }
  assert.ok(read >= 5 && refused >= 50, `both outcomes occur (read ${read}, refused ${refused})`);
});
