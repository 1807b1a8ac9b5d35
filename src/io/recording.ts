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
  /**
   * Stored value that marks a missing sample (WFDB's invalid value of the format): NaN in physical
   * units, as wfdb-python reads it. Absent where every stored value is a sample.
   */
  missing?: number;
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
  /**
   * Every file the recording is read from, `path` first, when they are more than `path` and the
   * channels' `extra.file` name (a multi-segment WFDB record's segment headers and signal files).
   */
  files?: string[];
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
  /**
   * Caller-owned arrays to read into, one per requested channel, each exactly as long as that
   * channel's range: Float64Array for dtype 'float64', Float32Array for 'float32', and with `raw` the
   * type a raw read returns (Int32Array for WFDB, EDF/BDF and integer NPY, Float64Array for text and
   * float NPY). `read` then returns these same arrays, so a loop over many reads allocates nothing.
   * A wrong count or length throws a RangeError and a wrong array type a TypeError, before reading
   * (with `raw`, an Int32Array where the values are floats or the reverse is found after the read).
   * default: fresh arrays
   */
  out?: SampleBlock[];
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
  /** Physical precision. default: 'float64' */
  dtype?: 'float64' | 'float32';
  /** Stored values instead of physical units (see ReadOptions.raw). default: false */
  raw?: boolean;
  /**
   * Decode every chunk into arrays owned by the stream (two sets, used in turn) instead of fresh ones,
   * so streaming allocates nothing per chunk: fresh arrays cost page faults and garbage collection
   * that vary with the collector's timing and, for 60 s chunks, can take longer than decoding them.
   * The catch: a chunk's arrays are overwritten once the loop asks for the next chunk, so a consumer
   * must not keep a chunk, or views of its arrays, past its iteration; copy what must outlive it.
   * Readers whose raw values are not integers (text, float NPY) still return fresh arrays with `raw`.
   * default: false
   */
  reuse?: boolean;
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
/** Physical values at the requested precision. */
export type PhysicalBlock = Float64Array | Float32Array;

export abstract class Recording {
  abstract readonly info: RecordingInfo;

  /**
   * Reads stored values of samples [start, end) for channels that share one sampling rate.
   * Implementations validate nothing that `read` already checked and must not read the whole file.
   * `out`, when given, holds one Int32Array of end - start values per channel: readers of integer
   * formats decode into them and return them; others may ignore them and return fresh arrays.
   */
  protected abstract readStored(channels: number[], start: number, end: number, out?: Int32Array[]): Promise<StoredBlock[]>;

  /** Releases the file handles. */
  abstract close(): Promise<void>;

  /**
   * Optional fast path: physical values decoded and scaled straight from the file's bytes into `out`
   * (one Float64Array or Float32Array of end - start values per channel), without the stored
   * intermediate. Must write exactly what `toPhysical` of `readStored` gives; resolves false to
   * decline, and `read` then fills `out` through `readStored`.
   */
  protected async readPhysical(_channels: number[], _start: number, _end: number, _out: PhysicalBlock[]): Promise<boolean> {
    return false;
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
   * With `out` the values go into the caller's arrays, which are returned.
   */
  async read(channels: ChannelRef | ChannelRef[], start: number, end: number, opts: ReadOptions = {}): Promise<SampleBlock[]> {
    const idx = (Array.isArray(channels) ? channels : [channels]).map((c) => this.channelIndex(c));
    for (const i of idx) {
      if (this.info.channels[i]!.annotation) throw new RangeError(`${this.info.path}: channel ${i} is an annotation signal`);
    }
    if (opts.out && opts.out.length !== idx.length) {
      throw new RangeError(`${this.info.path}: out has ${opts.out.length} arrays for ${idx.length} channels`);
    }
    if (opts.unit === 'seconds') {
      const ranges = idx.map((i) => {
        const fs = this.info.channels[i]!.fs;
        return [Math.ceil(start * fs - 1e-9), Math.ceil(end * fs - 1e-9)] as const;
      });
      ranges.forEach(([a, b], k) => this.checkRange([idx[k]!], a, b));
      if (opts.out) idx.forEach((_, k) => checkOut(this.info.path, opts.out!.slice(k, k + 1), ranges[k]![1] - ranges[k]![0], opts, k));
      const out: SampleBlock[] = [];
      for (let k = 0; k < idx.length; k++) {
        const [block] = await this.readSameRate([idx[k]!], ranges[k]![0], ranges[k]![1], opts, opts.out?.slice(k, k + 1), true);
        out.push(block!);
      }
      return out;
    }
    if (idx.length === 0) return [];
    const fs = this.info.channels[idx[0]!]!.fs;
    if (idx.some((i) => this.info.channels[i]!.fs !== fs)) {
      throw new RangeError(`${this.info.path}: channels ${idx.join(', ')} have different sampling rates; read them one at a time or with unit 'seconds'`);
    }
    this.checkRange(idx, start, end);
    if (opts.out) checkOut(this.info.path, opts.out, end - start, opts, 0);
    return this.readSameRate(idx, start, end, opts, opts.out, true);
  }

  private checkRange(idx: number[], start: number, end: number): void {
    const n = Math.min(...idx.map((i) => this.info.channels[i]!.samples));
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > n) {
      throw new RangeError(`${this.info.path}: sample range [${start}, ${end}) outside [0, ${n})`);
    }
  }

