/**
 * Stored-to-physical loops shared by the readers of 16-bit formats (WFDB 16, EDF): physical =
 * (stored - baseline) / gain, the expression `toPhysical` evaluates, so the results are identical.
 *
 * Why the loops load several samples before they store: V8 (Node 20) checks a typed array's map,
 * length and data pointer at each access inside a loop, and shares one check between accesses to the
 * same array only when no store to another array comes between them.
 */
import type { PhysicalBlock } from './recording.js';

/**
 * `n` little-endian int16 samples every `stride` bytes from byte i of `src`, scaled into `out` from
 * index o, four per step. The division bounds the speed (about 1.2 ns per sample).
 */
export function physicalInt16(src: DataView, n: number, i: number, stride: number, b: number, g: number, out: PhysicalBlock, o: number): void {
  let k = 0;
  for (; k + 4 <= n; k += 4, i += 4 * stride) {
    const x0 = src.getInt16(i, true), x1 = src.getInt16(i + stride, true);
    const x2 = src.getInt16(i + 2 * stride, true), x3 = src.getInt16(i + 3 * stride, true);
    out[o + k] = (x0 - b) / g;
    out[o + k + 1] = (x1 - b) / g;
    out[o + k + 2] = (x2 - b) / g;
    out[o + k + 3] = (x3 - b) / g;
  }
  for (; k < n; k++, i += stride) out[o + k] = (src.getInt16(i, true) - b) / g;
}

/**
 * NaN in `out` wherever the int16 sample of `physicalInt16`'s layout is -32768, the value WFDB format
 * 16 reserves for a missing sample: a second pass, so that EDF's loop (where -32768 is a sample like
 * any other) and this one share the first.
 */
export function markMissingInt16(src: DataView, n: number, i: number, stride: number, out: PhysicalBlock, o: number): void {
  for (let k = 0; k < n; k++, i += stride) if (src.getInt16(i, true) === -32768) out[o + k] = NaN;
}

/**
 * The physical value of every 16-bit pattern, indexed by the pattern as stored (two's complement,
 * 0..65535): (stored - baseline) / gain, the expression of `toPhysical`, so a lookup gives the
 * identical double without a division. 512 KB; a signal's values stay near its baseline, so the part
 * in use stays in the cache.
 */
export function int16Table(baseline: number, gain: number): Float64Array {
  const t = new Float64Array(65536);
  for (let u = 0; u < 65536; u++) t[u] = (((u << 16) >> 16) - baseline) / gain;
  return t;
}

/**
 * `n` consecutive little-endian int16 samples from byte i of `src` into `out` from index o, through
 * `int16Table`: eight per step from four 32-bit loads (about 0.8 ns per sample against 1.2 with the
 * division).
 */
export function physicalInt16Table(src: DataView, n: number, i: number, t: Float64Array, out: PhysicalBlock, o: number): void {
  let k = 0;
  for (; k + 8 <= n; k += 8, i += 16) {
    const w0 = src.getUint32(i, true), w1 = src.getUint32(i + 4, true);
    const w2 = src.getUint32(i + 8, true), w3 = src.getUint32(i + 12, true);
    const x0 = t[w0 & 0xffff]!, x1 = t[w0 >>> 16]!, x2 = t[w1 & 0xffff]!, x3 = t[w1 >>> 16]!;
    const x4 = t[w2 & 0xffff]!, x5 = t[w2 >>> 16]!, x6 = t[w3 & 0xffff]!, x7 = t[w3 >>> 16]!;
    out[o + k] = x0; out[o + k + 1] = x1; out[o + k + 2] = x2; out[o + k + 3] = x3;
    out[o + k + 4] = x4; out[o + k + 5] = x5; out[o + k + 6] = x6; out[o + k + 7] = x7;
  }
  for (; k < n; k++, i += 2) out[o + k] = t[src.getUint16(i, true)]!;
}

/**
 * `int16Table`s of a recording's channels, built only where they pay off: once a channel has decoded
 * as many samples by division as a table has entries (65,536), so that a table never costs more than
 * the divisions already done, and for at most `maxTables` channels (512 KB each), so that a file with
 * hundreds of channels does not hold hundreds of MB of tables. Streaming a channel in 60 s chunks
 * switches to its table from the fourth chunk at 360 Hz.
 */
export class Int16Tables {
  private readonly tables = new Map<number, Float64Array>();
  private readonly decoded = new Map<number, number>();
  private readonly maxTables: number;

  /** @param maxTables channels that may get a table. default: 32 (16 MB) */
  constructor(maxTables = 32) {
    this.maxTables = maxTables;
  }

  /**
   * The table of `channel` for a read of `samples` samples, or undefined while division is cheaper;
   * counts those samples towards building it.
   */
  lookup(channel: number, samples: number, baseline: number, gain: number): Float64Array | undefined {
    const t = this.tables.get(channel);
    if (t) return t;
    const done = (this.decoded.get(channel) ?? 0) + samples;
    this.decoded.set(channel, done);
    if (done < 65536 || this.tables.size >= this.maxTables) return undefined;
    const table = int16Table(baseline, gain);
    this.tables.set(channel, table);
    return table;
  }
}
