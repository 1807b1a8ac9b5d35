/**
 * NumPy .npy arrays as recordings: 1-D (one channel) or 2-D (rows are samples, columns are channels),
 * C or Fortran order, read by position so that a window touches only its own bytes.
 */
import { FormatError } from './errors.js';
import { PositionalFile } from './file.js';
import { headerLength, parseNpyHeader, type NpyDtype, type NpyHeader } from './npy-header.js';
import { Recording, type ChannelInfo, type RecordingInfo, type StoredBlock } from './recording.js';

export interface NpyOptions {
  /**
   * Sampling rate in Hz. NPY files carry no rate, so without it the recording is indexed in samples
   * (fs 1, duration = sample count); the CLI passes --fs. default: 1
   */
  fs?: number;
}

/** Upper bound of one positional read, so that a long window is decoded in bounded pieces. */
const MAX_READ_BYTES = 8 << 20;

export class NpyRecording extends Recording {
  readonly info: RecordingInfo;
  readonly header: NpyHeader;
  private readonly file: PositionalFile;
  private readonly samples: number;
  private readonly nchan: number;

  /** Use `openNpy`. */
  constructor(file: PositionalFile, header: NpyHeader, info: RecordingInfo) {
    super();
    this.file = file;
    this.header = header;
    this.info = info;
    this.samples = header.shape[0]!;
    this.nchan = header.shape.length === 2 ? header.shape[1]! : 1;
  }

  protected async readStored(channels: number[], start: number, end: number): Promise<StoredBlock[]> {
    const { dtype, fortranOrder, dataOffset } = this.header;
    const n = end - start;
    const out = channels.map(() => newBlock(dtype, n));
    if (n === 0) return out;
    const size = dtype.size;
    if (fortranOrder || this.nchan === 1) {
      // Each column is contiguous: one run of bytes per channel.
      const perRead = Math.max(1, Math.floor(MAX_READ_BYTES / size));
      for (let k = 0; k < channels.length; k++) {
        const colStart = dataOffset + channels[k]! * this.samples * size;
        for (let s = start; s < end; s += perRead) {
          const m = Math.min(perRead, end - s);
          const bytes = await this.readAligned(colStart + s * size, m * size);
          decode(dtype, bytes, 0, 1, m, out[k]!, s - start);
        }
      }
      return out;
    }
    // C order: rows are contiguous; read whole rows and pick the requested columns.
    const rowBytes = this.nchan * size;
    const rowsPerRead = Math.max(1, Math.floor(MAX_READ_BYTES / rowBytes));
    for (let s = start; s < end; s += rowsPerRead) {
      const m = Math.min(rowsPerRead, end - s);
      const bytes = await this.readAligned(dataOffset + s * rowBytes, m * rowBytes);
      for (let k = 0; k < channels.length; k++) decode(dtype, bytes, channels[k]!, this.nchan, m, out[k]!, s - start);
    }
    return out;
  }

  /** A read into a fresh ArrayBuffer, so that typed views over it are aligned. */
  private async readAligned(position: number, length: number): Promise<Uint8Array> {
    return this.file.read(position, length, new Uint8Array(new ArrayBuffer(length)));
  }

  async close(): Promise<void> {
    await this.file.close();
  }
}

function newBlock(dtype: NpyDtype, n: number): StoredBlock {
  // Integers up to 32 bits stay integers (Int32Array); uint32 and int64 need the float64 range.
  return dtype.kind !== 'f' && dtype.size <= 4 && dtype.storage !== 'uint32' ? new Int32Array(n) : new Float64Array(n);
}

/**
 * Copies `m` elements of column `col` (stride `stride` elements) from `bytes` into out[at..]. The view type
 * is chosen once per block; native little-endian data goes through typed views, big-endian through a DataView.
 */
