import { Option, type Command } from 'commander';
import { processBatch, sessionsRoot } from '../pipeline/batch.js';
import { isSignalType, type SignalType } from '../signals/signal-type.js';
import { withConfigOptions, type ConfigFlags } from './config-options.js';
import { createProgress } from './progress.js';
import { reportingRedis, runSubmit, withRedisOptions } from './submit.js';
import { recordLine, summarizeRecord } from '../engines/bullmq/summary.js';

interface ProcessFlags extends ConfigFlags {
  out: string;
  signal: string;
  channel?: string[];
  fs?: number;
  column?: string[];
  format?: string;
  resume?: string | true;
  quiet?: boolean;
  engine: 'local' | 'bullmq';
  redis: string;
  queue: string;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** `vitaldsp process <inputs...> --out DIR`: the eight stages on each input, continuing past failures. */
export function registerProcess(program: Command): void {
  withRedisOptions(withConfigOptions(program.command('process')))
    .description('run the full pipeline on recordings and write beats, quality, features, summary, manifest and report')
    .argument('<inputs...>', 'recordings (WFDB .hea, EDF/BDF, CSV/TXT, NPY)')
    .requiredOption('--out <dir>', 'output folder (one subfolder per input)')
    .addOption(new Option('--signal <type>', 'signal type of the processed channels').choices(['ecg', 'ppg', 'eeg', 'resp', 'auto']).default('auto'))
    .option('--channel <ref>', 'channel to process, by index or name (repeatable; "all" for every channel)', collect)
    .option('--fs <hz>', 'sampling rate for text/NPY inputs without one', Number)
    .option('--column <name>', 'text inputs: signal column (repeatable)', collect)
    .option('--format <fmt>', 'force the reader: wfdb, edf, bdf, text, npy')
    .option('--resume [session]', 'continue a session (default: the newest unfinished one in --out)')
    .option('--quiet', 'no progress display')
    .addOption(new Option('--engine <engine>', 'where block tasks run: this machine, or BullMQ workers (vitaldsp worker)').choices(['local', 'bullmq']).default('local'))
    .action(async (inputs: string[], f: ProcessFlags) => {
      if (f.engine === 'bullmq') {
        if (f.resume !== undefined) throw new RangeError('resume works with --engine local only');
        return reportingRedis(() => runSubmit(inputs, f));
      }
      const signal = f.signal === 'auto' || isSignalType(f.signal) ? (f.signal as SignalType | 'auto') : 'auto';
      const channels = f.channel?.includes('all') ? 'all' : f.channel?.map((c) => (/^\d+$/.test(c) ? Number(c) : c));
      const progress = createProgress(inputs.length, !f.quiet && process.stderr.isTTY === true);
      const result = await processBatch(inputs, {
        out: f.out, signal,
        ...(channels ? { channels } : {}),
        open: { ...(f.fs ? { fs: f.fs } : {}), ...(f.column ? { columns: f.column } : {}), ...(f.format ? { format: f.format as never } : {}) },
        config: { ...(f.config ? { file: f.config } : {}), set: f.set ?? [] },
        ...(f.resume !== undefined ? { resume: f.resume } : {}),
        onProgress: (e) => progress.update(e),
        onRecord: (input) => progress.recordDone(input),
      });
      progress.stop();
      let ok = 0;
      for (const [input, o] of result.outcomes) {
        if (o.status === 'done') {
          ok++;
          const dir = o.result.files?.manifest.replace(/\/manifest\.json$/, '') ?? '';
          console.log(recordLine(input, summarizeRecord(input, o.result, dir), dir));
        } else if (o.status === 'resumed') {
          ok++;
          console.log(`${input}: already done in session ${result.session}`);
        }
      }
      console.log(`session ${result.session} (${sessionsRoot(f.out)}): ${ok} done, ${result.failed.length} failed`);
      if (result.failed.length) {
        console.error('failed:');
        for (const { input, error } of result.failed) console.error(`  ${input}: ${error.message}`);
        process.exitCode = 1;
      }
    });
}
