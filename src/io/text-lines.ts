import { FormatError } from './errors.js';
import type { PositionalFile } from './file.js';

/**
 * Called once per line (without its terminator) with the line's byte offset and 1-based line number.
 * Returning false stops the scan after the current block.
 */
export type LineSink = (text: string, offset: number, line: number) => boolean | void;

export interface LineScanOptions {
  /** Byte offset where the first line starts. default: 0 */
  from?: number;
  /** Line number of that first line. default: 1 */
  line?: number;
  /** Bytes read per positional read. default: 1 MiB */
  blockSize?: number;
  /** Longest line buffered, its terminator included: a longer one is taken as a broken file. default: 64 MiB */
  maxLineBytes?: number;
}

const NL = 0x0a;
const CR = 0x0d;

/**
 * Walks the lines of a file from a byte offset, reading bounded blocks by position, so that memory is one
 * block plus the longest line however large the file is. '\n' and '\r\n' end lines; a last line without
 * terminator is still reported. Lines are decoded as UTF-8 one at a time, which keeps byte offsets exact
 * for the caller's sparse index even when a header holds non-ASCII names; a byte order mark at the
 * start of the file is not part of the first line.
 */
export async function forEachLine(file: PositionalFile, sink: LineSink, opts: LineScanOptions = {}): Promise<void> {
  const size = await file.size();
  const maxLine = opts.maxLineBytes ?? 64 * 1024 * 1024;
  let buf = Buffer.alloc(Math.max(256, Math.min(opts.blockSize ?? 1 << 20, maxLine)));
  let bufPos = opts.from ?? 0; // file offset of buf[0]
  let have = 0;
  let line = opts.line ?? 1;
  let readPos = bufPos;
  while (readPos < size) {
    if (have === buf.length) {
      if (buf.length >= maxLine) {
        throw new FormatError(file.path, `a line shorter than ${maxLine} bytes`, `line ${line} (byte ${bufPos})`);
      }
      const grown = Buffer.alloc(Math.min(maxLine, buf.length * 2));
      buf.copy(grown, 0, 0, have);
      buf = grown;
    }
    const len = Math.min(buf.length - have, size - readPos);
    await file.read(readPos, len, buf.subarray(have, have + len));
    readPos += len;
    have += len;
    let start = 0;
    let stop = false;
    for (;;) {
      const nl = buf.indexOf(NL, start);
      if (nl < 0 || nl >= have) break;
      const end = nl > start && buf[nl - 1] === CR ? nl - 1 : nl;
      if (sink(decode(buf, start, end, bufPos + start), bufPos + start, line++) === false) {
        stop = true;
        break;
      }
      start = nl + 1;
    }
    if (stop) return;
    buf.copyWithin(0, start, have);
    bufPos += start;
    have -= start;
  }
  if (have > 0) {
    const end = buf[have - 1] === CR ? have - 1 : have;
    sink(decode(buf, 0, end, bufPos), bufPos, line);
  }
}

/** A line as UTF-8 text, without the byte order mark that may open the file (EF BB BF). */
function decode(buf: Buffer, start: number, end: number, fileOffset: number): string {
  if (fileOffset === 0 && end - start >= 3 && buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf) start += 3;
  return buf.toString('utf8', start, end);
}
