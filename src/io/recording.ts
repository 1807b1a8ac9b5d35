/**
 * The recording abstraction every reader implements: metadata, random access in physical units and
 * bounded-memory streaming. Readers implement one primitive, `readStored`, over channels that share a
 * sampling rate; everything else (physical scaling, precision, chunking with overlap) lives here once.
 */

export type Format = 'wfdb' | 'edf' | 'bdf' | 'text' | 'npy';

export interface ChannelInfo {
  name: string;
  /** Physical unit as written in the file ('mV', 'uV', '' when unknown). */
  unit: string;
  /** Samples per second of this channel. */
  fs: number;
  /** Number of samples of this channel in the recording. */
  samples: number;
  /**
   * Stored-to-physical scaling, WFDB convention: physical = (stored - baseline) / gain.
   * Text and NPY channels hold physical values already: gain 1, baseline 0.
   */
  gain: number;
  baseline: number;
  /** Storage format as the file names it ('212', '16', 'edf16', 'bdf24', 'float64', ...). */
  storage: string;
  /** True for EDF+ annotation signals: listed, never decoded as samples. */
  annotation?: boolean;
  /** Format-specific extras (ADC resolution, checksum, EDF transducer, ...), kept for `info`. */
  extra?: Record<string, string | number>;
}

export interface Annotation {
  /** Onset in seconds from the start of the recording. */
  onset: number;
  /** Duration in seconds, 0 when the annotation marks an instant. */
  duration: number;
  text: string;
  /** Sample index at the annotation's own time resolution (WFDB annotations), when known. */
  sample?: number;
  /** WFDB channel number, when given. */
  channel?: number;
}

export interface RecordingInfo {
  path: string;
  format: Format;
  /** 'EDF+C', 'BDF+D', '24BIT', ... when the format has variants. */
  variant?: string;
  /** ISO-8601 start time when the file states one. */
  startTime?: string;
  /** Seconds. */
  duration: number;
  channels: ChannelInfo[];
  annotations: Annotation[];
  /** Header comments and free-text fields (WFDB comments, EDF patient/recording ids). */
  comments: string[];
}

/** Stored values: integers for binary formats, floats for text and NPY. */
export type StoredBlock = Int32Array | Float64Array;

export interface ReadOptions {
  /** Physical precision. default: 'float64' */
  dtype?: 'float64' | 'float32';
  /** Return stored values (integers where the format stores integers) instead of physical units. default: false */
  raw?: boolean;
  /** Unit of start/end. With 'samples' all requested channels must share a sampling rate. default: 'samples' */
  unit?: 'samples' | 'seconds';
}

export interface ChunkOptions {
  /** Chunk length in seconds; ignored when `samples` is given. default: 60 */
  seconds?: number;
  /** Chunk length in samples. */
  samples?: number;
  /** Samples of the previous chunk repeated at the start of each chunk after the first. default: 0 */
  overlap?: number;
  /** Channels (indices or names) to stream; they must share a sampling rate. default: all signal channels */
  channels?: ChannelRef[];
  dtype?: 'float64' | 'float32';
  raw?: boolean;
}

export interface Chunk {
  /** Index of the first sample in `data` (overlap included). */
  start: number;
  /** Samples at the head of `data` that repeat the previous chunk (0 for the first chunk). */
  overlap: number;
  /** One array per requested channel, all of the same length. */
  data: Float64Array[] | Float32Array[] | StoredBlock[];
  /** True for the last chunk. */
  last: boolean;
}

export type ChannelRef = number | string;
export type SampleBlock = Float64Array | Float32Array | StoredBlock;

export abstract class Recording {
  abstract readonly info: RecordingInfo;

  /**
   * Reads stored values of samples [start, end) for channels that share one sampling rate.
   * Implementations validate nothing that `read` already checked and must not read the whole file.
   */
  protected abstract readStored(channels: number[], start: number, end: number): Promise<StoredBlock[]>;

  /** Releases the file handles. */
  abstract close(): Promise<void>;

  /**
   * Optional fast path: physical float64 values decoded and scaled in one pass, without the stored
   * intermediate. Must give exactly what `toPhysical` of `readStored` gives; undefined to decline.
   */
  protected async readPhysical(_channels: number[], _start: number, _end: number): Promise<Float64Array[] | undefined> {
    return undefined;
  }

  /** Resolves a channel index or name (exact first, then case-insensitive) to its index. */
  channelIndex(ref: ChannelRef): number {
    const chans = this.info.channels;
    if (typeof ref === 'number') {
      if (!Number.isInteger(ref) || ref < 0 || ref >= chans.length) {
        throw new RangeError(`${this.info.path}: channel ${ref} out of range (0..${chans.length - 1})`);
      }
      return ref;
    }
    let i = chans.findIndex((c) => c.name === ref);
    if (i < 0) i = chans.findIndex((c) => c.name.toLowerCase() === ref.toLowerCase());
    if (i < 0 && /^\d+$/.test(ref)) return this.channelIndex(Number(ref));
    if (i < 0) {
      throw new RangeError(`${this.info.path}: no channel named '${ref}' (have: ${chans.map((c) => c.name).join(', ')})`);
    }
    return i;
  }