function decode(dtype: NpyDtype, bytes: Uint8Array, col: number, stride: number, m: number, out: StoredBlock, at: number): void {
  const buf = bytes.buffer;
  const off = bytes.byteOffset;
  if (dtype.littleEndian || dtype.size === 1) {
    const count = bytes.byteLength / dtype.size;
    let src: ArrayLike<number> | BigInt64Array;
    switch (dtype.storage) {
      case 'float32': src = new Float32Array(buf, off, count); break;
      case 'float64': src = new Float64Array(buf, off, count); break;
      case 'int8': src = new Int8Array(buf, off, count); break;
      case 'uint8': src = new Uint8Array(buf, off, count); break;
      case 'int16': src = new Int16Array(buf, off, count); break;
      case 'uint16': src = new Uint16Array(buf, off, count); break;
      case 'int32': src = new Int32Array(buf, off, count); break;
      case 'uint32': src = new Uint32Array(buf, off, count); break;
      default: src = new BigInt64Array(buf, off, count); break;
    }
    if (src instanceof BigInt64Array) {
      for (let i = 0, j = col; i < m; i++, j += stride) out[at + i] = Number(src[j]!);
    } else {
      for (let i = 0, j = col; i < m; i++, j += stride) out[at + i] = src[j]!;
    }
    return;
  }
  const dv = new DataView(buf, off, bytes.byteLength);
  const step = stride * dtype.size;
  let p = col * dtype.size;
  switch (dtype.storage) {
    case 'float32': for (let i = 0; i < m; i++, p += step) out[at + i] = dv.getFloat32(p, false); break;
    case 'float64': for (let i = 0; i < m; i++, p += step) out[at + i] = dv.getFloat64(p, false); break;
    case 'int16': for (let i = 0; i < m; i++, p += step) out[at + i] = dv.getInt16(p, false); break;
    case 'uint16': for (let i = 0; i < m; i++, p += step) out[at + i] = dv.getUint16(p, false); break;
    case 'int32': for (let i = 0; i < m; i++, p += step) out[at + i] = dv.getInt32(p, false); break;
    case 'uint32': for (let i = 0; i < m; i++, p += step) out[at + i] = dv.getUint32(p, false); break;
    default: for (let i = 0; i < m; i++, p += step) out[at + i] = Number(dv.getBigInt64(p, false)); break;
  }
}

/**
 * Opens a .npy file: NPY 1.0/2.0/3.0, dtypes f4 f8 i1 i2 i4 i8 u1 u2 u4 in either byte order. Integer
 * arrays report storage 'int16' etc. with gain 1 and baseline 0 (stored = physical) and read as
 * Int32Array (int64 and uint32 as Float64Array; int64 beyond 2^53 loses precision). Throws FormatError for
 * a bad magic or header dict, an unsupported dtype (object, structured, complex, bool, float16) or a
 * file shorter than its shape implies.
 */
export async function openNpy(path: string, opts: NpyOptions = {}): Promise<NpyRecording> {
  const fs = opts.fs ?? 1;
  if (!(fs > 0 && Number.isFinite(fs))) throw new RangeError(`fs must be a positive number of Hz, got ${opts.fs}`);
  const file = new PositionalFile(path);
  try {
    const size = await file.size();
    const prefix = await file.read(0, Math.min(12, size));
    const { version, start, end } = headerLength(path, prefix);
    if (end > size) throw new FormatError(path, `a ${end - start}-byte header`, `byte ${start}`, `file ends at byte ${size}`);
    const raw = Buffer.from(await file.read(start, end - start));
    const text = raw.toString(version.startsWith('3') ? 'utf8' : 'latin1');
    const header = parseNpyHeader(path, version, text, end);
    const [samples, nchan = 1] = header.shape;
    if (nchan === 0) throw new FormatError(path, 'at least one column', "header 'shape'", `got shape (${header.shape.join(', ')})`);
    const need = BigInt(samples!) * BigInt(nchan) * BigInt(header.dtype.size);
    if (BigInt(end) + need > BigInt(size)) {
      throw new FormatError(path, `${need} data bytes for shape (${header.shape.join(', ')}) of ${header.dtype.storage}`, `byte ${end}`, `file has ${size - end}`);
    }
    const channels: ChannelInfo[] = [];
    for (let c = 0; c < nchan; c++) {
      channels.push({
        name: `ch${c}`, unit: '', fs, samples: samples!, gain: 1, baseline: 0, storage: header.dtype.storage,
        extra: { npyVersion: version, fortranOrder: header.fortranOrder ? 1 : 0 },
      });
    }
    const info: RecordingInfo = {
      path, format: 'npy', duration: samples! / fs, channels, annotations: [],
      comments: [`shape (${header.shape.join(', ')}${header.shape.length === 1 ? ',' : ''}), dtype ${header.dtype.storage}${opts.fs === undefined ? ', no sampling rate given: fs = 1' : ''}`],
    };
    return new NpyRecording(file, header, info);
  } catch (e) {
    await file.close();
    throw e;
  }
}
