/**
 * MIT-format WFDB annotation files (WFDB Programmer's Guide, annot.c of the WFDB library): a stream
 * of 16-bit little-endian words, each a 6-bit code and a 10-bit field. Codes 1..49 are annotations
 * whose field is the time since the previous one; the pseudo-codes that follow an annotation modify it:
 * SKIP (59) adds a 32-bit interval stored high 16-bit word first (PDP-11 order), NUM (60) and CHN (62)
 * set `num` and `chan` for it and every later annotation, SUB (61) sets its subtype, AUX (63) carries
 * a byte string (length in the low 8 bits, padded to an even length). A zero word ends the file.
 */
import { writeFile } from 'node:fs/promises';
import { FormatError } from '../errors.js';
import { fileStem, readWhole, siblingPath } from '../file.js';

export interface WfdbAnnotation {
  /** Time in ticks of the annotation file (samples of the record unless it states another resolution). */
  sample: number;
  /** Mnemonic ('N', 'V', '+', ...); '[n]' for codes without one. */
  symbol: string;
  subtype: number;
  chan: number;
  num: number;
  /** Auxiliary text ('(AFIB' for rhythm changes), '' when none. */
  aux: string;
}

/** Mnemonic of each code 0..49, as in the WFDB library's cstring table (codes from ecgcodes.h). */
export const WFDB_ANNOTATION_SYMBOLS: readonly string[] = [
  ' ', 'N', 'L', 'R', 'a', 'V', 'F', 'J', 'A', 'S',
  'E', 'j', '/', 'Q', '~', '[15]', '|', '[17]', 's', 'T',
  '*', 'D', '"', '=', 'p', 'B', '^', 't', '+', 'u',
  '?', '!', '[', ']', 'e', 'n', '@', 'x', 'f', '(',
  ')', 'r', '[42]', '[43]', '[44]', '[45]', '[46]', '[47]', '[48]', '[49]',
];

/** Largest annotation code (ACMAX); 50..58 are invalid, 59..63 pseudo-codes. */
const ACMAX = 49;
const SKIP = 59, NUM = 60, SUB = 61, CHN = 62, AUX = 63;
const MAX_DELTA = 1023;

const BEATS = new Set(['N', 'L', 'R', 'B', 'A', 'a', 'J', 'S', 'V', 'r', 'F', 'e', 'j', 'n', 'E', '/', 'f', 'Q', '?']);

/** True for WFDB beat annotations (N L R B A a J S V r F e j n E / f Q ?), false for rhythm, noise, etc. */
export function isBeatSymbol(symbol: string): boolean {
  return BEATS.has(symbol);
}

/** Mnemonic of a code; codes without one read as '[n]' (the WFDB library's ecgstr). */
export function annotationSymbol(code: number): string {
  return code >= 0 && code <= ACMAX ? WFDB_ANNOTATION_SYMBOLS[code]! : `[${code}]`;
}

/** Code of a mnemonic (also '[n]' for 0..49); undefined for an unknown one. */
export function annotationCode(symbol: string): number | undefined {
  const i = WFDB_ANNOTATION_SYMBOLS.indexOf(symbol);
  if (i >= 0) return i;
  const m = /^\[(\d+)\]$/.exec(symbol);
  if (m && Number(m[1]) <= ACMAX) return Number(m[1]);
  return undefined;
}

/** 10-bit fields hold small signed numbers in the WFDB library (subtyp, chan, num are signed chars). */
function signed10(v: number): number {
  return v >= 512 ? v - 1024 : v;
}

/** Reads a whole annotation file (they are small: a few bytes per beat; at most 1 GB is accepted). */
export async function readAnnotations(path: string): Promise<WfdbAnnotation[]> {
  return parseAnnotations(await readWhole(path, 'a readable annotation file', 2 ** 30), path);
}

