import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom as rng } from '../../../src/signals/random.js';
import {
  bytesForSamples, decodeChannel, decodeChannelsPhysical, decodeSamples, encodeSamples, formatLayout, formatRange, invalidSample, samplesInBytes,
  table212, WFDB_FORMATS, type PhysicalScale, type WfdbEncodableFormat,
} from '../../../src/io/wfdb/formats.js';
import { toPhysical, type ChannelInfo } from '../../../src/io/recording.js';

/** Deterministic generator (mulberry32) so that failures reproduce. */
const BITS: Record<WfdbEncodableFormat, number> = { '16': 16, '24': 24, '32': 32, '61': 16, '80': 8, '160': 16, '212': 12 };

test('every encodable format round-trips its full value range, odd counts included', () => {
  const rand = rng(1);
  for (const f of Object.keys(BITS) as WfdbEncodableFormat[]) {
    const bits = BITS[f];
    for (const n of [0, 1, 2, 3, 7, 1000, 1001]) {
      const src = new Int32Array(n);
      for (let i = 0; i < n; i++) src[i] = Math.floor(rand() * 2 ** bits) - 2 ** (bits - 1);
      if (n >= 2) { src[0] = -(2 ** (bits - 1)); src[1] = 2 ** (bits - 1) - 1; }
      const bytes = new Uint8Array(bytesForSamples(f, n));
      assert.equal(encodeSamples(f, src, n, bytes), bytes.length, `format ${f}, n ${n}: bytes written`);
      const back = new Int32Array(n);
      decodeSamples(f, bytes, n, back);
      assert.deepEqual(back, src, `format ${f}, n ${n}`);
    }
  }
});

test('format 212 packs sample pairs as signal(5) describes', () => {
  // 0x123 and 0x456 -> 0x23, (0x4 << 4 | 0x1), 0x56; -1 and -2048 -> 0xff, 0x8f, 0x00.
  const out = new Int32Array(4);
  decodeSamples('212', Uint8Array.of(0x23, 0x41, 0x56, 0xff, 0x8f, 0x00), 4, out);
  assert.deepEqual(Array.from(out), [0x123, 0x456, -1, -2048]);
  const odd = new Int32Array(1);
  decodeSamples('212', Uint8Array.of(0xfe, 0x0f), 1, odd);
  assert.equal(odd[0], -2);
});

test('format 310 reads two 10-bit samples from bits 1..10 of each word and a third from their top bits', () => {
  const [a, b, c] = [5, -3, 300];
  const w0 = ((a & 0x3ff) << 1) | ((c & 0x1f) << 11);
  const w1 = ((b & 0x3ff) << 1) | (((c >> 5) & 0x1f) << 11);
  const bytes = Uint8Array.of(w0 & 0xff, w0 >> 8, w1 & 0xff, w1 >> 8);
  const out = new Int32Array(3);
  decodeSamples('310', bytes, 3, out);
  assert.deepEqual(Array.from(out), [a, b, c]);
  const two = new Int32Array(2);
  decodeSamples('310', bytes, 2, two);
  assert.deepEqual(Array.from(two), [a, b]);
});

test('format 311 reads three 10-bit samples from the low bits of a little-endian 32-bit word', () => {
  const [a, b, c] = [1, -1, -512];
  const w = ((a & 0x3ff) | ((b & 0x3ff) << 10) | ((c & 0x3ff) << 20)) >>> 0;
  const bytes = Uint8Array.of(w & 0xff, (w >>> 8) & 0xff, (w >>> 16) & 0xff, w >>> 24);
  const out = new Int32Array(3);
  decodeSamples('311', bytes, 3, out);
  assert.deepEqual(Array.from(out), [a, b, c]);
  const two = new Int32Array(2);
  decodeSamples('311', bytes.subarray(0, 3), 2, two);
  assert.deepEqual(Array.from(two), [a, b]);
});

test('format 8 decodes signed first differences, 80 and 160 offset binary, 61 big-endian', () => {
  const cases: [string, Uint8Array, number[]][] = [
    ['8', Uint8Array.of(0x00, 0x7f, 0x80, 0xff), [0, 127, -128, -1]],
    ['80', Uint8Array.of(0x00, 0x80, 0xff), [-128, 0, 127]],
    ['160', Uint8Array.of(0x00, 0x00, 0x00, 0x80, 0xff, 0xff), [-32768, 0, 32767]],
    ['61', Uint8Array.of(0x12, 0x34, 0xff, 0xfe), [0x1234, -2]],
    ['24', Uint8Array.of(0x01, 0x00, 0x80), [-8388607]],
  ];
  for (const [f, bytes, want] of cases) {
    const out = new Int32Array(want.length);
    decodeSamples(f as never, bytes, want.length, out);
    assert.deepEqual(Array.from(out), want, `format ${f}`);
  }
});

