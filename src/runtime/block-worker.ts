/**
 * Worker-thread entry: runs one block task (pipeline/block.ts) against its source, through the
 * processing cache when one is configured: the block's raw samples are read and hashed, and a hit
 * skips stages 2-4. Faults can be injected per task to exercise error recovery: 'throw' (an
 * exception), 'crash' (the thread exits), 'hang' (never returns; the pool's timeout ends it),
 * 'nan' (a numerical failure).
 */
import { createHash } from 'node:crypto';
import { isMainThread } from 'node:worker_threads';
import { computeBlock, readBlock, releaseBlock, type BlockTask } from '../pipeline/block.js';
import { processorFor } from '../pipeline/processors.js';
import { runFeatureJob, type FeatureJob, type FeatureJobResult } from '../pipeline/features.js';
import type { BlockResult } from '../pipeline/types.js';
import { cacheKey, emptyStats, ProcessingCache, type CacheOptions, type CacheStats } from './cache.js';
import { NumericalError } from './recovery.js';
import { BLOCK_STAGE_VERSION } from '../pipeline/versions.js';
import { SourceCache, type SourceRef } from './source.js';
import { currentThreadId } from './thread-cpu.js';

export type Fault = 'throw' | 'crash' | 'hang' | 'nan';

export interface WorkerTask {
  source: SourceRef;
  task: BlockTask;
  cache?: CacheOptions;
  fault?: Fault;
}

export interface WorkerResult {
  result: BlockResult;
  cacheHit: boolean;
  /** What this task did to the cache (a corrupted entry shows as `corrupt`: discarded and recomputed). */
  cacheStats?: CacheStats;
  /** The block's cache entry, when a cache is used: a record's index of its blocks lists these. */
  cacheKey?: string;
  /**
   * Time the task computed in its thread, ms: stages 2-4, and hashing the samples when a cache is
   * used; not the waits for reads, cache files or other tasks sharing the thread (their sum over a
   * block phase, divided by its wall time, is the parallel speed-up the manifest reports).
   */
  ms: number;
  /** Kernel id of the thread that ran the task (runtime/thread-cpu.ts), 0 if unknown or not run. */
  thread: number;
}

const sources = new SourceCache();
const caches = new Map<string, ProcessingCache>();

function cacheFor(opts: CacheOptions): ProcessingCache {
  let c = caches.get(opts.dir);
  // A worker thread waits for its block's entry anyway; the main thread (tasks inline) has other work.
  if (!c) caches.set(opts.dir, (c = new ProcessingCache({ ...opts, blocking: !isMainThread })));
  return c;
}

/** The settings stages 2-4 depend on (not runtime, cache or checkpoint settings). */
function stageConfig(t: BlockTask): unknown {
  const { quality, pipeline, segment, ecg, ppg, resp, eeg } = t.config;
  return { quality, pipeline, segment, ecg, ppg, resp, eeg, channel: t.channel, block: t.block, blockSamples: t.blockSamples, binSamples: t.binSamples, traceSamples: t.traceSamples };
}

export async function runWorkerTask({ source, task, cache, fault }: WorkerTask): Promise<WorkerResult> {
  switch (fault) {
    case 'throw': throw new Error(`injected failure in block ${task.block}`);
    case 'crash': process.exit(70);
    // falls through: process.exit does not return
    case 'hang': await new Promise(() => undefined); break;
    case 'nan': throw new NumericalError(`injected non-finite values in block ${task.block}`);
    case undefined: break;
  }
  const proc = processorFor(task.channel.type, task.channel.fs, task.config);
  const input = await readBlock(await sources.get(source), task, proc);
  try {
    let t = performance.now();
    if (!cache) {
      const result = computeBlock(input, task, proc);
      return { result, cacheHit: false, ms: performance.now() - t, thread: currentThreadId() };
    }
    const c = cacheFor(cache);
    const hash = createHash('sha256').update(new Uint8Array(input.x.buffer, input.x.byteOffset, input.x.byteLength)).digest('hex');
    const key = cacheKey('block', BLOCK_STAGE_VERSION, hash, stageConfig(task));
    let ms = performance.now() - t;
    // This task's own counts: tasks in one thread overlap at their reads and writes.
    const tally = emptyStats();
    const hit = await c.get<BlockResult>(key, Date.now(), tally);
    if (hit) return { result: hit, cacheHit: true, ms, thread: currentThreadId(), cacheStats: tally, cacheKey: key };
    t = performance.now();
    const result = computeBlock(input, task, proc);
    ms += performance.now() - t;
    await c.set(key, result, ms, Date.now(), tally);
    return { result, cacheHit: false, ms, thread: currentThreadId(), cacheStats: tally, cacheKey: key };
  } finally {
    releaseBlock(input);
  }
}

/** Worker entry: block tasks and feature jobs share one pool. */
export default function run(t: WorkerTask | FeatureJob): Promise<WorkerResult> | FeatureJobResult {
  return 'kind' in t && t.kind === 'features' ? runFeatureJob(t) : runWorkerTask(t as WorkerTask);
}
