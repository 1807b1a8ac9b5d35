/**
 * FLAC encoding (RFC 9639) of integer channels, for WFDB formats 508, 516 and 524: fixed-size blocks,
 * channels coded independently, each subframe CONSTANT, FIXED (orders 0-4, the order of least
 * absolute residual, as the reference encoder's fastest presets choose) or VERBATIM when that is
 * smaller, residuals in partitioned Rice codes whose partition order and parameters minimise the
 * exact bit count. STREAMINFO (with the MD5 of the samples) is known at the end: `header()` gives it
 * for the start of the file, written last over the placeholder of the same length.
 */
import { createHash, type Hash } from 'node:crypto';
import { crc16, crc8 } from './flac.js';

/** Samples per channel in each frame but the last. */
export const FLAC_BLOCK = 4096;
/** Bytes of "fLaC" and the STREAMINFO block: what `header()` returns. */
export const FLAC_HEADER_BYTES = 42;

/** Most-significant-bit-first writer into a growing byte buffer. */
class BitWriter {
  buf = new Uint8Array(1 << 16);
  len = 0;
  /** Bits not yet in buf: the low `nacc` (< 8 between calls) bits of acc. */
  private acc = 0;
  private nacc = 0;

  reset(): void {
    this.len = 0;
    this.acc = 0;
    this.nacc = 0;
  }

  /** Room for `bytes` more bytes. */
  reserve(bytes: number): void {
    if (this.len + bytes <= this.buf.length) return;
    const g = new Uint8Array(Math.max(this.buf.length * 2, this.len + bytes));
    g.set(this.buf.subarray(0, this.len));
    this.buf = g;
  }

  /** The low n bits of v (0 <= v < 2^n, n <= 24); the caller reserved the room. */
  put(v: number, n: number): void {
    let acc = (this.acc << n) | v, nacc = this.nacc + n;
    const buf = this.buf;
    while (nacc >= 8) {
      nacc -= 8;
      buf[this.len++] = (acc >>> nacc) & 0xff;
    }
    this.acc = acc & ((1 << nacc) - 1);
    this.nacc = nacc;
  }

  /** The low n bits of v for n up to 48. */
  putWide(v: number, n: number): void {
    if (n > 24) {
      this.put(Math.floor(v / 2 ** 24) % 2 ** (n - 24), n - 24);
      this.put(v % 2 ** 24, 24);
    } else this.put(v, n);
  }

  /** v in n-bit two's complement (n <= 24). */
  signed(v: number, n: number): void {
    this.put(v < 0 ? v + 2 ** n : v, n);
  }

  alignToByte(): void {
    if (this.nacc > 0) this.put(0, 8 - this.nacc);
  }

  /** Folded residuals u[a..b) in Rice codes with parameter k (unary quotient, then k bits). */
  rice(u: Int32Array, a: number, b: number, k: number): void {
    for (let i = a; i < b; i++) {
      // Folded residuals of at most 24-bit samples stay below 2^31: shifts are exact.
      const v = u[i]!, q = v >>> k, low = v & ((1 << k) - 1);
      if (q + 1 + k <= 24) {
        this.put((1 << k) | low, q + 1 + k);
      } else {
        let z = q;
        while (z >= 16) { this.put(0, 16); z -= 16; }
        this.put(1, z + 1);
        if (k > 0) this.putWide(low, k);
      }
    }
  }
}

/**
 * The fixed order (0-4) whose residuals have the least absolute sum over x[4..n), in one pass of
 * running differences (each order's residual is the difference of the order below).
 */
function bestFixedOrder(x: Int32Array, n: number): number {
  if (n <= 4) return 0;
  let e0 = 0, e1 = 0, e2 = 0, e3 = 0, e4 = 0;
  let d0p = x[3]!, d1p = x[3]! - x[2]!, d2p = d1p - (x[2]! - x[1]!), d3p = d2p - ((x[2]! - x[1]!) - (x[1]! - x[0]!));
  for (let i = 4; i < n; i++) {
    const d0 = x[i]!, d1 = d0 - d0p, d2 = d1 - d1p, d3 = d2 - d2p, d4 = d3 - d3p;
    e0 += Math.abs(d0); e1 += Math.abs(d1); e2 += Math.abs(d2); e3 += Math.abs(d3); e4 += Math.abs(d4);
    d0p = d0; d1p = d1; d2p = d2; d3p = d3;
  }
  const e = [e0, e1, e2, e3, e4];
  let best = 0;
  for (let k = 1; k < 5; k++) if (e[k]! < e[best]!) best = k;
  return best;
}

