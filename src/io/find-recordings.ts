/**
 * The recordings in a folder tree, for batch commands given a folder: WFDB headers, EDF/BDF, NPY
 * and delimited text files, in path order. A multi-segment WFDB record counts once, by its master
 * header: the headers of its segments (and its layout header) beside it are parts of it, not
 * records. Signal and annotation files (.dat, .atr, ...) are found through their headers. Folders
 * whose names start with '.' (such as the sessions folder .vitaldsp) and `skip` are not entered.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';

/** Extensions of files that are recordings themselves. */
const RECORDING_EXTENSIONS = new Set(['.hea', '.edf', '.bdf', '.rec', '.npy', '.csv', '.tsv', '.txt']);

export interface FindOptions {
  /** Look in subfolders too. default: true */
  recursive?: boolean;
  /** Folders not entered (an output folder inside the input tree). */
  skip?: string[];
}

/** Paths of the recordings under `dir`, sorted. */
export async function findRecordings(dir: string, opts: FindOptions = {}): Promise<string[]> {
  const recursive = opts.recursive ?? true;
  const skip = new Set((opts.skip ?? []).map((d) => resolve(d)));
  const found: string[] = [];
  const walk = async (d: string): Promise<void> => {
    const entries = (await readdir(d, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const files = entries.filter((e) => e.isFile() && RECORDING_EXTENSIONS.has(extname(e.name).toLowerCase())).map((e) => e.name);
    const parts = await segmentHeaders(d, files.filter((f) => extname(f).toLowerCase() === '.hea'));
    for (const f of files) if (!parts.has(f)) found.push(join(d, f));
    if (!recursive) return;
    for (const e of entries) {
      if (!e.isDirectory() || e.name.startsWith('.') || skip.has(resolve(d, e.name))) continue;
      await walk(join(d, e.name));
    }
  };
  if (!(await stat(dir)).isDirectory()) throw new Error(`${dir} is not a folder`);
  await walk(dir);
  return found;
}

/** Headers in `dir` that are segments of a multi-segment record whose master header is there too. */
async function segmentHeaders(dir: string, heas: string[]): Promise<Set<string>> {
  const parts = new Set<string>();
  for (const h of heas) {
    const lines = (await readFile(join(dir, h), 'latin1')).split(/\r?\n/).filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
    const record = lines[0]?.trim().split(/\s+/)[0] ?? '';
    const m = /^[^/]+\/(\d+)$/.exec(record);
    if (!m) continue;
    for (const line of lines.slice(1, 1 + Number(m[1]))) {
      const name = line.trim().split(/\s+/)[0];
      if (name && name !== '~') parts.add(`${name}.hea`);
    }
  }
  return parts;
}
