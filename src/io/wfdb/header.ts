/**
 * WFDB header files (PhysioNet WFDB Applications Guide, header(5)): one record line, one signal
 * specification line per signal (or, for a multi-segment record, one segment line per segment),
 * and `#` comment lines anywhere. Every default below is the one that
 * header(5) states; each error names the header file and the 1-based line it found.
 */
import { FormatError } from '../errors.js';
import { readWholeAt } from '../file.js';

/**
 * Record, segment and annotator names: header fields are separated by spaces, and WFDB tools accept
 * letters, digits, '_' and '-' in them.
 */
export function isWfdbName(name: string): boolean {
  return /^[A-Za-z0-9_-]+$/.test(name);
}

/** Frame frequency assumed when the record line has none (DEFREQ in <wfdb/wfdb.h>). */
export const WFDB_DEFAULT_FREQUENCY = 250;
/** ADC units per physical unit assumed for uncalibrated signals (DEFGAIN in <wfdb/wfdb.h>). */
export const WFDB_DEFAULT_GAIN = 200;
/** Headers are small text files; a larger file is not a header, and is refused before it is read. */
const MAX_HEADER_BYTES = 16 * 1024 * 1024;

export interface WfdbSignalSpec {
  /** Signal file name as written (relative to the header's folder unless absolute). */
  file: string;
  /** Storage format number as written ('212', '16', ...). */
  format: string;
  /** The whole format field as written, modifiers included ('212x4', '16:2+512'). */
  formatSpec: string;
  /** Samples of this signal in each frame. default: 1 */
  samplesPerFrame: number;
  /** Frames of this signal stored before its sample 0. default: 0 */
  skew: number;
  /** Bytes before sample 0 in the signal file (a preamble). default: 0 */
  byteOffset: number;
  /** ADC units per physical unit; 200 when the header gives 0 or nothing. */
  gain: number;
  /** True when the header gave no gain or a gain of 0 (the signal is uncalibrated). */
  uncalibrated: boolean;
  /** Stored value of 0 physical units. default: the ADC zero */
  baseline: number;
  /** Physical unit. default: 'mV' */
  units: string;
  /** ADC bits. default: 12 for amplitude formats (less when the format holds fewer bits), 10 for format 8 */
  adcResolution: number;
  /** default: 0 */
  adcZero: number;
  /** Value of sample 0 (used by difference formats). default: the ADC zero */
  initialValue: number;
  /** 16-bit signed checksum of all stored samples, when the header gives one. */
  checksum?: number;
  /** default: 0 */
  blockSize: number;
  /** default: 'record NAME, signal N' */
  description: string;
  /** 1-based line of the header on which this signal is specified. */
  line: number;
}

export interface WfdbHeader {
  /** Path of the header file the fields were read from. */
  path: string;
  recordName: string;
  /** Frames per second. default: 250 */
  frameFrequency: number;
  /** Counter ticks per second. default: the frame frequency */
  counterFrequency: number;
  /** Counter value of sample 0. default: 0 */
  baseCounter: number;
  /** Frames per signal; undefined when the header leaves it out or gives 0. */
  frames?: number;
  /** Base time as written (HH:MM:SS[.sss]), when given. */
  baseTime?: string;
  /** Base date as written (DD/MM/YYYY), when given. */
  baseDate?: string;
  /** ISO-8601 start, when both base time and base date are given. */
  startTime?: string;
  /** The signals; none in the master header of a multi-segment record. */
  signals: WfdbSignalSpec[];
  /**
   * The segments of a multi-segment record (record line `NAME/SEGMENTS`), in order; undefined for
   * a single-segment record. Their signals are in their own headers (io/wfdb/multi.ts).
   */
  segments?: WfdbSegmentSpec[];
  /** Number of signals the record line states (a multi-segment record lists none itself). */
  signalCount: number;
  /** Text of every comment line, without the leading '#'. */
  comments: string[];
}

export interface WfdbSegmentSpec {
  /** Record name of the segment (its header is NAME.hea beside the master header); '~' for a gap. */
  name: string;
  /** Frames in the segment; 0 marks the layout header of a variable-layout record. */
  frames: number;
  /** 1-based line of the master header on which the segment is given. */
  line: number;
}

