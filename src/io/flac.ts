/**
 * FLAC decoding (RFC 9639): the metadata a reader needs (STREAMINFO, SEEKTABLE), frame headers found
 * by their sync code, and frames decoded into integer samples, each checked by its CRC-16. WFDB
 * formats 508, 516 and 524 store a signal file as one FLAC stream, one FLAC channel per signal.
 *
 * Frames carry no length: a frame ends where its last subframe's bits end. A reader finds frame
 * starts by decoding from a known one (the first frame, a seek point, a frame it decoded before), or
 * by searching for a sync code whose header passes its CRC-8 and whose frame then passes its CRC-16,
 * as libFLAC's seek does.
 */

export interface FlacStreamInfo {
  minBlockSize: number;
  maxBlockSize: number;
  /** Bytes; 0 when unknown. */
  minFrameSize: number;
  /** Bytes; 0 when unknown. */
  maxFrameSize: number;
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Samples per channel; 0 when unknown. */
  totalSamples: number;
}

export interface FlacSeekPoint {
  /** First sample of the frame the point names. */
  sample: number;
  /** Byte offset of that frame from the first frame's header. */
  offset: number;
}

export interface FlacMetadata {
  info: FlacStreamInfo;
  /** Byte offset of the first frame in the file. */
  firstFrame: number;
  seekPoints: FlacSeekPoint[];
}

export interface FlacFrameHeader {
  /** First sample of the frame (per channel). */
  sample: number;
  blockSize: number;
  channels: number;
  /** 0 independent, 8 left/side, 9 side/right, 10 mid/side. */
  assignment: number;
  bitsPerSample: number;
  /** Bytes of the header, CRC-8 included. */
  headerBytes: number;
}

/** Thrown when the bytes given end before what is being decoded does. */
export class FlacTruncated extends Error {}

/** The metadata blocks end past `bytes`: call again with at least `needed` bytes. */
export interface NeedMore { needed: number }

/**
 * Parses the metadata blocks at the start of a FLAC stream. Returns what it needs when `bytes` stop
 * before the last block ends; throws an Error naming the problem when this is not FLAC.
 */
export function parseFlacMetadata(bytes: Uint8Array): FlacMetadata | NeedMore {
  if (bytes.length < 4) return { needed: 4 };
  if (bytes[0] !== 0x66 || bytes[1] !== 0x4c || bytes[2] !== 0x61 || bytes[3] !== 0x43) throw new Error("no 'fLaC' marker at byte 0");
  let pos = 4;
  let info: FlacStreamInfo | undefined;
  const seekPoints: FlacSeekPoint[] = [];
  for (;;) {
    if (pos + 4 > bytes.length) return { needed: pos + 4 };
    const last = (bytes[pos]! & 0x80) !== 0, type = bytes[pos]! & 0x7f;
    const len = (bytes[pos + 1]! << 16) | (bytes[pos + 2]! << 8) | bytes[pos + 3]!;
    const body = pos + 4;
    if (body + len > bytes.length) return { needed: body + len };
    if (type === 0) {
      if (len < 34) throw new Error(`STREAMINFO of ${len} bytes, expected 34`);
      const b = bytes.subarray(body, body + 34);
      const sampleRate = (b[10]! << 12) | (b[11]! << 4) | (b[12]! >> 4);
      info = {
        minBlockSize: (b[0]! << 8) | b[1]!,
        maxBlockSize: (b[2]! << 8) | b[3]!,
        minFrameSize: (b[4]! << 16) | (b[5]! << 8) | b[6]!,
        maxFrameSize: (b[7]! << 16) | (b[8]! << 8) | b[9]!,
        sampleRate,
        channels: ((b[12]! >> 1) & 7) + 1,
        bitsPerSample: (((b[12]! & 1) << 4) | (b[13]! >> 4)) + 1,
        totalSamples: (b[13]! & 15) * 2 ** 32 + ((b[14]! << 24) >>> 0) + ((b[15]! << 16) | (b[16]! << 8) | b[17]!),
      };
    } else if (type === 3) {
      for (let p = body; p + 18 <= body + len; p += 18) {
        const hi = readU32(bytes, p);
        if (hi === 0xffffffff && readU32(bytes, p + 4) === 0xffffffff) continue; // placeholder point
        seekPoints.push({ sample: hi * 2 ** 32 + readU32(bytes, p + 4), offset: readU32(bytes, p + 8) * 2 ** 32 + readU32(bytes, p + 12) });
      }
    } else if (type === 127) throw new Error('metadata block type 127 (invalid)');
    pos = body + len;
    if (last) break;
  }
  if (!info) throw new Error('no STREAMINFO block');
  return { info, firstFrame: pos, seekPoints };
}