/** Folded residuals (0, -1, 1, -2, ... as 0, 1, 2, 3, ...) of fixed order `order` into u[order..n). */
function foldedResiduals(x: Int32Array, n: number, order: number, u: Int32Array): void {
  // One loop per order: the order is chosen once per block, not per sample.
  switch (order) {
    case 0: for (let i = 0; i < n; i++) u[i] = fold(x[i]!); break;
    case 1: for (let i = 1; i < n; i++) u[i] = fold(x[i]! - x[i - 1]!); break;
    case 2: for (let i = 2; i < n; i++) u[i] = fold(x[i]! - 2 * x[i - 1]! + x[i - 2]!); break;
    case 3: for (let i = 3; i < n; i++) u[i] = fold(x[i]! - 3 * x[i - 1]! + 3 * x[i - 2]! - x[i - 3]!); break;
    default: for (let i = 4; i < n; i++) u[i] = fold(x[i]! - 4 * x[i - 1]! + 6 * x[i - 2]! - 4 * x[i - 3]! + x[i - 4]!);
  }
}

/** 0, -1, 1, -2, ... as 0, 1, 2, 3, ... (residuals of 24-bit samples fit 31 bits). */
function fold(r: number): number {
  return (r << 1) ^ (r >> 31);
}

/** Largest partition order considered (the reference encoder's -8 preset goes to 6). */
const MAX_PORDER = 6;
/** 2^-k for the Rice parameters. */
const INV_POW2 = Float64Array.from({ length: 32 }, (_, k) => 2 ** -k);

export class FlacEncoder {
  private readonly pending: Int32Array[];
  private fill = 0;
  private frameNo = 0;
  private total = 0;
  private minFrame = Infinity;
  private maxFrame = 0;
  private readonly md5: Hash = createHash('md5');
  /** Frame header code of the sample rate: each frame states it, as the streamable subset asks. */
  private readonly rateCode: number;
  private hashBuf = new Uint8Array(0);
  private readonly w = new BitWriter();
  private readonly folded: Int32Array;
  /** Sums of folded residuals per partition at the finest partition order. */
  private readonly sums = new Float64Array(1 << MAX_PORDER);

  /** @param bps 8, 16 or 24 bits per sample; @param sampleRate Hz, 1-1048575 (an integer). */
  constructor(readonly channels: number, readonly bps: 8 | 16 | 24, readonly sampleRate: number) {
    if (!Number.isInteger(channels) || channels < 1 || channels > 8) throw new RangeError(`a FLAC stream holds 1 to 8 channels, got ${channels}`);
    if (!Number.isInteger(sampleRate) || sampleRate < 1 || sampleRate > 1048575) throw new RangeError(`FLAC sample rate must be an integer in 1..1048575 Hz, got ${sampleRate}`);
    this.pending = Array.from({ length: channels }, () => new Int32Array(FLAC_BLOCK));
    this.rateCode = rateCode(sampleRate);
    this.folded = new Int32Array(FLAC_BLOCK);
  }

  /**
   * Adds n samples of every channel (each within the bps range) and returns the bytes of the frames
   * this completes (valid until the next call).
   */
  push(chans: ArrayLike<number>[], n: number): Uint8Array {
    const lo = -(2 ** (this.bps - 1)), hi = 2 ** (this.bps - 1) - 1;
    const out: Uint8Array[] = [];
    let i = 0;
    while (i < n) {
      const take = Math.min(n - i, FLAC_BLOCK - this.fill);
      for (let c = 0; c < this.channels; c++) {
        const src = chans[c]!, dst = this.pending[c]!;
        for (let j = 0; j < take; j++) {
          const v = src[i + j]!;
          if (!(v >= lo && v <= hi) || !Number.isInteger(v)) throw new RangeError(`sample ${v} of channel ${c} is not a ${this.bps}-bit integer`);
          dst[this.fill + j] = v;
        }
      }
      this.fill += take;
      i += take;
      if (this.fill === FLAC_BLOCK) out.push(this.frame(FLAC_BLOCK));
    }
    return concat(out);
  }

  /** Encodes what is left as the last frame; returns its bytes (empty when nothing was left). */
  finish(): Uint8Array {
    return this.fill > 0 ? this.frame(this.fill) : new Uint8Array(0);
  }

