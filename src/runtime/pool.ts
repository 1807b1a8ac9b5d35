/**
 * The worker pool: block tasks spread over worker threads (piscina). Tasks carry a SourceRef, so
 * only paths or shared buffers cross threads, and results are small. Each task has a timeout after
 * which its thread is terminated and the task fails with TaskTimeoutError (recovery retries it).
 */
import { Piscina } from 'piscina';
import type { WorkerResult, WorkerTask } from './block-worker.js';
import { TaskTimeoutError } from './recovery.js';
import type { FeatureJob, FeatureJobResult } from '../pipeline/features.js';

export interface PoolOptions {
  /** Worker threads; 0 runs tasks in this thread. */
  workers: number;
  /** Old-generation heap limit of each worker thread, MB; unset leaves V8's default. */
  heapMB?: number;
  /** default: 600 */
  timeoutSeconds?: number;
}

export interface TaskRunner {
  readonly workers: number;
  run(t: WorkerTask): Promise<WorkerResult>;
  /** Feature jobs of stage 6 (no timeout: they are short and their input is already in memory). */
  runFeatures(job: FeatureJob): Promise<FeatureJobResult>;
  /** Starts the threads now rather than with the first task, when work is certain to come. */
  start(): void;
  /** Ends the threads; a later task starts them again. */
  close(): Promise<void>;
}

/**
 * Young generation of each worker thread, MB. Block tasks keep their large arrays outside the heap,
 * so only the feature jobs' short-lived garbage feels its size: at 4 MB rather than 8 a ten-day
 * record peaked 15-60 MB lower, for about 0.15 s more feature stage on a day of ECG (three runs
 * each, side by side).
 */
const WORKER_YOUNG_MB = 4;

class ThreadPool implements TaskRunner {
  private threads: Piscina<WorkerTask | FeatureJob, WorkerResult | FeatureJobResult> | undefined;
  constructor(readonly workers: number, private readonly timeoutMs: number, private readonly heapMB?: number) {}

  /**
   * The threads start with the first task: a run served entirely from the cache or checkpoints
   * needs none, and starting them (each loads the processing modules) would compete for the cores.
   */
  private get pool(): Piscina<WorkerTask | FeatureJob, WorkerResult | FeatureJobResult> {
    return (this.threads ??= new Piscina({
      filename: new URL('./block-worker.js', import.meta.url).href,
      minThreads: this.workers,
      maxThreads: this.workers,
      idleTimeout: 60_000,
      // A bounded heap makes V8 collect early instead of growing each worker toward its default limit.
      ...(this.heapMB ? { resourceLimits: { maxOldGenerationSizeMb: this.heapMB, maxYoungGenerationSizeMb: WORKER_YOUNG_MB } } : {}),
    }));
  }

  async run(t: WorkerTask): Promise<WorkerResult> {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), this.timeoutMs);
    try {
      return (await this.pool.run(t, { signal: ac.signal })) as WorkerResult;
    } catch (e) {
      if (ac.signal.aborted) throw new TaskTimeoutError(`block ${t.task.block} of ${t.task.channel.name} timed out after ${this.timeoutMs / 1000} s`, { cause: e });
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  async runFeatures(job: FeatureJob): Promise<FeatureJobResult> {
    // The job owns its beats (featureJobs): their buffer moves to the thread instead of being
    // copied twice (into the message and out of it), which at record level is a week of beats.
    return (await this.pool.run(job, { transferList: [job.beats.buffer as ArrayBuffer] })) as FeatureJobResult;
  }

  start(): void {
    void this.pool;
  }

  async close(): Promise<void> {
    const threads = this.threads;
    this.threads = undefined;
    await threads?.destroy();
  }
}

/**
 * Runs tasks in the calling thread (one worker, no thread overhead); faults other than 'throw' and
 * 'nan' are refused. The processing code loads with the first task: a run served from the cache
 * never needs it.
 */
class InlineRunner implements TaskRunner {
  readonly workers = 1;
  async run(t: WorkerTask): Promise<WorkerResult> {
    if (t.fault === 'crash' || t.fault === 'hang') throw new Error(`fault '${t.fault}' needs worker threads`);
    const { runWorkerTask } = await import('./block-worker.js');
    return runWorkerTask(t);
  }
  async runFeatures(job: FeatureJob): Promise<FeatureJobResult> {
    const { runFeatureJob } = await import('../pipeline/features.js');
    return runFeatureJob(job);
  }
  start(): void {}
  async close(): Promise<void> {}
}

export function createRunner(opts: PoolOptions): TaskRunner {
  return opts.workers <= 0 ? new InlineRunner() : new ThreadPool(opts.workers, (opts.timeoutSeconds ?? 600) * 1000, opts.heapMB);
}
