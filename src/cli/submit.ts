import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { sessionsRoot } from '../pipeline/batch.js';
import { DEFAULT_QUEUE, DEFAULT_REDIS_URL } from '../engines/bullmq/queues.js';
import { recordLine } from '../pipeline/record-summary.js';
import { withConfigOptions, type ConfigFlags } from './config-options.js';
import { expandInputs, inputChoice, localPath, withInputOptions, type InputFlags } from './input-options.js';
import { createProgress } from './progress.js';

export interface SubmitFlags extends ConfigFlags, InputFlags {
  out: string;
  quiet?: boolean;
  redis: string;
  queue: string;
  detach?: boolean;
  keepCompleted?: number;
  keepFailed?: number;
  keepHours?: number;
}

/** `--redis` and `--queue`, shared by the engine commands (VITALDSP_REDIS_URL sets the default address). */
export function withRedisOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--redis <url>', 'Redis of the BullMQ engine').env('VITALDSP_REDIS_URL').default(DEFAULT_REDIS_URL))
    .option('--queue <name>', 'queue name (jobs go to <name>-record and <name>-block)', DEFAULT_QUEUE);
}

/** Runs an engine command; an unreachable Redis is the user's to fix: a message and exit code 2, not a stack. */
export async function reportingRedis(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    // By name: the engine modules (and BullMQ, slow to load) are imported only when a command needs them.
    if (!(e instanceof Error) || e.name !== 'RedisUnavailableError') throw e;
    console.error(`vitaldsp: ${e.message}`);
    process.exitCode = 2;
  }
}

// At least one job, and a minute: a finished record job removed before this submitter reads it
// would look failed whatever its outcome.
const count = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`--${name} must be a whole number >= 1, got '${v}'`);
  return n;
};
const hoursOption = (v: string) => {
  const n = Number(v);
  if (!(n >= 1 / 60) || !Number.isFinite(n)) throw new RangeError(`--keep-hours must be a number of hours >= 1/60 (a minute), got '${v}'`);
  return n;
};

/** Submits a batch to the BullMQ engine and, unless detached, follows it and prints what `process` prints. */
export async function runSubmit(inputs: string[], f: SubmitFlags): Promise<void> {
  const { signal, channels, open } = inputChoice(f);
  const { submitBatch } = await import('../engines/bullmq/submit.js');
  const progress = createProgress(inputs.length, !f.quiet && !f.detach && process.stderr.isTTY === true);
  let result;
  try {
    result = await submitBatch(inputs, {
      redis: f.redis, queue: f.queue, out: f.out, signal,
      ...(channels ? { channels } : {}),
      open,
      config: { ...(f.config ? { file: f.config } : {}), set: f.set ?? [] },
      wait: !f.detach,
      retention: { ...(f.keepCompleted !== undefined ? { completed: f.keepCompleted } : {}), ...(f.keepFailed !== undefined ? { failed: f.keepFailed } : {}), ...(f.keepHours !== undefined ? { hours: f.keepHours } : {}) },
      onProgress: (e) => progress.update(e),
      onRecord: (input, o) => progress.recordDone(input, o.status === 'done' ? o.summary.name : undefined),
      onWarning: (message) => console.error(`vitaldsp: ${message}`),
    });
  } finally {
    progress.stop();
  }
  let ok = 0, queued = 0;
  for (const [input, o] of result.outcomes) {
    if (o.status === 'done') {
      ok++;
      console.log(recordLine(input, o.summary, join(f.out, o.summary.name)));
    } else if (o.status === 'queued') {
      queued++;
      console.log(`${input}: queued as record job ${o.job}`);
    }
  }
  if (f.detach) console.log(`session ${result.session} (${sessionsRoot(f.out)}): ${queued} queued on '${f.queue}', ${result.failed.length} failed; follow with \`vitaldsp status --queue ${f.queue}\``);
  else console.log(`session ${result.session} (${sessionsRoot(f.out)}): ${ok} done, ${result.failed.length} failed`);
  if (result.failed.length) {
    console.error('failed:');
    for (const { input, error } of result.failed) console.error(`  ${input}: ${error.message}`);
    process.exitCode = 1;
  }
}

/** `vitaldsp submit <inputs...> --out DIR`: the batch on the BullMQ engine's workers. */
export function registerSubmit(program: Command): void {
  withInputOptions(withRedisOptions(withConfigOptions(program.command('submit'))))
    .description('enqueue recordings for BullMQ workers (vitaldsp worker) and follow them to the end')
    .argument('<inputs...>', 'recordings on storage that every worker sees at the same path, or folders of them')
    .requiredOption('--out <dir>', 'output folder on shared storage (one subfolder per input)', localPath)
    .option('--detach', 'enqueue and exit without waiting')
    .option('--keep-completed <n>', 'completed jobs kept in Redis per queue (default 1000)', count('keep-completed'))
    .option('--keep-failed <n>', 'failed jobs kept in Redis per queue (default 10000)', count('keep-failed'))
    .option('--keep-hours <h>', 'finished jobs older than this are removed (default 168)', hoursOption)
    .option('--quiet', 'no progress display')
    .action(async (given: string[], f: SubmitFlags) => reportingRedis(async () => runSubmit(await expandInputs(given, f.out), f)));
}
