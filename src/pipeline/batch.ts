/**
 * A batch of records in one session: records run concurrently on one shared worker pool, a bad
 * record is reported and the batch goes on, and every finished record is noted in the session so
 * that `resume` skips it (and its unfinished neighbours restart from their block checkpoints).
 */
import { join, resolve } from 'node:path';
import { fileStem, resolveLocation } from '../io/file.js';
import { isUrl } from '../io/http-file.js';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolveConfig, type ResolveOptions } from '../config/resolve.js';
import { CheckpointStore, cleanupSessions, listSessions, newSessionId, type SessionMeta } from '../runtime/checkpoint.js';
import { createRunner } from '../runtime/pool.js';
import { workerHeapMB } from '../runtime/memory.js';
import { processRecording, type ProcessOptions, type RecordResult } from './process.js';
import type { ProgressEvent } from './types.js';
import { summarizeRecord, type RecordSummary } from './record-summary.js';

export interface BatchOptions extends Omit<ProcessOptions, 'runner' | 'checkpoints' | 'onProgress' | 'out' | 'config'> {
  out: string;
  config?: ResolveOptions;
  /** Continue a session: its id, or true for the newest unfinished one in `out`. */
  resume?: string | true;
  onProgress?: (e: ProgressEvent) => void;
  /** Called as each record ends; a done record's outcome has its full result here whatever `keepResults`. */
  onRecord?: (input: string, outcome: RecordOutcome) => void;
  /**
   * Keep each done record's full result (its beats, windows and features) in the batch's outcomes.
   * Without, an outcome keeps the record's summary only, so that a batch of thousands of records
   * holds one record's data at a time per lane rather than all of them. default: true
   */
  keepResults?: boolean;
}

export type RecordOutcome =
  | { status: 'done'; summary: RecordSummary; result?: RecordResult }
  | { status: 'resumed' }
  | { status: 'failed'; error: Error };

export interface BatchResult {
  session: string;
  outcomes: Map<string, RecordOutcome>;
  failed: { input: string; error: Error }[];
}

export function sessionsRoot(out: string): string {
  return join(out, '.vitaldsp', 'sessions');
}

async function pickSession(root: string, resume: BatchOptions['resume']): Promise<SessionMeta | undefined> {
  if (resume === undefined) return undefined;
  const sessions = await listSessions(root);
  const found = resume === true ? sessions.find((s) => s.status !== 'complete') : sessions.find((s) => s.id === resume);
  if (!found && resume !== true) throw new RangeError(`no session '${resume}' under ${root} (see \`vitaldsp sessions --out ...\`)`);
  return found;
}

/**
 * Each input's record name (its output folder): the file's name without extension, unless another
 * input has the same one (`a/100s.hea` and `b/100s.csv`), when each of them also gets a short digest
 * of its absolute path. The digest, unlike a counter, does not depend on the order of the inputs, so
 * a resumed session writes where the first run did.
 */
export function recordNames(inputs: readonly string[]): Map<string, string> {
  const stem = fileStem;
  const count = new Map<string, number>();
  for (const i of new Set(inputs.map((i) => resolveLocation(i)))) count.set(stem(i), (count.get(stem(i)) ?? 0) + 1);
  return new Map(inputs.map((i) => [i, count.get(stem(i))! > 1 ? `${stem(i)}-${createHash('sha256').update(resolveLocation(i)).digest('hex').slice(0, 8)}` : stem(i)]));
}

export async function processBatch(inputs: string[], opts: BatchOptions): Promise<BatchResult> {
  const root = sessionsRoot(opts.out);
  const base = resolveConfig(opts.config ?? {});
  const { resume, onRecord, config, keepResults = true, ...recordOpts } = opts;
  const previous = await pickSession(root, resume);
  const id = previous?.id ?? newSessionId();
  const store = base.values.checkpoint.enabled ? new CheckpointStore(root, id) : undefined;
  const meta: SessionMeta = previous ?? { id, created: new Date().toISOString(), updated: '', status: 'running', inputs: inputs.map((i) => resolveLocation(i)), outDir: resolve(opts.out), done: [] };
  const done = new Set(meta.done);
  meta.status = 'running';
  const save = async () => { meta.updated = new Date().toISOString(); await store?.writeMeta(meta); };
  await save();

  // Records share one pool; a single record makes its own, sized by its config's adaptive tier to
  // the work it holds (a short record runs faster without threads).
  const workers = base.values.runtime.workers;
  const runner = inputs.length > 1 ? createRunner({ workers: workers <= 1 ? 0 : workers, timeoutSeconds: base.values.runtime.taskTimeoutSeconds, heapMB: workerHeapMB(base.values) }) : undefined;
  // Without a cache every record is computed: the threads load their modules while inputs are hashed.
  if (!base.values.cache.enabled) runner?.start();
  const outcomes = new Map<string, RecordOutcome>();
  const names = recordNames(inputs);
  const failed: BatchResult['failed'] = [];
  let next = 0;
  // Records in flight: enough to keep every worker busy when records are short.
  const lanes = Math.max(1, Math.min(inputs.length, runner?.workers ?? 1));
  /** Runs one record and notes it done in the session: its outcome with the full result, or how it failed. */
  const compute = async (input: string, key: string): Promise<RecordOutcome> => {
    try {
      // A store of the record's own on the session's folder: its statistics are the record's.
      const checkpoints = store && new CheckpointStore(root, id);
      const result = await processRecording(input, { ...recordOpts, name: names.get(input)!, ...(runner ? { runner } : {}), measureCpu: lanes === 1, config: config ?? {}, ...(checkpoints ? { checkpoints } : {}) });
      // Each record once in the session's list, however often it was computed.
      if (!done.has(key)) {
        done.add(key);
        meta.done.push(key);
        await store?.markDone(key);
      }
      return { status: 'done', summary: summarizeRecord(input, result, join(opts.out, result.name)), result };
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      failed.push({ input, error });
      return { status: 'failed', error };
    }
  };
  const one = async (input: string) => {
    const key = resolveLocation(input);
    // A local input deleted since is computed again (and fails, naming it); a URL is taken as it was.
    const outcome: RecordOutcome = done.has(key) && (isUrl(input) || existsSync(input)) ? { status: 'resumed' } : await compute(input, key);
    outcomes.set(input, outcome.status === 'done' && !keepResults ? { status: 'done', summary: outcome.summary } : outcome);
    onRecord?.(input, outcome);
  };
  try {
    await Promise.all(Array.from({ length: lanes }, async () => {
      while (next < inputs.length) await one(inputs[next++]!);
    }));
  } finally {
    await runner?.close();
  }
  meta.status = failed.length ? 'failed' : 'complete';
  await save();
  await cleanupSessions(root, { maxAgeHours: base.values.checkpoint.maxAgeHours, maxTotalMB: base.values.checkpoint.maxTotalMB, keep: id });
  return { session: id, outcomes, failed };
}
