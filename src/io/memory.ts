/**
 * Signals already in memory, seen through the Recording interface so that every consumer (pipeline
 * stages, writers, `chunks`) treats them like a file.
 */
import { Recording, type ChannelInfo, type RecordingInfo, type StoredBlock } from './recording.js';

export interface MemoryRecordingInit {
  /** One array (one channel) or one array per channel; channels may differ in length. */
  data: Float64Array | Float32Array | (Float64Array | Float32Array)[];
  /** Sampling rate in Hz, shared by all channels. */
  fs: number;
  /** Channel names. default: 'ch0', 'ch1', ... */
  names?: string[];
  /** Physical units. default: '' for every channel */
  units?: string[];
  /** Path reported in info and in error messages. default: '<memory>' */
  path?: string;
}

export class MemoryRecording extends Recording {
  readonly info: RecordingInfo;
  private readonly data: (Float64Array | Float32Array)[];

  /**
   * Keeps references to the caller's arrays (no copy); reads copy out of them. Storage is 'float64' or
   * 'float32' after the array type, so writers can print float32 values at float32 precision.
   * The format is reported as 'npy' with variant 'memory': an in-memory typed array is an NPY array
   * without the file.
   */
  constructor(init: MemoryRecordingInit) {
    super();
    const data = Array.isArray(init.data) ? init.data : [init.data];
    const path = init.path ?? '<memory>';
    if (!(init.fs > 0 && Number.isFinite(init.fs))) throw new RangeError(`fs must be a positive number of Hz, got ${init.fs}`);
    if (data.length === 0) throw new RangeError('data must hold at least one channel');
    if (init.names && init.names.length !== data.length) throw new RangeError(`names must have one entry per channel (${data.length}), got ${init.names.length}`);
    if (init.units && init.units.length !== data.length) throw new RangeError(`units must have one entry per channel (${data.length}), got ${init.units.length}`);
    data.forEach((d, i) => {
      if (!(d instanceof Float64Array || d instanceof Float32Array)) throw new TypeError(`data[${i}] must be a Float64Array or Float32Array`);
    });
    this.data = data;
    const channels: ChannelInfo[] = data.map((d, i) => ({
      name: init.names?.[i] ?? `ch${i}`,
      unit: init.units?.[i] ?? '',
      fs: init.fs,
      samples: d.length,
      gain: 1,
      baseline: 0,
      storage: d instanceof Float32Array ? 'float32' : 'float64',
    }));
    const longest = Math.max(...data.map((d) => d.length));
    this.info = { path, format: 'npy', variant: 'memory', duration: longest / init.fs, channels, annotations: [], comments: [] };
  }

  protected async readStored(channels: number[], start: number, end: number): Promise<StoredBlock[]> {
    return channels.map((c) => {
      const src = this.data[c]!;
      if (src instanceof Float64Array) return src.slice(start, end);
      const out = new Float64Array(end - start);
      out.set(src.subarray(start, end));
      return out;
    });
  }

  async close(): Promise<void> {
    // Nothing to release: the arrays belong to the caller.
  }
}
