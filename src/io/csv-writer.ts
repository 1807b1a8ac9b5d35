/**
 * Writes a recording as CSV: a header row of channel names, then one row per sample and one column per
 * channel after a time column, streamed chunk by chunk so memory does not grow with the recording.
 * The time column carries the rate: the text reader recovers it from the timestamps, as pandas users
 * read the time axis from it.
 */
import { open, rename, unlink } from 'node:fs/promises';
import type { ChannelRef, Recording } from './recording.js';
import { parseNumber } from './text-cells.js';
import { parseDateTime } from './text-time.js';

export interface CsvWriteOptions {
  /** Channels by index or name; they must share a sampling rate. default: every signal channel */
  channels?: ChannelRef[];
  /** Write stored values (the integers WFDB/EDF files hold) instead of physical units. default: false */
  raw?: boolean;
  /** Samples per chunk read from the source. default: 65536 */
  chunkSamples?: number;
  /**
   * A first column `time_s`: seconds from the start of the recording (sample index / rate), from which
   * the text reader takes the rate back (to 6 significant digits). default: true
   */
  time?: boolean;
}

/** Name of the time column. */
export const TIME_COLUMN = 'time_s';

/** Shortest decimal that reads back as the same float64, -0 included (String(-0) is '0'). */
export function formatFloat64(x: number): string {
  return x === 0 && 1 / x < 0 ? '-0' : String(x);
}

/**
 * Shortest decimal that reads back as the same float32: a float32 sample printed through float64
 * ('0.10000000149011612') would claim precision the source never had.
 */
export function formatFloat32(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return formatFloat64(x);
  const f = Math.fround(x);
  for (let p = 1; p < 9; p++) {
    const s = f.toPrecision(p);
    if (Math.fround(Number(s)) === f) return String(Number(s));
  }
  return String(Number(f.toPrecision(9)));
}

/**
 * RFC 4180 quoting for names that hold a delimiter, quote, line break or edge spaces, and for names
 * a reader would take for a value (a number, a missing-value word, a date-time, nothing): the text
 * reader reads a quoted cell over an unquoted one as a name.
 */
function csvCell(name: string): string {
  const valueLike = name === '' || typeof parseNumber(name, false) === 'number' || !Number.isNaN(parseDateTime(name));
  // A leading '#' would make a header line without the time column read as a comment.
  return valueLike || /[",\r\n]|^\s|\s$|^#/.test(name) ? `"${name.replace(/"/g, '""')}"` : name;
}

/**
 * Writes `rec` to `path` (through a temporary file renamed at the end, so a failure leaves no half
 * file). Physical values print as the shortest decimal that round-trips the float64 (`String(x)`),
 * float32-stored channels at float32 precision; with `raw`, stored values as they are. Channels of
 * different rates cannot share rows: that is a RangeError naming them.
 */
export async function writeCsv(rec: Recording, path: string, opts: CsvWriteOptions = {}): Promise<void> {
  const idx = (opts.channels ?? rec.signalChannels()).map((c) => rec.channelIndex(c));
  if (idx.length === 0) throw new RangeError(`channels: ${rec.info.path} has no signal channels to write`);
  const chans = idx.map((i) => rec.info.channels[i]!);
  const bad = chans.find((c) => c.annotation);
  if (bad) throw new RangeError(`channels: '${bad.name}' is an annotation signal, not samples`);
  if (chans.some((c) => c.fs !== chans[0]!.fs)) {
    const list = chans.map((c, k) => `${idx[k]} '${c.name}' ${c.fs} Hz`).join(', ');
    throw new RangeError(`channels have different sampling rates (${list}); CSV rows need one rate: select channels of one rate with --channel (option channels)`);
  }
  if (chans.some((c) => c.samples !== chans[0]!.samples)) {
    const list = chans.map((c, k) => `${idx[k]} '${c.name}' ${c.samples} samples`).join(', ');
    throw new RangeError(`channels have different lengths (${list}); CSV rows would cut the longer ones: select channels of one length with --channel (option channels)`);
  }
  const chunkSamples = opts.chunkSamples ?? 65536;
  if (!Number.isInteger(chunkSamples) || chunkSamples <= 0) throw new RangeError(`chunkSamples must be a positive integer, got ${chunkSamples}`);
  const fmt: ((x: number) => string)[] = chans.map((c) => (c.storage === 'float32' ? formatFloat32 : formatFloat64));
  const time = opts.time ?? true;
  const fs = chans[0]!.fs;
  // Index / rate rather than a running sum: each time is the nearest double to the true one.
  const stamp = time ? (j: number) => String(j / fs) + ',' : () => '';
  const tmp = `${path}.partial-${process.pid}`;
  const fh = await open(tmp, 'w');
  try {
    await fh.write([...(time ? [TIME_COLUMN] : []), ...chans.map((c) => csvCell(c.name))].join(',') + '\n');
    const nc = idx.length;
    for await (const chunk of rec.chunks({ channels: idx, raw: opts.raw ?? false, samples: chunkSamples })) {
      const cols = chunk.data as ArrayLike<number>[];
      const n = cols[0]!.length;
      let s = '';
      for (let i = 0; i < n; i++) {
        let row = stamp(chunk.start + i) + fmt[0]!(cols[0]![i]!);
        for (let k = 1; k < nc; k++) row += ',' + fmt[k]!(cols[k]![i]!);
        s += row + '\n';
      }
      await fh.write(s);
    }
    await fh.close();
    await rename(tmp, path);
  } catch (e) {
    await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}
