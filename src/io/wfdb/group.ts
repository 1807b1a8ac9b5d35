/**
 * One WFDB signal file and the signals stored in it (a "signal group" in WFDB terms): maps frame
 * ranges to byte ranges, reads them by position and decodes them into one flat Int32 block.
 *
 * Format 8 stores first differences, so a sample's value is the initial value plus every difference
 * before it. Random access keeps a sparse table of running values, one row per CHECKPOINT_FRAMES
 * frames, built lazily: a read at frame f starts from the nearest known row at or before f (or from
 * where the previous read ended, which makes sequential chunks free) and scans forward, filling in
 * rows as it passes them. Memory: one Int32 per signal per 65,536 frames.
 *
 * FLAC formats (508, 516, 524) hold one FLAC stream whose channels are the group's signals, every one
 * with the same samples per frame: signal k's samples are channel k's in order, from sample
 * `byteOffset` on (the WFDB library reads the header's byte offset as a sample offset there).
 */
import { BufferPool, PositionalFile } from '../file.js';
import { FormatError } from '../errors.js';
import type { PhysicalBlock } from '../recording.js';
import { FlacStream } from '../flac-stream.js';
import { bytesForSamples, decodeChannel, decodeChannelsPhysical, decodeSamples, formatLayout, isFlacFormat, samplesInBytes, type PhysicalScale, type WfdbFormat } from './formats.js';

export const CHECKPOINT_FRAMES = 65536;
/** Frames decoded per step when format 8 scans forward to a start frame. */
const SCAN_FRAMES = 65536;
/**
 * Largest single read of the direct paths, in bytes: longer ranges are read and decoded in batches.
 * Up to two such buffers stay pooled per open record (in every worker thread): a block of a record
 * with many channels, of which one is processed, would otherwise keep several MB each. At 1 MB a
 * read still costs far more in copying than in its call.
 */
const MAX_READ_BYTES = 1 << 20;

export interface GroupMember {
  /** Index of the signal in the header. */
  signal: number;
  /** Position of its first sample within a frame of this file. */
  slot: number;
  samplesPerFrame: number;
  skew: number;
  initialValue: number;
}

export class SignalGroup {
  readonly file: PositionalFile;
  readonly format: WfdbFormat;
  readonly byteOffset: number;
  readonly members: GroupMember[];
  /** Samples of all members in one frame. */
  readonly frameSamples: number;
  /** Whole frames the file holds after the byte offset (set by `open`). */
  fileFrames = 0;
  fileBytes = 0;
  /** Scratch of the flat path (`readFrames`), which runs one read at a time. */
  private bytes: Uint8Array = new Uint8Array(0);
  private flat: Int32Array = new Int32Array(0);
  /** Byte buffers of the direct paths, which may run concurrently (a stream reads ahead). */
  private readonly pool = new BufferPool();
  /** Format 8: running values per member at frame k * CHECKPOINT_FRAMES, rows known for k < length. */
  private checkpoints: Int32Array[] = [];
  private cursor: { frame: number; acc: Int32Array } | undefined;
  /** Member owning each slot of a frame (format 8 sums per signal). */
  private owner: Int32Array;
  /** FLAC formats: the stream, and one buffer per channel for what it decodes. */
  private flac: FlacStream | undefined;
  private channelScratch: Int32Array[] = [];

  constructor(path: string, format: WfdbFormat, byteOffset: number, members: GroupMember[]) {
    this.file = new PositionalFile(path);
    this.format = format;
    this.byteOffset = byteOffset;
    this.members = members;
    this.frameSamples = members.reduce((s, m) => s + m.samplesPerFrame, 0);
    this.owner = new Int32Array(this.frameSamples);
    members.forEach((m, k) => this.owner.fill(k, m.slot, m.slot + m.samplesPerFrame));
    if (format === '8') this.checkpoints.push(Int32Array.from(members, (m) => m.initialValue));
  }

  /** Opens the file (FormatError when missing) and works out how many frames it holds. */
  async open(): Promise<void> {
    this.fileBytes = await this.file.size();
    if (isFlacFormat(this.format)) return this.openFlac();
    if (this.fileBytes < this.byteOffset) {
      throw new FormatError(this.file.path, `at least ${this.byteOffset} bytes (the header's byte offset)`, 'end of file', `file has ${this.fileBytes} bytes`);
    }
    this.fileFrames = Math.floor(samplesInBytes(this.format, this.fileBytes - this.byteOffset) / this.frameSamples);
  }

