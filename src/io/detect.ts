/**
 * Which reader a file needs, from its magic bytes first and its extension second: EDF ('0' and seven
 * spaces, with a plausible header size), BDF (0xFF 'BIOSEMI'), NPY ('\x93NUMPY'), WFDB (a .hea/.dat
 * name, text that reads as a WFDB record line followed by a signal line, or a binary file that a
 * header in its folder lists), text otherwise. Also finds the header of a WFDB record given by any of
 * its paths.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { FormatError } from './errors.js';
import { fileExtension, fileStem, PositionalFile, siblingPath } from './file.js';
import { isUrl } from './http-file.js';

/** The header URL of a record named by URL: 'r.hea' as it is, 'r' or 'r.dat' as 'r.hea' (query kept). */
function urlHeaderPath(url: string): string {
  return fileExtension(url).toLowerCase() === '.hea' ? url : siblingPath(url, `${fileStem(url)}.hea`);
}
import type { Format } from './recording.js';

/** Bytes examined: the EDF fixed header is 256 bytes; a WFDB header's first lines fit easily. */
const SNIFF_BYTES = 4096;

function startsWith(head: Uint8Array, bytes: number[]): boolean {
  return head.length >= bytes.length && bytes.every((b, i) => head[i] === b);
}

/**
 * EDF's version field alone ('0       ') could open a text file; the header also states its own size,
 * 256 x (signals + 1) at bytes 184 and 252, which text does not.
 */
function plausibleEdfHeader(head: Uint8Array): boolean {
  if (head.length < 256) return false;
  const ascii = (a: number, b: number) => Buffer.from(head.subarray(a, b)).toString('latin1').trim();
  const bytes = ascii(184, 192);
  const ns = ascii(252, 256);
  return /^\d+$/.test(bytes) && /^\d+$/.test(ns) && Number(bytes) === 256 * (Number(ns) + 1);
}

const RECORD_LINE = /^[^\s/]+(\/\d+)?\s+\d+(\s+[\d.eE+-]+(\/[\d.eE+-]+)?(\([\d.eE+-]+\))?)?(\s+\d+)?/;
const SIGNAL_LINE = /^\S*[^\s\d]\S*\s+\d+(x\d+)?(:\d+)?(\+\d+)?(\s|$)/;

/**
 * A WFDB header: the first non-comment line is a record line (name, signal count, ...) and, when it
 * declares signals, the next one is a signal line whose file name is not a number (a numeric text
 * file '100 2\n101 3' has the shape of a record line but not of a signal line).
 */
export function looksLikeWfdbHeader(text: string): boolean {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  const rec = lines[0];
  if (!rec || !RECORD_LINE.test(rec)) return false;
  const nsig = Number(rec.split(/\s+/)[1]);
  if (rec.split(/\s+/)[0]!.includes('/')) return lines.length >= 2; // multi-segment: segment lines follow
  if (nsig === 0) return lines.length === 1;
  const sig = lines[1];
  return sig !== undefined && SIGNAL_LINE.test(sig) && Number.isNaN(Number(sig.split(/\s+/)[0]));
}

/** .hea files looked at when a .dat file's own-name header is missing. */
const MAX_HEADERS_SCANNED = 2000;

/** Does this WFDB header name `datName` as a signal file? Reads at most its first 64 KiB. */
async function headerNamesFile(heaPath: string, datName: string): Promise<boolean> {
  const f = new PositionalFile(heaPath);
  try {
    const text = Buffer.from(await f.read(0, Math.min(1 << 16, await f.size()))).toString('latin1');
    return text.split(/\r?\n/).some((l) => !l.startsWith('#') && l.trim().split(/\s+/)[0] === datName);
  } finally {
    await f.close();
  }
}

/** A header in the same folder that lists `path` as a signal file, if any. */
async function headerListing(path: string): Promise<string | undefined> {
  const dir = dirname(path);
  const name = basename(path);
  const heas = (await readdir(dir)).filter((f) => f.toLowerCase().endsWith('.hea')).sort().slice(0, MAX_HEADERS_SCANNED);
  for (const h of heas) {
    if (await headerNamesFile(join(dir, h), name)) return join(dir, h);
  }
  return undefined;
}

/**
 * The header of a WFDB record given as 'x.hea', 'x' (record name) or a signal file 'x.dat'. For a
 * signal file whose header has another name (several records sharing one .dat, or 'data.dat' of
 * record 'r01'), the headers in the same folder are searched for one that lists it.
 */
export async function wfdbHeaderPath(path: string): Promise<string> {
  const ext = fileExtension(path).toLowerCase();
  if (ext === '.hea') return path;
  // On a server there is no folder to list: a record name or its signal file names its header.
  if (isUrl(path)) return urlHeaderPath(path);
  if (!ext || !existsSync(path)) {
    if (existsSync(`${path}.hea`)) return `${path}.hea`;
    if (!ext) throw new FormatError(path, 'a WFDB header', `${path}.hea`, 'file not found');
  }
  const own = join(dirname(path), `${basename(path, extname(path))}.hea`);
  if (existsSync(own)) return own;
  const listing = await headerListing(path);
  if (listing) return listing;
  throw new FormatError(path, 'a WFDB header (.hea) naming this signal file', dirname(path), `no ${basename(own)} and no header in the folder lists ${basename(path)}`);
}

/** Binary rather than text: a NUL byte, or more than 10 % control bytes other than tab/CR/LF. */
export function looksBinary(head: Uint8Array): boolean {
  let ctrl = 0;
  for (let i = 0; i < head.length; i++) {
    const b = head[i]!;
    if (b === 0) return true;
    if (b < 32 && b !== 9 && b !== 10 && b !== 13) ctrl++;
  }
  return ctrl > head.length / 10;
}

/**
 * Detects the format of `path`. A path that does not exist but names a WFDB record (`path.hea` exists)
 * is 'wfdb'. Throws FormatError when neither exists.
 */
export async function detectFormat(path: string): Promise<Format> {
  const ext = fileExtension(path).toLowerCase();
  if (isUrl(path) && (ext === '' || ext === '.hea' || ext === '.dat')) return 'wfdb';
  if (!isUrl(path) && !existsSync(path)) {
    if (existsSync(`${path}.hea`)) return 'wfdb';
    throw new FormatError(path, 'a readable file', 'open', 'file not found');
  }
  const file = new PositionalFile(path);
  let head: Uint8Array;
  try {
    head = await file.read(0, Math.min(SNIFF_BYTES, await file.size()));
  } finally {
    await file.close();
  }
  if (startsWith(head, [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59])) return 'npy';
  if (startsWith(head, [0xff, 0x42, 0x49, 0x4f, 0x53, 0x45, 0x4d, 0x49])) return 'bdf';
  if (startsWith(head, [0x30, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20]) && (plausibleEdfHeader(head) || ext === '.edf' || ext === '.rec')) return 'edf';
  if (ext === '.hea' || ext === '.dat') return 'wfdb';
  if (ext === '.edf' || ext === '.rec') return 'edf';
  if (ext === '.bdf') return 'bdf';
  if (ext === '.npy') return 'npy';
  if (looksLikeWfdbHeader(Buffer.from(head).toString('latin1'))) return 'wfdb';
  // A WFDB signal file with its own extension (binformats.d3) is found through the header that lists it.
  if (!isUrl(path) && looksBinary(head) && (await headerListing(path))) return 'wfdb';
  return 'text';
}
