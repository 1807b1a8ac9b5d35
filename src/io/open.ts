/**
 * One entry point for every reader: detect the format (or take it from the caller), resolve WFDB
 * record paths, and open. Readers are imported on demand so that reading a CSV loads no EDF code.
 */
import { detectFormat, wfdbHeaderPath } from './detect.js';
import type { Format, Recording } from './recording.js';

export interface OpenOptions {
  /** Reader to use. default: detected from magic bytes and extension (see detectFormat) */
  format?: Format;
  /** Sampling rate in Hz for text and NPY files (WFDB and EDF state their own and ignore it). default: the file's own rate (text) or 1 (NPY) */
  fs?: number;
  /** Text only: signal columns by name or index. default: every numeric column but the time column */
  columns?: (string | number)[];
  /** Text only: the time column by name or index, false for none. default: auto-detected by name */
  timeColumn?: string | number | false;
}

/** The options each recording was opened with: whoever reopens it elsewhere (a worker thread) needs them. */
const openedWith = new WeakMap<Recording, OpenOptions>();

/** The options `rec` was opened with by openRecording (its format included), if it was. */
export function openOptionsOf(rec: Recording): OpenOptions | undefined {
  return openedWith.get(rec);
}

/** Opens any supported recording; see OpenOptions. */
export async function openRecording(path: string, opts: OpenOptions = {}): Promise<Recording> {
  const format = opts.format ?? (await detectFormat(path));
  const rec = await openAs(path, format, opts);
  openedWith.set(rec, { ...opts, format });
  return rec;
}

async function openAs(path: string, format: Format, opts: OpenOptions): Promise<Recording> {
  switch (format) {
    case 'wfdb': {
      const { openWfdb } = await import('./wfdb/record.js');
      return openWfdb(await wfdbHeaderPath(path));
    }
    case 'edf':
    case 'bdf': {
      const { openEdf } = await import('./edf/record.js');
      return openEdf(path);
    }
    case 'npy': {
      const { openNpy } = await import('./npy.js');
      return openNpy(path, { fs: opts.fs });
    }
    case 'text': {
      const { openText } = await import('./text.js');
      return openText(path, { fs: opts.fs, columns: opts.columns, timeColumn: opts.timeColumn });
    }
    default:
      throw new RangeError(`format must be one of wfdb, edf, bdf, text, npy, got '${String(format)}'`);
  }
}