  /** "fLaC" and STREAMINFO for the samples pushed so far (call after finish). */
  header(): Uint8Array {
    const h = new Uint8Array(FLAC_HEADER_BYTES);
    h.set([0x66, 0x4c, 0x61, 0x43, 0x80, 0, 0, 34]);
    const b = h.subarray(8);
    const put = (v: number, at: number, bytes: number): void => {
      for (let k = bytes - 1; k >= 0; k--) { b[at + k] = v % 256; v = Math.floor(v / 256); }
    };
    put(FLAC_BLOCK, 0, 2);
    put(FLAC_BLOCK, 2, 2);
    put(this.total > 0 ? this.minFrame : 0, 4, 3);
    put(this.maxFrame, 7, 3);
    // 20 bits rate, 3 bits channels - 1, 5 bits bps - 1, 36 bits total samples.
    const r = this.sampleRate, t = this.total;
    b[10] = r >> 12;
    b[11] = (r >> 4) & 0xff;
    b[12] = ((r & 15) << 4) | ((this.channels - 1) << 1) | ((this.bps - 1) >> 4);
    b[13] = (((this.bps - 1) & 15) << 4) | Math.floor(t / 2 ** 32);
    put(t % 2 ** 32, 14, 4);
    b.set(this.md5.copy().digest(), 18);
    return h;
  }

  private frame(n: number): Uint8Array {
    const w = this.w;
    w.reset();
    // Every subframe verbatim at one bit more, headers and padding: more than a frame can take.
    w.reserve(Math.ceil(64 + (this.channels * (n * (this.bps + 1) + 64)) / 8));
    w.put(0xfff8, 16);
    const bsCode = n === FLAC_BLOCK ? 12 : n <= 256 ? 6 : 7;
    w.put(bsCode, 4);
    w.put(this.rateCode, 4);
    w.put(this.channels - 1, 4);
    w.put(this.bps === 8 ? 1 : this.bps === 16 ? 4 : 6, 3);
    w.put(0, 1);
    codedNumber(w, this.frameNo);
    if (bsCode === 6) w.put(n - 1, 8);
    else if (bsCode === 7) w.put(n - 1, 16);
    if (this.rateCode === 12) w.put(this.sampleRate / 1000, 8);
    else if (this.rateCode === 13) w.put(this.sampleRate, 16);
    else if (this.rateCode === 14) w.put(this.sampleRate / 10, 16);
    w.put(crc8(w.buf, 0, w.len), 8);
    for (let c = 0; c < this.channels; c++) this.subframe(this.pending[c]!, n);
    w.alignToByte();
    w.put(crc16(w.buf, 0, w.len), 16);
    this.hashSamples(n);
    this.frameNo++;
    this.total += n;
    this.fill = 0;
    if (n === FLAC_BLOCK || this.frameNo === 1) this.minFrame = Math.min(this.minFrame, w.len);
    this.maxFrame = Math.max(this.maxFrame, w.len);
    return w.buf.slice(0, w.len);
  }

  /** The MD5 of STREAMINFO: samples interleaved, little-endian, bps / 8 bytes each. */
  private hashSamples(n: number): void {
    const bytes = this.bps / 8, nc = this.channels;
    const buf = this.hashBuf.length >= n * nc * bytes ? this.hashBuf : (this.hashBuf = new Uint8Array(FLAC_BLOCK * nc * bytes));
    for (let c = 0; c < nc; c++) {
      const x = this.pending[c]!;
      for (let i = 0, p = c * bytes, step = nc * bytes; i < n; i++, p += step) {
        const v = x[i]!;
        buf[p] = v & 0xff;
        if (bytes > 1) buf[p + 1] = (v >> 8) & 0xff;
        if (bytes > 2) buf[p + 2] = (v >> 16) & 0xff;
      }
    }
    this.md5.update(buf.subarray(0, n * nc * bytes));
  }

  /** One channel's subframe: CONSTANT, the best FIXED order, or VERBATIM, whichever is smallest. */
  private subframe(x: Int32Array, n: number): void {
    const w = this.w, bps = this.bps;
    let constant = true;
    for (let i = 1; i < n && constant; i++) constant = x[i] === x[0];
    if (constant) {
      w.put(0, 8);
      w.signed(x[0]!, bps);
      return;
    }
    const best = bestFixedOrder(x, n);
    const u = this.folded;
    foldedResiduals(x, n, best, u);
    const plan = ricePlan(u, n, best, this.sums);
    if (8 + best * bps + plan.bits >= 8 + n * bps) {
      w.put(1 << 1, 8);
      for (let i = 0; i < n; i++) w.signed(x[i]!, bps);
      return;
    }
    w.put((8 + best) << 1, 8);
    for (let i = 0; i < best; i++) w.signed(x[i]!, bps);
    writeResidual(w, u, n, best, plan);
  }
}