const FLOAT = String.raw`[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?`;
const INT_RE = /^[-+]?\d+$/;
const FLOAT_RE = new RegExp(`^${FLOAT}$`);
const FREQ_RE = new RegExp(`^(${FLOAT})(?:/(${FLOAT})(?:\\((${FLOAT})\\))?)?$`);
const GAIN_RE = new RegExp(`^(${FLOAT})(?:\\((${FLOAT})\\))?(?:/(\\S*))?$`);
const FORMAT_RE = /^(\d+)(?:x(\d+))?(?::(\d+))?(?:\+(\d+))?$/;
const TIME_RE = /^(\d{1,2}):(\d{1,2})(?::(\d{1,2})(\.\d+)?)?$/;
const DATE_RE = /^(\d{1,2})\/(\d{1,2})\/(\d{1,4})$/;

/** Bits of one stored sample, used for the ADC resolution default. */
const FORMAT_BITS: Record<string, number> = { '8': 8, '16': 16, '24': 24, '32': 32, '61': 16, '80': 8, '160': 16, '212': 12, '310': 10, '311': 10 };

/** Reads and parses a header file; the file must exist and be at most 16 MB. */
export async function readWfdbHeader(path: string): Promise<WfdbHeader> {
  // At a URL that redirects, the record's other files are beside where the header was found.
  const { bytes, location } = await readWholeAt(path, 'a readable WFDB header file', MAX_HEADER_BYTES);
  return parseWfdbHeader(decodeText(bytes), location);
}

/** UTF-8 when the bytes are valid UTF-8, else Latin-1 (older headers write units such as 0xB5 'µ'). */
function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('latin1').decode(bytes);
  }
}

/** Parses header text; `path` names the file in errors. */
export function parseWfdbHeader(text: string, path: string): WfdbHeader {
  const lines = text.split('\n');
  const comments: string[] = [];
  const content: { text: string; line: number }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.replace(/\r$/, '');
    const t = raw.trim();
    if (t === '') continue;
    if (t.startsWith('#')) { comments.push(t.slice(1).trim()); continue; }
    content.push({ text: raw, line: i + 1 });
  }
  if (content.length === 0) throw new FormatError(path, 'a record line', 'line 1', 'header has no record line');
  const rec = parseRecordLine(content[0]!.text, content[0]!.line, path);
  if (rec.nSegments !== undefined) {
    const { nSignals, nSegments, ...fields } = rec;
    return { path, ...fields, signals: [], segments: parseSegmentLines(content, nSegments, path), signalCount: nSignals, comments };
  }
  if (content.length - 1 < rec.nSignals) {
    throw new FormatError(path, `${rec.nSignals} signal specification lines`, `line ${content[content.length - 1]!.line}`, `header has ${content.length - 1}`);
  }
  const signals: WfdbSignalSpec[] = [];
  for (let s = 0; s < rec.nSignals; s++) {
    const { text: t, line } = content[s + 1]!;
    signals.push(parseSignalLine(t, line, path, rec.recordName, s));
  }
  const { nSignals, nSegments: _s, ...fields } = rec;
  return { path, ...fields, signals, signalCount: nSignals, comments };
}

/** The segment lines after the record line: `NAME FRAMES` each ('~' names a gap). */
function parseSegmentLines(content: { text: string; line: number }[], n: number, path: string): WfdbSegmentSpec[] {
  if (content.length - 1 < n) {
    throw new FormatError(path, `${n} segment lines`, `line ${content[content.length - 1]!.line}`, `header has ${content.length - 1}`);
  }
  const out: WfdbSegmentSpec[] = [];
  for (let k = 1; k <= n; k++) {
    const { text, line } = content[k]!;
    const where = `line ${line}`;
    const f = text.trim().split(/\s+/);
    if (f.length !== 2) throw new FormatError(path, 'a segment line: record name and number of samples', where, `got '${text.trim()}'`);
    if (f[0] !== '~' && !isWfdbName(f[0]!)) throw new FormatError(path, "a segment record name of letters, digits, '_' and '-', or '~' for a gap", where, `got '${f[0]}'`);
    const frames = parseIntField(f[1]!, 'number of samples in the segment', path, where);
    if (frames < 0) throw new FormatError(path, 'a non-negative number of samples in the segment', where, `got ${frames}`);
    out.push({ name: f[0]!, frames, line });
  }
  return out;
}

