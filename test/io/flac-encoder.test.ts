import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeFrame, parseFlacMetadata, type FlacMetadata } from '../../src/io/flac.js';
import { FLAC_BLOCK, FlacEncoder } from '../../src/io/flac-encoder.js';
import { seededRandom } from '../../src/signals/random.js';

const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-flacenc-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The whole stream: header, then every frame, pushed in uneven pieces. */
function encode(chans: Int32Array[], bps: 8 | 16 | 24, rate = 250, piece = 1000): Uint8Array {
  const enc = new FlacEncoder(chans.length, bps, rate);
  const n = chans[0]!.length, parts: Uint8Array[] = [];
  for (let a = 0, k = 0; a < n; k++) {
    const b = Math.min(n, a + piece + (k % 3) * 777);
    parts.push(enc.push(chans.map((c) => c.subarray(a, b)), b - a).slice());
    a = b;
  }
  parts.push(enc.finish());
  return Buffer.concat([enc.header(), ...parts]);
}

function decode(bytes: Uint8Array): { meta: FlacMetadata; chans: Int32Array[] } {
  const meta = parseFlacMetadata(bytes) as FlacMetadata;
  const { info } = meta;
  const out = Array.from({ length: info.channels }, () => new Int32Array(info.maxBlockSize));
  const chans = Array.from({ length: info.channels }, () => new Int32Array(info.totalSamples));
  for (let pos = meta.firstFrame, n = 0; pos < bytes.length;) {
    const f = decodeFrame(bytes, pos, info, out);
    assert.equal(f.header.sample, n);
    chans.forEach((c, k) => c.set(out[k]!.subarray(0, f.header.blockSize), n));
    n += f.header.blockSize;
    pos += f.bytes;
  }
  return { meta, chans };
}

/** MD5 of the samples as STREAMINFO defines it: interleaved, little-endian, bps / 8 bytes each. */
function md5(chans: Int32Array[], bps: number): string {
  const bytes = bps / 8, n = chans[0]!.length, buf = Buffer.alloc(n * chans.length * bytes);
  for (let i = 0, p = 0; i < n; i++) for (const c of chans) { buf.writeIntLE(c[i]!, p, bytes); p += bytes; }
  return createHash('md5').update(buf).digest('hex');
}

const rnd = seededRandom(17);
const walk = (n: number, lo: number, hi: number, step: number) => {
  let v = 0;
  return Int32Array.from({ length: n }, () => (v = Math.min(hi, Math.max(lo, v + Math.round((rnd() - 0.5) * step)))));
};
const noise = (n: number, bps: number) => Int32Array.from({ length: n }, () => Math.floor(rnd() * 2 ** bps) - 2 ** (bps - 1));

const CASES: { name: string; bps: 8 | 16 | 24; chans: Int32Array[] }[] = [
  { name: 'one 16-bit random walk over several frames', bps: 16, chans: [walk(3 * FLAC_BLOCK + 123, -32768, 32767, 200)] },
  { name: 'two 16-bit channels, one constant, one of full-scale noise (verbatim)', bps: 16, chans: [new Int32Array(5000).fill(-32768), noise(5000, 16)] },
  { name: '8-bit, the format 508 range', bps: 8, chans: [walk(9000, -128, 127, 20), noise(9000, 8)] },
  { name: '24-bit with both extremes', bps: 24, chans: [Int32Array.from(walk(7000, -8388608, 8388607, 4e5), (v, i) => (i === 10 ? -8388608 : i === 11 ? 8388607 : v))] },
  { name: 'eight channels', bps: 16, chans: Array.from({ length: 8 }, (_, k) => walk(4100, -3000, 3000, 10 * (k + 1))) },
  { name: 'a block exactly', bps: 16, chans: [walk(FLAC_BLOCK, -100, 100, 5)] },
  { name: 'a few samples only (fewer than a fixed predictor of order 4 needs)', bps: 16, chans: [Int32Array.of(5, -3, 7)] },
  { name: 'one sample', bps: 16, chans: [Int32Array.of(-2)] },
  { name: 'more than 127 frames (2-byte frame numbers)', bps: 16, chans: [walk(130 * FLAC_BLOCK + 5, -2000, 2000, 30)] },
];

