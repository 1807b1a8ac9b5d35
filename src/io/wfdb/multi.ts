/**
 * Multi-segment WFDB records (header(5), "Multi-segment records"), as PhysioNet's MIMIC waveform
 * databases store them: a master header lists segments, each a single-segment record of its own
 * at the master's frame rate, or '~' for a gap. In a fixed layout every segment has the same
 * signals; in a variable layout the first segment, of 0 samples, is a layout header that lists
 * every signal of the record, and each segment holds some of them, matched by description.
 *
 * The record reads as one recording, as wfdb-python's rdrecord(m2s=True) gives it: a gap, or a
 * signal absent from a segment, reads as missing samples (NaN in physical units). A channel keeps
 * its stored integers (with its segments' gain and baseline, gaps holding the format's invalid
 * value) when every segment that holds it stores it alike; otherwise it is read in physical units.
 * Segment headers are read at open; at most MAX_OPEN segments hold their signal files open.
 */
import { siblingPath } from '../file.js';
import { FormatError } from '../errors.js';
import { Recording, type ChannelInfo, type RecordingInfo, type StoredBlock } from '../recording.js';
import { readWfdbHeader, type WfdbHeader, type WfdbSignalSpec } from './header.js';
import { invalidSample, isWfdbFormat, type WfdbFormat } from './formats.js';
import { openWfdb, type WfdbRecording } from './record.js';

/** Segments whose signal files stay open at once (MIMIC records have thousands of segments). */
const MAX_OPEN = 8;
/** Segment headers read concurrently at open. */
const HEADER_BATCH = 32;

interface Piece {
  /** Segment record name, '~' for a gap. */
  name: string;
  /** First frame of the segment in the record. */
  start: number;
  frames: number;
  /** Per channel, the signal's index in the segment, or -1 when the segment lacks it. */
  map: number[];
}

/** How one channel is read: its stored integers with a shared scaling, or physical values. */
interface ChannelPlan {
  samplesPerFrame: number;
  /** Stored format shared by every segment holding the channel; undefined: physical reads. */
  format?: WfdbFormat;
}

export class WfdbMultiRecording extends Recording {
  readonly info: RecordingInfo;
  /** The master header (its `segments` listed, no signals). */
  readonly header: WfdbHeader;
  /** Frames of the record: the master's count, else the sum of the segments'. */
  readonly frames: number;
  private readonly pieces: Piece[];
  private readonly plans: ChannelPlan[];
  /** Open segments by piece index, least recently used first. */
  private readonly opened = new Map<number, WfdbRecording>();
  /** Reads run one at a time: a read may close a segment another one would still use. */
  private lock: Promise<unknown> = Promise.resolve();

  constructor(header: WfdbHeader, pieces: Piece[], channels: ChannelInfo[], plans: ChannelPlan[], frames: number, files: string[]) {
    super();
    this.header = header;
    this.pieces = pieces;
    this.plans = plans;
    this.frames = frames;
    this.info = {
      path: header.path,
      format: 'wfdb',
      variant: 'multi-segment',
      ...(header.startTime ? { startTime: header.startTime } : {}),
      duration: frames / header.frameFrequency,
      channels,
      annotations: [],
      comments: header.comments,
      files,
    };
  }

  protected readStored(channels: number[], start: number, end: number, out?: Int32Array[]): Promise<StoredBlock[]> {
    const run = this.lock.then(() => this.readLocked(channels, start, end, out));
    this.lock = run.catch(() => undefined);
    return run;
  }

