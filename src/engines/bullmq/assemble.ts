/**
 * A record's block results gathered from its finished block jobs, in task order, with the statistics
 * a local run keeps (run-blocks.ts, recovery.ts). A block whose job failed for good becomes the
 * block a local run skips (`skippedBlock`: windows unusable, with the reason), so one bad block never
 * loses the record, and the record's outputs stay those of a local run that met the same failure.
 */
import type { BlockTask } from '../../pipeline/block.js';
import { skippedBlock, threadTasks, type BlockRunStats } from '../../pipeline/run-blocks.js';
import type { BlockResult } from '../../pipeline/types.js';
import { emptyStats, mergeStats } from '../../runtime/cache.js';
import type { CheckpointStats } from '../../runtime/checkpoint.js';
import { classifyError, emptyRecoveryStats, type ErrorCategory, type RecoveryStats } from '../../runtime/recovery.js';
import type { BlockReport } from './block-job.js';

export interface BlockFailure {
  /** The job's failure reason. */
  reason: string;
  /** Categories of its failed attempts, when known. */
  errors: ErrorCategory[];
}

export interface AssembledBlocks {
  /** One result per task, in task order. */
  results: BlockResult[];
  stats: BlockRunStats;
  recovery: RecoveryStats;
  checkpoints: CheckpointStats;
  /** Worker processes that ran the blocks. */
  workers: number;
  peakRssMB: number;
  /** From the first block's start to the last block's end, s. */
  blockSeconds: number;
}

const categories = new Set<string>(['input', 'memory', 'timeout', 'numerical', 'worker', 'unknown']);

/** `<category>: <message>` as local runs record it; reasons from BullMQ itself (a stall limit) are classified here. */
export function normalizeReason(reason: string): { category: ErrorCategory; text: string; message: string } {
  const colon = reason.indexOf(': ');
  if (colon > 0 && categories.has(reason.slice(0, colon))) {
    return { category: reason.slice(0, colon) as ErrorCategory, text: reason, message: reason.slice(colon + 2) };
  }
  const c = classifyError(new Error(reason));
  return { category: c.category, text: `${c.category}: ${reason}`, message: reason };
}

export function assembleBlocks(tasks: readonly BlockTask[], reports: ReadonlyMap<number, BlockReport>, failures: ReadonlyMap<number, BlockFailure>): AssembledBlocks {
  const stats: BlockRunStats = { tasks: tasks.length, fromCheckpoint: 0, cacheHits: 0, cache: emptyStats(), computed: 0, skipped: 0, taskMs: 0, threads: [] };
  // Each thread's task times in the order the tasks started.
  const times = new Map<string, { at: number; ms: number }[]>();
  const recovery = emptyRecoveryStats();
  const checkpoints: CheckpointStats = { saved: 0, loaded: 0, corrupt: 0, stale: 0 };
  const workers = new Set<string>();
  let peakRssMB = 0, first = Infinity, last = -Infinity;
  const results = tasks.map((task, i): BlockResult => {
    const label = `${task.channel.name} block ${task.block}`;
    const r = reports.get(i);
    if (r) {
      if (r.checkpoints) for (const k of Object.keys(checkpoints) as (keyof CheckpointStats)[]) checkpoints[k] += r.checkpoints[k];
      if (r.from === 'checkpoint') { stats.fromCheckpoint++; return r.result; }
      workers.add(r.worker);
      peakRssMB = Math.max(peakRssMB, r.rssMB);
      first = Math.min(first, r.startedAt);
      last = Math.max(last, r.finishedAt);
      stats.taskMs += r.ms;
      const thread = r.thread ? `${r.worker}/${r.thread}` : r.worker;
      const own = times.get(thread);
      if (own) own.push({ at: r.startedAt, ms: r.ms });
      else times.set(thread, [{ at: r.startedAt, ms: r.ms }]);
      if (r.cacheStats) mergeStats(stats.cache, r.cacheStats);
      if (r.from === 'cache') stats.cacheHits++;
      else stats.computed++;
      recovery.attempts += r.attempts;
      for (const c of r.errors) recovery.errors[c]++;
      recovery.outcomes[r.outcome]++;
      if (r.outcome !== 'ok') {
        recovery.recovered++;
        recovery.events.push(`${label}: ${r.outcome}${r.lastError ? ` after ${r.lastError.category} error: ${r.lastError.message}` : ''}`);
      }
      return r.result;
    }
    const f = failures.get(i) ?? { reason: 'worker: the block job left no result', errors: [] };
    const why = normalizeReason(f.reason);
    const errors = f.errors.length ? f.errors : [why.category];
    stats.skipped++;
    recovery.attempts += errors.length;
    for (const c of errors) recovery.errors[c]++;
    recovery.outcomes.skipped++;
    recovery.events.push(`${label}: skipped after ${why.category} error: ${why.message}`);
    return skippedBlock(task, why.text);
  });
  stats.threads = threadTasks(new Map([...times].map(([k, v]) => [k, v.sort((a, b) => a.at - b.at).map((t) => t.ms)])));
  return { results, stats, recovery, checkpoints, workers: Math.max(1, workers.size), peakRssMB, blockSeconds: last > first ? (last - first) / 1000 : 0 };
}
