/**
 * EDF / EDF+ / BDF / BDF+ header: the fixed 256-byte part and the per-signal part of ns x 256 bytes,
 * both fixed-width ASCII fields. Layout after Kemp et al. 1992 (EDF), Kemp & Olivan 2003 (EDF+) and
 * the BioSemi BDF note (24-bit samples, version field 0xFF + "BIOSEMI").
 */
import { FormatError } from '../errors.js';
import type { PositionalFile } from '../file.js';

export interface EdfSignalHeader {
  label: string;
  transducer: string;
  /** Physical dimension ('uV', 'mV', ...). */
  unit: string;
  physicalMin: number;
  physicalMax: number;
  digitalMin: number;
  digitalMax: number;
  prefilter: string;
  samplesPerRecord: number;
  /** 'EDF Annotations' / 'BDF Annotations' signal: TAL bytes, never samples. */
  annotation: boolean;
  /** Byte offset of this signal inside a data record. */
  offset: number;
}

export interface EdfHeader {
  format: 'edf' | 'bdf';
  /** 'EDF+C', 'EDF+D', 'BDF+C', 'BDF+D' or '24BIT' from the reserved field; undefined for plain EDF. */
  variant: string | undefined;
  patientId: string;
  recordingId: string;
  /** Start of the first data record as 'YYYY-MM-DDTHH:MM:SS' (local time, as EDF states it), when valid. */
  startTime: string | undefined;
  headerBytes: number;
  /** Number of data records: the header's value, or derived from the file size when it says -1. */
  records: number;
  /** Seconds; 0 only in annotation-only files. */
  recordDuration: number;
  signals: EdfSignalHeader[];
  bytesPerSample: 2 | 3;
  /** Bytes of one data record over all signals. */
  recordBytes: number;
}

const VARIANTS = ['EDF+C', 'EDF+D', 'BDF+C', 'BDF+D', '24BIT'];
export const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** Per-signal fields in file order with their widths; each is stored for all signals before the next. */
const SIGNAL_FIELDS = [
  ['label', 16], ['transducer type', 80], ['physical dimension', 8], ['physical minimum', 8],
  ['physical maximum', 8], ['digital minimum', 8], ['digital maximum', 8], ['prefiltering', 80],
  ['samples per data record', 8], ['reserved', 32],
] as const;

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

/**
 * The spec asks for printable ASCII; real files carry Latin-1 ('°') or UTF-8 bytes, so decode UTF-8
 * when the bytes are valid UTF-8 and Latin-1 otherwise.
 */
export function decodeField(bytes: Uint8Array): string {
  let ascii = true;
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! > 127) { ascii = false; break; }
  let s: string;
  if (ascii) s = latin1.decode(bytes);
  else {
    try { s = utf8.decode(bytes); } catch { s = latin1.decode(bytes); }
  }
  return s.replace(/\0+$/, '').trim();
}

/** Reads and validates the header; checks every size against the file size before allocating. */
export async function readEdfHeader(file: PositionalFile): Promise<EdfHeader> {
  const path = file.path;
  const size = await file.size();
  if (size < 256) throw new FormatError(path, 'an EDF/BDF header of at least 256 bytes', 'byte 0', `file has ${size} bytes`);
  const fixed = await file.read(0, 256);
  const text = (offset: number, width: number): string => decodeField(fixed.subarray(offset, offset + width));

  let format: 'edf' | 'bdf';
  if (fixed[0] === 0xff && latin1.decode(fixed.subarray(1, 8)) === 'BIOSEMI') format = 'bdf';
  else if (text(0, 8) === '0') format = 'edf';
  else throw new FormatError(path, "version '0' (EDF) or 0xFF 'BIOSEMI' (BDF)", 'byte 0 (version)', `got '${text(0, 8)}'; not an EDF or BDF file`);

  const num = (offset: number, width: number, field: string, integer: boolean): number =>
    parseText(path, text(offset, width), `'${field}'`, offset, integer);
  const headerBytesField = num(184, 8, 'number of bytes in header', true);
  const recordsField = num(236, 8, 'number of data records', true);
  const recordDuration = num(244, 8, 'duration of a data record', false);
  const ns = num(252, 4, 'number of signals', true);

  if (ns < 1) throw new FormatError(path, 'at least 1 signal', "byte 252 (field 'number of signals')", `got ${ns}`);
  const headerBytes = 256 * (ns + 1);
  if (headerBytesField !== headerBytes) {
    throw new FormatError(path, `${headerBytes} header bytes for ${ns} signals`, "byte 184 (field 'number of bytes in header')", `got ${headerBytesField}`);
  }
  if (headerBytes > size) {
    throw new FormatError(path, `a file of at least ${headerBytes} bytes (header of ${ns} signals)`, 'end of file', `file has ${size} bytes`);
  }
  if (recordDuration < 0) {
    throw new FormatError(path, 'a non-negative record duration', "byte 244 (field 'duration of a data record')", `got ${recordDuration}`);
  }
  if (recordsField < -1) throw new FormatError(path, 'a record count >= -1', "byte 236 (field 'number of data records')", `got ${recordsField}`);

  const reservedText = text(192, 44);
  const variant = VARIANTS.find((v) => reservedText.startsWith(v));
  const patientId = text(8, 80), recordingId = text(88, 80);

  const sigBytes = await file.read(256, headerBytes - 256);
  const signals = parseSignals(path, sigBytes, ns, format);
  const bytesPerSample = format === 'bdf' ? 3 : 2;
  let recordBytes = 0;
  for (const s of signals) {
    s.offset = recordBytes;
    recordBytes += s.samplesPerRecord * bytesPerSample;
  }
  if (recordBytes === 0) throw new FormatError(path, 'at least one sample per data record', "field 'samples per data record'", 'all signals have 0');
  if (recordDuration === 0 && signals.some((s) => !s.annotation && s.samplesPerRecord > 0)) {
    throw new FormatError(path, 'a positive record duration (0 is only for annotation-only files)', "byte 244 (field 'duration of a data record')", 'got 0');
  }

  const available = Math.floor((size - headerBytes) / recordBytes);
  const records = recordsField === -1 ? available : recordsField;
  const expected = headerBytes + records * recordBytes;
  if (expected > size) {
    throw new FormatError(path, `${expected} bytes (${headerBytes} header + ${records} records x ${recordBytes} bytes)`, 'end of file',
      `file has ${size} bytes, room for ${available} records; truncated, or field 'number of data records' (byte 236) is wrong`);
  }

  return {
    format, variant, patientId, recordingId,
    startTime: startTime(text(168, 8), text(176, 8), recordingId),
    headerBytes, records, recordDuration, signals, bytesPerSample, recordBytes,
  };
}

