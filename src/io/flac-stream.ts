/**
 * Random access to the samples of a FLAC file, read by position in bounded memory. Frame starts are
 * known from the first frame, the SEEKTABLE and the frames decoded so far (a sparse index, one entry
 * per `indexStride` samples); a read far from any of them bisects the byte range between the nearest
 * two, taking as a frame only a sync code whose header passes its CRC-8 and whose frame passes its
 * CRC-16 (./flac.ts). Sequential reads go on from the frame where the previous one stopped, which
 * stays decoded, so chunks that cut frames decode each frame once.
 */
import { FormatError } from './errors.js';
import type { PositionalFile } from './file.js';
import { decodeFrame, FlacTruncated, parseFlacMetadata, readFrameHeader, type FlacFrameHeader, type FlacMetadata, type FlacStreamInfo } from './flac.js';

/** Bytes read at a time. */
const READ_BYTES = 1 << 20;

export interface FlacStreamOptions {
  /** Samples per channel between entries of the frame index. default: 65536 */
  indexStride?: number;
  /** Farther than this from a known frame start, a read bisects rather than decodes its way forward. default: 262144 */
  bisectSamples?: number;
}

interface FrameStart { sample: number; offset: number }
interface DecodedFrame { sample: number; blockSize: number; offset: number; next: number }

/**
 * Longest frame taken before the frame is reported as bad, in multiples of the longest frame that
 * codes every subframe verbatim: a damaged frame (say one running into a zero-filled tail, where
 * Rice codes never end) must not make a read load the rest of the file.
 */
const MAX_FRAME_BOUNDS = 4;

export class FlacStream {
  meta!: FlacMetadata;
  private size = 0;
  /** Known frame starts, by sample. */
  private index: FrameStart[] = [];
  private buf = new Uint8Array(0);
  /** File offset of buf[0], and bytes held. */
  private bufStart = 0;
  private bufLen = 0;
  /** The frame decoded last: its samples per channel, where it starts and where the next one does. */
  private frame: Int32Array[] = [];
  private last: DecodedFrame | undefined;
  /** Channels the last frame was predicted for (the others hold residuals). */
  private lastWanted: boolean[] = [];

  private readonly indexStride: number;
  private readonly bisectSamples: number;

  constructor(readonly file: PositionalFile, opts: FlacStreamOptions = {}) {
    this.indexStride = opts.indexStride ?? 1 << 16;
    this.bisectSamples = opts.bisectSamples ?? 1 << 18;
  }

  get info(): FlacStreamInfo {
    return this.meta.info;
  }

  /** Reads the metadata; FormatError when the file is not a FLAC stream this reader handles. */
  async open(): Promise<void> {
    this.size = await this.file.size();
    let want = Math.min(this.size, 8192);
    for (;;) {
      const head = await this.file.read(0, want);
      let m;
      try {
        m = parseFlacMetadata(head);
      } catch (e) {
        throw new FormatError(this.file.path, 'a FLAC stream', 'byte 0', (e as Error).message, { cause: e });
      }
      if ('info' in m) { this.meta = m; break; }
      if (m.needed > this.size) throw new FormatError(this.file.path, `${m.needed} bytes of FLAC metadata`, 'end of file', `file has ${this.size} bytes`);
      want = Math.min(this.size, Math.max(m.needed, want * 2));
    }
    const info = this.meta.info;
    // No samples stated and no frames: an empty stream; frames but no count: a length left unknown.
    if (info.totalSamples === 0 && this.size > this.meta.firstFrame) throw new FormatError(this.file.path, 'a FLAC stream that states its length', 'STREAMINFO', 'total samples is 0 (unknown)');
    if (info.maxBlockSize < 16) throw new FormatError(this.file.path, 'a maximum block size of at least 16', 'STREAMINFO', `got ${info.maxBlockSize}`);
    this.frame = Array.from({ length: info.channels }, () => new Int32Array(info.maxBlockSize));
    this.index = [{ sample: 0, offset: this.meta.firstFrame }];
    for (const p of this.meta.seekPoints) this.remember({ sample: p.sample, offset: this.meta.firstFrame + p.offset });
  }

