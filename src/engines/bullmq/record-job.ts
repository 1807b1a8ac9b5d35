/**
 * One 'record' job, run by BullMQ once all its block jobs have finished: the plan is computed again
 * with `planRecord` from the same inputs and resolved settings (it is deterministic, and the
 * fingerprint check refuses a file changed since submission), the children's encoded results are
 * decoded and put in task order, failed blocks become skipped blocks, and `finishRecord` runs stages
 * 5-8 and writes the record's files to the shared output folder.
 */
import { join } from 'node:path';
import { Job, UnrecoverableError, type Queue } from 'bullmq';
import { finishRecord, planRecord, type RecordPlan } from '../../pipeline/process.js';
import type { TaskRunner } from '../../runtime/pool.js';
import { classifyError, type ErrorCategory } from '../../runtime/recovery.js';
import { assembleBlocks, type BlockFailure } from './assemble.js';
import type { BlockReport } from './block-job.js';
import { decodeValue } from './codec.js';
import { parseBlockJobId, type BlockJobData, type RecordJobData } from './queues.js';
import { summarizeRecord, type RecordSummary } from '../../pipeline/record-summary.js';

export interface RecordJobContext {
  /** The block queue, to read the attempts of failed children. */
  blockQueue: Queue;
  /** The worker's runner, for the feature jobs of stage 6. */
  runner: TaskRunner;
}

async function planAgain(d: RecordJobData): Promise<RecordPlan> {
  try {
    return await planRecord(d.input, { signal: d.signal, ...(d.channels ? { channels: d.channels } : {}), open: d.open, config: d.config, out: d.out, ...(d.name ? { name: d.name } : {}) });
  } catch (e) {
    const c = classifyError(e);
    // Some file system errors do not name their path (EISDIR on read): the message must.
    if (c.category === 'input') throw new UnrecoverableError(c.message.includes(d.input) ? c.message : `${d.input}: ${c.message}`);
    throw e;
  }
}

export async function runRecordJob(job: Job<RecordJobData>, ctx: RecordJobContext): Promise<RecordSummary> {
  const d = job.data;
  // Wall time counts from submission, like a local record's from its start.
  const t0 = performance.now() - Math.max(0, Date.now() - job.timestamp);
  const plan = await planAgain(d);
  if (plan.fingerprint !== d.fingerprint || plan.tasks.length !== d.blocks) {
    throw new UnrecoverableError(`${d.input}: the input or its plan changed since it was submitted (or workers run another vitaldsp version); submit it again`);
  }

  const reports = new Map<number, BlockReport>();
  for (const [key, value] of Object.entries(await job.getChildrenValues<string>())) {
    const id = parseBlockJobId(key);
    if (id) reports.set(id.index, await decodeValue<BlockReport>(value));
  }
  const failures = new Map<number, BlockFailure>();
  for (const [key, reason] of Object.entries(await job.getIgnoredChildrenFailures())) {
    const id = parseBlockJobId(key);
    if (!id) continue;
    const child = await Job.fromId<BlockJobData>(ctx.blockQueue, key.slice(key.lastIndexOf(':') + 1)).catch(() => undefined);
    failures.set(id.index, { reason, errors: (child?.data.errors ?? []) as ErrorCategory[] });
  }

  const asm = assembleBlocks(plan.tasks, reports, failures);
  const result = await finishRecord(plan, asm.results, {
    out: d.out, runner: ctx.runner, blockSeconds: asm.blockSeconds, blocks: asm.stats, recovery: asm.recovery,
    run: { t0, workers: asm.workers, peakRssMB: Math.max(asm.peakRssMB, process.memoryUsage().rss / 2 ** 20), throttled: 0, speedup: asm.blockSeconds > 0 ? asm.stats.taskMs / 1000 / asm.blockSeconds : 1 },
    ...(d.checkpoints ? { checkpoints: asm.checkpoints } : {}),
    progress: (stage, fraction) => { job.updateProgress({ stage, fraction }).catch(() => undefined); },
  });
  return summarizeRecord(d.input, result, join(d.out, plan.name));
}
