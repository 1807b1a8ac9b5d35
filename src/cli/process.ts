import { Option, type Command } from 'commander';
import { processBatch, sessionsRoot } from '../pipeline/batch.js';
import { withConfigOptions, type ConfigFlags } from './config-options.js';
import { expandInputs, inputChoice, localPath, withInputOptions, type InputFlags } from './input-options.js';
import { createProgress } from './progress.js';
import { reportingRedis, runSubmit, withRedisOptions } from './submit.js';
import { recordLine } from '../pipeline/record-summary.js';

interface ProcessFlags extends ConfigFlags, InputFlags {
  out: string;
  resume?: string | true;
  quiet?: boolean;
  engine: 'local' | 'bullmq';
  redis: string;
  queue: string;
}

/** `vitaldsp process <inputs...> --out DIR`: the eight stages on each input, continuing past failures. */
export function registerProcess(program: Command): void {
  withInputOptions(withRedisOptions(withConfigOptions(program.command('process'))))
    .description('run the full pipeline on recordings and write beats, quality, features, summary, manifest and report')
    .argument('<inputs...>', 'recordings (WFDB .hea, EDF/BDF, CSV/TXT, NPY), or folders of them (searched with their subfolders)')
    .requiredOption('--out <dir>', 'output folder (one subfolder per input)', localPath)
    .option('--resume [session]', 'continue a session (default: the newest unfinished one in --out)')
    .option('--quiet', 'no progress display')
    .addOption(new Option('--engine <engine>', 'where block tasks run: this machine, or BullMQ workers (vitaldsp worker)').choices(['local', 'bullmq']).default('local'))
    .action(async (given: string[], f: ProcessFlags) => {
      const inputs = await expandInputs(given, f.out);
      if (f.engine === 'bullmq') {
        if (f.resume !== undefined) throw new RangeError('resume works with --engine local only');
        return reportingRedis(() => runSubmit(inputs, f));
      }
      const { signal, channels, open } = inputChoice(f);
      const progress = createProgress(inputs.length, !f.quiet && process.stderr.isTTY === true);
      const result = await processBatch(inputs, {
        out: f.out, signal,
        ...(channels ? { channels } : {}),
        open,
        config: { ...(f.config ? { file: f.config } : {}), set: f.set ?? [] },
        ...(f.resume !== undefined ? { resume: f.resume } : {}),
        onProgress: (e) => progress.update(e),
        onRecord: (input, o) => progress.recordDone(input, o.status === 'done' ? o.summary.name : undefined),
        // Only the summaries are printed: a batch of thousands of records keeps no more.
        keepResults: false,
      });
      progress.stop();
      let ok = 0;
      for (const [input, o] of result.outcomes) {
        if (o.status === 'done') {
          ok++;
          console.log(recordLine(input, o.summary, o.summary.dir));
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
