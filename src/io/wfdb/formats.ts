/**
 * WFDB signal file formats (WFDB Applications Guide, signal(5)): byte blocks to Int32 samples and back.
 *
 * A block holds the samples of one signal file in file order: frame after frame, and within a frame
 * each signal's samples-per-frame values one after the other. Packed formats share bytes between
 * neighbouring samples of that flat stream (212: 2 samples in 3 bytes, 310/311: 3 samples in 4 bytes),
 * so a block must start on such a group boundary; `formatLayout` says where they are. Each decoder is
 * one plain loop chosen once per block.
 */
import { markMissingInt16, physicalInt16 } from '../physical.js';
import type { PhysicalBlock } from '../recording.js';

export type WfdbFormat = '8' | '16' | '24' | '32' | '61' | '80' | '160' | '212' | '310' | '311' | FlacFormat;
/** FLAC-compressed signal files (8, 16 or 24 bits per sample), one FLAC channel per signal. */
export type FlacFormat = '508' | '516' | '524';
/** Formats `encodeSamples` writes. Format 8 (differences) is left out: it needs per-signal state. */
export type WfdbEncodableFormat = '16' | '24' | '32' | '61' | '80' | '160' | '212';

export const WFDB_FORMATS: readonly WfdbFormat[] = ['8', '16', '24', '32', '61', '80', '160', '212', '310', '311', '508', '516', '524'];

export function isWfdbFormat(f: string): f is WfdbFormat {
  return (WFDB_FORMATS as readonly string[]).includes(f);
}

export function isFlacFormat(f: WfdbFormat): f is FlacFormat {
  return f === '508' || f === '516' || f === '524';
}

/** Samples that share bytes, and the bytes they take. */
export interface FormatLayout {
  groupSamples: number;
  groupBytes: number;
}

const LAYOUT: Record<WfdbFormat, FormatLayout> = {
  '8': { groupSamples: 1, groupBytes: 1 },
  '16': { groupSamples: 1, groupBytes: 2 },
  '24': { groupSamples: 1, groupBytes: 3 },
  '32': { groupSamples: 1, groupBytes: 4 },
  '61': { groupSamples: 1, groupBytes: 2 },
  '80': { groupSamples: 1, groupBytes: 1 },
  '160': { groupSamples: 1, groupBytes: 2 },
  '212': { groupSamples: 2, groupBytes: 3 },
  '310': { groupSamples: 3, groupBytes: 4 },
  '311': { groupSamples: 3, groupBytes: 4 },
  // FLAC files have no fixed layout; these are the bytes of a sample before compression.
  '508': { groupSamples: 1, groupBytes: 1 },
  '516': { groupSamples: 1, groupBytes: 2 },
  '524': { groupSamples: 1, groupBytes: 3 },
};

export function formatLayout(f: WfdbFormat): FormatLayout {
  return LAYOUT[f];
}

/**
 * Bytes in a partial trailing group that hold its first 1, 2 samples: the WFDB library ends a 212
 * file with an odd sample count in 2 bytes; 310 keeps sample 1 in the second 16-bit word; 311 needs
 * 10 + 10 bits of its 32-bit word.
 */
const TAIL_BYTES: Record<'212' | '310' | '311', readonly number[]> = { '212': [0, 2], '310': [0, 2, 4], '311': [0, 2, 3] };

/** Fewest bytes that hold the first `n` samples of a block. */
export function bytesForSamples(f: WfdbFormat, n: number): number {
  const { groupSamples: gs, groupBytes: gb } = LAYOUT[f];
  if (gs === 1) return n * gb;
  const full = Math.floor(n / gs);
  return full * gb + TAIL_BYTES[f as '212' | '310' | '311'][n - full * gs]!;
}

/** Whole samples that `bytes` bytes hold (the inverse of bytesForSamples, rounding down). */
export function samplesInBytes(f: WfdbFormat, bytes: number): number {
  const { groupSamples: gs, groupBytes: gb } = LAYOUT[f];
  const full = Math.floor(bytes / gb);
  if (gs === 1) return full;
  const rest = bytes - full * gb;
  const tail = TAIL_BYTES[f as '212' | '310' | '311'];
  let extra = 0;
  while (extra + 1 < tail.length && tail[extra + 1]! <= rest) extra++;
  return full * gs + extra;
}

/**
 * The value WFDB reserves for a missing sample in each format (the most negative one it can hold);
 * readers return it for samples the file does not contain (e.g. skewed samples past its end).
 */
