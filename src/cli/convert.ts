/**
 * `vitaldsp convert <in> <out>`: rewrites a recording as WFDB (.hea), EDF (.edf), BDF (.bdf) or CSV
 * (.csv), chosen by the output extension. Every writer streams chunk by chunk.
 */
import { Command, Option } from 'commander';
import { extname, resolve } from 'node:path';
import { writeCsv } from '../io/csv-writer.js';
import { openRecording } from '../io/open.js';
import type { Format } from '../io/recording.js';
import type { WritableFormat, WrittenAnnotations } from '../io/wfdb/writer.js';
import { annotationPath, readAnnotations, writeAnnotations, type WfdbAnnotation } from '../io/wfdb/annotations.js';
import { isWfdbName } from '../io/wfdb/header.js';
import { FORMATS, localPath, parseFs } from './input-options.js';

interface ConvertOptions {
  channel: string[];
  raw?: boolean;
  format?: WritableFormat;
  fs?: number;
  from?: Format;
  annotator?: string;
  /** false with --no-time: CSV without its time column. */
  time?: boolean;
}

const OUTPUTS = '.hea (WFDB), .edf, .bdf or .csv';

/** What became of the annotations in a WFDB annotation file, for the command's report. */
function annotationNote(a: WrittenAnnotations): string {
  const lost = [
    a.durationsDropped ? `${a.durationsDropped} with a duration kept as onsets only` : '',
    a.truncated ? `${a.truncated} with text cut to 254 bytes` : '',
    a.beforeStart ? `${a.beforeStart} before the record's start left out` : '',
  ].filter(Boolean);
  return `; ${a.count} annotation${a.count === 1 ? '' : 's'} as notes in ${a.path}${lost.length ? ` (${lost.join(', ')})` : ''}`;
}

/**
 * The text of a WFDB annotation in EDF+: a note's own text, a beat's or event's symbol, with its
 * aux text after it when it has one ('+ (AFIB' for a rhythm change).
 */
export function annotationText(a: WfdbAnnotation): string {
  if (a.symbol === '"') return a.aux;
  return a.aux ? `${a.symbol} ${a.aux}` : a.symbol;
}

/**
 * Converts `input` to `output`. Channels are given as indices or names, as strings (a name that looks
 * like a number is matched as a name first). `format` is the WFDB storage format (default '16');
 * `raw` and `time` apply to CSV only.
 */
export async function convert(input: string, output: string, opts: Omit<ConvertOptions, 'channel'> & { channel?: string[] } = {}): Promise<string> {
  const ext = extname(output).toLowerCase();
  if (!['.hea', '.edf', '.bdf', '.csv'].includes(ext)) throw new RangeError(`output must end in ${OUTPUTS}, got '${output}'`);
  if (resolve(input) === resolve(output)) throw new RangeError(`output must differ from the input file '${input}'`);
  if (opts.raw && ext !== '.csv') throw new RangeError('--raw applies to CSV output only (WFDB and EDF keep stored integers already)');
  if (opts.time === false && ext !== '.csv') throw new RangeError('--no-time applies to CSV output only (WFDB and EDF state the rate in their headers)');
  if (opts.format !== undefined && ext !== '.hea') throw new RangeError('--format (16, 212, or FLAC 508, 516, 524) applies to WFDB (.hea) output only');
  if (opts.annotator !== undefined && ext === '.csv') throw new RangeError('--annotator applies to EDF, BDF and WFDB output (CSV has no place for annotations)');
  if (opts.annotator !== undefined && !isWfdbName(opts.annotator)) throw new RangeError(`--annotator must be an annotator name such as atr, got '${opts.annotator}'`);
  const rec = await openRecording(input, { format: opts.from, fs: opts.fs });
  try {
    if (opts.annotator !== undefined && rec.info.format !== 'wfdb') throw new RangeError(`--annotator reads a WFDB annotation file beside a WFDB record; ${input} is ${rec.info.format}`);
    // A WFDB record's annotation file: into the EDF+ annotations, or copied as it is to WFDB output.
    const anns = opts.annotator !== undefined ? await readAnnotations(annotationPath(rec.info.path, opts.annotator)) : undefined;
    const channels = opts.channel && opts.channel.length > 0 ? opts.channel : undefined;
    const idx = (channels ?? rec.signalChannels()).map((c) => rec.channelIndex(c));
    let notes = '';
    if (ext === '.hea') {
      const { writeWfdb } = await import('../io/wfdb/writer.js');
      const w = await writeWfdb(rec, output, { format: opts.format ?? '16', channels: idx });
      if (w.annotations) notes = annotationNote(w.annotations);
      if (anns) {
        const path = annotationPath(w.heaPath, opts.annotator!);
        await writeAnnotations(path, anns);
        notes += `; ${anns.length} annotation${anns.length === 1 ? '' : 's'} copied to ${path}`;
      }
    } else if (ext === '.csv') {
      await writeCsv(rec, output, { channels: idx, raw: opts.raw ?? false, time: opts.time ?? true });
    } else {
      const { writeEdf } = await import('../io/edf/writer.js');
      if (anns) {
        const fs = rec.info.channels[idx[0]!]!.fs;
        for (const a of anns) rec.info.annotations.push({ onset: a.sample / fs, duration: 0, text: annotationText(a) });
        notes = `; ${anns.length} annotation${anns.length === 1 ? '' : 's'} of ${opts.annotator} as EDF+ annotations`;
      }
      const w = await writeEdf(rec, output, { channels: idx, bdf: ext === '.bdf' });
      const missing = w.channels.reduce((a, c) => a + c.missing, 0);
      if (missing > 0) notes += `; ${missing} missing sample${missing === 1 ? '' : 's'} written as ${w.channels.filter((c) => c.missing > 0).length === 1 ? 'its channel\'s' : 'their channels\''} digital minimum, below the valid range (EDF has no missing-value code)`;
    }
    const n = Math.max(...idx.map((i) => rec.info.channels[i]!.samples));
    return `${output}: ${idx.length} channel${idx.length === 1 ? '' : 's'}, ${n} samples, from ${rec.info.format} ${input}${notes}`;
  } finally {
    await rec.close();
  }
}

export function registerConvert(program: Command): void {
  program
    .command('convert')
    .description(`convert a recording to ${OUTPUTS} (by the output extension)`)
    .argument('<in>', 'input recording (any format `info` reads)')
    .argument('<out>', `output file: ${OUTPUTS}`, localPath)
    .option('-c, --channel <ch>', 'channel index or name; repeat for several (default: all signal channels)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--raw', 'CSV: write stored integers instead of physical units')
    .option('--no-time', 'CSV: leave out the first column time_s (seconds from the start), which carries the rate')
    .addOption(new Option('--format <fmt>', 'WFDB output storage format: 16, 212, or FLAC-compressed 508/516/524 (8/16/24 bits) (default: 16)').choices(['16', '212', '508', '516', '524']))
    .option('--fs <hz>', 'sampling rate for text/NPY input that states none', parseFs)
    .addOption(new Option('--from <format>', 'input reader (default: detected)').choices(FORMATS))
    .option('--annotator <name>', 'WFDB input: also carry its annotation file NAME.<annotator> (atr, qrs, ...) into EDF+ annotations or a WFDB copy')
    .action(async (input: string, output: string, opts: ConvertOptions) => {
      process.stdout.write((await convert(input, output, opts)) + '\n');
    });
}
