/**
 * Submitting a batch to the BullMQ engine and following it to the end. Each input is planned here
 * (`planRecord`: stage 1 and its block tasks); a record that cannot be planned (a corrupt file) is
 * reported at once and never enqueued; the others become one flow each (queues.ts) as soon as they
 * are planned, so workers start while later inputs are still being read. Progress comes from
 * QueueEvents (block completions, record stages) and is reported as the local engine reports it; a
 * slow poll of the pending records' states backs the events up, since an event stream read can
 * start after the first events were written.
 */
import { resolve } from 'node:path';
import { resolveLocation } from '../../io/file.js';
import { FlowProducer, Job, Queue, QueueEvents } from 'bullmq';
import type { OpenOptions } from '../../io/open.js';
import { resolveConfig } from '../../config/resolve.js';
import type { ChannelChoice } from '../../pipeline/ingest.js';
import { recordNames, sessionsRoot } from '../../pipeline/batch.js';
import { planRecord, progressReporter } from '../../pipeline/process.js';
import type { ProgressEvent, StageName } from '../../pipeline/types.js';
import { CheckpointStore, cleanupSessions, newSessionId, type SessionMeta } from '../../runtime/checkpoint.js';
import type { Fault } from '../../runtime/block-worker.js';
import { connectionFor, probeRedis } from './connection.js';
import { checkRetention, DEFAULT_QUEUE, parseBlockJobId, queueNames, recordFlow, recordJobId, type RecordJobData, type Retention } from './queues.js';
import type { RecordSummary } from '../../pipeline/record-summary.js';

export interface SubmitOptions extends ChannelChoice {
  redis: string;
  /** default: 'vitaldsp' */
  queue?: string;
  /** Output folder on shared storage (one subfolder per input). */
  out: string;
  open?: OpenOptions;
  config?: { file?: string; set?: string[] };
  /** Wait for the records to finish. default: true */
  wait?: boolean;
  retention?: Retention;
  /** Faults injected into block tasks by index, first attempt only, for every record (recovery tests). */
  faults?: Record<number, Fault>;
  /** Interval of the state poll that backs up the event stream, ms. default: 2000 */
  pollMs?: number;
  onProgress?: (e: ProgressEvent) => void;
  onRecord?: (input: string, outcome: SubmitOutcome) => void;
  /** Things the user should know while waiting (no worker connected). */
  onWarning?: (message: string) => void;
}

export type SubmitOutcome =
  | { status: 'done'; summary: RecordSummary }
  | { status: 'queued'; job: string }
  | { status: 'failed'; error: Error };

export interface SubmitResult {
  session: string;
  /** By input as given, in input order. */
  outcomes: Map<string, SubmitOutcome>;
  failed: { input: string; error: Error }[];
}

interface Tracked {
  input: string;
  blocks: number;
  done: number;
  progress: (stage: StageName, fraction: number) => void;
}