export function invalidSample(f: WfdbFormat): number {
  switch (f) {
    case '8': case '80': case '508': return -128;
    case '212': return -2048;
    case '310': case '311': return -512;
    case '24': case '524': return -8388608;
    case '32': return -2147483648;
    default: return -32768;
  }
}

/** Inclusive range of stored values a format can hold, the invalid value excluded. */
export function formatRange(f: WfdbEncodableFormat | FlacFormat): [number, number] {
  const lo = invalidSample(f);
  return [lo + 1, -lo - 1];
}

/**
 * Decodes the first `n` samples of `src` (which starts on a group boundary) into `out` from `outOffset`.
 * Format 8 yields the stored first differences; the caller adds them up per signal.
 */
export function decodeSamples(f: WfdbFormat, src: Uint8Array, n: number, out: Int32Array, outOffset = 0): void {
  switch (f) {
    case '212': return decode212(src, n, out, outOffset);
    case '16': return decode16(src, n, out, outOffset);
    case '8': return decode8(src, n, out, outOffset);
    case '80': return decode80(src, n, out, outOffset);
    case '61': return decode61(src, n, out, outOffset);
    case '160': return decode160(src, n, out, outOffset);
    case '24': return decode24(src, n, out, outOffset);
    case '32': return decode32(src, n, out, outOffset);
    case '310': return decode310(src, n, out, outOffset);
    case '311': return decode311(src, n, out, outOffset);
    case '508': case '516': case '524': throw new Error(`format ${f} is FLAC: its frames decode through FlacStream`);
  }
}

// Shifting a field up to bit 31 and back down with `>>` sign-extends it in one step.

function decode212(src: Uint8Array, n: number, out: Int32Array, o: number): void {
  const pairs = n >> 1;
  let i = 0;
  for (let p = 0; p < pairs; p++) {
    const b0 = src[i]!, b1 = src[i + 1]!, b2 = src[i + 2]!;
    out[o] = ((b0 | (b1 << 8)) << 20) >> 20;
    out[o + 1] = ((b2 | ((b1 & 0xf0) << 4)) << 20) >> 20;
    i += 3;
    o += 2;
  }
  if (n & 1) out[o] = ((src[i]! | (src[i + 1]! << 8)) << 20) >> 20;
}

function decode16(src: Uint8Array, n: number, out: Int32Array, o: number): void {
  for (let k = 0, i = 0; k < n; k++, i += 2) out[o + k] = ((src[i]! | (src[i + 1]! << 8)) << 16) >> 16;
}

function decode61(src: Uint8Array, n: number, out: Int32Array, o: number): void {
  for (let k = 0, i = 0; k < n; k++, i += 2) out[o + k] = (((src[i]! << 8) | src[i + 1]!) << 16) >> 16;
}

function decode160(src: Uint8Array, n: number, out: Int32Array, o: number): void {
  for (let k = 0, i = 0; k < n; k++, i += 2) out[o + k] = (src[i]! | (src[i + 1]! << 8)) - 32768;
}

function decode8(src: Uint8Array, n: number, out: Int32Array, o: number): void {
  for (let k = 0; k < n; k++) out[o + k] = (src[k]! << 24) >> 24;
}

function decode80(src: Uint8Array, n: number, out: Int32Array, o: number): void {
  for (let k = 0; k < n; k++) out[o + k] = src[k]! - 128;
}

function decode24(src: Uint8Array, n: number, out: Int32Array, o: number): void {
  for (let k = 0, i = 0; k < n; k++, i += 3) out[o + k] = ((src[i]! | (src[i + 1]! << 8) | (src[i + 2]! << 16)) << 8) >> 8;
}

function decode32(src: Uint8Array, n: number, out: Int32Array, o: number): void {
  for (let k = 0, i = 0; k < n; k++, i += 4) out[o + k] = src[i]! | (src[i + 1]! << 8) | (src[i + 2]! << 16) | (src[i + 3]! << 24);
}

/** Two 16-bit words hold samples 0 and 1 in bits 1..10, and sample 2 split over their top 5 bits. */
function decode310(src: Uint8Array, n: number, out: Int32Array, o: number): void {
  const groups = Math.floor(n / 3);
  let i = 0;
  for (let g = 0; g < groups; g++) {
    const w0 = src[i]! | (src[i + 1]! << 8), w1 = src[i + 2]! | (src[i + 3]! << 8);
    out[o] = (w0 << 21) >> 22;
    out[o + 1] = (w1 << 21) >> 22;
    out[o + 2] = ((((w0 >> 11) & 0x1f) | (((w1 >> 11) & 0x1f) << 5)) << 22) >> 22;
    i += 4;
    o += 3;
  }
  const rest = n - groups * 3;
  if (rest >= 1) out[o] = ((src[i]! | (src[i + 1]! << 8)) << 21) >> 22;
  if (rest >= 2) out[o + 1] = ((src[i + 2]! | (src[i + 3]! << 8)) << 21) >> 22;
}

