/**
 * Runs a record's block tasks on a TaskRunner with bounded read-ahead, error recovery, checkpoints
 * and progress. Each result goes to the caller's sink as it comes, in any order, with its task
 * index: the merge (merge.ts) places it by (channel, block), so it is independent of scheduling.
 */
import type { Config } from '../config/schema.js';
import { emptyStats, mergeStats, type CacheOptions, type CacheStats } from '../runtime/cache.js';
import { median } from '../dsp/stats.js';
import { CheckpointBatch, type CheckpointStore } from '../runtime/checkpoint.js';
import type { MemoryMonitor } from '../runtime/memory.js';
import type { TaskRunner } from '../runtime/pool.js';
import type { Fault, WorkerResult } from '../runtime/block-worker.js';
import { withRecovery, type RecoveryStats } from '../runtime/recovery.js';
import type { SourceRef } from '../runtime/source.js';
import { beatColumns } from './merge.js';
import { SKIP, windowGrid, windowSamples } from './windows.js';
import { qualityLevels } from '../quality/score.js';
import { sqiNames } from '../quality/sqi-names.js';
import type { BlockTask } from './block.js';
import type { BlockResult } from './types.js';

export interface BlockRunContext {
  runner: TaskRunner;
  source: SourceRef;
  config: Config;
  cache?: CacheOptions;
  checkpoints?: CheckpointStore;
  /** Identity of the inputs and settings; checkpoints of other runs are ignored. */
  fingerprint: string;
  monitor: MemoryMonitor;
  maxInFlight: number;
  recovery: RecoveryStats;
  /** Injected faults by task index (for recovery tests): applied on the first attempt only. */
  faults?: Record<number, Fault>;
  /**
   * Takes each block's result (from a checkpoint or computed) with its task index, and the key of
   * its cache entry when the task went through the cache.
   */
  sink: (index: number, result: BlockResult, cacheKey?: string) => void;
  onDone: (done: number, total: number) => void;
}

export interface BlockRunStats {
  tasks: number;
  fromCheckpoint: number;
  cacheHits: number;
  /** What the block tasks did to the cache, summed (hits, misses, corrupt entries discarded, bytes). */
  cache: CacheStats;
  computed: number;
  skipped: number;
  /** Sum of the tasks' compute times (WorkerResult.ms), ms: over the block phase's wall time, the parallel speed-up. */
  taskMs: number;
  /** The computed and cached tasks by the thread (or BullMQ worker) that ran them. */
  threads: ThreadTasks[];
}

/** The block tasks one thread ran. */
export interface ThreadTasks {
  /** Kernel id of the thread (WorkerResult.thread), or the BullMQ worker's name. */
  thread: string;
  tasks: number;
  /** Sum of the tasks' compute times, s. */
  computeSeconds: number;
  /**
   * Compute time of the thread's first task, ms. Against the median it shows what the thread's
   * start cost: every thread compiles the processing code for itself while its first tasks run.
   */
  firstTaskMs: number;
  medianTaskMs: number;
}

/** ThreadTasks from each thread's task times in the order its tasks ran, by thread name. */
export function threadTasks(times: ReadonlyMap<string, readonly number[]>): ThreadTasks[] {
  return [...times].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true })).map(([thread, ms]) => ({
    thread, tasks: ms.length, computeSeconds: ms.reduce((a, v) => a + v, 0) / 1000, firstTaskMs: ms[0] ?? NaN, medianTaskMs: median(ms),
  }));
}

/** A block that could not be computed at all: its windows are marked unusable with the reason. */
export function skippedBlock(task: BlockTask, reason: string): BlockResult {
  const ch = task.channel, fs = ch.fs, cfg = task.config;
  const b0 = task.block * task.blockSamples, b1 = Math.min(ch.samples, b0 + task.blockSamples);
  const win = windowSamples(cfg.quality.windowSeconds, fs);
  const windows = windowGrid(ch.name, b0, b1, win, fs);
  for (const name of sqiNames) windows[name].fill(NaN);
  windows.level.fill(qualityLevels.indexOf('unusable'));
  windows.mode.fill(SKIP);
  windows.limitedBy.fill(`error: ${reason}`);
  const bins = Math.ceil((b1 - b0) / task.binSamples);
  return { channel: ch.index, block: task.block, windows, beats: beatColumns(0), epochs: [], envelope: { min: new Array(bins).fill(NaN), max: new Array(bins).fill(NaN) }, trace: new Float64Array(0), traceStride: 1, timings: { screen: 0, process: 0, validate: 0 }, refractory: 0 };
}