  /** Largest bytes a frame can take: STREAMINFO's maximum, else every subframe verbatim. */
  private frameBound(): number {
    return this.info.maxFrameSize > 0 ? this.info.maxFrameSize : this.verbatimBound();
  }

  /** Bytes of a frame whose every subframe is verbatim (side channels one bit wider). */
  private verbatimBound(): number {
    const i = this.info;
    return 18 + Math.ceil((i.maxBlockSize * i.channels * (i.bitsPerSample + 1)) / 8) + 2 * i.channels;
  }

  /**
   * Decodes samples [s0, s1) into outs[c][0 .. s1 - s0) for every channel, or for those `wanted`
   * marks (the others' arrays are left alone; they may be empty).
   */
  async read(s0: number, s1: number, outs: Int32Array[], wanted?: readonly boolean[]): Promise<void> {
    if (s0 < 0 || s1 > this.info.totalSamples || s1 < s0) throw new RangeError(`samples [${s0}, ${s1}) outside the stream's ${this.info.totalSamples}`);
    const want = Array.from({ length: this.info.channels }, (_, c) => !wanted || wanted[c] === true);
    let at = await this.startFor(s0, want);
    let s = s0;
    while (s < s1) {
      const h = this.held(s, want) ?? (await this.decodeAt(at, want));
      if (h.sample > s) throw new FormatError(this.file.path, `a frame holding sample ${s}`, `byte ${at}`, `the frame there starts at sample ${h.sample}`);
      at = h.next;
      if (h.sample + h.blockSize <= s) continue;
      const from = s - h.sample, to = Math.min(h.blockSize, s1 - h.sample);
      for (let c = 0; c < outs.length; c++) if (want[c]) outs[c]!.set(this.frame[c]!.subarray(from, to), s - s0);
      s = h.sample + to;
    }
  }

  /**
   * The frame decoded last when it holds sample s and was predicted for every channel `want` marks
   * (a read of other channels decodes it again), else undefined.
   */
  private held(s: number, want: readonly boolean[]): DecodedFrame | undefined {
    const l = this.last;
    return l && l.sample <= s && s < l.sample + l.blockSize && want.every((w, c) => !w || this.lastWanted[c]) ? l : undefined;
  }

  /** Byte offset of the frame to decode first for a read from sample s (-1: the one held serves). */
  private async startFor(s: number, want: readonly boolean[]): Promise<number> {
    const l = this.last;
    if (l && l.sample <= s && s < l.sample + l.blockSize) return this.held(s, want) ? -1 : l.offset;
    let best = this.index[this.entryBefore(s)]!;
    if (l && l.sample + l.blockSize <= s && l.sample + l.blockSize > best.sample) best = { sample: l.sample + l.blockSize, offset: l.next };
    if (s - best.sample > this.bisectSamples) {
      best = await this.bisect(best, s);
    }
    return best.offset;
  }

  private entryBefore(s: number): number {
    let lo = 0, hi = this.index.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.index[mid]!.sample <= s) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  private remember(f: FrameStart): void {
    const k = this.entryBefore(f.sample);
    const e = this.index[k]!;
    if (e.sample === f.sample) return;
    this.index.splice(k + 1, 0, f);
  }

  /**
   * A known frame start closer to sample s: halves the byte range between `lo` and the next known
   * start after s until the frames between them hold few samples.
   */
  private async bisect(lo: FrameStart, s: number): Promise<FrameStart> {
    const after = this.index.find((e) => e.sample > s);
    let hi = after ?? { sample: this.info.totalSamples, offset: this.size };
    const bound = this.frameBound();
    while (hi.sample - lo.sample > this.bisectSamples && hi.offset - lo.offset > 4 * bound) {
      const mid = lo.offset + Math.floor((hi.offset - lo.offset) / 2);
      const f = await this.frameFrom(mid, Math.min(hi.offset, mid + 4 * bound), lo.sample, hi.sample);
      if (!f) break;
      this.remember(f);
      if (f.sample <= s) lo = f; else hi = f;
    }
    return lo;
  }