  private async readLocked(channels: number[], start: number, end: number, out?: Int32Array[]): Promise<StoredBlock[]> {
    const n = end - start;
    const outs: StoredBlock[] = channels.map((c, k) => {
      const format = this.plans[c]!.format;
      if (format === undefined) return new Float64Array(n).fill(NaN);
      const o = out?.[k] ?? new Int32Array(n);
      return o.fill(invalidSample(format));
    });
    // Channels read together share a rate, hence a number of samples per frame.
    const spf = this.plans[channels[0]!]!.samplesPerFrame;
    for (let p = this.firstPiece(Math.floor(start / spf)); p < this.pieces.length; p++) {
      const piece = this.pieces[p]!;
      const s0 = piece.start * spf;
      if (s0 >= end) break;
      if (piece.name === '~') continue;
      const ks = channels.map((_, k) => k).filter((k) => piece.map[channels[k]!]! >= 0);
      if (ks.length === 0) continue;
      const rec = await this.segment(p);
      // A segment whose signal file holds fewer samples than the master says leaves the rest missing.
      const have = Math.min(piece.frames * spf, ...ks.map((k) => rec.info.channels[piece.map[channels[k]!]!]!.samples));
      const a = Math.max(start, s0), b = Math.min(end, s0 + have);
      if (b <= a) continue;
      for (const raw of [true, false]) {
        const group = ks.filter((k) => (this.plans[channels[k]!]!.format !== undefined) === raw);
        if (group.length === 0) continue;
        const views = group.map((k) => outs[k]!.subarray(a - start, b - start));
        await rec.read(group.map((k) => piece.map[channels[k]!]!), a - s0, b - s0, { raw, out: views });
      }
    }
    return outs;
  }

  /** Index of the piece holding frame `f` (the last one when f is past the end). */
  private firstPiece(f: number): number {
    let lo = 0, hi = this.pieces.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.pieces[mid]!.start <= f) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  /** The segment's recording, opened on first use; the least recently used one closes past MAX_OPEN. */
  private async segment(p: number): Promise<WfdbRecording> {
    const held = this.opened.get(p);
    if (held) {
      this.opened.delete(p);
      this.opened.set(p, held);
      return held;
    }
    const rec = await openSegment(this.header, this.pieces[p]!.name);
    this.opened.set(p, rec);
    if (this.opened.size > MAX_OPEN) {
      const [oldest, r] = this.opened.entries().next().value as [number, WfdbRecording];
      this.opened.delete(oldest);
      await r.close();
    }
    return rec;
  }

  async close(): Promise<void> {
    await this.lock;
    const open = [...this.opened.values()];
    this.opened.clear();
    await Promise.all(open.map((r) => r.close()));
  }
}

function segmentHeaderPath(master: WfdbHeader, name: string): string {
  return siblingPath(master.path, `${name}.hea`);
}

/** A segment's recording: a single-segment one, as openWfdbMulti checked each segment header. */
async function openSegment(master: WfdbHeader, name: string): Promise<WfdbRecording> {
  return (await openWfdb(segmentHeaderPath(master, name))) as WfdbRecording;
}

