/**
 * Chunked beat detection whose result equals the one-shot result exactly, for any chunking.
 *
 * A detector with context is made exactly local by defining its output blockwise: the signal is cut
 * into blocks of `blockSeconds` at fixed absolute sample positions (k * S), the detector runs on each
 * block widened by its context C on both sides (clipped to the signal), and only beats whose position
 * falls inside the block itself are kept (a beat exactly on a seam belongs to the later block). Where
 * two blocks both report a beat across a seam (the same beat seen from both sides), the earlier one
 * is kept and any beat closer than the detector's refractory period to it is dropped. Both
 * `detectInBlocks` (one shot) and `BeatStream` (chunk by chunk) evaluate exactly these slices with the
 * same code, so they agree bit for bit however the signal arrives, while memory stays bounded by
 * one block plus its context plus one chunk.
 *
 * A non-finite sample is a missing one (a WFDB reader's invalid sample, a gap in a text file): the
 * detector runs on each finite stretch of a slice on its own, so no beat is placed in a gap and no
 * filter smears it over its neighbours. That rule is also a function of the slice alone.
 */
import type { Recording, ChannelRef } from '../io/recording.js';
import { checkFs } from './band.js';
import type { Sos } from '../dsp/types.js';

/** A beat detector that can run on a slice of the signal. */
export interface BlockDetector {
  /**
   * Signal on which the beats are found in each slice, as sorted sample indices into that slice.
   * `band`, when given, is the slice already filtered as `bandSos` says (a caller that filters the
   * slice anyway can run both filters in one pass, dsp/filtfilt-pair.ts).
   */
  detect(x: Float64Array, fs: number, band?: Float64Array): Int32Array;
  /** The zero-phase band-pass (sosfiltfilt, odd padding) the detector applies to each slice first, if any. */
  bandSos?(fs: number): Sos;
  /** Context in s the detector needs on each side of a block to decide on the beats inside it. */
  readonly contextSeconds: number;
  /** Shortest physiological interval between two beats in s; closer beats across a seam are merged. */
  readonly refractorySeconds: number;
}

export interface BlockOptions {
  /** Block length in s (the unit of work; memory holds about one block plus context). default: 60 */
  blockSeconds?: number;
}

interface Plan { block: number; context: number; refractory: number }

function plan(detector: BlockDetector, fs: number, opts: BlockOptions): Plan {
  checkFs(fs);
  const bs = opts.blockSeconds ?? 60;
  const block = Math.round(bs * fs);
  const context = Math.ceil(detector.contextSeconds * fs);
  if (!(block >= 1) || !Number.isFinite(block)) throw new RangeError(`blockSeconds must give at least one sample, got ${bs}`);
  if (context > block) throw new RangeError(`blockSeconds (${bs}) must be at least the detector context (${detector.contextSeconds} s)`);
  return { block, context, refractory: Math.round(detector.refractorySeconds * fs) };
}

/**
 * Appends the beats of block [b0, b1) found in slice x (which starts at absolute sample s0) to `out`,
 * applying the keep rule and the seam merge. Returns the last kept beat (or `last`).
 */
function keep(found: Int32Array, s0: number, b0: number, b1: number, last: number, refractory: number, out: number[]): number {
  for (let i = 0; i < found.length; i++) {
    const p = found[i]! + s0;
    if (p < b0 || p >= b1) continue;
    if (p - last < refractory) continue;
    out.push(p);
    last = p;
  }
  return last;
}

/** Index of the first non-finite sample of x from `from` (x.length when none). */
function nextMissing(x: Float64Array, from: number): number {
  let i = from;
  while (i < x.length && Number.isFinite(x[i]!)) i++;
  return i;
}

/** Beats found in a slice: in one detector call when all its samples are finite, else per finite stretch. */
function detectSlice(detector: BlockDetector, x: Float64Array, fs: number): Int32Array {
  if (nextMissing(x, 0) === x.length) return detector.detect(x, fs);
  const out: number[] = [];
  let a = 0;
  while (a < x.length) {
    while (a < x.length && !Number.isFinite(x[a]!)) a++;
    const b = nextMissing(x, a);
    if (b > a) {
      const found = detector.detect(x.subarray(a, b), fs);
      for (let i = 0; i < found.length; i++) out.push(found[i]! + a);
    }
    a = b;
  }
  return Int32Array.from(out);
}

/** Beats of the whole signal `x`, computed block by block (the reference that BeatStream equals). */
export function detectInBlocks(x: Float64Array, fs: number, detector: BlockDetector, opts: BlockOptions = {}): Int32Array {
  const { block, context, refractory } = plan(detector, fs, opts);
  const n = x.length;
  const out: number[] = [];
  let last = -Infinity;
  for (let b0 = 0; b0 < n; b0 += block) {
    const b1 = Math.min(n, b0 + block);
    const s0 = Math.max(0, b0 - context), s1 = Math.min(n, b1 + context);
    last = keep(detectSlice(detector, x.subarray(s0, s1), fs), s0, b0, b1, last, refractory, out);
  }
  return Int32Array.from(out);
}