  private async openFlac(): Promise<void> {
    const path = this.file.path, ms = this.members;
    const spf = ms[0]!.samplesPerFrame;
    if (ms.some((m) => m.samplesPerFrame !== spf)) throw new FormatError(path, `one samples-per-frame count for every signal of format ${this.format}`, 'header', `got ${ms.map((m) => m.samplesPerFrame).join(', ')}`);
    const flac = new FlacStream(this.file);
    await flac.open();
    const info = flac.info, bits = Number(this.format) - 500;
    if (info.channels !== ms.length) throw new FormatError(path, `${ms.length} FLAC channels (one per signal of the header)`, 'STREAMINFO', `got ${info.channels}`);
    if (info.bitsPerSample > bits) throw new FormatError(path, `at most ${bits} bits per sample (format ${this.format})`, 'STREAMINFO', `got ${info.bitsPerSample}`);
    this.flac = flac;
    this.fileFrames = Math.max(0, Math.floor((info.totalSamples - this.byteOffset) / spf));
  }

  /** Bytes the file must have to hold `frames` frames (not FLAC, whose stream states its length). */
  bytesForFrames(frames: number): number {
    return this.byteOffset + bytesForSamples(this.format, frames * this.frameSamples);
  }

  /**
   * Decodes frames [f0, f1) (within the file) into a flat block owned by this group, valid until the
   * next call; `lead` is the index in it of frame f0's first sample. With `members`, FLAC decodes
   * only their samples (the others' slots are left as they were).
   */
  async readFrames(f0: number, f1: number, members?: readonly GroupMember[]): Promise<{ flat: Int32Array; lead: number }> {
    if (this.flac) return this.flacFrames(this.flac, f0, f1, members);
    if (this.format !== '8') return this.decodeFrames(f0, f1);
    const acc = await this.runningValues(f0);
    const flat = await this.sumFrames(f0, f1, acc);
    this.cursor = { frame: f1, acc };
    return { flat, lead: 0 };
  }

  /** FLAC: frames [f0, f1) from the channels' samples, laid out as a frame-ordered file would be. */
  private async flacFrames(flac: FlacStream, f0: number, f1: number, wantedMembers?: readonly GroupMember[]): Promise<{ flat: Int32Array; lead: number }> {
    const F = this.frameSamples, spf = this.members[0]!.samplesPerFrame, n = (f1 - f0) * spf;
    if (this.flat.length < (f1 - f0) * F) this.flat = new Int32Array(Math.max((f1 - f0) * F, this.flat.length * 2));
    if ((this.channelScratch[0]?.length ?? -1) < n) this.channelScratch = this.members.map(() => new Int32Array(n));
    const s0 = this.byteOffset + f0 * spf;
    const wanted = this.members.map((m) => !wantedMembers || wantedMembers.includes(m));
    await flac.read(s0, s0 + n, this.channelScratch, wanted);
    for (let c = 0; c < this.members.length; c++) if (wanted[c]) interleave(this.channelScratch[c]!, f1 - f0, spf, this.flat, this.members[c]!.slot, F);
    return { flat: this.flat, lead: 0 };
  }

  private async decodeFrames(f0: number, f1: number): Promise<{ flat: Int32Array; lead: number }> {
    const F = this.frameSamples;
    const { groupSamples: gs, groupBytes: gb } = formatLayout(this.format);
    const s0 = f0 * F, s1 = f1 * F;
    const lead = s0 % gs;
    const a0 = s0 - lead;
    const n = s1 - a0;
    const pos = this.byteOffset + (a0 / gs) * gb;
    const len = Math.min(bytesForSamples(this.format, n), this.fileBytes - pos);
    if (this.bytes.length < len) this.bytes = new Uint8Array(Math.max(len, this.bytes.length * 2));
    if (this.flat.length < n) this.flat = new Int32Array(Math.max(n, this.flat.length * 2));
    await this.file.read(pos, len, this.bytes);
    decodeSamples(this.format, this.bytes, n, this.flat, 0);
    return { flat: this.flat, lead };
  }

  /**
   * Bytes per frame when the direct paths apply (formats 16 and 212 whose frames end on a 3-byte
   * group, members with one sample per frame and no skew), else 0.
   */
  directFrameBytes(): number {
    const F = this.frameSamples;
    if (this.flac) return 0;
    if (this.format === '16') return 2 * F;
    if (this.format === '212' && (F & 1) === 0) return (F >> 1) * 3;
    return 0;
  }