export async function submitBatch(inputs: string[], opts: SubmitOptions): Promise<SubmitResult> {
  const names = queueNames(opts.queue ?? DEFAULT_QUEUE);
  // The file is read here, once: workers get the resolved settings, so its path stays as given (as in local manifests).
  const flags = { ...(opts.config?.file ? { file: opts.config.file } : {}), set: opts.config?.set ?? [] };
  const base = resolveConfig(flags);
  if (opts.retention) checkRetention(opts.retention);
  await probeRedis(opts.redis);
  const connection = connectionFor(opts.redis);
  const out = resolve(opts.out);
  const root = sessionsRoot(out);
  const session = newSessionId();
  const store = base.values.checkpoint.enabled ? new CheckpointStore(root, session) : undefined;
  const meta: SessionMeta = { id: session, created: new Date().toISOString(), updated: '', status: 'running', inputs: inputs.map((i) => resolveLocation(i)), outDir: out, done: [] };
  const saveMeta = async () => { meta.updated = new Date().toISOString(); await store?.writeMeta(meta); };
  await saveMeta();

  const wait = opts.wait ?? true;
  const flow = new FlowProducer({ connection });
  const recordQueue = new Queue(names.record, { connection });
  const blockEvents = wait ? new QueueEvents(names.block, { connection }) : undefined;
  const recordEvents = wait ? new QueueEvents(names.record, { connection }) : undefined;
  const outcomes = new Map<string, SubmitOutcome>();
  const tracked = new Map<string, Tracked>();
  let poll: NodeJS.Timeout | undefined;
  let allSettled: () => void = () => undefined;
  const finished = new Promise<void>((r) => { allSettled = r; });
  let planning = true;

  const settle = (id: string, outcome: SubmitOutcome) => {
    const t = tracked.get(id);
    if (!t) return;
    tracked.delete(id);
    outcomes.set(t.input, outcome);
    if (outcome.status === 'done') meta.done.push(resolveLocation(t.input));
    opts.onRecord?.(t.input, outcome);
    if (!planning && tracked.size === 0) allSettled();
  };
  const check = async (id: string) => {
    const state = await recordQueue.getJobState(id);
    if (state !== 'completed' && state !== 'failed' && state !== 'unknown') return;
    const job = await Job.fromId<RecordJobData, RecordSummary>(recordQueue, id);
    if (!job || state === 'unknown') settle(id, { status: 'failed', error: new Error(`record job ${id} is gone from the queue (removed or obliterated)`) });
    else if (state === 'completed') settle(id, { status: 'done', summary: job.returnvalue });
    else settle(id, { status: 'failed', error: new Error(job.failedReason) });
  };
  const checkSoon = (id: string) => { check(id).catch(() => undefined); };

  try {
    if (blockEvents && recordEvents) {
      const blockDone = ({ jobId }: { jobId: string }) => {
        const b = parseBlockJobId(jobId);
        const t = b && tracked.get(b.record);
        if (t) t.progress('validate', Math.min(1, ++t.done / t.blocks));
      };
      blockEvents.on('completed', blockDone);
      blockEvents.on('failed', blockDone);
      recordEvents.on('progress', ({ jobId, data }) => {
        const p = data as { stage?: StageName; fraction?: number };
        if (p.stage) tracked.get(jobId)?.progress(p.stage, p.fraction ?? 1);
      });
      const finishedRecord = ({ jobId }: { jobId: string }) => { if (tracked.has(jobId)) checkSoon(jobId); };
      recordEvents.on('completed', finishedRecord);
      recordEvents.on('failed', finishedRecord);
      await Promise.all([blockEvents.waitUntilReady(), recordEvents.waitUntilReady()]);
      poll = setInterval(() => { for (const id of tracked.keys()) checkSoon(id); }, opts.pollMs ?? 2000);
      if ((await recordQueue.getWorkersCount()) === 0) opts.onWarning?.(`no worker is connected to queue '${opts.queue ?? DEFAULT_QUEUE}' yet: the batch waits until one starts (vitaldsp worker --queue ${opts.queue ?? DEFAULT_QUEUE})`);
    }

    const recordNamesOf = recordNames(inputs);
    for (let k = 0; k < inputs.length; k++) {
      const input = inputs[k]!;
      const name = recordNamesOf.get(input)!;
      const t0 = performance.now();
      let plan;
      try {
        plan = await planRecord(resolveLocation(input), { signal: opts.signal ?? 'auto', ...(opts.channels ? { channels: opts.channels } : {}), open: opts.open ?? {}, config: flags, out, name });
      } catch (e) {
        const outcome: SubmitOutcome = { status: 'failed', error: e instanceof Error ? e : new Error(String(e)) };
        outcomes.set(input, outcome);
        opts.onRecord?.(input, outcome);
        continue;
      }
      const id = recordJobId(session, k);
      const progress = progressReporter(plan.name, t0, opts.onProgress);
      progress('ingest', 1);
      const data: RecordJobData = {
        input: resolveLocation(input), out, name, signal: opts.signal ?? 'auto', ...(opts.channels ? { channels: opts.channels } : {}), open: opts.open ?? {},
        flags, config: plan.config, fingerprint: plan.fingerprint, blocks: plan.tasks.length, session, checkpoints: store !== undefined,
      };
      try {
        await flow.add(recordFlow({ names, id, plan, data, ...(store ? { checkpointRoot: root } : {}), ...(opts.faults ? { faults: opts.faults } : {}), ...(opts.retention ? { retention: opts.retention } : {}) }));
      } catch (e) {
        const outcome: SubmitOutcome = { status: 'failed', error: new Error(`could not enqueue: ${(e as Error).message}`, { cause: e }) };
        outcomes.set(input, outcome);
        opts.onRecord?.(input, outcome);
        continue;
      }
      // Tracked from here: events that came before are caught by the poll.
      outcomes.set(input, { status: 'queued', job: id });
      if (wait) { tracked.set(id, { input, blocks: Math.max(1, plan.tasks.length), done: 0, progress }); checkSoon(id); }
    }
    planning = false;
    if (wait) {
      if (tracked.size > 0) {
        for (const id of tracked.keys()) checkSoon(id);
        await finished;
      }
      meta.status = [...outcomes.values()].some((o) => o.status === 'failed') ? 'failed' : 'complete';
    }
    await saveMeta();
  } finally {
    if (poll) clearInterval(poll);
    await Promise.all([flow.close(), recordQueue.close(), blockEvents?.close(), recordEvents?.close()]);
  }
  if (wait) await cleanupSessions(root, { maxAgeHours: base.values.checkpoint.maxAgeHours, maxTotalMB: base.values.checkpoint.maxTotalMB, keep: session });

  const ordered = new Map(inputs.map((i) => [i, outcomes.get(i)!] as const));
  const failed = [...ordered].flatMap(([input, o]) => (o.status === 'failed' ? [{ input, error: o.error }] : []));
  return { session, outcomes: ordered, failed };
}