  /**
   * The first frame starting in [from, to) whose sample lies strictly between `after` and `before`
   * and that decodes with a matching CRC-16, or undefined.
   */
  private async frameFrom(from: number, to: number, after: number, before: number): Promise<FrameStart | undefined> {
    await this.fill(from, to - from + this.frameBound(), false);
    const b = this.buf.subarray(0, this.bufLen);
    for (let p = from - this.bufStart; p + this.bufStart < to; p++) {
      if (b[p] !== 0xff || (b[p + 1]! & 0xfe) !== 0xf8) continue;
      const h = readFrameHeader(b, p, this.info);
      if (!h || h.sample <= after || h.sample >= before || h.channels !== this.info.channels || h.blockSize > this.info.maxBlockSize) continue;
      try {
        decodeFrame(b, p, this.info, this.frame);
      } catch {
        continue;
      }
      this.last = undefined;
      return { sample: h.sample, offset: p + this.bufStart };
    }
    return undefined;
  }

  /**
   * Holds bytes [offset, offset + length) of the file (fewer at its end) in buf, reading ahead to
   * READ_BYTES unless `ahead` is false (bisection looks at a window and moves on).
   */
  private async fill(offset: number, length: number, ahead = true): Promise<void> {
    const end = Math.min(this.size, offset + length);
    if (offset >= this.bufStart && end <= this.bufStart + this.bufLen) return;
    const n = Math.min(this.size - offset, ahead ? Math.max(READ_BYTES, length) : length);
    if (this.buf.length < n) this.buf = new Uint8Array(n);
    await this.file.read(offset, n, this.buf);
    this.bufStart = offset;
    this.bufLen = n;
  }

  /** Decodes the frame at byte `offset` into `frame`; its first sample, length and successor. */
  private async decodeAt(offset: number, want: boolean[]): Promise<DecodedFrame> {
    if (offset < 0 || offset >= this.size) throw new FormatError(this.file.path, 'another FLAC frame', `byte ${offset}`, 'end of file');
    const bound = this.frameBound();
    await this.fill(offset, bound);
    let h: FlacFrameHeader, bytes: number;
    try {
      ({ header: h, bytes } = decodeFrame(this.buf.subarray(0, this.bufLen), offset - this.bufStart, this.info, this.frame, want));
    } catch (e) {
      const held = this.bufStart + this.bufLen, cap = MAX_FRAME_BOUNDS * this.verbatimBound();
      if (e instanceof FlacTruncated && held < this.size && held - offset < cap) {
        // A frame longer than STREAMINFO said: twice the bytes each time, up to the cap.
        await this.fill(offset, Math.min(cap, Math.max(bound, 2 * (held - offset))));
        return this.decodeAt(offset, want);
      }
      this.last = undefined;
      const why = !(e instanceof FlacTruncated) ? (e as Error).message : held < this.size ? `no frame end within ${cap} bytes` : `the file ends inside the frame (${e.message})`;
      throw new FormatError(this.file.path, 'a valid FLAC frame', `byte ${offset}`, why, { cause: e });
    }
    if (h.bitsPerSample > this.info.bitsPerSample) throw new FormatError(this.file.path, `at most ${this.info.bitsPerSample} bits per sample`, `frame at byte ${offset}`, `got ${h.bitsPerSample}`);
    const f = { sample: h.sample, blockSize: h.blockSize, offset, next: offset + bytes };
    this.last = f;
    this.lastWanted = want;
    if (Math.floor(h.sample / this.indexStride) !== Math.floor((h.sample + h.blockSize) / this.indexStride)) this.remember({ sample: h.sample, offset });
    return f;
  }
}