/**
 * Incremental form of `detectInBlocks`: `push` consecutive chunks (optionally overlapping, with their
 * absolute start), collect the beats each call returns, then `finish`. Beats come out in order,
 * once, with absolute sample indices.
 */
export class BeatStream {
  private readonly p: Plan;
  private buf: Float64Array;
  /** Absolute index of buf[0]. */
  private bufStart = 0;
  /** Samples held in buf. */
  private len = 0;
  /** Start of the next block to decide. */
  private nextBlock = 0;
  private last = -Infinity;
  private done = false;

  constructor(private readonly detector: BlockDetector, readonly fs: number, opts: BlockOptions = {}) {
    this.p = plan(detector, fs, opts);
    this.buf = new Float64Array(this.p.block + 2 * this.p.context + 1024);
  }

  /** Absolute index of the next sample expected. */
  get position(): number {
    return this.bufStart + this.len;
  }

  /**
   * Adds samples starting at absolute index `start` (default: right after the previous chunk). Samples
   * already seen (chunk overlap) are skipped; a gap is an error. Returns the beats decided so far.
   */
  push(x: ArrayLike<number>, start = this.position): Int32Array {
    if (this.done) throw new RangeError('push after finish');
    const end = this.position;
    if (!Number.isInteger(start) || start > end || start < 0) {
      throw new RangeError(`start must be an integer in [0, ${end}] (chunks must be contiguous), got ${start}`);
    }
    const skip = end - start;
    const add = Math.max(0, x.length - skip);
    this.reserve(add);
    for (let i = 0; i < add; i++) this.buf[this.len + i] = x[skip + i]!;
    this.len += add;
    const out: number[] = [];
    const { block, context } = this.p;
    // A block is final once its right context has arrived.
    while (this.nextBlock + block + context <= this.position) this.runBlock(this.nextBlock + block + context, out);
    return Int32Array.from(out);
  }

  /** Ends the signal: decides the remaining blocks and returns their beats. */
  finish(): Int32Array {
    if (this.done) return new Int32Array(0);
    this.done = true;
    const out: number[] = [];
    while (this.nextBlock < this.position) this.runBlock(this.position, out);
    return Int32Array.from(out);
  }

  private runBlock(sliceEnd: number, out: number[]): void {
    const { block, context, refractory } = this.p;
    const b0 = this.nextBlock, b1 = Math.min(this.position, b0 + block);
    const s0 = Math.max(0, b0 - context);
    const s1 = Math.min(sliceEnd, b1 + context);
    const slice = this.buf.subarray(s0 - this.bufStart, s1 - this.bufStart);
    this.last = keep(detectSlice(this.detector, slice, this.fs), s0, b0, b1, this.last, refractory, out);
    this.nextBlock = b1;
    // Drop what no later block can need: everything before the next slice start.
    const keepFrom = Math.max(0, b1 - context) - this.bufStart;
    if (keepFrom > 0) {
      this.buf.copyWithin(0, keepFrom, this.len);
      this.len -= keepFrom;
      this.bufStart += keepFrom;
    }
  }

  private reserve(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    const grown = new Float64Array(Math.max(this.len + extra, 2 * this.buf.length));
    grown.set(this.buf.subarray(0, this.len));
    this.buf = grown;
  }
}

export interface StreamBeatsOptions extends BlockOptions {
  /** Chunk length read from the recording in s. default: 60 */
  chunkSeconds?: number;
  /**
   * Called with each stretch [start, end) of missing (non-finite) samples, in order, as absolute
   * sample indices, before any beat after it is yielded (a stretch over chunk seams is one call).
   */
  onMissing?: (start: number, end: number) => void;
}

/**
 * Detects beats on one channel of a recording chunk by chunk (bounded memory), yielding the beats
 * (absolute sample indices at the channel's rate) as they are decided.
 */
export async function* streamBeats(rec: Recording, channel: ChannelRef, detector: BlockDetector, opts: StreamBeatsOptions = {}): AsyncGenerator<Int32Array> {
  const ch = rec.channelIndex(channel);
  const fs = rec.info.channels[ch]!.fs;
  const stream = new BeatStream(detector, fs, opts);
  const { onMissing } = opts;
  // Start of the stretch of missing samples that reaches the end of the samples seen, if any.
  let open = -1;
  for await (const chunk of rec.chunks({ channels: [ch], seconds: opts.chunkSeconds ?? 60 })) {
    const x = chunk.data[0]!;
    if (onMissing) {
      for (let i = Math.max(0, stream.position - chunk.start); i < x.length; i++) {
        const missing = !Number.isFinite(x[i]!);
        if (missing && open < 0) open = chunk.start + i;
        else if (!missing && open >= 0) { onMissing(open, chunk.start + i); open = -1; }
      }
    }
    const beats = stream.push(x, chunk.start);
    if (beats.length > 0) yield beats;
  }
  if (open >= 0) onMissing?.(open, stream.position);
  const rest = stream.finish();
  if (rest.length > 0) yield rest;
}
