/**
 * A worker process of the BullMQ engine: one BullMQ Worker on the block queue (block jobs run in
 * this thread, or on a pool of worker threads from `createRunner`) and one on the record queue (the
 * merge and stages 5-8, one record at a time, its feature jobs on the same runner), in the same
 * process. Start as many as there are machines; inputs and outputs must be at the same paths
 * everywhere.
 *
 * Locks: BullMQ renews a job's lock every lockDuration/2 from this thread's event loop. A worker
 * that dies stops renewing, its locks expire after lockDuration, and the stalled-job check of any
 * other worker (every stalledInterval) puts its jobs back in the queue. Blocks computed in this
 * thread (concurrency 1) hold the event loop for the length of one block, so lockDuration must stay
 * well above the longest block time; with worker threads the event loop stays free.
 */
import { Queue, Worker, type Job } from 'bullmq';
import { createRunner } from '../../runtime/pool.js';
import { connectionFor } from './connection.js';
import { defaultWorkerName, runBlockJob } from './block-job.js';
import { runRecordJob } from './record-job.js';
import { DEFAULT_QUEUE, queueNames, type BlockJobData, type RecordJobData } from './queues.js';

export interface WorkerProcessOptions {
  redis: string;
  /** default: 'vitaldsp' */
  queue?: string;
  /** Block jobs at once: 1 runs them in this thread, N > 1 on N worker threads. default: 1 */
  concurrency?: number;
  /** Lock of an active job, ms; a dead worker's jobs are taken over after it. default: 30000 */
  lockDurationMs?: number;
  /** Interval of the check for stalled jobs (locks that expired), ms. default: 30000 */
  stalledIntervalMs?: number;
  /** Times a job may be taken over from a dead worker before it fails. default: 1 */
  maxStalledCount?: number;
  /** A block task running longer on a worker thread is stopped and retried, s. default: 600 */
  taskTimeoutSeconds?: number;
  /** Stored on every job this worker processes. default: '<host>:<pid>' */
  name?: string;
  /** One line per finished or failed record and per worker error. */
  log?: (line: string) => void;
}

export interface RunningWorker {
  readonly name: string;
  readonly threads: number;
  /** Waits for the jobs in progress, then disconnects. */
  close(): Promise<void>;
}

/** Throws a RangeError naming the first option out of range (also run by `startWorker`). */
export function checkWorkerOptions(opts: Omit<WorkerProcessOptions, 'redis'>): void {
  const concurrency = opts.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) throw new RangeError(`concurrency must be an integer from 1 to 256, got ${concurrency}`);
  for (const [k, v] of [['lockDurationMs', opts.lockDurationMs], ['stalledIntervalMs', opts.stalledIntervalMs]] as const) {
    if (v !== undefined && !(v >= 100)) throw new RangeError(`${k} must be at least 100 ms, got ${v}`);
  }
  if (opts.maxStalledCount !== undefined && !(Number.isInteger(opts.maxStalledCount) && opts.maxStalledCount >= 0)) throw new RangeError(`maxStalledCount must be a non-negative integer, got ${opts.maxStalledCount}`);
  queueNames(opts.queue ?? DEFAULT_QUEUE);
}

export async function startWorker(opts: WorkerProcessOptions): Promise<RunningWorker> {
  checkWorkerOptions(opts);
  const concurrency = opts.concurrency ?? 1;
  const names = queueNames(opts.queue ?? DEFAULT_QUEUE);
  const connection = connectionFor(opts.redis);
  const name = opts.name ?? defaultWorkerName();
  const log = opts.log ?? (() => undefined);
  const runner = createRunner({ workers: concurrency > 1 ? concurrency : 0, timeoutSeconds: opts.taskTimeoutSeconds ?? 600 });
  const common = {
    connection, name,
    lockDuration: opts.lockDurationMs ?? 30_000,
    stalledInterval: opts.stalledIntervalMs ?? 30_000,
    maxStalledCount: opts.maxStalledCount ?? 1,
  };
  const blockQueue = new Queue(names.block, { connection });
  const blocks = new Worker<BlockJobData, string>(names.block, (job) => runBlockJob(job, { runner, worker: name }), { ...common, concurrency });
  const records = new Worker<RecordJobData>(names.record, (job) => runRecordJob(job, { blockQueue, runner }), { ...common, concurrency: 1 });
  for (const w of [blocks, records]) w.on('error', (e) => log(`worker error: ${e.message}`));
  records.on('completed', (job: Job<RecordJobData>) => log(`record ${job.id} done: ${job.data.input}`));
  records.on('failed', (job: Job<RecordJobData> | undefined, e: Error) => log(`record ${job?.id ?? '?'} attempt ${job?.attemptsMade ?? '?'} failed: ${e.message}`));
  await Promise.all([blocks.waitUntilReady(), records.waitUntilReady(), blockQueue.waitUntilReady()]);

  let closing: Promise<void> | undefined;
  return {
    name, threads: runner.workers,
    close: () => (closing ??= (async () => {
      await Promise.all([blocks.close(), records.close()]);
      await Promise.all([blockQueue.close(), runner.close()]);
    })()),
  };
}