/** One little-endian 32-bit word holds three 10-bit samples from the low bits up. */
function decode311(src: Uint8Array, n: number, out: Int32Array, o: number): void {
  const groups = Math.floor(n / 3);
  let i = 0;
  for (let g = 0; g < groups; g++) {
    const w = src[i]! | (src[i + 1]! << 8) | (src[i + 2]! << 16) | (src[i + 3]! << 24);
    out[o] = (w << 22) >> 22;
    out[o + 1] = (w << 12) >> 22;
    out[o + 2] = (w << 2) >> 22;
    i += 4;
    o += 3;
  }
  const rest = n - groups * 3;
  if (rest >= 1) out[o] = ((src[i]! | (src[i + 1]! << 8)) << 22) >> 22;
  if (rest >= 2) out[o + 1] = ((src[i]! | (src[i + 1]! << 8) | (src[i + 2]! << 16)) << 12) >> 22;
}

/**
 * Decodes one signal straight out of a frame-aligned block: `n` frames of `frameSamples` samples,
 * the signal at `slot` with one sample per frame, into `out` from `outOffset`. Skips the flat block
 * and its strided copy for the common layouts; returns false (doing nothing) for the others: packed
 * formats whose frames do not end on a group boundary, and format 8, whose values need running sums.
 */
export function decodeChannel(f: WfdbFormat, src: Uint8Array, n: number, frameSamples: number, slot: number, out: Int32Array, outOffset = 0): boolean {
  const F = frameSamples;
  if (f === '212') {
    if (F & 1) return false;
    const stride = (F >> 1) * 3;
    let i = (slot >> 1) * 3, o = outOffset;
    if ((slot & 1) === 0) {
      for (let k = 0; k < n; k++, i += stride) out[o++] = ((src[i]! | (src[i + 1]! << 8)) << 20) >> 20;
    } else {
      for (let k = 0; k < n; k++, i += stride) out[o++] = ((src[i + 2]! | ((src[i + 1]! & 0xf0) << 4)) << 20) >> 20;
    }
    return true;
  }
  if (f === '16') {
    const stride = 2 * F;
    for (let k = 0, i = 2 * slot, o = outOffset; k < n; k++, i += stride) out[o++] = ((src[i]! | (src[i + 1]! << 8)) << 16) >> 16;
    return true;
  }
  return false;
}

/** Stored-to-physical scaling of one signal: physical = (stored - baseline) / gain. */
export interface PhysicalScale {
  baseline: number;
  gain: number;
  /** Format 212 only: `table212(baseline, gain)`, which replaces the division per sample. */
  table?: Float64Array;
}

/**
 * The physical value of every 12-bit pattern of format 212, indexed by the pattern as stored (two's
 * complement, 0..4095): (stored - baseline) / gain, the very expression `toPhysical` evaluates, so a
 * lookup gives the identical double (rounded the same way into a Float32Array) without a division
 * per sample. 32 KB per signal, nearly all of it cold: a signal's values stay near its baseline.
 */
export function table212(baseline: number, gain: number): Float64Array {
  const t = new Float64Array(4096);
  for (let u = 0; u < 4096; u++) t[u] = (((u << 20) >> 20) - baseline) / gain;
  // -2048, WFDB's missing sample, as toPhysical reads it.
  t[0x800] = NaN;
  return t;
}

/**
 * As `decodeChannel` for several signals at once, writing physical values (stored - baseline) / gain
 * equal to `toPhysical`'s into `outs` from `outOffset`: one pass from bytes to output, no stored
 * intermediate. In format 212 two signals that share each 3-byte group (slots 2j and 2j + 1, as in
 * every two-signal MIT-BIH record) are decoded in the same loop, so each group is loaded once; 212
 * scales need their `table`. False, writing nothing, when the format or layout needs the flat path.
 */
