import type { Command } from 'commander';
import { reportingRedis, withRedisOptions } from './submit.js';

interface WorkerFlags {
  redis: string;
  queue: string;
  concurrency: number;
  lockDuration?: number;
  stalledInterval?: number;
  maxStalled?: number;
  taskTimeout?: number;
  name?: string;
  quiet?: boolean;
}

const positive = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new RangeError(`${name} must be a positive number, got '${v}'`);
  return n;
};
const wholeNumber = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${name} must be a whole number >= 0, got '${v}'`);
  return n;
};

/** `vitaldsp worker`: runs BullMQ jobs of the engine until SIGINT or SIGTERM, then finishes the jobs in hand. */
export function registerWorker(program: Command): void {
  withRedisOptions(program.command('worker'))
    .description('run block and record jobs from a BullMQ queue (start one or more per machine)')
    .option('--concurrency <n>', 'block jobs at once: 1 in this thread, more on that many worker threads', positive('concurrency'), 1)
    .option('--lock-duration <ms>', 'job lock; a dead worker\'s jobs are taken over after it (default 30000)', positive('lock-duration'))
    .option('--stalled-interval <ms>', 'interval of the check for jobs of dead workers (default 30000)', positive('stalled-interval'))
    .option('--max-stalled <n>', 'times a job may be taken over before it fails; 0 fails it at once (default 1)', wholeNumber('max-stalled'))
    .option('--task-timeout <s>', 'a block task on a worker thread running longer is stopped and retried (default 600)', positive('task-timeout'))
    .option('--name <name>', 'name stored on the jobs this worker runs (default host:pid)')
    .option('--quiet', 'no log lines')
    .action((f: WorkerFlags) => reportingRedis(async () => {
      const { probeRedis, redactUrl } = await import('../engines/bullmq/connection.js');
      const { checkWorkerOptions, startWorker } = await import('../engines/bullmq/worker.js');
      const log = f.quiet ? () => undefined : (line: string) => console.error(`[${new Date().toISOString()}] ${line}`);
      const opts = {
        redis: f.redis, queue: f.queue, concurrency: f.concurrency,
        ...(f.lockDuration ? { lockDurationMs: f.lockDuration } : {}),
        ...(f.stalledInterval ? { stalledIntervalMs: f.stalledInterval } : {}),
        ...(f.maxStalled !== undefined ? { maxStalledCount: f.maxStalled } : {}),
        ...(f.taskTimeout ? { taskTimeoutSeconds: f.taskTimeout } : {}),
        ...(f.name ? { name: f.name } : {}),
        log,
      };
      checkWorkerOptions(opts);
      await probeRedis(f.redis);
      const w = await startWorker(opts);
      log(`worker ${w.name} on queue '${f.queue}' at ${redactUrl(f.redis)}: ${f.concurrency} block job(s) at once ${w.threads > 1 ? `on ${w.threads} threads` : 'in this thread'}`);
      await new Promise<void>((resolve) => {
        const stop = (sig: string) => {
          log(`${sig}: finishing the jobs in hand (again to quit at once)`);
          process.once(sig, () => process.exit(130));
          w.close().then(resolve, (e: Error) => { log(`close: ${e.message}`); resolve(); });
        };
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGTERM', () => stop('SIGTERM'));
      });
      log(`worker ${w.name} stopped`);
    }));
}