function readU32(b: Uint8Array, p: number): number {
  return ((b[p]! << 24) >>> 0) + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!);
}

const SAMPLE_SIZES = [0, 8, 12, -1, 16, 20, 24, 32];

/**
 * The frame header at byte `pos`, or undefined when none starts there (no sync code, a reserved
 * value, or a CRC-8 mismatch). `info` supplies what the header leaves to STREAMINFO.
 */
export function readFrameHeader(b: Uint8Array, pos: number, info: FlacStreamInfo): FlacFrameHeader | undefined {
  if (pos + 6 > b.length) return undefined;
  if (b[pos] !== 0xff || (b[pos + 1]! & 0xfe) !== 0xf8) return undefined;
  const variable = (b[pos + 1]! & 1) === 1;
  const bsCode = b[pos + 2]! >> 4, srCode = b[pos + 2]! & 15;
  const chCode = b[pos + 3]! >> 4, ssCode = (b[pos + 3]! >> 1) & 7;
  if (bsCode === 0 || srCode === 15 || chCode > 10 || ssCode === 3 || (b[pos + 3]! & 1) !== 0) return undefined;
  // The frame or sample number, coded like UTF-8 (up to 7 bytes, 36 bits).
  let p = pos + 4;
  const first = b[p++]!;
  let extra = 0, n = first;
  if (first >= 0x80) {
    if (first >= 0xfe) extra = first === 0xfe ? 6 : -1;
    else if (first >= 0xfc) { extra = 5; n = first & 1; }
    else if (first >= 0xf8) { extra = 4; n = first & 3; }
    else if (first >= 0xf0) { extra = 3; n = first & 7; }
    else if (first >= 0xe0) { extra = 2; n = first & 15; }
    else if (first >= 0xc0) { extra = 1; n = first & 31; }
    else return undefined;
    if (extra < 0) return undefined;
    if (first === 0xfe) n = 0;
    for (let k = 0; k < extra; k++) {
      if (p >= b.length) return undefined;
      const c = b[p++]!;
      if ((c & 0xc0) !== 0x80) return undefined;
      n = n * 64 + (c & 63);
    }
  }
  let blockSize: number;
  if (bsCode === 1) blockSize = 192;
  else if (bsCode <= 5) blockSize = 576 << (bsCode - 2);
  else if (bsCode === 6) { if (p >= b.length) return undefined; blockSize = b[p++]! + 1; }
  else if (bsCode === 7) { if (p + 1 >= b.length) return undefined; blockSize = ((b[p]! << 8) | b[p + 1]!) + 1; p += 2; }
  else blockSize = 256 << (bsCode - 8);
  if (srCode === 12) p += 1;
  else if (srCode === 13 || srCode === 14) p += 2;
  if (p >= b.length) return undefined;
  if (crc8(b, pos, p) !== b[p]) return undefined;
  const bitsPerSample = ssCode === 0 ? info.bitsPerSample : SAMPLE_SIZES[ssCode]!;
  const channels = chCode < 8 ? chCode + 1 : 2;
  return { sample: variable ? n : n * info.minBlockSize, blockSize, channels, assignment: chCode < 8 ? 0 : chCode, bitsPerSample, headerBytes: p + 1 - pos };
}

/**
 * Decodes the frame at byte `pos` into `out` (one Int32Array per channel, each at least the frame's
 * block size long). Returns its header and its length in bytes. Throws FlacTruncated when `b` ends
 * inside the frame, and an Error for a bad header, a reserved code or a CRC-16 mismatch. With
 * `wanted`, channels coded independently that it marks false are parsed (their bits must be passed)
 * but not predicted: their `out` holds residuals, not samples.
 */
