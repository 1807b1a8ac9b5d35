/**
 * `vitaldsp hrv <nn-file>`: every HRV feature of one series of NN intervals in ms, read from text (one
 * value per line, `#` starts a comment), from the beats CSV `vitaldsp peaks` writes (its `rr_s`
 * column; the empty cells, before the first beat and across gaps, are not intervals) or from a 1-D
 * .npy array; an aligned table by default, one JSON object with --json.
 */
import { Command, Option } from 'commander';
import { FormatError } from '../io/errors.js';
import { readWhole } from '../io/file.js';
import { openNpy } from '../io/npy.js';
import { hrv, hrvKeys, type HrvResult } from '../features/hrv.js';
import type { HrvConventions } from '../features/hrv-time.js';
import { correctRR, RR_FLAGS, type RRFlag } from '../signals/rr-correct.js';

/**
 * NN intervals (ms) of a text file: one number per line, blank lines and `#` comments skipped; or,
 * under a header with an `rr_s` column (`vitaldsp peaks` output), that column in s.
 */
export function parseNnText(text: string, file: string): Float64Array {
  const out: number[] = [];
  const lines = text.split(/\r?\n/);
  const first = lines.findIndex((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
  const header = first >= 0 ? lines[first]!.split(',').map((c) => c.trim()) : [];
  const rr = header.indexOf('rr_s');
  if (rr >= 0) return rrColumn(lines, first, rr, file);
  for (let i = 0; i < lines.length; i++) {
    const hash = lines[i]!.indexOf('#');
    const cell = (hash >= 0 ? lines[i]!.slice(0, hash) : lines[i]!).trim();
    if (cell === '') continue;
    const v = Number(cell);
    if (!(v > 0) || !Number.isFinite(v)) throw new FormatError(file, 'one positive NN interval in ms per line', `line ${i + 1}`, `got '${cell}'`);
    out.push(v);
  }
  return Float64Array.from(out);
}

/** The `rr_s` column (column index `col`) of the rows after the header line `first`, in ms. */
function rrColumn(lines: readonly string[], first: number, col: number, file: string): Float64Array {
  const out: number[] = [];
  for (let i = first + 1; i < lines.length; i++) {
    if (lines[i]!.trim() === '') continue;
    const cell = (lines[i]!.split(',')[col] ?? '').trim();
    if (cell === '') continue;
    const v = Number(cell);
    if (!(v > 0) || !Number.isFinite(v)) throw new FormatError(file, 'a positive interval in s or an empty cell', `line ${i + 1}, column ${col + 1} (rr_s)`, `got '${cell}'`);
    out.push(v * 1000);
  }
  return Float64Array.from(out);
}

/** NN intervals from a .npy (1-D array) or text file. */
export async function readNn(path: string): Promise<Float64Array> {
  if (path.toLowerCase().endsWith('.npy')) {
    const rec = await openNpy(path);
    try {
      const chans = rec.info.channels;
      if (chans.length !== 1) throw new FormatError(path, 'a 1-D array of NN intervals', 'header', `shape has ${chans.length} columns`);
      const [x] = await rec.read(0, 0, chans[0]!.samples);
      const nn = Float64Array.from(x!);
      const bad = nn.findIndex((v) => !(v > 0) || !Number.isFinite(v));
      if (bad >= 0) throw new FormatError(path, 'positive NN intervals in ms', `element ${bad}`, `got ${nn[bad]}`);
      return nn;
    } finally {
      await rec.close();
    }
  }
  const text = Buffer.from(await readWhole(path, 'a readable file', 2 ** 30)).toString('utf8');
  return parseNnText(text, path);
}

/** 64.0987113... -> '64.0987'; integers as they are; NaN -> 'n/a'. */
function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'n/a';
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(6)));
}

/** The human-readable report: one aligned `key  value` table per domain. */
export function formatHrv(r: HrvResult): string {
  const sections: [string, readonly string[]][] = [
    ['Summary', hrvKeys.summary],
    ['Time domain', hrvKeys.time],
    ['Frequency domain (Welch; ls_: Lomb-Scargle)', hrvKeys.frequency],
    ['Nonlinear', hrvKeys.nonlinear],
  ];
  const all = sections.flatMap(([, keys]) => keys);
  const w = Math.max(...all.map((k) => k.length));
  const values = new Map(all.map((k) => [k, formatValue((r as unknown as Record<string, number>)[k]!)]));
  const vw = Math.max(...[...values.values()].map((v) => v.length));
  const out: string[] = [];
  for (const [title, keys] of sections) {
    if (out.length) out.push('');
    out.push(title);
    for (const k of keys) out.push(`  ${k.padEnd(w)}  ${values.get(k)!.padStart(vw)}`);
  }
  return out.join('\n');
}

interface HrvFlags { json?: boolean; ddof?: string; conventions?: HrvConventions; correct?: boolean }

/** '3 of 120 intervals corrected: ectopic 1, missed 2' (flags with no interval left out). */
export function correctionLine(counts: Record<RRFlag, number>, total: number): string {
  const flagged = RR_FLAGS.filter((f) => f !== 'normal' && counts[f] > 0).map((f) => `${f} ${counts[f]}`);
  return `${total - counts.normal} of ${total} intervals corrected${flagged.length ? `: ${flagged.join(', ')}` : ''}`;
}

export function registerHrv(program: Command): void {
  program.command('hrv')
    .description('HRV features (time, frequency, nonlinear) of NN intervals in ms (text: one per line; `peaks` output; or .npy)')
    .argument('<nn-file>', 'NN intervals in ms: text with one value per line (# comments), the beats CSV of `vitaldsp peaks` (its rr_s column), or a 1-D .npy array')
    .option('--json', 'print one JSON object with the feature keys (undefined values as null) and warnings')
    .addOption(new Option('--ddof <n>', 'delta degrees of freedom of the standard deviations').choices(['0', '1']))
    .addOption(new Option('--conventions <name>', 'reference conventions to reproduce').choices(['pyhrv', 'hrvanalysis']).default('pyhrv'))
    .option('--correct', 'correct artefacts first (ectopic, missed, extra, long and short beats; Lipponen & Tarvainen 2019), as process does; the counts go to stderr, or into --json as "corrected"')
    .action(async (file: string, opts: HrvFlags) => {
      const rr = await readNn(file);
      const fixed = opts.correct ? correctRR(rr) : undefined;
      const result = hrv(fixed ? fixed.nn : rr, {
        ...(opts.conventions ? { conventions: opts.conventions } : {}),
        ...(opts.ddof !== undefined ? { ddof: Number(opts.ddof) } : {}),
      });
      if (opts.json) {
        console.log(JSON.stringify(fixed ? { ...result, corrected: fixed.counts } : result, null, 2));
        return;
      }
      console.log(formatHrv(result));
      if (fixed) console.error(`vitaldsp: ${correctionLine(fixed.counts, rr.length)}`);
      for (const w of result.warnings) console.error(`vitaldsp: warning: ${w}`);
    });
}