test('bytesForSamples and samplesInBytes agree for every format and length', () => {
  for (const f of WFDB_FORMATS) {
    const { groupSamples, groupBytes } = formatLayout(f);
    assert.equal(bytesForSamples(f, 6 * groupSamples), 6 * groupBytes, `format ${f}`);
    for (let n = 0; n < 40; n++) {
      const b = bytesForSamples(f, n);
      // 4 bytes of 310 hold 2 samples or a whole group of 3.
      assert.ok(samplesInBytes(f, b) >= n && samplesInBytes(f, b) <= n + 1, `format ${f}: ${n} samples in ${b} bytes`);
      if (b > 0) assert.ok(samplesInBytes(f, b - 1) < n, `format ${f}: ${b - 1} bytes hold fewer than ${n}`);
    }
  }
  // An odd 212 file ends in a 2-byte half group (binformats.d5: 499 samples in 749 bytes).
  assert.equal(bytesForSamples('212', 499), 749);
  assert.equal(bytesForSamples('310', 499), 666);
});

test('formatRange excludes the invalid value WFDB reserves', () => {
  assert.deepEqual(formatRange('16'), [-32767, 32767]);
  assert.deepEqual(formatRange('212'), [-2047, 2047]);
  assert.equal(invalidSample('212'), -2048);
  assert.equal(invalidSample('16'), -32768);
});

test('decodeChannel equals decoding the whole block and taking every frameSamples-th sample', () => {
  const rand = rng(3);
  const bytes = Uint8Array.from({ length: 6000 }, () => Math.floor(rand() * 256));
  for (const [f, F] of [['212', 2], ['212', 4], ['16', 1], ['16', 3]] as const) {
    const frames = 500;
    const flat = new Int32Array(frames * F);
    decodeSamples(f, bytes, frames * F, flat);
    for (let slot = 0; slot < F; slot++) {
      const out = new Int32Array(frames + 1);
      assert.equal(decodeChannel(f, bytes, frames, F, slot, out, 1), true);
      assert.deepEqual(Array.from(out.subarray(1)), Array.from({ length: frames }, (_, i) => flat[i * F + slot]!), `format ${f}, ${F} per frame, slot ${slot}`);
    }
  }
  const out = new Int32Array(4);
  assert.equal(decodeChannel('212', bytes, 2, 3, 0, out), false, 'odd 212 frames straddle byte groups');
  assert.equal(decodeChannel('8', bytes, 2, 1, 0, out), false, 'differences need running sums');
});

test('decodeChannelsPhysical equals toPhysical of the decoded samples, for every layout it takes', () => {
  const rand = rng(5);
  const bytes = Uint8Array.from({ length: 9000 }, () => Math.floor(rand() * 256));
  const scale = (k: number, f: string): PhysicalScale & Pick<ChannelInfo, 'gain' | 'baseline'> => {
    const baseline = [0, 1024, -7, 3.5][k % 4]!, gain = [200, 1, 0.3, 1e3][k % 4]!;
    return f === '212' ? { baseline, gain, table: table212(baseline, gain) } : { baseline, gain };
  };
  // [format, samples per frame, slots requested]: pairs sharing 3-byte groups, single halves, orders
  const layouts: [ '16' | '212', number, number[]][] = [
    ['212', 2, [0, 1]], ['212', 2, [1, 0]], ['212', 2, [0]], ['212', 2, [1]],
    ['212', 4, [0, 1, 2, 3]], ['212', 4, [3, 2]], ['212', 4, [1, 2]], ['212', 6, [4, 5, 0]],
    ['16', 1, [0]], ['16', 3, [2, 0]], ['16', 4, [0, 1, 2, 3]],
  ];
  for (const [f, F, slots] of layouts) {
    for (const n of [0, 1, 7, 8, 9, 17, 23, 500]) {
      const flat = new Int32Array(n * F);
      decodeSamples(f, bytes, n * F, flat);
      for (const dtype of ['float64', 'float32'] as const) {
        const scales = slots.map((s) => scale(s, f));
        const outs = slots.map(() => (dtype === 'float32' ? new Float32Array(n + 3) : new Float64Array(n + 3)));
        assert.equal(decodeChannelsPhysical(f, bytes, n, F, slots, scales, outs, 3), true);
        slots.forEach((slot, k) => {
          const stored = Int32Array.from({ length: n }, (_, i) => flat[i * F + slot]!);
          const want = toPhysical(stored, { ...scales[k]!, name: '', unit: '', fs: 1, samples: n, storage: f }, dtype);
          assert.deepEqual(outs[k]!.subarray(3), want, `format ${f}, ${F} per frame, slots ${slots}, n ${n}, ${dtype}, slot ${slot}`);
        });
      }
    }
  }
  const out = [new Float64Array(4)];
  assert.equal(decodeChannelsPhysical('212', bytes, 2, 3, [0], [scale(0, '212')], out), false, 'odd 212 frames straddle byte groups');
  assert.equal(decodeChannelsPhysical('24', bytes, 2, 1, [0], [scale(0, '24')], out), false, 'only 16 and 212 decode directly');
});

test('table212 holds (stored - baseline) / gain for every 12-bit pattern, and NaN for -2048, the missing sample', () => {
  const t = table212(1024, 200);
  assert.equal(t.length, 4096);
  assert.equal(t[0], (0 - 1024) / 200);
  assert.equal(t[2047], (2047 - 1024) / 200);
  assert.ok(Number.isNaN(t[2048]));
  assert.equal(t[2049], (-2047 - 1024) / 200);
  assert.equal(t[4095], (-1 - 1024) / 200);
});