/** The fields of the record line: the header's own, plus the signal and segment counts. */
type RecordLine = Omit<WfdbHeader, 'path' | 'signals' | 'segments' | 'signalCount' | 'comments'> & { nSignals: number; nSegments?: number };

function parseRecordLine(text: string, line: number, path: string): RecordLine {
  const where = `line ${line}`;
  const f = text.trim().split(/\s+/);
  const [name, segments] = f[0]!.split('/', 2) as [string, string | undefined];
  if (f.length < 2) throw new FormatError(path, 'a record line: name and number of signals', where, `got '${text.trim()}'`);
  const nSignals = parseIntField(f[1]!, 'number of signals', path, where);
  if (nSignals < 0) throw new FormatError(path, 'a non-negative number of signals', where, `got ${nSignals}`);
  const out: RecordLine = { recordName: name, nSignals, frameFrequency: WFDB_DEFAULT_FREQUENCY, counterFrequency: WFDB_DEFAULT_FREQUENCY, baseCounter: 0 };
  if (segments !== undefined) {
    const n = INT_RE.test(segments) ? Number(segments) : NaN;
    if (!(n >= 1) || !Number.isSafeInteger(n)) throw new FormatError(path, 'a positive number of segments after the record name', where, `got '${f[0]}'`);
    out.nSegments = n;
  }
  if (f.length > 2) {
    const m = FREQ_RE.exec(f[2]!);
    if (!m) throw new FormatError(path, 'a sampling frequency such as 360 or 360/180(0)', where, `got '${f[2]}'`);
    const fs = Number(m[1]);
    if (!(fs > 0) || !Number.isFinite(fs)) throw new FormatError(path, 'a positive finite sampling frequency', where, `got ${m[1]}`);
    out.frameFrequency = fs;
    const counter = m[2] === undefined ? 0 : Number(m[2]);
    out.counterFrequency = counter > 0 && Number.isFinite(counter) ? counter : fs;
    out.baseCounter = m[3] === undefined ? 0 : Number(m[3]);
  } else {
    out.counterFrequency = out.frameFrequency;
  }
  if (f.length > 3) {
    const n = parseIntField(f[3]!, 'number of samples per signal', path, where);
    if (n < 0 || !Number.isSafeInteger(n)) throw new FormatError(path, 'a non-negative number of samples per signal', where, `got ${f[3]}`);
    if (n > 0) out.frames = n;
  }
  if (f.length > 4) {
    const m = TIME_RE.exec(f[4]!);
    if (!m) throw new FormatError(path, 'a base time HH:MM:SS', where, `got '${f[4]}'`);
    out.baseTime = f[4];
    if (f.length > 5) {
      const d = DATE_RE.exec(f[5]!);
      if (!d) throw new FormatError(path, 'a base date DD/MM/YYYY', where, `got '${f[5]}'`);
      out.baseDate = f[5];
      out.startTime = isoStart(m, d);
    }
  }
  if (f.length > 6) throw new FormatError(path, 'at most 6 fields on the record line', where, `unexpected '${f.slice(6).join(' ')}'`);
  return out;
}

function isoStart(t: RegExpExecArray, d: RegExpExecArray): string | undefined {
  // With two fields WFDB reads MM:SS (strtim), so hours are zero.
  const [h, mi, s] = t[3] === undefined ? [0, Number(t[1]), Number(t[2])] : [Number(t[1]), Number(t[2]), Number(t[3])];
  const day = Number(d[1]), mon = Number(d[2]), yr = Number(d[3]);
  // Days past the end of their month (31/02) too: the ISO text must name a real date.
  const leap = yr % 4 === 0 && (yr % 100 !== 0 || yr % 400 === 0);
  const monthDays = mon === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(mon) ? 30 : 31;
  if (h > 23 || mi > 59 || s > 60 || mon < 1 || mon > 12 || day < 1 || day > monthDays) return undefined;
  const p2 = (x: number): string => String(x).padStart(2, '0');
  const frac = t[4] ?? '';
  return `${String(yr).padStart(4, '0')}-${p2(mon)}-${p2(day)}T${p2(h)}:${p2(mi)}:${p2(s)}${frac}`;
}