interface RicePlan {
  method: 0 | 1;
  porder: number;
  params: number[];
  bits: number;
}

/**
 * Bits of `count` folded residuals summing to `sum` in Rice codes with parameter k, estimated as the
 * reference encoder does: each takes k + 1 bits and its quotient, whose sum is about sum / 2^k.
 */
function riceEstimate(sum: number, count: number, k: number): number {
  return count * (k + 1) + Math.floor(sum * INV_POW2[k]!);
}

/** Rice parameter of least estimated bits for a partition, and those bits. */
function bestParam(sum: number, count: number): [number, number] {
  const mean = count > 0 ? sum / count : 0;
  const guess = mean > 1 ? Math.min(29, 31 - Math.clz32(mean)) : 0;
  let bk = guess, bb = riceEstimate(sum, count, guess);
  if (guess > 0) {
    const b = riceEstimate(sum, count, guess - 1);
    if (b < bb) { bb = b; bk = guess - 1; }
  }
  if (guess < 29) {
    const b = riceEstimate(sum, count, guess + 1);
    if (b < bb) { bb = b; bk = guess + 1; }
  }
  return [bk, bb];
}

/**
 * The partition order and parameters of least estimated bits: partition sums at the finest order
 * once, each coarser order's as sums of pairs (method 1, 5-bit parameters, when one exceeds 14).
 */
function ricePlan(u: Int32Array, n: number, order: number, sums: Float64Array): RicePlan {
  let top = 0;
  while (top < MAX_PORDER && (n >> (top + 1)) << (top + 1) === n && (n >> (top + 1)) > order && (n >> (top + 1)) >= 16) top++;
  const per = n >> top;
  for (let p = 0; p < 1 << top; p++) {
    let s = 0;
    for (let i = p === 0 ? order : p * per; i < (p + 1) * per; i++) s += u[i]!;
    sums[p] = s;
  }
  let best: RicePlan | undefined;
  for (let porder = top; ; porder--) {
    const parts = 1 << porder, size = n >> porder;
    const params: number[] = [];
    let bits = 6;
    for (let p = 0; p < parts; p++) {
      const [k, b] = bestParam(sums[p]!, p === 0 ? size - order : size);
      params.push(k);
      bits += b;
    }
    const method: 0 | 1 = params.some((k) => k > 14) ? 1 : 0;
    bits += parts * (method === 0 ? 4 : 5);
    if (!best || bits < best.bits) best = { method, porder, params, bits };
    if (porder === 0) break;
    for (let p = 0; p < parts / 2; p++) sums[p] = sums[2 * p]! + sums[2 * p + 1]!;
  }
  return best;
}

function writeResidual(w: BitWriter, u: Int32Array, n: number, order: number, plan: RicePlan): void {
  w.put(plan.method, 2);
  w.put(plan.porder, 4);
  const per = n >> plan.porder, pbits = plan.method === 0 ? 4 : 5;
  plan.params.forEach((k, p) => {
    w.put(k, pbits);
    w.rice(u, p === 0 ? order : p * per, (p + 1) * per, k);
  });
}

/** Frame header sample-rate code (RFC 9639 section 9.1.2): a table entry, or a rate in the header's end. */
function rateCode(rate: number): number {
  const table = [0, 88200, 176400, 192000, 8000, 16000, 22050, 24000, 32000, 44100, 48000, 96000];
  const k = table.indexOf(rate);
  if (k > 0) return k;
  if (rate % 1000 === 0 && rate / 1000 <= 255) return 12;
  if (rate <= 65535) return 13;
  if (rate % 10 === 0 && rate / 10 <= 65535) return 14;
  return 0;
}

/** The frame number, coded like UTF-8 (RFC 9639 section 9.1.5). */
function codedNumber(w: BitWriter, v: number): void {
  if (v < 0x80) { w.put(v, 8); return; }
  const bytes = v < 0x800 ? 2 : v < 0x10000 ? 3 : v < 0x200000 ? 4 : v < 0x4000000 ? 5 : v < 0x80000000 ? 6 : 7;
  const lead = [0, 0, 0xc0, 0xe0, 0xf0, 0xf8, 0xfc, 0xfe][bytes]!;
  const shift = 6 * (bytes - 1);
  w.put(lead | Math.floor(v / 2 ** shift), 8);
  for (let k = bytes - 2; k >= 0; k--) w.put(0x80 | (Math.floor(v / 2 ** (6 * k)) & 63), 8);
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}