export function decodeChannelsPhysical(f: WfdbFormat, src: Uint8Array, n: number, frameSamples: number, slots: readonly number[], scales: readonly PhysicalScale[], outs: readonly PhysicalBlock[], outOffset = 0): boolean {
  const F = frameSamples;
  if (f !== '16' && (f !== '212' || F & 1)) return false;
  // Little-endian 16- and 32-bit loads through a DataView: one load where byte loads take two or four.
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
  if (f === '16') {
    for (let k = 0; k < slots.length; k++) {
      physicalInt16(view, n, 2 * slots[k]!, 2 * F, scales[k]!.baseline, scales[k]!.gain, outs[k]!, outOffset);
      markMissingInt16(view, n, 2 * slots[k]!, 2 * F, outs[k]!, outOffset);
    }
    return true;
  }
  const stride = (F >> 1) * 3;
  const done = new Uint8Array(slots.length);
  for (let k = 0; k < slots.length; k++) {
    if (done[k]) continue;
    const slot = slots[k]!, i = (slot >> 1) * 3;
    const t = scales[k]!.table ?? table212(scales[k]!.baseline, scales[k]!.gain);
    // The other half of this 3-byte group, when it is requested too.
    const mate = slot & 1 ? -1 : slots.indexOf(slot + 1);
    if (mate >= 0 && !done[mate]) {
      const tm = scales[mate]!.table ?? table212(scales[mate]!.baseline, scales[mate]!.gain);
      // Two signals alone in the file (stride 3, every two-signal MIT-BIH record): eight frames per step.
      const steps = F === 2 ? n >> 3 : 0;
      if (steps > 0) physical212Eights(view, steps, i, t, tm, outs[k]!, outs[mate]!, outOffset);
      physical212Pair(view, n - 8 * steps, i + 24 * steps, stride, t, tm, outs[k]!, outs[mate]!, outOffset + 8 * steps);
      done[mate] = 1;
    } else if (slot & 1) {
      physical212High(view, n, i, stride, t, outs[k]!, outOffset);
    } else {
      physical212Low(view, n, i, stride, t, outs[k]!, outOffset);
    }
    done[k] = 1;
  }
  return true;
}

/*
 * Why the 212 loops below load before they store: V8 (Node 20) checks the map, length and data
 * pointer of a typed array at every access inside a loop, and shares one check between accesses to
 * the same array only when no store to another array comes between them. Loading first, and eight
 * frames per step where the layout allows, took a 212 pair from about 1.6 to 0.8 ns per sample.
 */

/*
 * A 212 group is bytes b0 b1 b2: the first sample is b0 plus the low nibble of b1 on top, the second
 * b2 plus the high nibble of b1 on top. The first is the low 12 bits of the 16-bit word at b0; the
 * second comes from the word at b1, whose high byte is b2. Both words lie inside the group, so no
 * load reaches past the end of the block.
 */

/** The first sample of the 3-byte groups every `stride` bytes from byte i. */
function physical212Low(src: DataView, n: number, i: number, stride: number, t: Float64Array, out: PhysicalBlock, o: number): void {
  for (let k = 0; k < n; k++, i += stride) out[o + k] = t[src.getUint16(i, true) & 0xfff]!;
}

/** The second sample of the 3-byte groups every `stride` bytes from byte i. */
function physical212High(src: DataView, n: number, i: number, stride: number, t: Float64Array, out: PhysicalBlock, o: number): void {
  for (let k = 0; k < n; k++, i += stride) {
    const w = src.getUint16(i + 1, true);
    out[o + k] = t[(w >>> 8) | ((w & 0xf0) << 4)]!;
  }
}

/** Both samples of the 3-byte groups every `stride` bytes from byte i. */
function physical212Pair(src: DataView, n: number, i: number, stride: number, t0: Float64Array, t1: Float64Array, out0: PhysicalBlock, out1: PhysicalBlock, o: number): void {
  for (let k = 0; k < n; k++, i += stride) {
    const w = src.getUint16(i + 1, true);
    const x = t0[src.getUint16(i, true) & 0xfff]!, y = t1[(w >>> 8) | ((w & 0xf0) << 4)]!;
    out0[o + k] = x;
    out1[o + k] = y;
  }
}

/**
 * Both samples of `steps` x 8 consecutive 3-byte groups from byte i. Six little-endian 32-bit words
 * hold eight groups: group j is bytes 3j..3j+2, so the words a0..a2 hold groups 0..3 as
 * [g0 g0 g0 g1] [g1 g1 g2 g2] [g2 g3 g3 g3] (low byte first), and c0..c2 hold groups 4..7 the same way. Each step
 * loads 24 bytes at once and writes sixteen samples.
 */
