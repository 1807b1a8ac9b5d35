/**
 * EDF / EDF+ / BDF / BDF+ recordings: samples decoded from positional reads of only the data records
 * a request covers; annotations read at open from the annotation signal's bytes of each record.
 *
 * EDF+D (discontinuous) files are read on their true time axis: each data record's samples start
 * at its onset (`recordOnsets`, rounded to the channel's sample grid), and the time between records
 * reads as missing samples (NaN; stored, one below the channel's digital minimum, its `missing`
 * code). Sample i of a channel is then at i / fs s like everywhere else, annotation onsets line up
 * with the samples, and beat detection, quality screening and HRV see the gap instead of a seam
 * (MNE's maintainers describe the same for gaps: a continuous axis with the skip marked). Each gap
 * is also listed in `info.annotations` as 'EDF+D gap before data record k' ('BDF+D ...' for BDF).
 */
import { BufferPool, PositionalFile, ReadsInFlight } from '../file.js';
import { Int16Tables, physicalInt16, physicalInt16Table } from '../physical.js';
import { Recording, type Annotation, type ChannelInfo, type PhysicalBlock, type RecordingInfo, type StoredBlock, unfilled } from '../recording.js';
import { readEdfHeader, type EdfHeader, type EdfSignalHeader } from './header.js';
import { parseTals } from './tal.js';