/** The simpler method tried after numerical trouble or exhausted retries: Pan-Tompkins for ECG. */
export function fallbackTask(task: BlockTask): BlockTask {
  if (task.channel.type !== 'ecg' || task.config.ecg.detector === 'pantompkins') return task;
  return { ...task, config: { ...task.config, ecg: { ...task.config.ecg, detector: 'pantompkins' } } };
}

export async function runBlocks(tasks: BlockTask[], ctx: BlockRunContext): Promise<BlockRunStats> {
  const stats: BlockRunStats = { tasks: tasks.length, fromCheckpoint: 0, cacheHits: 0, cache: emptyStats(), computed: 0, skipped: 0, taskMs: 0, threads: [] };
  const times = new Map<string, number[]>();
  const key = (t: BlockTask) => `block-${t.channel.index}-${t.block}`;
  let done = 0;
  const pending: number[] = [];
  const saved = ctx.checkpoints ? await ctx.checkpoints.loadBatches<BlockResult>('blocks', ctx.fingerprint) : new Map<string, BlockResult>();
  for (let i = 0; i < tasks.length; i++) {
    const r = saved.get(key(tasks[i]!));
    if (r) { ctx.sink(i, r); stats.fromCheckpoint++; done++; } else pending.push(i);
  }
  saved.clear();
  const batch = ctx.checkpoints && new CheckpointBatch<BlockResult>(ctx.checkpoints, 'blocks', ctx.fingerprint, ctx.config.checkpoint.intervalSeconds * 1000);
  ctx.onDone(done, tasks.length);

  const { recovery: rc } = ctx.config;
  const runOne = async (i: number) => {
    const task = tasks[i]!;
    let first = true;
    const run = (t: BlockTask): Promise<WorkerResult> => {
      const fault = first ? ctx.faults?.[i] : undefined;
      first = false;
      return ctx.runner.run({ source: ctx.source, task: t, ...(ctx.cache ? { cache: ctx.cache } : {}), ...(fault ? { fault } : {}) });
    };
    const { value, outcome } = await withRecovery(() => run(task), {
      maxRetries: rc.maxRetries,
      backoffMs: rc.backoffMs,
      fallback: () => run(fallbackTask(task)),
      label: `${task.channel.name} block ${task.block}`,
      skip: (why): WorkerResult => ({ result: skippedBlock(task, `${why.category}: ${why.message}`), cacheHit: false, ms: 0, thread: 0 }),
    }, ctx.recovery);
    ctx.sink(i, value.result, value.cacheKey);
    if (value.cacheStats) mergeStats(stats.cache, value.cacheStats);
    if (outcome === 'skipped') stats.skipped++;
    else if (value.cacheHit) stats.cacheHits++;
    else stats.computed++;
    stats.taskMs += value.ms;
    if (outcome !== 'skipped') {
      const own = times.get(String(value.thread));
      if (own) own.push(value.ms);
      else times.set(String(value.thread), [value.ms]);
      await batch?.add(key(task), value.result);
    }
    ctx.onDone(++done, tasks.length);
  };

  // Bounded read-ahead: at most maxInFlight tasks, fewer while memory is over budget.
  const inFlight = new Set<Promise<void>>();
  for (const i of pending) {
    while (inFlight.size >= ctx.maxInFlight || (inFlight.size > 0 && ctx.monitor.overBudget())) {
      if (inFlight.size < ctx.maxInFlight) ctx.monitor.throttled++;
      await Promise.race(inFlight);
    }
    const p: Promise<void> = runOne(i).finally(() => inFlight.delete(p));
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  await batch?.flush();
  stats.threads = threadTasks(times);
  return stats;
}
