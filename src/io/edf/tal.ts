/**
 * EDF+ Time-stamped Annotation Lists (Kemp & Olivan 2003, section 2.2):
 *   +onset[\x15duration]\x14text\x14[text\x14...]\x00
 * repeated inside the bytes an 'EDF Annotations' signal holds in one data record, padded with \x00.
 * The first TAL of a record carries an empty first text: its onset is the record's start time
 * (time-keeping), not an annotation. Texts are UTF-8.
 */
import type { Annotation } from '../recording.js';
import { FormatError } from '../errors.js';

export interface RecordTals {
  /** Onset of the data record from its time-keeping TAL, in seconds; undefined when absent. */
  recordOnset: number | undefined;
  /** Annotations with onsets relative to the file's start date/time, in file order. */
  annotations: Annotation[];
}

const ONSET = /^[+-]\d+(\.\d*)?$/;
const DURATION = /^\d+(\.\d*)?$/;
const utf8 = new TextDecoder('utf-8');
const encoder = new TextEncoder();

/**
 * Parses the TALs of one record's annotation bytes. `timekeeping` says whether these bytes come from
 * the record's first annotation signal (whose first TAL is the time-keeping one). `at` is the byte
 * offset of `bytes` in the file, for errors.
 */
export function parseTals(bytes: Uint8Array, file: string, at: number, timekeeping: boolean): RecordTals {
  const out: RecordTals = { recordOnset: undefined, annotations: [] };
  const n = bytes.length;
  let i = 0, first = true;
  while (i < n) {
    if (bytes[i] === 0) { i++; continue; }
    const talStart = i;
    // onset, up to \x15 (duration follows) or \x14 (texts follow)
    while (i < n && bytes[i] !== 0x14 && bytes[i] !== 0x15 && bytes[i] !== 0) i++;
    const onsetText = ascii(bytes, talStart, i);
    if (i >= n || bytes[i] === 0 || !ONSET.test(onsetText)) {
      throw new FormatError(file, "a TAL '+onset[\\x15duration]\\x14text\\x14\\x00'", `byte ${at + talStart}`, `got '${onsetText.slice(0, 40)}'`);
    }
    const onset = Number(onsetText);
    let duration = 0;
    if (bytes[i] === 0x15) {
      const d0 = ++i;
      while (i < n && bytes[i] !== 0x14 && bytes[i] !== 0) i++;
      const durText = ascii(bytes, d0, i);
      if (i >= n || bytes[i] !== 0x14 || !DURATION.test(durText)) {
        throw new FormatError(file, 'a TAL duration (digits, optional fraction) ended by \\x14', `byte ${at + d0}`, `got '${durText.slice(0, 40)}'`);
      }
      duration = Number(durText);
    }
    i++; // the \x14 after onset/duration
    let textIndex = 0;
    // texts, each ended by \x14, until the \x00 closing the TAL (or the end of the bytes)
    while (i < n && bytes[i] !== 0) {
      const t0 = i;
      while (i < n && bytes[i] !== 0x14 && bytes[i] !== 0) i++;
      if (i >= n || bytes[i] === 0) {
        throw new FormatError(file, 'annotation text ended by \\x14', `byte ${at + t0}`, 'TAL text not terminated');
      }
      if (timekeeping && first && textIndex === 0 && i === t0) out.recordOnset = onset;
      else if (i > t0) out.annotations.push({ onset, duration, text: utf8.decode(bytes.subarray(t0, i)) });
      textIndex++;
      i++;
    }
    first = false;
  }
  return out;
}

function ascii(bytes: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let k = from; k < to; k++) s += String.fromCharCode(bytes[k]!);
  return s;
}

/** Decimal text for a TAL time: no exponent, at most 9 decimals (1 ns), no trailing zeros. */
export function formatTalTime(t: number): string {
  let s = Math.abs(t).toFixed(9).replace(/\.?0+$/, '');
  if (s === '') s = '0';
  return s;
}

/** Encodes one TAL; characters that would break the TAL syntax are replaced by spaces. */
export function encodeTal(onset: number, duration: number, texts: string[]): Uint8Array {
  let head = (onset < 0 ? '-' : '+') + formatTalTime(onset);
  if (duration > 0) head += '\x15' + formatTalTime(duration);
  const body = texts.map((t) => t.replace(/[\x00\x14\x15]/g, ' ')).join('\x14');
  return encoder.encode(`${head}\x14${body}\x14\x00`);
}