/** Largest single read, in bytes: data records are batched up to this size. */
const MAX_READ_BYTES = 8 << 20;
/** Largest buffer of annotation bytes read at open in one batch of concurrent reads. */
const MAX_TAL_BATCH_BYTES = 1 << 20;
const MAX_TAL_BATCH_READS = 512;
/** Records whose non-annotation bytes are at most this are read whole at open (see readTalContent). */
const COALESCE_GAP = 64 << 10;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export class EdfRecording extends Recording {
  readonly info: RecordingInfo;
  readonly header: EdfHeader;
  /**
   * Start of each data record in seconds from sample 0, from the records' time-keeping TALs (EDF+/BDF+
   * files with an annotation signal); undefined for plain EDF/BDF, whose records are contiguous.
   */
  readonly recordOnsets: Float64Array | undefined;
  private readonly file: PositionalFile;
  /** Byte buffers of sample reads, one per read in flight (a stream reads one chunk ahead). */
  private readonly pool = new BufferPool();
  /** 16-bit lookup tables of the channels read most (EDF only). */
  private readonly tables = new Int16Tables();
  /** Sample reads in flight, which `close` waits for. */
  private readonly inflight = new ReadsInFlight();
  /** EDF+D with gaps: per samples-per-record count, the first sample index of each data record. */
  private readonly starts = new Map<number, Float64Array>();
  private readonly gapped: boolean;

  constructor(file: PositionalFile, header: EdfHeader, tals: TalContent) {
    super();
    this.file = file;
    this.header = header;
    this.recordOnsets = tals.recordOnsets;
    const onsets = tals.recordOnsets;
    this.gapped = onsets !== undefined && (header.variant === 'EDF+D' || header.variant === 'BDF+D')
      && header.signals.some((s) => !s.annotation && this.recordStarts(s.samplesPerRecord).some((v, r) => v !== r * s.samplesPerRecord));
    const comments: string[] = [];
    if (header.patientId) comments.push(`patient: ${header.patientId}`);
    if (header.recordingId) comments.push(`recording: ${header.recordingId}`);
    const startTime = header.startTime && shiftTime(header.startTime, tals.startOffset);
    const channels = header.signals.map((s) => {
      const c = channelInfo(s, header);
      if (!this.gapped || s.annotation || header.records === 0) return c;
      const spr = s.samplesPerRecord;
      return { ...c, samples: this.recordStarts(spr)[header.records - 1]! + spr, missing: s.digitalMin - 1 };
    });
    // Up to the last sample of every channel: a last record joined to the end of one it overlaps, or
    // put on a channel's sample grid, ends after its onset plus a record.
    const gappedEnd = (): number => Math.max(onsets![onsets!.length - 1]! + header.recordDuration, ...channels.filter((c) => !c.annotation).map((c) => c.samples / c.fs));
    this.info = {
      path: file.path,
      format: header.format,
      ...(header.variant ? { variant: header.variant } : {}),
      ...(startTime ? { startTime } : {}),
      duration: this.gapped ? gappedEnd() : header.records * header.recordDuration,
      channels,
      annotations: tals.annotations,
      comments,
    };
  }

  /**
   * First sample index of each data record for a channel of `spr` samples per record: its onset on
   * the channel's sample grid, never before the end of the previous record (onsets closer than a
   * sample, or out of order, which EDF+ forbids, join their records end to end).
   */
  private recordStarts(spr: number): Float64Array {
    let st = this.starts.get(spr);
    if (!st) {
      const h = this.header, onsets = this.recordOnsets!;
      st = new Float64Array(h.records);
      const rate = spr / h.recordDuration;
      for (let r = 0; r < h.records; r++) st[r] = r === 0 ? 0 : Math.max(st[r - 1]! + spr, Math.round(onsets[r]! * rate));
      this.starts.set(spr, st);
    }
    return st;
  }

  protected async readStored(channels: number[], start: number, end: number, out?: Int32Array[]): Promise<StoredBlock[]> {
    const outs = out ?? channels.map(() => unfilled(Int32Array, end - start));
    if (this.gapped) channels.forEach((c, k) => outs[k]!.fill(this.info.channels[c]!.missing!));
    const bps = this.header.bytesPerSample;
    await this.readSpans(channels, start, end, (src, _view, off, count, k, o) => decodeStored(src, off, count, bps, outs[k]!, o));
    return outs;
  }

  /**
   * One pass from the record bytes to physical values, (stored - baseline) / gain exactly as
   * `toPhysical` computes it (EDF spec: physical = pmin + (digital - dmin) (pmax - pmin) / (dmax - dmin),
   * see `channelInfo`), without the Int32 intermediate.
   */
  protected override async readPhysical(channels: number[], start: number, end: number, out: PhysicalBlock[]): Promise<boolean> {
    const bps = this.header.bytesPerSample;
    const scale = channels.map((c) => this.info.channels[c]!);
    // EDF 16-bit: a lookup table once the channel has decoded enough samples (see Int16Tables).
    const tables = channels.map((c, k) => (bps === 2 ? this.tables.lookup(c, end - start, scale[k]!.baseline, scale[k]!.gain) : undefined));
    if (this.gapped) for (const o of out) o.fill(NaN);
    await this.readSpans(channels, start, end, (src, view, off, count, k, o) => {
      const t = tables[k];
      if (t) physicalInt16Table(view, count, off, t, out[k]!, o);
      else if (bps === 2) physicalInt16(view, count, off, 2, scale[k]!.baseline, scale[k]!.gain, out[k]!, o);
      else physicalInt24(src, off, count, scale[k]!.baseline, scale[k]!.gain, out[k]!, o);
    });
    return true;
  }

  /**
   * Reads the data records covering samples [start, end) of `channels` (one rate) and hands `decode`
   * each channel's span of each record: `count` samples at byte `off` of `src`, for channel k from
   * index o of its output. Records are read in batches of at most MAX_READ_BYTES into pooled buffers.
   */
  private readSpans(channels: number[], start: number, end: number, decode: SpanDecoder): Promise<void> {
    return this.inflight.track(this.readSpansNow(channels, start, end, decode));
  }

  private async readSpansNow(channels: number[], start: number, end: number, decode: SpanDecoder): Promise<void> {
    const h = this.header;
    const sigs = channels.map((c) => h.signals[c]!);
    if (sigs.some((s) => s.annotation)) throw new RangeError(`${this.file.path}: channels ${channels.join(', ')} include an annotation signal`);
    if (end === start) return;
    const spr = sigs[0]!.samplesPerRecord, bps = h.bytesPerSample;
    // Where each record's samples start: r * spr, or its onset on the sample grid across gaps.
    const st = this.gapped ? this.recordStarts(spr) : undefined;
    const at = st ? (r: number) => st[r]! : (r: number) => r * spr;
    const r0 = st ? lastAtOrBefore(st, start) : Math.floor(start / spr);
    const r1 = st ? lastAtOrBefore(st, end - 1) + 1 : Math.ceil(end / spr);

    if (h.recordBytes > MAX_READ_BYTES) {
      // Records too large to batch: read each channel's needed span of each record on its own.
      for (let r = r0; r < r1; r++) {
        const a = Math.max(start, at(r)) - at(r), b = Math.min(end, at(r) + spr) - at(r);
        if (b <= a) continue;
        for (let k = 0; k < sigs.length; k++) {
          const bytes = await this.file.read(h.headerBytes + r * h.recordBytes + sigs[k]!.offset + a * bps, (b - a) * bps, new Uint8Array((b - a) * bps));
          decode(bytes, new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), 0, b - a, k, at(r) + a - start);
        }
      }
      return;
    }

    const perBatch = Math.max(1, Math.min(r1 - r0, Math.floor(MAX_READ_BYTES / h.recordBytes)));
    const buf = this.pool.take(perBatch * h.recordBytes);
    try {
      for (let b0 = r0; b0 < r1; b0 += perBatch) {
        const b1 = Math.min(r1, b0 + perBatch);
        const bytes = buf.subarray(0, (b1 - b0) * h.recordBytes);
        await this.file.read(h.headerBytes + b0 * h.recordBytes, bytes.length, bytes);
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        for (let r = b0; r < b1; r++) {
          const a = Math.max(start, at(r)) - at(r), b = Math.min(end, at(r) + spr) - at(r);
          if (b <= a) continue;
          const base = (r - b0) * h.recordBytes + a * bps;
          for (let k = 0; k < sigs.length; k++) decode(bytes, view, base + sigs[k]!.offset, b - a, k, at(r) + a - start);
        }
      }
    } finally {
      this.pool.give(buf);
    }
  }

  async close(): Promise<void> {
    await this.inflight.settled();
    await this.file.close();
  }
}