  /**
   * Decodes frames [f0, f1) of the given members (one sample per frame each) straight into `outs`
   * from `outOffset`; false when the format or layout needs the flat path of `readFrames`.
   */
  async readDirect(f0: number, f1: number, members: GroupMember[], outs: Int32Array[], outOffset: number): Promise<boolean> {
    const F = this.frameSamples;
    if (!this.directFrameBytes()) return false;
    await this.eachBatch(f0, f1, (bytes, frames, done) => {
      members.forEach((m, k) => decodeChannel(this.format, bytes, frames, F, m.slot, outs[k]!, outOffset + done));
    });
    return true;
  }

  /**
   * As `readDirect`, decoding straight to physical values (212 scales with their `table`); false when
   * the layout does not allow it.
   */
  async readDirectPhysical(f0: number, f1: number, members: GroupMember[], scales: PhysicalScale[], outs: PhysicalBlock[]): Promise<boolean> {
    const F = this.frameSamples;
    if (!this.directFrameBytes()) return false;
    const slots = members.map((m) => m.slot);
    await this.eachBatch(f0, f1, (bytes, frames, done) => {
      decodeChannelsPhysical(this.format, bytes, frames, F, slots, scales, outs, done);
    });
    return true;
  }

  /**
   * Reads frames [f0, f1) of a direct layout in batches of at most MAX_READ_BYTES, each into a pooled
   * buffer, and hands each batch to `decode` with its frame count and the frames before it.
   */
  private async eachBatch(f0: number, f1: number, decode: (bytes: Uint8Array, frames: number, done: number) => void): Promise<void> {
    const frameBytes = this.directFrameBytes();
    const perBatch = Math.max(1, Math.floor(MAX_READ_BYTES / frameBytes));
    const buf = this.pool.take(Math.min(f1 - f0, perBatch) * frameBytes);
    try {
      for (let a = f0; a < f1; a += perBatch) {
        const frames = Math.min(perBatch, f1 - a);
        await this.file.read(this.byteOffset + a * frameBytes, frames * frameBytes, buf);
        decode(buf, frames, a - f0);
      }
    } finally {
      this.pool.give(buf);
    }
  }

  /** Format 8: values of each member just before frame f (the running sums of earlier frames). */
  private async runningValues(f: number): Promise<Int32Array> {
    const k = Math.min(Math.floor(f / CHECKPOINT_FRAMES), this.checkpoints.length - 1);
    let frame = k * CHECKPOINT_FRAMES;
    let acc = Int32Array.from(this.checkpoints[k]!);
    const c = this.cursor;
    if (c && c.frame <= f && c.frame > frame) {
      frame = c.frame;
      acc = Int32Array.from(c.acc);
    }
    while (frame < f) {
      const next = Math.min(f, frame + SCAN_FRAMES);
      await this.sumFrames(frame, next, acc);
      frame = next;
    }
    return acc;
  }

  /** Format 8: decodes frames [f0, f1) and turns differences into values, starting from `acc`. */
  private async sumFrames(f0: number, f1: number, acc: Int32Array): Promise<Int32Array> {
    const { flat } = await this.decodeFrames(f0, f1);
    const F = this.frameSamples, owner = this.owner, cps = this.checkpoints;
    let p = 0;
    for (let fr = f0; fr < f1; fr++) {
      if (fr % CHECKPOINT_FRAMES === 0 && fr / CHECKPOINT_FRAMES === cps.length) cps.push(Int32Array.from(acc));
      for (let j = 0; j < F; j++, p++) {
        const m = owner[j]!;
        const v = (acc[m]! + flat[p]!) | 0;
        acc[m] = v;
        flat[p] = v;
      }
    }
    return flat;
  }

  async close(): Promise<void> {
    await this.file.close();
  }
}

/** A signal's samples x (spf per frame, `frames` frames) into their slots of frame-ordered `flat`. */
function interleave(x: Int32Array, frames: number, spf: number, flat: Int32Array, slot: number, F: number): void {
  if (spf === 1) {
    for (let f = 0, p = slot; f < frames; f++, p += F) flat[p] = x[f]!;
    return;
  }
  for (let f = 0, i = 0; f < frames; f++) {
    const base = f * F + slot;
    for (let j = 0; j < spf; j++, i++) flat[base + j] = x[i]!;
  }
}