/** Opens a multi-segment record from its parsed master header (`openWfdb` calls this). */
export async function openWfdbMulti(master: WfdbHeader): Promise<WfdbMultiRecording> {
  const specs = master.segments!;
  const layoutFirst = specs[0]!.frames === 0 && specs[0]!.name !== '~';
  const names = specs.map((s) => s.name);
  const headers = new Map<string, WfdbHeader>();
  const wanted = [...new Set(names.filter((n) => n !== '~'))];
  for (let i = 0; i < wanted.length; i += HEADER_BATCH) {
    // Settled in order: of several unreadable headers the first listed is reported, whichever failed first.
    const batch = await Promise.allSettled(wanted.slice(i, i + HEADER_BATCH).map((n) => readWfdbHeader(segmentHeaderPath(master, n))));
    batch.forEach((r, k) => {
      if (r.status === 'rejected') throw r.reason;
      headers.set(wanted[i + k]!, r.value);
    });
  }
  const fs = master.frameFrequency;
  for (const [name, h] of headers) {
    const line = specs.find((s) => s.name === name)!.line;
    if (h.segments) throw new FormatError(h.path, `a single-segment record (segment on line ${line} of ${master.path})`, 'line 1', 'it is itself a multi-segment record');
    if (Math.abs(h.frameFrequency - fs) > 1e-9 * fs) {
      throw new FormatError(h.path, `the frame rate of ${master.path}, ${fs} Hz`, 'line 1', `got ${h.frameFrequency} Hz`);
    }
  }
  // The record's signals: the layout header's, else those of the first segment with data.
  const layout = layoutFirst ? headers.get(specs[0]!.name)! : headers.get(names.find((n) => n !== '~') ?? '');
  const signals: WfdbSignalSpec[] = layout?.signals ?? [];
  if (signals.length !== master.signalCount) {
    throw new FormatError(layout?.path ?? master.path, `${master.signalCount} signals, as the record line of ${master.path} states`, 'line 1', `got ${signals.length}`);
  }
  const pieces: Piece[] = [];
  let start = 0;
  for (const spec of layoutFirst ? specs.slice(1) : specs) {
    const h = headers.get(spec.name);
    pieces.push({ name: spec.name, start, frames: spec.frames, map: h ? mapSignals(signals, h, !layoutFirst) : signals.map(() => -1) });
    start += spec.frames;
  }
  const frames = master.frames ?? start;
  const plans = signals.map((sig, c): ChannelPlan => {
    const held = pieces.filter((p) => p.map[c]! >= 0).map((p) => headers.get(p.name)!.signals[p.map[c]!]!);
    // A layout header may leave samples per frame out (1) where its segments store several: theirs
    // then holds, the same in every segment.
    const spf = layoutFirst && sig.samplesPerFrame === 1 && held.length > 0 ? held[0]!.samplesPerFrame : sig.samplesPerFrame;
    for (const s of held) {
      if (s.samplesPerFrame !== spf) {
        throw new FormatError(headersOf(headers, s).path, `${spf} samples per frame for '${sig.description}', as in ${layoutFirst ? layout!.path : 'the other segments'}`, `line ${s.line}`, `got ${s.samplesPerFrame}`);
      }
    }
    const first = held[0];
    const alike = first !== undefined && isWfdbFormat(first.format) && held.every((s) => s.format === first.format && s.gain === first.gain && s.baseline === first.baseline);
    return alike ? { samplesPerFrame: spf, format: first.format as WfdbFormat } : { samplesPerFrame: spf };
  });
  const channels = signals.map((sig, c): ChannelInfo => {
    const plan = plans[c]!, spf = plan.samplesPerFrame;
    const held = pieces.find((p) => p.map[c]! >= 0);
    const s = held ? headers.get(held.name)!.signals[held.map[c]!]! : sig;
    const common = { name: sig.description, unit: sig.units, fs: fs * spf, samples: frames * spf, extra: { samplesPerFrame: spf, segments: pieces.filter((p) => p.map[c]! >= 0).length } };
    return plan.format !== undefined
      ? { ...common, gain: s.gain, baseline: s.baseline, storage: plan.format, missing: invalidSample(plan.format) }
      : { ...common, gain: 1, baseline: 0, storage: 'float64' };
  });
  // The master, then each segment's header and signal files: what the record's content hash covers.
  const files = [master.path];
  for (const h of headers.values()) {
    files.push(h.path);
    for (const sig of h.signals) if (sig.file !== '~') files.push(siblingPath(h.path, sig.file));
  }
  return new WfdbMultiRecording(master, pieces, channels, plans, frames, [...new Set(files)]);
}

/** The header that holds signal spec `s` (for error messages). */
function headersOf(headers: Map<string, WfdbHeader>, s: WfdbSignalSpec): WfdbHeader {
  for (const h of headers.values()) if (h.signals.includes(s)) return h;
  throw new Error('signal spec of no segment header');
}

/**
 * Per record signal, its index in segment `h`: by position in a fixed layout, by description in a
 * variable one (each segment signal used once, in order).
 */
function mapSignals(signals: WfdbSignalSpec[], h: WfdbHeader, fixed: boolean): number[] {
  if (fixed) {
    if (h.signals.length !== signals.length) {
      throw new FormatError(h.path, `${signals.length} signals, as every segment of a fixed-layout record`, 'line 1', `got ${h.signals.length}`);
    }
    return signals.map((_, i) => i);
  }
  const used = new Set<number>();
  const map = signals.map((sig) => {
    const i = h.signals.findIndex((s, k) => !used.has(k) && s.description === sig.description);
    if (i >= 0) used.add(i);
    return i;
  });
  const extra = h.signals.find((_, k) => !used.has(k));
  if (extra) throw new FormatError(h.path, "signals listed in the record's layout header", `line ${extra.line}`, `'${extra.description}' is not among them`);
  return map;
}
