/**
 * The recordings in a folder tree, for batch commands given a folder: WFDB headers, EDF/BDF, NPY
 * and delimited text files, in path order. A multi-segment WFDB record counts once, by its master
 * header: the headers of its segments and its layout header (beside it or in a subfolder, as the
 * master names them) are parts of it, not records. Signal and annotation files (.dat, .atr, ...) are
 * found through their headers; the text files PhysioNet ships beside records (SHA256SUMS.txt,
 * LICENSE.txt, ...) are not recordings. Symbolic links are followed (a folder or file reached twice
 * counts once); folders whose names start with '.' (such as the sessions folder .vitaldsp) and `skip` are
 * not entered, and folders that cannot be read are listed apart rather than failing the search.
 */
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';

/** Extensions of files that are recordings themselves. */
const RECORDING_EXTENSIONS = new Set(['.hea', '.edf', '.bdf', '.rec', '.npy', '.csv', '.tsv', '.txt']);
/** Text files of a PhysioNet database folder that describe it (lower case). */
const NOT_RECORDINGS = new Set(['sha256sums.txt', 'license.txt', 'readme.txt', 'records.txt', 'annotators.txt']);

export interface FindOptions {
  /** Look in subfolders too. default: true */
  recursive?: boolean;
  /** Folders not entered (an output folder inside the input tree). */
  skip?: string[];
}

export interface FoundRecordings {
  /** Paths of the recordings, sorted. */
  recordings: string[];
  /** Folders that could not be listed, with the reason. */
  unreadable: { path: string; reason: string }[];
}

export async function findRecordings(dir: string, opts: FindOptions = {}): Promise<FoundRecordings> {
  const recursive = opts.recursive ?? true;
  const skip = new Set((opts.skip ?? []).map((d) => resolve(d)));
  const found: string[] = [];
  const parts = new Set<string>();
  const unreadable: FoundRecordings['unreadable'] = [];
  const visited = new Set<string>();
  const walk = async (d: string): Promise<void> => {
    let names: string[];
    try {
      const real = await realpath(d);
      if (visited.has(real)) return;
      visited.add(real);
      names = (await readdir(d)).sort();
    } catch (e) {
      unreadable.push({ path: d, reason: (e as Error).message });
      return;
    }
    const subfolders: string[] = [];
    for (const name of names) {
      const path = join(d, name);
      // stat, not the directory entry's type: a symbolic link counts as what it points to.
      const st = await stat(path).catch(() => undefined);
      if (st?.isDirectory()) {
        if (recursive && !name.startsWith('.') && !skip.has(resolve(path))) subfolders.push(path);
      } else if (st?.isFile() && RECORDING_EXTENSIONS.has(extname(name).toLowerCase()) && !NOT_RECORDINGS.has(name.toLowerCase())) {
        found.push(path);
        if (extname(name).toLowerCase() === '.hea') for (const p of await segmentHeaders(path)) parts.add(p);
      }
    }
    for (const sub of subfolders) await walk(sub);
  };
  if (!(await stat(dir)).isDirectory()) throw new Error(`${dir} is not a folder`);
  await walk(dir);
  // A file reached by two paths (a link to it) is one recording, under the first path in order.
  const recordings: string[] = [], seen = new Set<string>();
  for (const p of found.filter((f) => !parts.has(resolve(f))).sort()) {
    const real = await realpath(p).catch(() => resolve(p));
    if (!seen.has(real)) { seen.add(real); recordings.push(p); }
  }
  return { recordings, unreadable };
}

/**
 * Resolved paths of the headers a multi-segment master header names as its segments (none for any
 * other header). A header that cannot be read names none: it stays an input and fails as one.
 */
async function segmentHeaders(hea: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(hea, 'latin1');
  } catch {
    return [];
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
  const m = /^[^/\s]+\/(\d+)$/.exec(lines[0]?.trim().split(/\s+/)[0] ?? '');
  if (!m) return [];
  const out: string[] = [];
  for (const line of lines.slice(1, 1 + Number(m[1]))) {
    const name = line.trim().split(/\s+/)[0];
    if (name && name !== '~') out.push(resolve(dirname(hea), `${name}.hea`));
  }
  return out;
}