/** Parses MIT-format annotation bytes; `path` names the file in errors. */
export function parseAnnotations(bytes: Uint8Array, path: string): WfdbAnnotation[] {
  const out: WfdbAnnotation[] = [];
  const len = bytes.length;
  let pos = 0, time = 0, chan = 0, num = 0;
  let cur: WfdbAnnotation | undefined;
  const word = (): number => {
    if (pos + 2 > len) throw new FormatError(path, 'a 16-bit annotation word', `byte ${pos}`, 'file ends inside a word');
    const w = bytes[pos]! | (bytes[pos + 1]! << 8);
    pos += 2;
    return w;
  };
  while (pos < len) {
    const at = pos;
    const w = word();
    if (w === 0) break;
    const code = w >> 10, data = w & 0x3ff;
    switch (code) {
      case SKIP: {
        const hi = word(), lo = word();
        time += ((hi << 16) | lo) >> 0;
        break;
      }
      case NUM: num = signed10(data); if (cur) cur.num = num; break;
      case CHN: chan = signed10(data); if (cur) cur.chan = chan; break;
      case SUB: if (cur) cur.subtype = signed10(data); break;
      case AUX: {
        const n = data & 0xff;
        if (pos + n > len) throw new FormatError(path, `${n} bytes of auxiliary text`, `byte ${pos}`, 'file ends inside it');
        const text = auxText(bytes.subarray(pos, pos + n));
        pos += (n + 1) & ~1;
        if (cur) cur.aux = text.replace(/\0+$/, '');
        break;
      }
      default: {
        if (code > ACMAX && code < SKIP) throw new FormatError(path, 'an annotation code 0..49 or a pseudo-code 59..63', `byte ${at}`, `got code ${code}`);
        time += data;
        cur = { sample: time, symbol: annotationSymbol(code), subtype: 0, chan, num, aux: '' };
        out.push(cur);
      }
    }
  }
  return out;
}

/**
 * Writes annotations in MIT format, in the order given (WFDB expects time order, ties in chan/num
 * order). The result reads back identical with `readAnnotations`, except that subtype, chan and num
 * are kept to 10 bits (-512..511) and aux text to 254 bytes (Latin-1).
 */
/** The annotation file of a record (`NAME.hea` or `NAME`) for an annotator: `NAME.<annotator>` beside it. */
export function annotationPath(record: string, annotator: string): string {
  return siblingPath(record, `${fileStem(record)}.${annotator}`);
}

export async function writeAnnotations(path: string, anns: WfdbAnnotation[]): Promise<void> {
  await writeFile(path, encodeAnnotations(anns));
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

/**
 * Aux bytes as text. The format states no encoding: the writer uses UTF-8 (ASCII, as in the
 * PhysioNet databases, is the same in both), and bytes that are not UTF-8 are older Latin-1 text.
 */
function auxText(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return latin1.decode(bytes);
  }
}

/** Encodes annotations as the bytes of an MIT-format file, 0-word included (aux text in UTF-8). */
export function encodeAnnotations(anns: WfdbAnnotation[]): Uint8Array {
  const bytes: number[] = [];
  const put16 = (w: number): void => { bytes.push(w & 0xff, (w >> 8) & 0xff); };
  let time = 0, chan = 0, num = 0;
  anns.forEach((a, i) => {
    const code = annotationCode(a.symbol);
    if (code === undefined) throw new RangeError(`anns[${i}].symbol must be a WFDB annotation mnemonic, got '${a.symbol}'`);
    if (!Number.isSafeInteger(a.sample)) throw new RangeError(`anns[${i}].sample must be an integer, got ${a.sample}`);
    for (const f of ['subtype', 'chan', 'num'] as const) {
      if (!Number.isInteger(a[f]) || a[f] < -512 || a[f] > 511) throw new RangeError(`anns[${i}].${f} must be an integer in [-512, 511], got ${a[f]}`);
    }
    let delta = a.sample - time;
    if (code === 0) {
      // A code-0 word with a zero field would read as the end of the file: land one tick early with a SKIP.
      putSkip(put16, delta - 1);
      delta = 1;
    } else if (delta < 0 || delta > MAX_DELTA) {
      putSkip(put16, delta);
      delta = 0;
    }
    put16((code << 10) | delta);
    time = a.sample;
    if (a.subtype !== 0) put16((SUB << 10) | (a.subtype & 0x3ff));
    if (a.chan !== chan) { put16((CHN << 10) | (a.chan & 0x3ff)); chan = a.chan; }
    if (a.num !== num) { put16((NUM << 10) | (a.num & 0x3ff)); num = a.num; }
    if (a.aux) {
      // The WFDB library stores aux strings with their terminating NUL (and strips it on reading).
      const text = Buffer.from(`${a.aux}\0`, 'utf8');
      if (text.length > 255) throw new RangeError(`anns[${i}].aux must be at most 254 bytes (UTF-8), got ${text.length - 1}`);
      put16((AUX << 10) | text.length);
      for (const b of text) bytes.push(b);
      if (text.length & 1) bytes.push(0);
    }
  });
  put16(0);
  return Uint8Array.from(bytes);
}

function putSkip(put16: (w: number) => void, interval: number): void {
  if (interval < -(2 ** 31) || interval >= 2 ** 31) throw new RangeError(`annotation interval must fit 32 bits, got ${interval}`);
  const v = interval >>> 0;
  put16(SKIP << 10);
  put16(v >>> 16);
  put16(v & 0xffff);
}