/** Index of the last record starting at or before sample `s` (starts ascending, starts[0] = 0). */
function lastAtOrBefore(starts: Float64Array, s: number): number {
  let lo = 0, hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= s) lo = mid; else hi = mid - 1;
  }
  return lo;
}

/** Opens an EDF, EDF+, BDF or BDF+ file: header, validation against the file size, annotations. */
export async function openEdf(path: string): Promise<EdfRecording> {
  const file = new PositionalFile(path);
  try {
    const header = await readEdfHeader(file);
    return new EdfRecording(file, header, await readTalContent(file, header));
  } catch (e) {
    await file.close();
    throw e;
  }
}

/**
 * Decodes `count` samples of channel k at byte `off` of `src` (`view` is a DataView of the same
 * bytes) into its output from index `o`.
 */
type SpanDecoder = (src: Uint8Array, view: DataView, off: number, count: number, k: number, o: number) => void;

/**
 * Little-endian int16 or sign-extended int24 samples into `out`. The int16 path goes through a typed
 * view (one native copy) when the platform is little-endian and the bytes are aligned.
 */
function decodeStored(src: Uint8Array, off: number, count: number, bps: 2 | 3, out: Int32Array, o: number): void {
  if (bps === 2 && LITTLE_ENDIAN && (src.byteOffset + off) % 2 === 0) {
    out.set(new Int16Array(src.buffer, src.byteOffset + off, count), o);
    return;
  }
  if (bps === 2) {
    for (let i = 0, p = off; i < count; i++, p += 2) out[o + i] = ((src[p]! | (src[p + 1]! << 8)) << 16) >> 16;
    return;
  }
  for (let i = 0, p = off; i < count; i++, p += 3) out[o + i] = ((src[p]! | (src[p + 1]! << 8) | (src[p + 2]! << 16)) << 8) >> 8;
}