export function decodeFrame(b: Uint8Array, pos: number, info: FlacStreamInfo, out: Int32Array[], wanted?: readonly boolean[]): { header: FlacFrameHeader; bytes: number } {
  const h = readFrameHeader(b, pos, info);
  if (!h) {
    if (pos + 16 > b.length) throw new FlacTruncated('frame header');
    throw new Error('no valid frame header (sync code, reserved values or CRC-8)');
  }
  if (h.channels !== info.channels) throw new Error(`the frame has ${h.channels} channels, the stream ${info.channels}`);
  if (h.blockSize > (out[0]?.length ?? 0)) throw new Error(`the frame holds ${h.blockSize} samples, more than the ${info.maxBlockSize} STREAMINFO allows`);
  const r = new BitReader(b, pos + h.headerBytes);
  for (let c = 0; c < h.channels; c++) {
    // The side channel of a stereo pair has one bit more.
    const side = (h.assignment === 8 && c === 1) || (h.assignment === 9 && c === 0) || (h.assignment === 10 && c === 1);
    subframe(r, out[c]!, h.blockSize, h.bitsPerSample + (side ? 1 : 0), h.assignment !== 0 || !wanted || wanted[c] === true);
  }
  decorrelate(h, out);
  r.alignToByte();
  const end = r.bytePos() + 2;
  if (end > b.length) throw new FlacTruncated('frame footer');
  if (crc16(b, pos, end - 2) !== ((b[end - 2]! << 8) | b[end - 1]!)) throw new Error('CRC-16 mismatch: the frame is damaged');
  return { header: h, bytes: end - pos };
}

/** Left and right from a stereo pair's coded channels (RFC 9639 section 9.1.5). */
function decorrelate(h: FlacFrameHeader, out: Int32Array[]): void {
  const a = out[0]!, s = out[1]!, n = h.blockSize;
  if (h.assignment === 8) for (let i = 0; i < n; i++) s[i] = a[i]! - s[i]!;
  else if (h.assignment === 9) for (let i = 0; i < n; i++) a[i] = a[i]! + s[i]!;
  else if (h.assignment === 10) {
    for (let i = 0; i < n; i++) {
      const mid = (a[i]! * 2) | (s[i]! & 1), side = s[i]!;
      a[i] = (mid + side) >> 1;
      s[i] = (mid - side) >> 1;
    }
  }
}

/** One subframe of `n` samples at `bps` bits into `x`. */
function subframe(r: BitReader, x: Int32Array, n: number, bps: number, predict: boolean): void {
  if (r.bits(1) !== 0) throw new Error('subframe padding bit set');
  const type = r.bits(6);
  let wasted = 0;
  if (r.bits(1) === 1) wasted = r.unary() + 1;
  const w = bps - wasted;
  if (type === 0) {
    x.fill(r.signed(w), 0, n);
  } else if (type === 1) {
    for (let i = 0; i < n; i++) x[i] = r.signed(w);
  } else if (type >= 8 && type <= 12) {
    const order = type - 8;
    if (order > n) throw new Error(`fixed predictor of order ${order} for ${n} samples`);
    for (let i = 0; i < order; i++) x[i] = r.signed(w);
    residual(r, x, n, order);
    if (predict) fixedPredict(x, n, order);
  } else if (type >= 32) {
    const order = type - 31;
    if (order > n) throw new Error(`LPC of order ${order} for ${n} samples`);
    for (let i = 0; i < order; i++) x[i] = r.signed(w);
    const precision = r.bits(4) + 1;
    if (precision === 16) throw new Error('LPC coefficient precision code 15 (invalid)');
    const shift = r.signed(5);
    if (shift < 0) throw new Error('negative LPC shift');
    const coefs = new Float64Array(order);
    for (let j = 0; j < order; j++) coefs[j] = r.signed(precision);
    residual(r, x, n, order);
    if (predict) lpcPredict(x, n, coefs, shift);
  } else throw new Error(`reserved subframe type ${type}`);
  if (wasted > 0 && predict) for (let i = 0; i < n; i++) x[i] = x[i]! * 2 ** wasted;
}

/** Residuals (partitioned Rice codes, section 9.2.7) into x[order..n). */
function residual(r: BitReader, x: Int32Array, n: number, order: number): void {
  const method = r.bits(2);
  if (method > 1) throw new Error(`reserved residual coding method ${method}`);
  const paramBits = method === 0 ? 4 : 5, escape = method === 0 ? 15 : 31;
  const porder = r.bits(4);
  const parts = 1 << porder, per = n >> porder;
  if (per << porder !== n || per < order) throw new Error(`partition order ${porder} does not fit a block of ${n}`);
  let i = order;
  for (let p = 0; p < parts; p++) {
    const end = (p + 1) * per;
    const k = r.bits(paramBits);
    if (k === escape) {
      const bits = r.bits(5);
      for (; i < end; i++) x[i] = bits === 0 ? 0 : r.signed(bits);
    } else if (k <= 24) {
      r.riceRun(k, x, i, end);
      i = end;
    } else {
      for (; i < end; i++) x[i] = r.rice(k);
    }
  }
}

