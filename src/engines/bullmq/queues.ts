/**
 * The shape of the work in Redis. One BullMQ flow per record: a parent 'record' job whose children
 * are the record's 'block' jobs. They live in two queues, `<queue>-record` and `<queue>-block`, so
 * that workers run block jobs and record jobs with separate concurrency and `status` counts each kind
 * cheaply. Jobs carry paths and parameters, never samples: a block job is a SourceRef (a file on
 * shared storage) and a BlockTask, a record job the options to re-plan the record.
 *
 * Failure policy. Block jobs retry with exponential backoff (attempts and first delay from the
 * config's `recovery` section). A block that still fails must not hang its record, and the record
 * must still say which block failed: `ignoreDependencyOnFailure` moves the failed child to the
 * parent's ignored failures (with its reason) and lets the parent run once every other child is done.
 * `failParentOnFailure` would lose the whole record for one block, `removeDependencyOnFailure` would
 * drop the reason, and `continueParentOnFailure` would start the record while other blocks still run.
 */
import type { FlowJob, KeepJobs } from 'bullmq';
import type { OpenOptions } from '../../io/open.js';
import type { ResolvedConfig } from '../../config/resolve.js';
import type { ChannelChoice } from '../../pipeline/ingest.js';
import type { RecordPlan } from '../../pipeline/process.js';
import type { BlockTask } from '../../pipeline/block.js';
import type { CacheOptions } from '../../runtime/cache.js';
import type { Fault } from '../../runtime/block-worker.js';
import type { SourceRef } from '../../runtime/source.js';

export const DEFAULT_QUEUE = 'vitaldsp';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export interface QueueNames { record: string; block: string }

/** The two queues behind a queue name; throws a RangeError naming `--queue` for names BullMQ refuses. */
export function queueNames(queue: string): QueueNames {
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(queue)) throw new RangeError(`queue must be 1-100 characters among letters, digits, '.', '_' and '-', got '${queue}'`);
  return { record: `${queue}-record`, block: `${queue}-block` };
}

/** What a 'record' job needs to plan its record again and finish it. */
export interface RecordJobData {
  /** Absolute path of the recording, the same on every machine (shared storage). */
  input: string;
  /** Absolute output folder; the record's files go to `<out>/<record name>/`. */
  out: string;
  /** The record's name (pipeline/batch.ts recordNames); absent in jobs of earlier versions: the input's stem. */
  name?: string;
  signal: NonNullable<ChannelChoice['signal']>;
  channels?: ChannelChoice['channels'];
  open: OpenOptions;
  /** The config file and `--set` items as given, for the record of what was asked. */
  flags: { file?: string; set: string[] };
  /**
   * The settings as the submitter resolved them for this record. Workers use them as they are:
   * resolving again would read another machine's environment and cores.
   */
  config: ResolvedConfig;
  /** The plan's fingerprint at submission; a worker that plans differently refuses the record. */
  fingerprint: string;
  blocks: number;
  session: string;
  /** Whether block jobs keep checkpoints in the session folder. */
  checkpoints: boolean;
}

/** Where a block job saves and looks up its checkpoint (the session folder on shared storage). */
export interface CheckpointRef { root: string; session: string; key: string; fingerprint: string }

/** What a 'block' job needs: one block task of one record. */
export interface BlockJobData {
  index: number;
  source: SourceRef;
  task: BlockTask;
  cache?: CacheOptions;
  checkpoint?: CheckpointRef;
  /** Fault injected on the first attempt (recovery tests), as in local runs. */
  fault?: Fault;
  /** Error categories of the attempts that failed so far (for the manifest's recovery section). */
  errors?: string[];
}

/** Retention of finished jobs (BullMQ removeOnComplete / removeOnFail), per job kind. */
export interface Retention {
  /** Completed jobs kept per queue. default: 1000 */
  completed?: number;
  /** Failed jobs kept per queue. default: 10000 */
  failed?: number;
  /** Finished jobs older than this are removed as others finish, hours. default: 168 */
  hours?: number;
}

/** Shortest age a finished job is kept, hours: a submitter that follows its batch reads each finished record job after it ends. */
export const MIN_KEEP_HOURS = 1 / 60;

/**
 * Refuses a retention under which a finished job could be removed before its submitter reads it:
 * the record would then look failed ("gone from the queue") whatever its outcome.
 */
export function checkRetention(r: Retention): void {
  for (const k of ['completed', 'failed'] as const) {
    const v = r[k];
    if (v !== undefined && !(Number.isInteger(v) && v >= 1)) throw new RangeError(`retention.${k} must be a whole number of jobs >= 1, got ${v}`);
  }
  if (r.hours !== undefined && !(r.hours >= MIN_KEEP_HOURS && Number.isFinite(r.hours))) throw new RangeError(`retention.hours must be at least ${MIN_KEEP_HOURS} (a minute), got ${r.hours}`);
}

function keep(count: number, hours: number): KeepJobs {
  return { age: Math.round(hours * 3600), count };
}

export function recordJobId(session: string, k: number): string {
  return `${session}.r${k}`;
}

export function blockJobId(recordId: string, index: number): string {
  return `${recordId}.b${index}`;
}

/** The record job id and task index of a block job, from its id or its full Redis key. */
export function parseBlockJobId(idOrKey: string): { record: string; index: number } | undefined {
  const id = idOrKey.slice(idOrKey.lastIndexOf(':') + 1);
  const m = /^(.*)\.b(\d+)$/.exec(id);
  return m ? { record: m[1]!, index: Number(m[2]) } : undefined;
}

export interface FlowInput {
  names: QueueNames;
  id: string;
  plan: RecordPlan;
  data: RecordJobData;
  /** Checkpoints of the session go here; none when absent. */
  checkpointRoot?: string;
  faults?: Record<number, Fault>;
  retention?: Retention;
}

/** The flow of one record: its 'record' job and, as children, one 'block' job per task. */
export function recordFlow({ names, id, plan, data, checkpointRoot, faults, retention = {} }: FlowInput): FlowJob {
  const { maxRetries, backoffMs } = plan.config.values.recovery;
  const hours = retention.hours ?? 168;
  const finished = { removeOnComplete: keep(retention.completed ?? 1000, hours), removeOnFail: keep(retention.failed ?? 10_000, hours) };
  const retry = { attempts: maxRetries + 1, backoff: { type: 'exponential', delay: backoffMs } };
  return {
    name: 'record', queueName: names.record, data,
    opts: { jobId: id, ...retry, ...finished },
    children: plan.tasks.map((task, index) => {
      const block: BlockJobData = {
        index, source: plan.source, task,
        ...(plan.cache ? { cache: plan.cache } : {}),
        ...(checkpointRoot ? { checkpoint: { root: checkpointRoot, session: data.session, key: `block-${task.channel.index}-${task.block}`, fingerprint: plan.fingerprint } } : {}),
        ...(faults?.[index] ? { fault: faults[index] } : {}),
      };
      return { name: 'block', queueName: names.block, data: block, opts: { jobId: blockJobId(id, index), ...retry, ...finished, ignoreDependencyOnFailure: true } };
    }),
  };
}
