/**
 * `vitaldsp info <file>`: what a recording holds (format, start, duration, channels, annotations),
 * as an aligned table or, with --json, one JSON object for scripts.
 */
import { Command, Option } from 'commander';
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { FORMATS, parseFs } from './input-options.js';
import { openRecording } from '../io/open.js';
import type { Format, RecordingInfo } from '../io/recording.js';
import { parseAnnotations } from '../io/wfdb/annotations.js';
import { fileStem, readWhole, siblingPath } from '../io/file.js';
import { isUrl } from '../io/http-file.js';
import { isWfdbName } from '../io/wfdb/header.js';

/** An annotation file beside a WFDB record: its annotator name (the extension) and its count. */
export interface Annotator { name: string; count: number }

/**
 * The annotation files beside a WFDB record (NAME.atr, NAME.qrs, ...): WFDB keeps annotations apart
 * from the signals, so a record's header does not list them. A file counts when it reads as one,
 * ends with the format's zero word and holds at least one annotation.
 */
export async function annotatorsOf(info: RecordingInfo): Promise<Annotator[]> {
  if (info.format !== 'wfdb') return [];
  if (isUrl(info.path)) return remoteAnnotators(info.path);
  const dir = dirname(info.path), record = basename(info.path, '.hea');
  const data = new Set([info.path, ...(info.files ?? []), ...info.channels.map((c) => c.extra?.['file']).filter((f): f is string => typeof f === 'string')].map((f) => resolve(f)));
  const out: Annotator[] = [];
  for (const f of (await readdir(dir).catch(() => [] as string[])).sort()) {
    const name = f.slice(record.length + 1);
    if (!f.startsWith(`${record}.`) || !isWfdbName(name) || data.has(resolve(dir, f))) continue;
    const count = annotationCount(await readFile(join(dir, f)).catch(() => undefined), join(dir, f));
    if (count) out.push({ name, count });
  }
  return out;
}

/** Annotations in the bytes of a file that reads as an annotation file, else 0. */
function annotationCount(bytes: Uint8Array | undefined, path: string): number {
  // The format ends with a zero word; the parser, lenient with truncated files, would take text for notes.
  if (!bytes || bytes.length < 2 || bytes[bytes.length - 1] !== 0 || bytes[bytes.length - 2] !== 0) return 0;
  try {
    return parseAnnotations(bytes, path).length;
  } catch {
    return 0;
  }
}

/**
 * Annotators PhysioNet databases use, looked for beside a record at a URL: a server folder cannot be
 * listed, so other names are not found there.
 */
const COMMON_ANNOTATORS = ['atr', 'qrs', 'ecg', 'ari', 'apn', 'st', 'pu', 'pu0', 'pu1', 'man', 'wqrs', 'sqrs', 'wabp', 'event', 'alarms', 'trigger'];

async function remoteAnnotators(hea: string): Promise<Annotator[]> {
  const record = fileStem(hea);
  const found = await Promise.all(COMMON_ANNOTATORS.map(async (name) => {
    const url = siblingPath(hea, `${record}.${name}`);
    const bytes = await readWhole(url, 'an annotation file', 1 << 30).catch(() => undefined);
    return { name, count: annotationCount(bytes, url) };
  }));
  return found.filter((a) => a.count > 0);
}

/** The JSON shape of `info --json`: RecordingInfo with annotations counted rather than listed. */
export function infoJson(info: RecordingInfo, annotators: Annotator[] = []): Record<string, unknown> {
  return {
    path: info.path,
    format: info.format,
    ...(info.variant !== undefined ? { variant: info.variant } : {}),
    ...(info.startTime !== undefined ? { startTime: info.startTime } : {}),
    duration: info.duration,
    channels: info.channels.map((c) => ({
      name: c.name, fs: c.fs, samples: c.samples, unit: c.unit, storage: c.storage, gain: c.gain, baseline: c.baseline,
      ...(c.annotation ? { annotation: true } : {}),
      ...(c.extra ? { extra: c.extra } : {}),
    })),
    annotations: info.annotations.length,
    ...(annotators.length ? { annotators } : {}),
    comments: info.comments,
  };
}

/** 5025.5 -> '1:23:45.5' */
function clock(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds - h * 3600 - m * 60;
  const ss = (s < 10 ? '0' : '') + s.toFixed(3).replace(/\.?0+$/, '');
  return `${h}:${String(m).padStart(2, '0')}:${ss}`;
}

/** Columns padded to their widest cell; numeric columns right-aligned. */
export function alignTable(header: string[], rows: string[][], numeric: boolean[]): string {
  const widths = header.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k]!.length)));
  const line = (r: string[]) => r.map((c, k) => (numeric[k] ? c.padStart(widths[k]!) : c.padEnd(widths[k]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** The human-readable report. */
export function formatInfo(info: RecordingInfo, annotators: Annotator[] = []): string {
  const out: string[] = [];
  out.push(`file         ${info.path}`);
  out.push(`format       ${info.format}${info.variant ? ` (${info.variant})` : ''}`);
  if (info.startTime) out.push(`start        ${info.startTime}`);
  out.push(`duration     ${+info.duration.toFixed(6)} s (${clock(info.duration)})`);
  out.push(`channels     ${info.channels.length}`);
  out.push(`annotations  ${info.annotations.length}`);
  if (annotators.length) out.push(`annotators   ${annotators.map((a) => `${a.name} (${a.count})`).join(', ')}`);
  out.push('');
  const rows = info.channels.map((c, i) => [
    String(i), c.name, c.unit, String(c.fs), String(c.samples), c.storage, String(c.gain), String(c.baseline), c.annotation ? 'annotations' : '',
  ]);
  out.push(alignTable(['#', 'name', 'unit', 'fs', 'samples', 'storage', 'gain', 'baseline', ''], rows,
    [true, false, false, true, true, false, true, true, false]));
  const shown = info.comments.slice(0, 20);
  if (shown.length > 0) {
    out.push('', 'comments');
    for (const c of shown) out.push(`  ${c}`);
    if (info.comments.length > shown.length) out.push(`  ... ${info.comments.length - shown.length} more`);
  }
  return out.join('\n');
}

interface InfoOptions {
  json?: boolean;
  format?: Format;
  fs?: number;
}

export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('print the metadata of a recording (WFDB, EDF/BDF, text, NPY)')
    .argument('<file>', 'recording: .hea/.dat/record name, .edf, .bdf, .csv/.txt, .npy')
    .option('--json', 'one JSON object instead of a table')
    .addOption(new Option('--format <format>', 'reader to use (default: detected)').choices(FORMATS))
    .option('--fs <hz>', 'sampling rate for text/NPY files that state none', parseFs)
    .action(async (file: string, opts: InfoOptions) => {
      const rec = await openRecording(file, { format: opts.format, fs: opts.fs });
      try {
        const annotators = await annotatorsOf(rec.info);
        process.stdout.write(opts.json ? JSON.stringify(infoJson(rec.info, annotators), null, 2) + '\n' : formatInfo(rec.info, annotators) + '\n');
      } finally {
        await rec.close();
      }
    });
}
