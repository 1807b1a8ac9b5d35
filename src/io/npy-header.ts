/**
 * The NPY header (format versions 1.0, 2.0 and 3.0, as numpy.lib.format describes it): magic, version,
 * header length, then a Python dict literal {'descr': '<f8', 'fortran_order': False, 'shape': (n, c), }.
 */
import { FormatError } from './errors.js';

export interface NpyDtype {
  /** Storage name reported in ChannelInfo ('int16', 'float64', ...). */
  storage: string;
  /** Bytes per element. */
  size: number;
  kind: 'f' | 'i' | 'u';
  littleEndian: boolean;
}

export interface NpyHeader {
  version: string;
  dtype: NpyDtype;
  fortranOrder: boolean;
  shape: number[];
  /** Byte offset of the first element. */
  dataOffset: number;
}

/** Longest header dict accepted: real ones are a few hundred bytes; this bounds a corrupt length field. */
const MAX_HEADER = 1 << 20;

const STORAGE: Record<string, string> = {
  f4: 'float32', f8: 'float64', i1: 'int8', i2: 'int16', i4: 'int32', i8: 'int64', u1: 'uint8', u2: 'uint16', u4: 'uint32',
};

/** Parses a dtype string such as '<f8', '>i2', '|u1'. */
function parseDescr(path: string, descr: string): NpyDtype {
  const m = /^([<>|=])([fiu])(\d+)$/.exec(descr);
  const storage = m ? STORAGE[`${m[2]}${m[3]}`] : undefined;
  if (!m || !storage) {
    const why = descr.includes('O') ? 'object arrays hold Python objects, not samples' : 'supported: <f4 >f4 <f8 >f8 <i2 >i2 <i4 >i4 <i8 >i8 |i1 |u1 <u2 >u2 <u4 >u4';
    throw new FormatError(path, 'a numeric dtype', "header 'descr'", `got '${descr}'; ${why}`);
  }
  const size = Number(m[3]);
  // '=' is native order; NumPy writes '<' or '>' in files, and every platform Node runs on is little-endian.
  return { storage, size, kind: m[2] as 'f' | 'i' | 'u', littleEndian: m[1] !== '>' };
}

/** A tiny reader for the Python literal subset NPY headers use: strings, True/False, ints, tuples, dicts. */
class LiteralParser {
  private i = 0;
  constructor(private readonly s: string, private readonly fail: (what: string) => never) {}

  private ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }

  private expect(ch: string): void {
    this.ws();
    if (this.s[this.i] !== ch) this.fail(`'${ch}' at character ${this.i}`);
    this.i++;
  }

  value(): unknown {
    this.ws();
    const c = this.s[this.i];
    if (c === "'" || c === '"') return this.str(c);
    if (c === '(' || c === '[') return this.seq(c === '(' ? ')' : ']');
    if (c === '{') return this.dict();
    const m = /^(True|False|None|-?\d+)/.exec(this.s.slice(this.i, this.i + 32));
    if (!m) this.fail(`a value at character ${this.i}`);
    this.i += m[0].length;
    if (m[0] === 'True') return true;
    if (m[0] === 'False') return false;
    if (m[0] === 'None') return null;
    return Number(m[0]);
  }

  private str(q: string): string {
    const end = this.s.indexOf(q, this.i + 1);
    if (end < 0) this.fail('a closing quote');
    const v = this.s.slice(this.i + 1, end);
    this.i = end + 1;
    return v;
  }

  private seq(close: string): unknown[] {
    this.i++;
    const out: unknown[] = [];
    for (;;) {
      this.ws();
      if (this.s[this.i] === close) { this.i++; return out; }
      out.push(this.value());
      this.ws();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== close) this.fail(`',' or '${close}' at character ${this.i}`);
    }
  }

  dict(): Record<string, unknown> {
    this.expect('{');
    const out: Record<string, unknown> = {};
    for (;;) {
      this.ws();
      if (this.s[this.i] === '}') { this.i++; return out; }
      const k = this.value();
      if (typeof k !== 'string') this.fail(`a string key at character ${this.i}`);
      this.expect(':');
      out[k] = this.value();
      this.ws();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== '}') this.fail(`',' or '}' at character ${this.i}`);
    }
  }
}

/**
 * Checks the magic and version in the file's first (up to) 12 bytes and returns where the header dict
 * starts and ends (= where the data starts).
 */
export function headerLength(path: string, head: Uint8Array): { version: string; start: number; end: number } {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
  if (head.length < 10 || magic.some((b, i) => head[i] !== b)) {
    throw new FormatError(path, "NPY magic '\\x93NUMPY'", 'byte 0', 'not a NumPy .npy file');
  }
  const major = head[6]!, minor = head[7]!;
  if (major < 1 || major > 3) throw new FormatError(path, 'NPY version 1.0, 2.0 or 3.0', 'byte 6', `got ${major}.${minor}`);
  const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (major === 1) return { version: `${major}.${minor}`, start: 10, end: 10 + dv.getUint16(8, true) };
  if (head.length < 12) throw new FormatError(path, 'a 4-byte header length', 'byte 8', 'file too short');
  const len = dv.getUint32(8, true);
  if (len > MAX_HEADER) throw new FormatError(path, `a header shorter than ${MAX_HEADER} bytes`, 'byte 8', `header length ${len}`);
  return { version: `${major}.${minor}`, start: 12, end: 12 + len };
}

/** Parses the dict of an NPY header whose bytes are `text` (latin1 for 1.0/2.0, UTF-8 for 3.0). */
export function parseNpyHeader(path: string, version: string, text: string, dataOffset: number): NpyHeader {
  const fail = (what: string): never => {
    // The dict follows the magic, the version and the header length (2 bytes in 1.0, 4 after).
    throw new FormatError(path, `${what} in the header dict`, `byte ${version.startsWith('1.') ? 10 : 12}`, `header: ${text.trim().slice(0, 120)}`);
  };
  const dict = new LiteralParser(text, fail).dict();
  const descr = dict['descr'];
  const fortran = dict['fortran_order'];
  const shape = dict['shape'];
  if (typeof descr !== 'string') {
    throw new FormatError(path, "a string 'descr'", 'header', Array.isArray(descr) ? 'structured dtypes are not supported' : `header: ${text.trim().slice(0, 120)}`);
  }
  if (typeof fortran !== 'boolean') fail("a boolean 'fortran_order'");
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) fail("a tuple of non-negative integers 'shape'");
  const dims = shape as number[];
  if (dims.length < 1 || dims.length > 2) {
    throw new FormatError(path, 'a 1-D (samples) or 2-D (samples x channels) array', "header 'shape'", `got shape (${dims.join(', ')})`);
  }
  return { version, dtype: parseDescr(path, descr), fortranOrder: fortran as boolean, shape: dims, dataOffset };
}