function physical212Eights(src: DataView, steps: number, i: number, t0: Float64Array, t1: Float64Array, out0: PhysicalBlock, out1: PhysicalBlock, o: number): void {
  for (let q = 0; q < steps; q++, i += 24, o += 8) {
    const a0 = src.getUint32(i, true), a1 = src.getUint32(i + 4, true), a2 = src.getUint32(i + 8, true);
    const c0 = src.getUint32(i + 12, true), c1 = src.getUint32(i + 16, true), c2 = src.getUint32(i + 20, true);
    // First samples: the group's first byte, with the low nibble of its middle byte on top.
    const x0 = t0[a0 & 0xfff]!, x1 = t0[(a0 >>> 24) | ((a1 & 0xf) << 8)]!;
    const x2 = t0[(a1 >>> 16) & 0xfff]!, x3 = t0[(a2 >>> 8) & 0xfff]!;
    const x4 = t0[c0 & 0xfff]!, x5 = t0[(c0 >>> 24) | ((c1 & 0xf) << 8)]!;
    const x6 = t0[(c1 >>> 16) & 0xfff]!, x7 = t0[(c2 >>> 8) & 0xfff]!;
    // Second samples: the group's last byte, with the high nibble of its middle byte on top.
    const y0 = t1[((a0 >>> 16) & 0xff) | ((a0 >>> 4) & 0xf00)]!, y1 = t1[((a1 >>> 8) & 0xff) | ((a1 << 4) & 0xf00)]!;
    const y2 = t1[(a2 & 0xff) | ((a1 >>> 20) & 0xf00)]!, y3 = t1[(a2 >>> 24) | ((a2 >>> 12) & 0xf00)]!;
    const y4 = t1[((c0 >>> 16) & 0xff) | ((c0 >>> 4) & 0xf00)]!, y5 = t1[((c1 >>> 8) & 0xff) | ((c1 << 4) & 0xf00)]!;
    const y6 = t1[(c2 & 0xff) | ((c1 >>> 20) & 0xf00)]!, y7 = t1[(c2 >>> 24) | ((c2 >>> 12) & 0xf00)]!;
    out0[o] = x0; out0[o + 1] = x1; out0[o + 2] = x2; out0[o + 3] = x3;
    out0[o + 4] = x4; out0[o + 5] = x5; out0[o + 6] = x6; out0[o + 7] = x7;
    out1[o] = y0; out1[o + 1] = y1; out1[o + 2] = y2; out1[o + 3] = y3;
    out1[o + 4] = y4; out1[o + 5] = y5; out1[o + 6] = y6; out1[o + 7] = y7;
  }
}

/**
 * Encodes `n` samples of `src` (from `srcOffset`) into `out` from `outOffset`; returns the bytes
 * written. Values are written modulo the format's width: callers check ranges first. For 212 an odd
 * `n` ends in a 2-byte half group, so stream writers pass even counts until the last block.
 */
export function encodeSamples(f: WfdbEncodableFormat, src: Int32Array, n: number, out: Uint8Array, outOffset = 0, srcOffset = 0): number {
  let i = outOffset, s = srcOffset;
  const end = srcOffset + n;
  switch (f) {
    case '212': {
      for (; s + 1 < end; s += 2) {
        const a = src[s]!, b = src[s + 1]!;
        out[i] = a & 0xff;
        out[i + 1] = ((a >> 8) & 0x0f) | ((b >> 4) & 0xf0);
        out[i + 2] = b & 0xff;
        i += 3;
      }
      if (s < end) {
        const a = src[s]!;
        out[i] = a & 0xff;
        out[i + 1] = (a >> 8) & 0x0f;
        i += 2;
      }
      break;
    }
    case '16':
      for (; s < end; s++, i += 2) { const v = src[s]!; out[i] = v & 0xff; out[i + 1] = (v >> 8) & 0xff; }
      break;
    case '61':
      for (; s < end; s++, i += 2) { const v = src[s]!; out[i] = (v >> 8) & 0xff; out[i + 1] = v & 0xff; }
      break;
    case '160':
      for (; s < end; s++, i += 2) { const v = src[s]! + 32768; out[i] = v & 0xff; out[i + 1] = (v >> 8) & 0xff; }
      break;
    case '80':
      for (; s < end; s++, i++) out[i] = (src[s]! + 128) & 0xff;
      break;
    case '24':
      for (; s < end; s++, i += 3) { const v = src[s]!; out[i] = v & 0xff; out[i + 1] = (v >> 8) & 0xff; out[i + 2] = (v >> 16) & 0xff; }
      break;
    case '32':
      for (; s < end; s++, i += 4) { const v = src[s]!; out[i] = v & 0xff; out[i + 1] = (v >> 8) & 0xff; out[i + 2] = (v >> 16) & 0xff; out[i + 3] = (v >>> 24) & 0xff; }
      break;
  }
  return i - outOffset;
}