/** BDF: little-endian int24 samples, sign-extended and scaled as `toPhysical` does. */
function physicalInt24(src: Uint8Array, off: number, count: number, b: number, g: number, out: PhysicalBlock, o: number): void {
  for (let i = 0, p = off; i < count; i++, p += 3) out[o + i] = ((((src[p]! | (src[p + 1]! << 8) | (src[p + 2]! << 16)) << 8) >> 8) - b) / g;
}

function channelInfo(s: EdfSignalHeader, h: EdfHeader): ChannelInfo {
  // physical = pmin + (stored - dmin) (pmax - pmin) / (dmax - dmin), in the WFDB form (stored - baseline) / gain.
  const degenerate = s.physicalMax === s.physicalMin || s.digitalMax === s.digitalMin;
  const gain = degenerate ? 1 : (s.digitalMax - s.digitalMin) / (s.physicalMax - s.physicalMin);
  const baseline = degenerate ? s.digitalMin - s.physicalMin : s.digitalMin - s.physicalMin * gain;
  return {
    name: s.label,
    unit: s.unit,
    fs: h.recordDuration > 0 ? snapRate(s.samplesPerRecord / h.recordDuration) : 0,
    samples: h.records * s.samplesPerRecord,
    gain,
    baseline,
    storage: h.format === 'bdf' ? 'bdf24' : 'edf16',
    ...(s.annotation ? { annotation: true } : {}),
    extra: {
      transducer: s.transducer,
      prefilter: s.prefilter,
      physicalMin: s.physicalMin,
      physicalMax: s.physicalMax,
      digitalMin: s.digitalMin,
      digitalMax: s.digitalMax,
      samplesPerRecord: s.samplesPerRecord,
    },
  };
}

/** Removes the binary noise of spr / duration (25 / 0.1) when a 6-decimal rate is that close. */
function snapRate(fs: number): number {
  const r = Math.round(fs * 1e6) / 1e6;
  return Math.abs(r - fs) <= 1e-9 * fs ? r : fs;
}

interface TalContent {
  annotations: Annotation[];
  recordOnsets: Float64Array | undefined;
  /** Onset of the first record relative to the header's start time (EDF+ sub-second start). */
  startOffset: number;
}

/**
 * Reads the annotation signals' bytes of every record in bounded batches. When the other signals of a
 * record take less than COALESCE_GAP bytes, a batch is one read of consecutive records (a positional
 * read costs about as much as copying 64 KiB, so 138,000 tiny reads would take seconds); otherwise
 * only each record's annotation span is read, with a batch of concurrent reads. Onsets are made
 * relative to the first sample: EDF+ states them relative to the header's start second, and the
 * first record may start a fraction of a second later.
 */