function parseSignalLine(text: string, line: number, path: string, record: string, index: number): WfdbSignalSpec {
  const where = `line ${line}`;
  // Field positions are kept so that the description can be the rest of the line, spaces included.
  const fields: { v: string; end: number }[] = [];
  const re = /\S+/g;
  let m: RegExpExecArray | null;
  while (fields.length < 8 && (m = re.exec(text)) !== null) fields.push({ v: m[0], end: m.index + m[0].length });
  if (fields.length < 2) throw new FormatError(path, `a signal specification line (file name and format) for signal ${index}`, where, `got '${text.trim()}'`);
  const file = fields[0]!.v;
  const fm = FORMAT_RE.exec(fields[1]!.v);
  if (!fm) throw new FormatError(path, 'a signal format such as 212, 16x4, 212:2 or 16+512', where, `got '${fields[1]!.v}'`);
  const format = fm[1]!;
  const samplesPerFrame = fm[2] === undefined ? 1 : Number(fm[2]);
  if (!(samplesPerFrame >= 1) || !Number.isSafeInteger(samplesPerFrame)) throw new FormatError(path, 'at least 1 sample per frame', where, `got '${fields[1]!.v}'`);
  const skew = fm[3] === undefined ? 0 : Number(fm[3]);
  const byteOffset = fm[4] === undefined ? 0 : Number(fm[4]);
  if (!Number.isSafeInteger(skew) || !Number.isSafeInteger(byteOffset)) throw new FormatError(path, 'a skew and byte offset below 2^53', where, `got '${fields[1]!.v}'`);

  let gain = 0, baseline: number | undefined, units = 'mV';
  if (fields.length > 2) {
    const g = GAIN_RE.exec(fields[2]!.v);
    if (!g) throw new FormatError(path, 'an ADC gain such as 200, 200(1024) or 200(0)/mV', where, `got '${fields[2]!.v}'`);
    gain = Number(g[1]);
    if (!Number.isFinite(gain)) throw new FormatError(path, 'a finite ADC gain', where, `got '${g[1]}'`);
    if (g[2] !== undefined) baseline = Number(g[2]);
    if (g[3] !== undefined && g[3] !== '') units = g[3];
  }
  const uncalibrated = gain === 0;
  if (uncalibrated) gain = WFDB_DEFAULT_GAIN;
  const bits = FORMAT_BITS[format];
  let adcResolution = 0;
  if (fields.length > 3) adcResolution = parseIntField(fields[3]!.v, 'an ADC resolution in bits', path, where);
  if (adcResolution === 0) adcResolution = format === '8' ? 10 : Math.min(12, bits ?? 12);
  const adcZero = fields.length > 4 ? parseIntField(fields[4]!.v, 'an ADC zero', path, where) : 0;
  const initialValue = fields.length > 5 ? parseIntField(fields[5]!.v, 'an initial value', path, where) : adcZero;
  const checksum = fields.length > 6 ? parseIntField(fields[6]!.v, 'a checksum', path, where) : undefined;
  const blockSize = fields.length > 7 ? parseIntField(fields[7]!.v, 'a block size', path, where) : 0;
  const rest = fields.length > 7 ? text.slice(fields[7]!.end).trim() : '';
  return {
    file, format, formatSpec: fields[1]!.v, samplesPerFrame, skew, byteOffset,
    gain, uncalibrated, baseline: baseline ?? adcZero, units, adcResolution, adcZero, initialValue,
    ...(checksum === undefined ? {} : { checksum }),
    blockSize, description: rest || `record ${record}, signal ${index}`, line,
  };
}

function parseIntField(v: string, what: string, path: string, where: string): number {
  if (!INT_RE.test(v)) {
    throw new FormatError(path, what.startsWith('a') ? what : `the ${what} as an integer`, where, FLOAT_RE.test(v) ? `got non-integer '${v}'` : `got '${v}'`);
  }
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new FormatError(path, `${what} below 2^53`, where, `got '${v}'`);
  return n;
}