/** Fixed polynomial predictors of orders 0-4 (section 9.2.5), adding to the residuals in place. */
function fixedPredict(x: Int32Array, n: number, order: number): void {
  switch (order) {
    case 1: for (let i = 1; i < n; i++) x[i] = x[i]! + x[i - 1]!; break;
    case 2: for (let i = 2; i < n; i++) x[i] = x[i]! + 2 * x[i - 1]! - x[i - 2]!; break;
    case 3: for (let i = 3; i < n; i++) x[i] = x[i]! + 3 * x[i - 1]! - 3 * x[i - 2]! + x[i - 3]!; break;
    case 4: for (let i = 4; i < n; i++) x[i] = x[i]! + 4 * x[i - 1]! - 6 * x[i - 2]! + 4 * x[i - 3]! - x[i - 4]!; break;
    default: break;
  }
}

/**
 * Linear prediction (section 9.2.6): sums in doubles, exact for the 8- to 24-bit samples of WFDB
 * (products below 2^40, sums of up to 32 of them), then an arithmetic shift by division. Orders up
 * to 12 (all the reference encoder's presets use) keep the coefficients and the last 12 samples in
 * locals, zero-padded, so that each sample costs no loads but its residual; the newest sample's
 * term is added last, so that the chain from one sample to the next is one multiply and one add
 * (the sums are exact, so their order does not change them).
 */
function lpcPredict(x: Int32Array, n: number, coefs: Float64Array, shift: number): void {
  const order = coefs.length, scale = 2 ** -shift;
  if (order > 12) {
    for (let i = order; i < n; i++) {
      let s = 0;
      for (let j = 0; j < order; j++) s += coefs[j]! * x[i - 1 - j]!;
      x[i] = x[i]! + Math.floor(s * scale);
    }
    return;
  }
  const c = (j: number): number => (j < order ? coefs[j]! : 0);
  const h = (j: number): number => (j < order ? x[order - 1 - j]! : 0);
  const c0 = c(0), c1 = c(1), c2 = c(2), c3 = c(3), c4 = c(4), c5 = c(5), c6 = c(6), c7 = c(7), c8 = c(8), c9 = c(9), c10 = c(10), c11 = c(11);
  let h0 = h(0), h1 = h(1), h2 = h(2), h3 = h(3), h4 = h(4), h5 = h(5), h6 = h(6), h7 = h(7), h8 = h(8), h9 = h(9), h10 = h(10), h11 = h(11);
  if (order <= 4) {
    for (let i = order; i < n; i++) {
      const v = x[i]! + Math.floor((c3 * h3 + c2 * h2 + c1 * h1 + c0 * h0) * scale);
      x[i] = v;
      h3 = h2; h2 = h1; h1 = h0; h0 = v;
    }
  } else if (order <= 8) {
    for (let i = order; i < n; i++) {
      const v = x[i]! + Math.floor((c7 * h7 + c6 * h6 + c5 * h5 + c4 * h4 + c3 * h3 + c2 * h2 + c1 * h1 + c0 * h0) * scale);
      x[i] = v;
      h7 = h6; h6 = h5; h5 = h4; h4 = h3; h3 = h2; h2 = h1; h1 = h0; h0 = v;
    }
  } else {
    for (let i = order; i < n; i++) {
      const v = x[i]! + Math.floor((c11 * h11 + c10 * h10 + c9 * h9 + c8 * h8 + c7 * h7 + c6 * h6 + c5 * h5 + c4 * h4 + c3 * h3 + c2 * h2 + c1 * h1 + c0 * h0) * scale);
      x[i] = v;
      h11 = h10; h10 = h9; h9 = h8; h8 = h7; h7 = h6; h6 = h5; h5 = h4; h4 = h3; h3 = h2; h2 = h1; h1 = h0; h0 = v;
    }
  }
}

/** Most-significant-bit-first reader over bytes, bounds checked (FlacTruncated past the end). */
class BitReader {
  private p: number;
  private readonly end: number;

  constructor(private readonly b: Uint8Array, byte: number) {
    this.p = byte * 8;
    this.end = b.length * 8;
  }

  bytePos(): number {
    return this.p >> 3;
  }