async function readTalContent(file: PositionalFile, h: EdfHeader): Promise<TalContent> {
  const ann = h.signals.filter((s) => s.annotation && s.samplesPerRecord > 0);
  if (ann.length === 0 || h.records === 0) return { annotations: [], recordOnsets: undefined, startOffset: 0 };
  const spanStart = ann[0]!.offset;
  const spanEnd = ann[ann.length - 1]!.offset + ann[ann.length - 1]!.samplesPerRecord * h.bytesPerSample;
  const span = spanEnd - spanStart;
  const coalesce = h.recordBytes - span <= COALESCE_GAP;
  // Distance in the batch buffer between the annotation spans of consecutive records.
  const stride = coalesce ? h.recordBytes : span;
  const perBatch = Math.min(h.records, coalesce
    ? Math.max(1, Math.floor(MAX_READ_BYTES / h.recordBytes))
    : Math.max(1, Math.min(MAX_TAL_BATCH_READS, Math.floor(MAX_TAL_BATCH_BYTES / span))));
  const buf = new Uint8Array((perBatch - 1) * stride + span);
  const onsets = new Float64Array(h.records).fill(NaN);
  const annotations: Annotation[] = [];
  for (let b0 = 0; b0 < h.records; b0 += perBatch) {
    const b1 = Math.min(h.records, b0 + perBatch);
    const first = h.headerBytes + b0 * h.recordBytes + spanStart;
    if (coalesce) await file.read(first, (b1 - b0 - 1) * stride + span, buf.subarray(0, (b1 - b0 - 1) * stride + span));
    else {
      const reads: Promise<Uint8Array>[] = [];
      for (let r = b0; r < b1; r++) reads.push(file.read(first + (r - b0) * h.recordBytes, span, buf.subarray((r - b0) * stride, (r - b0) * stride + span)));
      await Promise.all(reads);
    }
    for (let r = b0; r < b1; r++) {
      for (let k = 0; k < ann.length; k++) {
        const p = (r - b0) * stride + ann[k]!.offset - spanStart;
        const at = h.headerBytes + r * h.recordBytes + ann[k]!.offset;
        const tals = parseTals(buf.subarray(p, p + ann[k]!.samplesPerRecord * h.bytesPerSample), file.path, at, k === 0);
        if (k === 0 && tals.recordOnset !== undefined) onsets[r] = tals.recordOnset;
        for (const a of tals.annotations) annotations.push(a);
      }
    }
  }
  // A record without a time-keeping TAL (not allowed, but seen) is taken to follow its predecessor.
  for (let r = 0; r < onsets.length; r++) if (Number.isNaN(onsets[r]!)) onsets[r] = r === 0 ? 0 : onsets[r - 1]! + h.recordDuration;
  const startOffset = onsets[0]!;
  if (startOffset !== 0) {
    // TAL times are decimal text; rounding the difference to 1 ns removes the binary noise of the subtraction.
    const shift = (t: number): number => Math.round((t - startOffset) * 1e9) / 1e9;
    for (let r = 0; r < onsets.length; r++) onsets[r] = shift(onsets[r]!);
    for (const a of annotations) a.onset = shift(a.onset);
  }
  if (h.variant === 'EDF+D' || h.variant === 'BDF+D') {
    for (let r = 1; r < onsets.length; r++) {
      const expected = onsets[r - 1]! + h.recordDuration;
      const gap = onsets[r]! - expected;
      if (gap > 1e-7) annotations.push({ onset: expected, duration: gap, text: `${h.variant} gap before data record ${r}` });
      // Not allowed, but seen: the record is read right after the previous one (see recordStarts).
      else if (gap < -1e-7) annotations.push({ onset: onsets[r]!, duration: 0, text: `${h.variant} data record ${r} starts ${+(-gap).toFixed(6)} s before the previous one ends` });
    }
  }
  annotations.sort((x, y) => x.onset - y.onset);
  return { annotations, recordOnsets: onsets, startOffset };
}

/**
 * `iso` (no zone) plus `seconds`, keeping sub-second digits down to the nanosecond; undefined when a
 * nonsensical first-record onset leaves the range of dates.
 */
function shiftTime(iso: string, seconds: number): string | undefined {
  const ns = Math.round(seconds * 1e9);
  if (ns === 0) return iso;
  const whole = Math.floor(ns / 1e9);
  const d = new Date(Date.parse(`${iso}Z`) + whole * 1000);
  if (!(d.getUTCFullYear() >= 0 && d.getUTCFullYear() <= 9999)) return undefined;
  const t = d.toISOString().slice(0, 19);
  const digits = String(ns - whole * 1e9).padStart(9, '0').replace(/0+$/, '');
  return digits ? `${t}.${digits}` : t;
}
