import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrame, FlacTruncated, parseFlacMetadata, readFrameHeader, type FlacMetadata, type FlacStreamInfo } from '../../src/io/flac.js';
import { FLAC_CASES, flacCase } from '../helpers/flac-golden.js';

function metadata(bytes: Uint8Array): FlacMetadata {
  const m = parseFlacMetadata(bytes);
  if (!('info' in m)) throw new Error(`needs ${m.needed} bytes`);
  return m;
}

/** Every frame of a stream in order: the samples per channel and each frame's first sample. */
function decodeAll(bytes: Uint8Array, m: FlacMetadata): { samples: Int32Array[]; starts: number[] } {
  const { info } = m;
  const out = Array.from({ length: info.channels }, () => new Int32Array(info.maxBlockSize));
  const samples = Array.from({ length: info.channels }, () => new Int32Array(info.totalSamples));
  const starts: number[] = [];
  let pos = m.firstFrame, n = 0;
  while (pos < bytes.length) {
    const f = decodeFrame(bytes, pos, info, out);
    starts.push(f.header.sample);
    for (let c = 0; c < info.channels; c++) samples[c]!.set(out[c]!.subarray(0, f.header.blockSize), n);
    n += f.header.blockSize;
    pos += f.bytes;
  }
  return { samples, starts };
}

for (const name of FLAC_CASES) {
  test(`decodeFrame gives back the reference encoder's input exactly: ${name}`, () => {
    const c = flacCase(name);
    const m = metadata(c.bytes);
    assert.deepEqual([m.info.channels, m.info.bitsPerSample, m.info.totalSamples, m.info.maxBlockSize], [c.channels, c.bitsPerSample, c.totalSamples, c.maxBlockSize]);
    assert.equal(m.seekPoints.length, c.seekPoints);
    const { samples, starts } = decodeAll(c.bytes, m);
    assert.deepEqual(samples, c.samples);
    // Frame numbers (fixed block size) become sample numbers.
    assert.deepEqual(starts, starts.map((_, k) => k * m.info.maxBlockSize));
  });
}

test('parseFlacMetadata asks for more bytes until the last metadata block ends, and refuses what is not FLAC', () => {
  const c = flacCase('mono16_ecg360_l5');
  const m = metadata(c.bytes);
  let got = parseFlacMetadata(c.bytes.subarray(0, 10));
  assert.ok('needed' in got && got.needed > 10);
  got = parseFlacMetadata(c.bytes.subarray(0, m.firstFrame - 1));
  assert.deepEqual(got, { needed: m.firstFrame });
  assert.throws(() => parseFlacMetadata(new TextEncoder().encode('RIFF....WAVE')), /no 'fLaC' marker/);
});

test('readFrameHeader finds no frame where the sync code is missing or the CRC-8 fails', () => {
  const c = flacCase('mono16_block192_l0');
  const m = metadata(c.bytes);
  const h = readFrameHeader(c.bytes, m.firstFrame, m.info);
  assert.deepEqual(h && [h.sample, h.blockSize, h.channels, h.bitsPerSample], [0, 192, 1, 16]);
  assert.equal(readFrameHeader(c.bytes, m.firstFrame + 1, m.info), undefined);
  const bad = c.bytes.slice();
  bad[m.firstFrame + 3]! ^= 0x10; // channel assignment: the CRC-8 no longer matches
  assert.equal(readFrameHeader(bad, m.firstFrame, m.info), undefined);
});

test('decodeFrame reports a damaged frame by its CRC-16 and a cut one as truncated', () => {
  const c = flacCase('mono16_block192_l0');
  const m = metadata(c.bytes);
  const out = [new Int32Array(m.info.maxBlockSize)];
  const first = decodeFrame(c.bytes, m.firstFrame, m.info, out);
  const bad = c.bytes.slice();
  bad[m.firstFrame + Math.floor(first.bytes / 2)]! ^= 0x01;
  assert.throws(() => decodeFrame(bad, m.firstFrame, m.info, out), /CRC-16 mismatch|subframe|residual|reserved/);
  assert.throws(() => decodeFrame(c.bytes.subarray(0, m.firstFrame + first.bytes - 1), m.firstFrame, m.info, out), FlacTruncated);
  assert.throws(() => decodeFrame(c.bytes, m.firstFrame, m.info, [new Int32Array(100)]), /holds 192 samples/);
});

/** Bits written most significant first, for frames the reference encoder never makes. */
class BitWriter {
  bits: number[] = [];
  put(v: number, n: number): this {
    for (let k = n - 1; k >= 0; k--) this.bits.push(Math.floor(v / 2 ** k) % 2 === 0 ? 0 : 1);
    return this;
  }
  signed(v: number, n: number): this {
    return this.put(v < 0 ? v + 2 ** n : v, n);
  }
  rice(v: number, k: number): this {
    const u = v >= 0 ? 2 * v : -2 * v - 1;
    const q = Math.floor(u / 2 ** k);
    for (let i = 0; i < q; i++) this.bits.push(0);
    this.bits.push(1);
    return this.put(u % 2 ** k, k);
  }
  bytes(): number[] {
    while (this.bits.length % 8) this.bits.push(0);
    const out: number[] = [];
    for (let i = 0; i < this.bits.length; i += 8) out.push(this.bits.slice(i, i + 8).reduce((a, b) => a * 2 + b, 0));
    return out;
  }
}

function crc(bytes: number[], width: 8 | 16): number {
  const poly = width === 8 ? 0x07 : 0x8005, top = 1 << (width - 1), mask = (1 << width) - 1;
  let c = 0;
  for (const b of bytes) {
    c ^= b << (width - 8);
    for (let k = 0; k < 8; k++) c = c & top ? ((c << 1) ^ poly) & mask : (c << 1) & mask;
  }
  return c;
}

test('decodeFrame reads escaped residual partitions (raw bits, and zero bits for all-zero partitions)', () => {
  // A 16-sample mono frame, FIXED order 1, residual in 4 partitions: escaped at 5 bits, Rice k=2,
  // escaped at 0 bits (all zero), Rice k=0.
  const residuals = [-16, 15, 3, -7, 0, 1, -2, 9, 0, 0, 0, 0, 1, -1, 0, 2];
  const warmup = 1000;
  const header = [0xff, 0xf8, 0x60, 0x08, 0x00, 15];
  header.push(crc(header, 8));
  const w = new BitWriter().put(0, 1).put(8 + 1, 6).put(0, 1).signed(warmup, 16);
  w.put(0, 2).put(2, 4);
  w.put(15, 4).put(5, 5); for (const r of residuals.slice(1, 4)) w.signed(r, 5);
  w.put(2, 4); for (const r of residuals.slice(4, 8)) w.rice(r, 2);
  w.put(15, 4).put(0, 5);
  w.put(0, 4); for (const r of residuals.slice(12, 16)) w.rice(r, 0);
  const frame = [...header, ...w.bytes()];
  const c16 = crc(frame, 16);
  frame.push(c16 >> 8, c16 & 0xff);
  const info: FlacStreamInfo = { minBlockSize: 16, maxBlockSize: 16, minFrameSize: 0, maxFrameSize: 0, sampleRate: 250, channels: 1, bitsPerSample: 16, totalSamples: 16 };
  const out = [new Int32Array(16)];
  const f = decodeFrame(Uint8Array.from(frame), 0, info, out);
  assert.equal(f.bytes, frame.length);
  const want: number[] = [warmup];
  for (let i = 1; i < 16; i++) want.push(want[i - 1]! + residuals[i]!);
  assert.deepEqual(Array.from(out[0]!), want);
});