for (const c of CASES) {
  test(`FlacEncoder output decodes to its input, with STREAMINFO of its length and MD5: ${c.name}`, () => {
    const bytes = encode(c.chans, c.bps);
    const { meta, chans } = decode(bytes);
    assert.deepEqual(chans, c.chans);
    const { info } = meta;
    assert.deepEqual([info.channels, info.bitsPerSample, info.totalSamples, info.sampleRate, info.maxBlockSize], [c.chans.length, c.bps, c.chans[0]!.length, 250, FLAC_BLOCK]);
    assert.equal(Buffer.from(bytes.subarray(8 + 18, 8 + 34)).toString('hex'), md5(c.chans, c.bps));
    assert.ok(info.maxFrameSize >= info.minFrameSize && info.minFrameSize > 0);
  });
}

test('FlacEncoder compresses an ECG-like signal to well under its 16-bit size', () => {
  const n = 60000;
  const x = Int32Array.from({ length: n }, (_, i) => Math.round(800 * Math.sin((2 * Math.PI * i) / 300) ** 15 + 60 * Math.sin(i / 50) + (rnd() - 0.5) * 8));
  assert.ok(encode([x], 16).length < 0.5 * 2 * n);
});

test('FlacEncoder output passes the reference decoder (flac -t) and decodes there to its input', { skip: spawnSync('flac', ['--version']).status === 0 ? false : 'the flac command-line tool is not installed' }, () => {
  for (const c of CASES) {
    const path = join(dir, 'x.flac');
    writeFileSync(path, encode(c.chans, c.bps));
    const t = spawnSync('flac', ['-t', '-s', path], { encoding: 'utf8' });
    assert.equal(t.status, 0, `${c.name}: ${t.stderr}`);
    const raw = join(dir, 'x.raw');
    const d = spawnSync('flac', ['-d', '-s', '-f', '--force-raw-format', '--endian=little', '--sign=signed', '-o', raw, path], { encoding: 'utf8' });
    assert.equal(d.status, 0, d.stderr);
    const b = readFileSync(raw), bytes = c.bps / 8, nc = c.chans.length;
    const got = c.chans.map((_, k) => Int32Array.from({ length: c.chans[0]!.length }, (_, i) => b.readIntLE((i * nc + k) * bytes, bytes)));
    assert.deepEqual(got, c.chans, c.name);
  }
});

test('FlacEncoder states the sample rate in every frame header (the streamable subset), by table or in the header\'s end', () => {
  const cases: [number, number][] = [[44100, 9], [8000, 4], [96000, 11], [250, 13], [360, 13], [65535, 13], [200000, 12], [500000, 14], [655350, 14], [1000003, 0]];
  for (const [rate, code] of cases) {
    const bytes = encode([walk(5000, -100, 100, 5)], 16, rate);
    const m = parseFlacMetadata(bytes) as FlacMetadata;
    assert.equal(bytes[m.firstFrame + 2]! & 15, code, String(rate));
    assert.equal(m.info.sampleRate, rate);
    assert.deepEqual(decode(bytes).chans[0]!.length, 5000);
  }
});

test('FlacEncoder refuses samples outside its bits, more than 8 channels and rates FLAC cannot state', () => {
  assert.throws(() => new FlacEncoder(1, 8, 250).push([Int32Array.of(128)], 1), /sample 128 of channel 0 is not a 8-bit integer/);
  assert.throws(() => new FlacEncoder(1, 16, 250).push([Float64Array.of(0.5)], 1), /not a 16-bit integer/);
  assert.throws(() => new FlacEncoder(9, 16, 250), /1 to 8 channels/);
  assert.throws(() => new FlacEncoder(1, 16, 0), /sample rate/);
  assert.throws(() => new FlacEncoder(1, 16, 2e6), /sample rate/);
});