  alignToByte(): void {
    this.p = (this.p + 7) & ~7;
  }

  /** Unsigned value of the next n bits (n <= 32). */
  bits(n: number): number {
    const p = this.p;
    if (p + n > this.end) throw new FlacTruncated('subframe');
    this.p = p + n;
    if (n === 0) return 0;
    const b = this.b, i = p >> 3, off = p & 7;
    // The 32 bits from byte i on (bytes past the end read as 0): enough when off + n <= 32.
    const w = ((b[i]! << 24) | ((b[i + 1] ?? 0) << 16) | ((b[i + 2] ?? 0) << 8) | (b[i + 3] ?? 0)) >>> 0;
    if (off + n <= 32) return ((w << off) >>> 0) >>> (32 - n);
    const lowBits = off + n - 32;
    return (((w << off) >>> 0) >>> off) * 2 ** lowBits + ((b[i + 4] ?? 0) >>> (8 - lowBits));
  }

  /** Two's complement value of the next n bits. */
  signed(n: number): number {
    const v = this.bits(n);
    return v >= 2 ** (n - 1) ? v - 2 ** n : v;
  }

  /** Count of 0 bits before the next 1 bit (which is consumed). */
  unary(): number {
    let p = this.p, q = 0;
    for (;;) {
      if (p >= this.end) throw new FlacTruncated('residual');
      const byte = (this.b[p >> 3]! << (p & 7)) & 0xff;
      if (byte !== 0) {
        const z = Math.clz32(byte) - 24;
        this.p = p + z + 1;
        return q + z;
      }
      const skip = 8 - (p & 7);
      q += skip;
      p += skip;
    }
  }

  /** One Rice-coded residual with parameter k, folded back to its sign (section 9.2.7.1). */
  rice(k: number): number {
    const u = this.unary() * 2 ** k + this.bits(k);
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  /**
   * Rice-coded residuals x[i..end) with one parameter k <= 24: the loop that takes most of the
   * decoding time, on locals. One 32-bit window holds the unary quotient and the k low bits of most
   * residuals; longer codes take the bit-by-bit path.
   */
  riceRun(k: number, x: Int32Array, i: number, end: number): void {
    const b = this.b, stop = this.end;
    let p = this.p;
    for (; i < end; i++) {
      const j = p >> 3, off = p & 7;
      // Bytes past the end read as 0; a code that runs into them fails the check below.
      const w = ((b[j]! << 24) | (b[j + 1]! << 16) | (b[j + 2]! << 8) | b[j + 3]!) << off;
      const z = Math.clz32(w);
      let u: number;
      if (z + 1 + k <= 32 - off) {
        u = k === 0 ? z : z * (1 << k) + ((w << (z + 1)) >>> (32 - k));
        p += z + 1 + k;
      } else {
        this.p = p;
        u = this.unary() * 2 ** k + this.bits(k);
        p = this.p;
      }
      if (p > stop) throw new FlacTruncated('residual');
      x[i] = u < 4294967296 ? (u >>> 1) ^ -(u & 1) : u % 2 === 0 ? u / 2 : -(u + 1) / 2;
    }
    this.p = p;
  }
}

const CRC8 = new Uint8Array(256);
const CRC16 = new Uint16Array(256);
for (let i = 0; i < 256; i++) {
  let c8 = i, c16 = i << 8;
  for (let k = 0; k < 8; k++) {
    c8 = c8 & 0x80 ? ((c8 << 1) ^ 0x07) & 0xff : (c8 << 1) & 0xff;
    c16 = c16 & 0x8000 ? ((c16 << 1) ^ 0x8005) & 0xffff : (c16 << 1) & 0xffff;
  }
  CRC8[i] = c8;
  CRC16[i] = c16;
}

/** CRC-8 of b[from..to), polynomial x^8 + x^2 + x + 1 (frame headers). */
export function crc8(b: Uint8Array, from: number, to: number): number {
  let c = 0;
  for (let i = from; i < to; i++) c = CRC8[c ^ b[i]!]!;
  return c;
}

/** CRC-16 of b[from..to), polynomial x^16 + x^15 + x^2 + 1 (whole frames). */
export function crc16(b: Uint8Array, from: number, to: number): number {
  let c = 0;
  for (let i = from; i < to; i++) c = ((c << 8) & 0xffff) ^ CRC16[(c >> 8) ^ b[i]!]!;
  return c;
}
