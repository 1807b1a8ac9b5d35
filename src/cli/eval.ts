/**
 * `vitaldsp eval`: scores detected beats against reference beats with ANSI/AAMI EC57 beat matching.
 *
 *   vitaldsp eval --ref 100.atr --test beats.csv [--fs HZ] [--window 0.15] [--start S] [--end S] [--json]
 *
 * --ref is a WFDB annotation file (beat symbols only; the sampling rate comes from the record's .hea
 * beside it) or a text file of sample indices. --test is a beats CSV whose first column is `sample`
 * (header row, as `vitaldsp peaks` writes it) or a text file of sample indices, one per line.
 */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { looksBinary } from '../io/detect.js';
import { FormatError } from '../io/errors.js';
import { fileExtension, fileStem, PositionalFile, readWhole, siblingPath } from '../io/file.js';
import { isUrl } from '../io/http-file.js';
import { isBeatSymbol, readAnnotations } from '../io/wfdb/annotations.js';
import { readWfdbHeader } from '../io/wfdb/header.js';
import { matchBeats, type MatchResult } from '../signals/evaluate.js';

export interface BeatList {
  samples: number[];
  /** Sampling rate the file itself states or implies (WFDB header, or sample/time_s columns). */
  fs?: number;
}

/** The .hea of the record an annotation file belongs to ('100.atr' -> '100.hea'), when it exists. */
async function headerBeside(path: string): Promise<string | undefined> {
  const ext = fileExtension(path);
  if (!ext || ext === '.hea') return undefined;
  const hea = siblingPath(path, `${fileStem(path)}.hea`);
  if (!isUrl(hea)) return existsSync(hea) ? hea : undefined;
  return (await new PositionalFile(hea).size().then(() => true, () => false)) ? hea : undefined;
}

/**
 * Reads sample indices from text: one per line, or the first column of a CSV with a header row. When
 * the header names `time_s` as well, the implied sampling rate (sample / time) is returned too.
 */
export async function readBeatText(path: string): Promise<BeatList> {
  return parseBeatText(await readBeatFile(path), path);
}

const readBeatFile = async (path: string): Promise<Buffer> => Buffer.from(await readWhole(path, 'a readable beat file', 2 ** 30));

function parseBeatText(bytes: Buffer, path: string): BeatList {
  const lines = bytes.toString('utf8').split(/\r?\n/);
  const samples: number[] = [];
  let timeCol = -1, header = false, fsNum = 0, fsDen = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const cells = line.split(/[,;\t ]+/);
    const first = cells[0]!;
    if (!header && samples.length === 0 && !/^[-+]?\d/.test(first)) {
      header = true;
      timeCol = cells.findIndex((c) => c.trim().toLowerCase() === 'time_s');
      continue;
    }
    const v = Number(first);
    if (!Number.isFinite(v) || v < 0 || Math.abs(v - Math.round(v)) > 1e-6) {
      throw new FormatError(path, 'a non-negative sample index in the first column', `line ${i + 1}`, `got '${first}'`);
    }
    samples.push(Math.round(v));
    if (timeCol > 0) {
      const t = Number(cells[timeCol]);
      if (Number.isFinite(t) && t > 0) { fsNum += v; fsDen += t; }
    }
  }
  return fsDen > 0 ? { samples, fs: fsNum / fsDen } : { samples };
}

/**
 * Reads reference beats: a WFDB annotation file (beat symbols only), read as such when its record's
 * .hea is beside it, or a text list of indices. A binary file without that header is refused: read
 * as text its bytes would make an empty or meaningless list, and read as annotations any bytes
 * would make some.
 */
export async function readBeatList(path: string): Promise<BeatList> {
  const textual = /\.(txt|csv|tsv)$/i.test(path);
  const hea = await headerBeside(path);
  if (hea !== undefined && !textual) {
    const anns = await readAnnotations(path);
    const header = await readWfdbHeader(hea);
    return { samples: beatsOf(anns), fs: header.frameFrequency };
  }
  const bytes = await readBeatFile(path);
  if (!textual && looksBinary(bytes.subarray(0, 512))) {
    throw new FormatError(path, 'a text list of sample indices, or a WFDB annotation file with its record\'s .hea beside it', 'byte 0', `binary, and no ${basename(path, extname(path))}.hea beside it`);
  }
  return parseBeatText(bytes, path);
}

const beatsOf = (anns: readonly { symbol: string; sample: number }[]): number[] => anns.filter((a) => isBeatSymbol(a.symbol)).map((a) => a.sample);

function num(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (!Number.isFinite(x)) throw new RangeError(`${name} must be a number, got '${v}'`);
  return x;
}

function pct(v: number): string {
  return `${(100 * v).toFixed(2)} %`;
}

/** Human-readable summary of a match. */
export function formatMatch(r: MatchResult, nRef: number, nTest: number): string {
  return [
    `reference beats  ${nRef}`,
    `detections       ${nTest}`,
    `TP ${r.tp}  FN ${r.fn}  FP ${r.fp}`,
    `sensitivity      ${pct(r.sensitivity)}`,
    `PPV              ${pct(r.ppv)}`,
    `F1               ${pct(r.f1)}`,
    `mean |error|     ${r.meanAbsErrorMs.toFixed(2)} ms (mean ${r.meanErrorMs.toFixed(2)} ms, max ${r.maxAbsErrorMs.toFixed(2)} ms)`,
  ].join('\n');
}

interface EvalFlags { ref: string; test: string; fs?: string; window: string; start: string; end?: string; json?: boolean }

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description('score detected beats against reference beats (ANSI/AAMI EC57 matching, 150 ms window)')
    .requiredOption('--ref <file>', 'reference: WFDB annotation file (fs from the .hea beside it) or text file of sample indices')
    .requiredOption('--test <file>', 'detections: beats CSV (first column sample, header row) or text file of sample indices')
    .option('--fs <hz>', 'sampling rate of the sample indices (default: from the WFDB header, or the CSV sample/time_s columns)')
    .option('--window <s>', 'match window in s', '0.15')
    .option('--start <s>', 'score only beats from this time in s (EC57 protocols may skip the first 300 s)', '0')
    .option('--end <s>', 'score only beats before this time in s (default: to the end)')
    .option('--json', 'print the result as JSON')
    .action(async (flags: EvalFlags) => {
      const ref = await readBeatList(flags.ref);
      const test = await readBeatList(flags.test);
      const fs = num('--fs', flags.fs) ?? ref.fs ?? test.fs;
      if (fs === undefined) throw new RangeError(`--fs is required: neither ${flags.ref} nor ${flags.test} states a sampling rate`);
      // Checked here, in the options' own names, before matchBeats checks its arguments.
      if (!(fs > 0)) throw new RangeError(`--fs must be a positive number of Hz, got ${fs}`);
      const windowSeconds = num('--window', flags.window)!, startSeconds = num('--start', flags.start)!, endSeconds = num('--end', flags.end) ?? Infinity;
      if (windowSeconds < 0) throw new RangeError(`--window must be a number of seconds >= 0, got '${flags.window}'`);
      if (!(endSeconds > startSeconds)) throw new RangeError(`--end must be after --start, got --start ${flags.start} and --end ${flags.end}`);
      const r = matchBeats(ref.samples, test.samples, fs, { windowSeconds, startSeconds, endSeconds });
      const nRef = r.tp + r.fn, nTest = r.tp + r.fp;
      if (flags.json) {
        console.log(JSON.stringify({ fs, reference: nRef, detections: nTest, ...r }));
      } else {
        console.log(formatMatch(r, nRef, nTest));
      }
    });
}