  /** Indices of the channels that hold samples (EDF+ annotation signals excluded). */
  signalChannels(): number[] {
    const out: number[] = [];
    this.info.channels.forEach((c, i) => { if (!c.annotation) out.push(i); });
    return out;
  }

  /**
   * Random access: samples [start, end) of each channel, in physical units unless `raw`.
   * With `unit: 'seconds'` each channel is read from ceil(start*fs) to ceil(end*fs) at its own rate.
   */
  async read(channels: ChannelRef | ChannelRef[], start: number, end: number, opts: ReadOptions = {}): Promise<SampleBlock[]> {
    const idx = (Array.isArray(channels) ? channels : [channels]).map((c) => this.channelIndex(c));
    for (const i of idx) {
      if (this.info.channels[i]!.annotation) throw new RangeError(`${this.info.path}: channel ${i} is an annotation signal`);
    }
    if (opts.unit === 'seconds') {
      const out: SampleBlock[] = [];
      for (const i of idx) {
        const fs = this.info.channels[i]!.fs;
        const [block] = await this.readSameRate([i], Math.ceil(start * fs - 1e-9), Math.ceil(end * fs - 1e-9), opts);
        out.push(block!);
      }
      return out;
    }
    const fs = this.info.channels[idx[0]!]!.fs;
    if (idx.some((i) => this.info.channels[i]!.fs !== fs)) {
      throw new RangeError(`${this.info.path}: channels ${idx.join(', ')} have different sampling rates; read them one at a time or with unit 'seconds'`);
    }
    return this.readSameRate(idx, start, end, opts);
  }

  private async readSameRate(idx: number[], start: number, end: number, opts: ReadOptions): Promise<SampleBlock[]> {
    const n = Math.min(...idx.map((i) => this.info.channels[i]!.samples));
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > n) {
      throw new RangeError(`${this.info.path}: sample range [${start}, ${end}) outside [0, ${n})`);
    }
    if (!opts.raw && (opts.dtype ?? 'float64') === 'float64') {
      const direct = await this.readPhysical(idx, start, end);
      if (direct) return direct;
    }
    const stored = await this.readStored(idx, start, end);
    if (opts.raw) return stored;
    return stored.map((s, k) => toPhysical(s, this.info.channels[idx[k]!]!, opts.dtype ?? 'float64'));
  }

  /**
   * Streams the selected channels in chunks of bounded size. At most two chunks are held at a time
   * (the current one and the one read ahead), so memory does not grow with the recording.
   */
  async *chunks(opts: ChunkOptions = {}): AsyncGenerator<Chunk> {
    const idx = (opts.channels ?? this.signalChannels()).map((c) => this.channelIndex(c));
    if (idx.length === 0) return;
    const fs = this.info.channels[idx[0]!]!.fs;
    if (idx.some((i) => this.info.channels[i]!.fs !== fs)) {
      throw new RangeError(`${this.info.path}: chunked channels must share a sampling rate; stream channels of other rates separately`);
    }
    const total = Math.min(...idx.map((i) => this.info.channels[i]!.samples));
    const size = opts.samples ?? Math.max(1, Math.round((opts.seconds ?? 60) * fs));
    const overlap = opts.overlap ?? 0;
    if (!Number.isInteger(size) || size <= 0) throw new RangeError(`chunk size must be a positive integer, got ${size}`);
    if (!Number.isInteger(overlap) || overlap < 0 || overlap >= size) throw new RangeError(`overlap must be an integer in [0, ${size}), got ${overlap}`);
    // One chunk is read ahead while the consumer works on the current one, so file reads overlap
    // decoding and processing; memory stays bounded by two chunks.
    const fetch = (pos: number) => {
      const end = Math.min(total, pos + size), from = Math.max(0, pos - overlap);
      const data = this.readSameRate(idx, from, end, opts);
      data.catch(() => undefined);
      return { pos, from, end, data };
    };
    let next = total > 0 ? fetch(0) : undefined;
    while (next) {
      const cur = next;
      next = cur.end < total ? fetch(cur.pos + size) : undefined;
      const data = await cur.data;
      yield { start: cur.from, overlap: cur.pos - cur.from, data: data as Chunk['data'], last: cur.end === total };
    }
  }
}

/** physical = (stored - baseline) / gain, computed once per block into a fresh array. */
export function toPhysical(stored: StoredBlock, ch: ChannelInfo, dtype: 'float64' | 'float32'): Float64Array | Float32Array {
  const out = dtype === 'float32' ? new Float32Array(stored.length) : new Float64Array(stored.length);
  if (ch.gain === 1 && ch.baseline === 0) {
    out.set(stored);
    return out;
  }
  const g = ch.gain, b = ch.baseline;
  for (let i = 0; i < stored.length; i++) out[i] = (stored[i]! - b) / g;
  return out;
}
