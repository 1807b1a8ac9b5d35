/**
 * Quality windows as columns: one typed array per field, one entry per window. A ten-day record
 * has about 90 000 windows; as objects with 23 fields (each number boxed) they took three times the
 * memory, were copied field by field between threads, and kept the collector busy.
 */
import { qualityLevels, type ProcessingMode, type QualityLevel } from '../quality/score.js';
import { sqiNames, type Sqis } from '../quality/sqi-names.js';
import type { WindowRow } from './types.js';

export const processingModes = ['full', 'reduced', 'skip'] as const satisfies readonly ProcessingMode[];

/** Index of 'skip' in `processingModes`. */
export const SKIP = 2;

type SqiColumns = { [K in keyof Sqis]: Float64Array };

/** The windows of a block or a channel (rows of quality.csv), in time order. */
export interface Windows extends SqiColumns {
  /** Channel name, the same for every window. */
  channel: string;
  /** Window start and end in s from the record start. */
  start: Float64Array;
  end: Float64Array;
  /** Score before post-processing validation. */
  screenScore: Float64Array;
  score: Float64Array;
  /** Index into `qualityLevels`. */
  level: Uint8Array;
  /** Index into `processingModes`. */
  mode: Uint8Array;
  limitedBy: string[];
  /** Beats detected in the window (ECG/PPG/RESP), -1 when not applicable. */
  beats: Int32Array;
  /** Median correlation of the window's beats with the block's template, NaN when not applicable. */
  templateCorr: Float64Array;
  /** SNR of the physiological band after cleaning minus before, dB. */
  snrGainDb: Float64Array;
}

const numeric = ['start', 'end', ...sqiNames, 'screenScore', 'score', 'templateCorr', 'snrGainDb'] as const;

/** Columns for `n` windows of `channel` (numbers zero, limitedBy empty). */
export function windowColumns(channel: string, n: number): Windows {
  const w = { channel, level: new Uint8Array(n), mode: new Uint8Array(n), limitedBy: new Array<string>(n).fill(''), beats: new Int32Array(n) } as Partial<Windows>;
  for (const k of numeric) w[k] = new Float64Array(n);
  return w as Windows;
}

/**
 * Columns for the windows of `win` samples over samples [b0, b1) at `fs` Hz (the last one may be
 * shorter): times set, beats -1, template correlation and SNR gain NaN, the rest for the caller.
 */
export function windowGrid(channel: string, b0: number, b1: number, win: number, fs: number): Windows {
  const n = windowsIn(b0, b1, win);
  const w = windowColumns(channel, n);
  for (let k = 0; k < n; k++) {
    const w0 = b0 + k * win;
    w.start[k] = w0 / fs; w.end[k] = Math.min(b1, w0 + win) / fs;
  }
  w.beats.fill(-1); w.templateCorr.fill(NaN); w.snrGainDb.fill(NaN);
  return w;
}

export function windowCount(w: Windows): number {
  return w.start.length;
}

/** Window i as an object (for callers that want rows; the pipeline reads the columns). */
export function windowRow(w: Windows, i: number): WindowRow {
  const row = { channel: w.channel, level: qualityLevels[w.level[i]!]! as QualityLevel, mode: processingModes[w.mode[i]!]!, limitedBy: w.limitedBy[i]!, beats: w.beats[i]! } as Partial<WindowRow>;
  for (const k of numeric) row[k] = w[k][i]!;
  return row as WindowRow;
}

/** All windows as objects. */
export function windowRows(w: Windows): WindowRow[] {
  return Array.from({ length: windowCount(w) }, (_, i) => windowRow(w, i));
}

/**
 * Copies the windows of `part` into `out` from window `at`. `strings` keeps one string per distinct
 * reason: windows that crossed a thread each carry their own copy.
 */
export function copyWindows(out: Windows, at: number, part: Windows, strings: Map<string, string>): void {
  for (const k of numeric) out[k].set(part[k], at);
  out.level.set(part.level, at);
  out.mode.set(part.mode, at);
  out.beats.set(part.beats, at);
  for (let i = 0; i < part.limitedBy.length; i++) {
    const s = part.limitedBy[i]!;
    let known = strings.get(s);
    if (known === undefined) strings.set(s, (known = s));
    out.limitedBy[at + i] = known;
  }
}

/** Windows of `win` samples over samples [b0, b1), the last one possibly shorter. */
export function windowsIn(b0: number, b1: number, win: number): number {
  return Math.ceil((b1 - b0) / win);
}

/** Samples per quality window at `fs` Hz. */
export function windowSamples(windowSeconds: number, fs: number): number {
  return Math.round(windowSeconds * fs);
}

/** Index of a level or mode name, for writing the columns. */
export function levelIndex(level: QualityLevel): number {
  return qualityLevels.indexOf(level);
}

export function modeIndex(mode: ProcessingMode): number {
  return processingModes.indexOf(mode);
}
