/**
 * One 'block' job: a block task run through the processing cache by `runWorkerTask` (on this thread
 * or a worker-thread pool), with the recovery steps of a local run spread over BullMQ attempts:
 * transient errors are thrown back for BullMQ to retry after its exponential backoff; input errors
 * fail at once (UnrecoverableError: the same bytes fail the same way); numerical errors, or the last
 * attempt, try the fallback method in place; a fallback that fails too ends the job with the reason a
 * local run would record for the skipped block. The session checkpoint is read first and written
 * after, on shared storage, as in local runs. The result is returned encoded (codec.ts) so that it
 * reaches the record job bit-identical.
 */
import { hostname } from 'node:os';
import { UnrecoverableError, type Job } from 'bullmq';
import { fallbackTask } from '../../pipeline/run-blocks.js';
import type { BlockResult } from '../../pipeline/types.js';
import type { CacheStats } from '../../runtime/cache.js';
import { CheckpointStore, type CheckpointStats } from '../../runtime/checkpoint.js';
import type { TaskRunner } from '../../runtime/pool.js';
import type { WorkerResult } from '../../runtime/block-worker.js';
import { classifyError, type Classified, type ErrorCategory } from '../../runtime/recovery.js';
import { encodeValue } from './codec.js';
import type { BlockJobData } from './queues.js';

/** A finished block job as the record job sees it. */
export interface BlockReport {
  result: BlockResult;
  from: 'computed' | 'cache' | 'checkpoint';
  /** What the task did to the cache (hits, misses, corrupt entries discarded, bytes). */
  cacheStats?: CacheStats;
  outcome: 'ok' | 'retried' | 'fallback';
  /** Attempts made, the fallback included. */
  attempts: number;
  /** Categories of the failed attempts. */
  errors: ErrorCategory[];
  lastError?: { category: ErrorCategory; message: string };
  /** Checkpoint reads and writes of this job, when the session keeps checkpoints. */
  checkpoints?: CheckpointStats;
  /** Task time in the thread that ran it, ms. */
  ms: number;
  /** Name of the worker process that ran it. */
  worker: string;
  /** Kernel id of the thread in that process that ran it, 0 if unknown. */
  thread: number;
  rssMB: number;
  /** Wall-clock start and end, ms since the epoch. */
  startedAt: number;
  finishedAt: number;
}

/** The reason recorded for a block that failed for good: `<category>: <message>`, as local runs write it. */
export function failureReason(c: Classified): string {
  return `${c.category}: ${c.message}`;
}

export interface BlockJobContext {
  runner: TaskRunner;
  worker: string;
}

export function defaultWorkerName(): string {
  return `${hostname()}:${process.pid}`;
}

export async function runBlockJob(job: Job<BlockJobData>, ctx: BlockJobContext): Promise<string> {
  const d = job.data;
  const startedAt = Date.now();
  const store = d.checkpoint ? new CheckpointStore(d.checkpoint.root, d.checkpoint.session) : undefined;
  const report = (value: WorkerResult, from: BlockReport['from'], outcome: BlockReport['outcome'], attempts: number, errors: ErrorCategory[], last?: Classified): Promise<string> =>
    encodeValue({
      result: value.result, from, ...(value.cacheStats ? { cacheStats: value.cacheStats } : {}), outcome, attempts, errors,
      ...(last ? { lastError: { category: last.category, message: last.message } } : {}),
      ...(store ? { checkpoints: store.stats } : {}),
      ms: value.ms, worker: ctx.worker, thread: value.thread, rssMB: process.memoryUsage().rss / 2 ** 20, startedAt, finishedAt: Date.now(),
    } satisfies BlockReport);

  const attempt = job.attemptsMade;
  const errors = (d.errors ?? []) as ErrorCategory[];
  // The previous attempt's error, for the recovery event of a block that succeeds on a retry.
  const previous = attempt > 0 && errors.length ? { category: errors[errors.length - 1]!, message: job.failedReason, severity: 'transient' as const } : undefined;

  // A later attempt may find the checkpoint an earlier one saved before it failed: its failures
  // still count.
  const saved = d.checkpoint ? await store!.load<BlockResult>(d.checkpoint.key, d.checkpoint.fingerprint) : undefined;
  if (saved) return report({ result: saved, cacheHit: false, ms: 0, thread: 0 }, 'checkpoint', attempt === 0 ? 'ok' : 'retried', attempt + 1, errors, previous);

  const run = (task: BlockJobData['task'], fault?: BlockJobData['fault']) =>
    ctx.runner.run({ source: d.source, task, ...(d.cache ? { cache: d.cache } : {}), ...(fault ? { fault } : {}) });
  const done = async (value: WorkerResult, outcome: BlockReport['outcome'], attempts: number, errs: ErrorCategory[], last?: Classified) => {
    if (store) await store.save(d.checkpoint!.key, d.checkpoint!.fingerprint, value.result);
    return report(value, value.cacheHit ? 'cache' : 'computed', outcome, attempts, errs, last);
  };

  let failed: Classified;
  try {
    return await done(await run(d.task, attempt === 0 ? d.fault : undefined), attempt === 0 ? 'ok' : 'retried', attempt + 1, errors, previous);
  } catch (e) {
    failed = classifyError(e);
    const errs = [...errors, failed.category];
    const last = attempt + 1 >= (job.opts.attempts ?? 1);
    if (failed.category === 'input' || (failed.category !== 'numerical' && !last)) {
      await job.updateData({ ...d, errors: errs });
      // BullMQ retries the original error after its backoff; input errors are final.
      if (failed.category === 'input') throw new UnrecoverableError(failureReason(failed));
      throw e;
    }
  }
  const errs = [...errors, failed.category];
  try {
    return await done(await run(fallbackTask(d.task)), 'fallback', attempt + 2, errs, failed);
  } catch (e) {
    const c = classifyError(e);
    await job.updateData({ ...d, errors: [...errs, c.category] });
    throw new UnrecoverableError(failureReason(c));
  }
}