function parseSignals(path: string, b: Uint8Array, ns: number, format: 'edf' | 'bdf'): EdfSignalHeader[] {
  const cols: Record<string, { text: string[]; offsets: number[] }> = {};
  let pos = 0;
  for (const [name, width] of SIGNAL_FIELDS) {
    const text: string[] = [], offsets: number[] = [];
    for (let i = 0; i < ns; i++, pos += width) {
      text.push(decodeField(b.subarray(pos, pos + width)));
      offsets.push(256 + pos);
    }
    cols[name] = { text, offsets };
  }
  const num = (field: string, i: number, integer: boolean): number => {
    const c = cols[field]!;
    return parseText(path, c.text[i]!, `'${field}' of signal ${i + 1}`, c.offsets[i]!, integer);
  };
  const out: EdfSignalHeader[] = [];
  for (let i = 0; i < ns; i++) {
    const label = cols['label']!.text[i]!;
    const spr = num('samples per data record', i, true);
    if (spr < 0) {
      throw new FormatError(path, 'a non-negative sample count', `byte ${cols['samples per data record']!.offsets[i]} (field 'samples per data record' of signal ${i + 1})`, `got ${spr}`);
    }
    out.push({
      label,
      transducer: cols['transducer type']!.text[i]!,
      unit: cols['physical dimension']!.text[i]!,
      physicalMin: num('physical minimum', i, false),
      physicalMax: num('physical maximum', i, false),
      digitalMin: num('digital minimum', i, true),
      digitalMax: num('digital maximum', i, true),
      prefilter: cols['prefiltering']!.text[i]!,
      samplesPerRecord: spr,
      annotation: label === 'EDF Annotations' || (format === 'bdf' && label === 'BDF Annotations'),
      offset: 0,
    });
  }
  return out;
}

/** `field` names the field as the error shows it: "'label'" or "'label' of signal 3". */
function parseText(path: string, s: string, field: string, offset: number, integer: boolean): number {
  const v = NUMBER.test(s) ? Number(s) : NaN;
  if (!Number.isFinite(v) || (integer && !Number.isInteger(v))) {
    throw new FormatError(path, integer ? 'an integer' : 'a number', `byte ${offset} (field ${field})`, `got '${s}'`);
  }
  return v;
}

/**
 * 'dd.mm.yy' + 'hh.mm.ss' with the 1985-2084 rule for the two-digit year; an EDF+ recording id
 * 'Startdate dd-MMM-yyyy ...' supplies the full year when it states one, 'Startdate X' an unknown
 * date. An unreadable date gives undefined rather than an error: many writers fill it carelessly and
 * the samples are still good.
 */
function startTime(date: string, time: string, recordingId: string): string | undefined {
  if (/^Startdate X(\s|$)/.test(recordingId)) return undefined; // EDF+: start date unknown
  const d = /^(\d\d)\.(\d\d)\.(\d\d|yy)$/.exec(date);
  const t = /^(\d\d)\.(\d\d)\.(\d\d)$/.exec(time);
  if (!d || !t) return undefined;
  const day = Number(d[1]), month = Number(d[2]), yy = Number(d[3]);
  // EDF+ writes 'yy' for years after 2084 and gives the year in the recording id only.
  let year = Number.isNaN(yy) ? NaN : yy >= 85 ? 1900 + yy : 2000 + yy;
  const plus = /^Startdate (\d\d)-([A-Z]{3})-(\d{4})(\s|$)/i.exec(recordingId);
  if (plus && Number(plus[1]) === day && MONTHS.indexOf(plus[2]!.toUpperCase()) + 1 === month) year = Number(plus[3]);
  if (Number.isNaN(year)) return undefined;
  const [hh, mi, ss] = [Number(t[1]), Number(t[2]), Number(t[3])];
  const probe = new Date(Date.UTC(year, month - 1, day, hh, mi, ss));
  if (probe.getUTCDate() !== day || probe.getUTCMonth() !== month - 1 || hh > 23 || mi > 59 || ss > 59) return undefined;
  const p2 = (n: number): string => String(n).padStart(2, '0');
  return `${String(year).padStart(4, '0')}-${p2(month)}-${p2(day)}T${p2(hh)}:${p2(mi)}:${p2(ss)}`;
}