  /**
   * Reads a checked range of same-rate channels, into `out` when given. With `exact` (the caller's own
   * arrays) raw values a reader returned elsewhere are copied into `out`; without it (a stream's
   * reused arrays) `out` is only offered, and the reader's arrays are returned as they are.
   */
  private async readSameRate(idx: number[], start: number, end: number, opts: ReadOptions, out: SampleBlock[] | undefined, exact: boolean): Promise<SampleBlock[]> {
    if (!opts.raw) {
      const dtype = opts.dtype ?? 'float64';
      const phys = (out as PhysicalBlock[] | undefined) ?? idx.map(() => (dtype === 'float32' ? unfilled(Float32Array, end - start) : unfilled(Float64Array, end - start)));
      if (!(await this.readPhysical(idx, start, end, phys))) {
        const stored = await this.readStored(idx, start, end);
        stored.forEach((s, k) => toPhysical(s, this.info.channels[idx[k]!]!, dtype, phys[k]));
      }
      return phys;
    }
    const ints = out && out.every((o) => o instanceof Int32Array) ? (out as Int32Array[]) : undefined;
    const stored = await this.readStored(idx, start, end, ints);
    if (!out || !exact) return stored;
    return stored.map((s, k) => {
      const o = out[k]!;
      if (s === o) return o;
      if (s.constructor !== o.constructor) {
        throw new TypeError(`${this.info.path}: channel ${idx[k]} reads raw as ${s.constructor.name}, out[${k}] is a ${o.constructor.name}`);
      }
      o.set(s);
      return o;
    });
  }

  /**
   * Streams the selected channels in chunks of bounded size. At most two chunks are held at a time
   * (the current one and the one read ahead), so memory does not grow with the recording; with
   * `reuse` those two are the only arrays the stream ever allocates.
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
    const readOpts: ReadOptions = { raw: opts.raw ?? false, dtype: opts.dtype ?? 'float64' };
    // Two sets of arrays, used in turn: the chunk the consumer holds and the one read ahead.
    const sets = opts.reuse ? [chunkArrays(idx.length, Math.min(total, size + overlap), readOpts), chunkArrays(idx.length, Math.min(total, size + overlap), readOpts)] : undefined;
    let turn = 0;
    // One chunk is read ahead while the consumer works on the current one, so file reads overlap
    // decoding and processing; memory stays bounded by two chunks.
    const fetch = (pos: number) => {
      const end = Math.min(total, pos + size), from = Math.max(0, pos - overlap);
      const out = sets ? viewsOf(sets[turn++ & 1]!, end - from) : undefined;
      const data = this.readSameRate(idx, from, end, readOpts, out, false);
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

/**
 * A fresh typed array of `length` elements whose memory is not zero-filled, for outputs that are
 * written in full before anyone sees them (every decoder here writes each element of its block).
 * Zero-filled memory is what `new Float64Array(n)` returns, and for a 60 s chunk its page faults and
 * memset cost several times the decoding itself; Node's uninitialized allocation reuses freed memory.
 */
export function unfilled<T extends Float64Array | Float32Array | Int32Array>(type: { new (buffer: ArrayBufferLike, byteOffset: number, length: number): T; readonly BYTES_PER_ELEMENT: number }, length: number): T {
  return new type(Buffer.allocUnsafeSlow(length * type.BYTES_PER_ELEMENT).buffer, 0, length);
}

/** One array per channel of the type a chunk of these options holds, for `chunks({ reuse: true })`. */
function chunkArrays(channels: number, length: number, opts: ReadOptions): SampleBlock[] {
  const make = (): SampleBlock => (opts.raw ? new Int32Array(length) : opts.dtype === 'float32' ? new Float32Array(length) : new Float64Array(length));
  return Array.from({ length: channels }, make);
}

/** The first `length` values of each array (the arrays themselves when they are that long). */
function viewsOf(arrays: SampleBlock[], length: number): SampleBlock[] {
  return arrays.map((a) => (a.length === length ? a : a.subarray(0, length)));
}

/** Checks caller-owned output arrays against the read they are for; `first` numbers them in messages. */
function checkOut(path: string, out: SampleBlock[], length: number, opts: ReadOptions, first: number): void {
  const dtype = opts.dtype ?? 'float64';
  out.forEach((o, j) => {
    const k = first + j;
    const ok = opts.raw ? o instanceof Int32Array || o instanceof Float64Array : dtype === 'float32' ? o instanceof Float32Array : o instanceof Float64Array;
    if (!ok) {
      const want = opts.raw ? 'an Int32Array or Float64Array' : dtype === 'float32' ? 'a Float32Array' : 'a Float64Array';
      throw new TypeError(`${path}: out[${k}] must be ${want}${opts.raw ? ' (raw)' : ` (dtype '${dtype}')`}, got ${(o as object)?.constructor?.name ?? typeof o}`);
    }
    if (o.length !== length) throw new RangeError(`${path}: out[${k}] holds ${o.length} values, the read needs exactly ${length}`);
  });
}

/** NaN where the stored value is the channel's missing-sample code. */
function markMissing(stored: StoredBlock, missing: number, dst: PhysicalBlock): void {
  for (let i = 0; i < stored.length; i++) if (stored[i] === missing) dst[i] = NaN;
}

/**
 * physical = (stored - baseline) / gain, computed once per block into `out` (a fresh array of the
 * requested precision when omitted; when given it must be as long as `stored`).
 */
export function toPhysical(stored: StoredBlock, ch: ChannelInfo, dtype: 'float64' | 'float32', out?: PhysicalBlock): PhysicalBlock {
  const dst = out ?? (dtype === 'float32' ? new Float32Array(stored.length) : new Float64Array(stored.length));
  if (ch.gain === 1 && ch.baseline === 0) {
    dst.set(stored);
  } else {
    const g = ch.gain, b = ch.baseline;
    for (let i = 0; i < stored.length; i++) dst[i] = (stored[i]! - b) / g;
  }
  if (ch.missing !== undefined) markMissing(stored, ch.missing, dst);
  return dst;
}
