/**
 * `processRecording`: one record through the eight stages, in three steps that engines can also
 * run apart: `planRecord` (stage 1, and the block tasks of stages 2-4), the block tasks themselves
 * (on a TaskRunner: inline, worker threads, or another machine), and `finishRecord` (merge, stages
 * 5-8). Checkpoints are written after every block and the cache serves blocks already computed.
 */
import { FormatError } from '../io/errors.js';
import { join } from 'node:path';
import type { OpenOptions } from '../io/open.js';
import { resolveConfig, type ResolveOptions, type ResolvedConfig } from '../config/resolve.js';
import type { Config } from '../config/schema.js';
import { sha256 } from '../runtime/atomic.js';
import { addCacheStats, cacheKey, emptyStats, mergeStats, ProcessingCache, type CacheOptions } from '../runtime/cache.js';
import type { CheckpointStats, CheckpointStore } from '../runtime/checkpoint.js';
import { MemoryMonitor, maxInFlight, workerHeapMB } from '../runtime/memory.js';
import { createRunner, type TaskRunner } from '../runtime/pool.js';
import { CpuMeter, type CpuSplit } from '../runtime/thread-cpu.js';
import { emptyRecoveryStats, type RecoveryStats } from '../runtime/recovery.js';
import type { Fault } from '../runtime/block-worker.js';
import { BLOCK_STAGE_VERSION, FEATURE_STAGE_VERSION, OUTPUT_STAGE_VERSION, RECORD_BLOCKS_VERSION } from './versions.js';
import { shareChannels, type SourceRef } from '../runtime/source.js';
import { choosePrecision, type Precision } from '../runtime/precision.js';
import { ingest, type ChannelChoice } from './ingest.js';
import { levelOf, qualityLevels } from '../quality/score.js';
import { windowCount, windowSamples, type Windows } from './windows.js';
import { runBlocks, type BlockRunStats } from './run-blocks.js';
import { RecordMerge, type ChannelData } from './merge.js';
import { segmentChannel } from './segment.js';
import type { ChannelFeatures } from './features.js';
import { summarizeChannel, type ChannelSummary } from './summarize.js';
import { preloadParquet } from '../output/parquet.js';
import { openProcessingSource, recordingFiles, hashFiles, hashSource, knownDigest, rememberDigest, type Source } from './source.js';
import { hashFilesInThread } from '../runtime/hash-thread.js';
import { packageRecord, version, writeSignalTables, type PackagedBytes, type PackagedFiles } from './package.js';
import type { BlockTask } from './block.js';
import type { BlockResult, FeatureRow, IngestResult, ProgressEvent, Segment, StageName, StageReport } from './types.js';

export interface PlanOptions extends ChannelChoice {
  /** Resolved settings, or how to resolve them (file, env, --set). default: factory defaults + environment */
  config?: ResolvedConfig | ResolveOptions;
  /** Reader options (format, fs, columns) for file sources. */
  open?: OpenOptions;
  /** Output folder; the record's files go to `<out>/<record name>/`. Without it nothing is written. */
  out?: string;
  /** The record's name, and so its folder under `out`. default: the input file's name without extension */
  name?: string;
  /** Use the processing cache (folder from `cache.dir`, else under `out`). default: config `cache.enabled` */
  cache?: boolean;
  /**
   * Leave a large file input's SHA-256 to the caller (`input.sha256` and `fingerprint` empty; fill
   * them in with `settleDigest`) unless the cache remembers it: hashing a large input before the
   * blocks start delays them all, while the blocks need only `resumeKey`. default: false
   */
  deferInputHash?: boolean;
}

export interface ProcessOptions extends PlanOptions {
  /** A runner shared by a batch; otherwise one is made for this record from `runtime.workers`. */
  runner?: TaskRunner;
  /** Checkpoint store of the session; none when absent. */
  checkpoints?: CheckpointStore;
  onProgress?: (e: ProgressEvent) => void;
  /** Faults injected into block tasks by index, first attempt only (to exercise recovery). */
  faults?: Record<number, Fault>;
  /**
   * Write the run's CPU time by thread (`run.cpu`) into the manifest. Only meaningful while this
   * record has the process to itself: records running side by side would count each other's work.
   * default: true without a shared `runner`
   */
  measureCpu?: boolean;
}

/** Everything needed to run a record's block tasks and finish it: plain data, no open handles. */
export interface RecordPlan {
  name: string;
  ingest: IngestResult;
  config: ResolvedConfig;
  source: SourceRef;
  /** The input files, their size and SHA-256, and for files their identity (`fileIdentity`). */
  input: { files: string[]; bytes: number; sha256: string; id?: string };
  /**
   * Content of the inputs (their SHA-256) and the settings results depend on: keys the record's
   * cache entries. Empty until the digest is known when planned with `deferInputHash`.
   */
  fingerprint: string;
  /**
   * The same with a file input's identity (paths, sizes, modification times) for its content:
   * keys the checkpoints, so that a run and its resumption need not read the input first.
   */
  resumeKey: string;
  /** Hash of the settings and channels that results depend on, with the version of stages 2-4. */
  settingsKey: string;
  tasks: BlockTask[];
  cache?: CacheOptions;
  /** In-memory sources: the precision each channel is shared in, and the bytes that saved over float64. */
  memory?: { precision: Precision[]; bytesSaved: number; maxRelError: number };
  ingestSeconds: number;
}

export interface RunInfo {
  workers: number;
  wallSeconds: number;
  peakRssMB: number;
  throttled: number;
  speedup: number;
  /** CPU time of the run by thread, from the record's start to its manifest (see ProcessOptions.measureCpu). */
  cpu?: CpuSplit;
}

export interface RecordResult {
  name: string;
  ingest: IngestResult;
  config: ResolvedConfig;
  channels: ChannelData[];
  segments: Segment[][];
  features: FeatureRow[];
  summaries: ChannelSummary[];
  stages: StageReport[];
  blocks: BlockRunStats;
  recovery: RecoveryStats;
  input: { files: string[]; bytes: number; sha256: string };
  run: RunInfo;
  /** Precision of in-memory channels and memory saved by it (see RecordPlan.memory). */
  memory?: RecordPlan['memory'];
  files?: PackagedFiles;
}

/** A record's cache entry: the keys of its blocks' entries, in task order. */
interface BlockIndex { keys: string[] }

/**
 * Reads the block entries an index lists, handing each to `add` as it arrives (a long record's
 * results are never all held at once); returns the task indices whose entries are gone (evicted,
 * expired or corrupt), in order.
 */
async function readIndexedBlocks(cache: ProcessingCache, keys: readonly string[], add: (index: number, result: BlockResult) => void): Promise<number[]> {
  const missing: number[] = [];
  for (let i = 0; i < keys.length; i++) {
    const r = await cache.get<BlockResult>(keys[i]!);
    if (r) add(i, r); else missing.push(i);
  }
  return missing;
}

const stageWeight: Record<StageName, number> = { ingest: 0.02, screen: 0.3, process: 0.4, validate: 0.13, segment: 0.02, features: 0.08, summarize: 0.01, package: 0.04 };

/** Progress of one record as stage fractions; the ETA extrapolates the elapsed time. */
export function progressReporter(name: string, t0: number, onProgress?: (e: ProgressEvent) => void): (stage: StageName, fraction: number) => void {
  const order = Object.keys(stageWeight) as StageName[];
  return (stage, fraction) => {
    if (!onProgress) return;
    const before = order.slice(0, order.indexOf(stage)).reduce((a, s) => a + stageWeight[s], 0);
    const overall = Math.min(1, before + stageWeight[stage] * fraction);
    const elapsed = (performance.now() - t0) / 1000;
    onProgress({ record: name, stage, fraction, overall, etaSeconds: overall > 0.02 ? (elapsed * (1 - overall)) / overall : NaN });
  };
}

/** Shares in-memory channels again in float32 where the precision bound allows (runtime/precision.ts). */
function compactSource(ref: Extract<SourceRef, { kind: 'memory' }>, bound: number): { ref: SourceRef; memory: NonNullable<RecordPlan['memory']> } {
  const data = ref.buffers.map((b, i) => (ref.precision[i] === 'float32' ? new Float32Array(b) : new Float64Array(b)));
  const choices = data.map((d) => choosePrecision(d, bound));
  const precision = choices.map((c) => c.precision);
  let bytesSaved = 0;
  data.forEach((d, i) => { if (precision[i] === 'float32' && d instanceof Float64Array) bytesSaved += d.length * 4; });
  if (bytesSaved === 0) return { ref, memory: { precision, bytesSaved, maxRelError: 0 } };
  return { ref: shareChannels(data, ref.fs, ref.names, ref.units, ref.path, precision), memory: { precision, bytesSaved, maxRelError: Math.max(...choices.map((c) => c.relError)) } };
}

/**
 * Inputs smaller than this are hashed while planning even with `deferInputHash`: at 1-1.5 GB/s
 * that takes less than starting the hashing thread (tens of ms), which batches of short records
 * would pay for each.
 */
const DEFER_HASH_MIN_BYTES = 64 * 2 ** 20;

const keyOf = (input: string, settingsKey: string): string => sha256(JSON.stringify([input, settingsKey]));

/** Where the digests of input files are remembered by file identity, in the cache folder. */
const digestMemo = (cache: CacheOptions): string => join(cache.dir, 'inputs');

/**
 * Sets the plan's input digest and fingerprint once the digest of a plan made with
 * `deferInputHash` is known, and remembers it for the files' identity when a cache is used.
 */
export async function settleDigest(plan: RecordPlan, digest: { bytes: number; sha256: string }): Promise<void> {
  plan.input = { ...plan.input, bytes: digest.bytes, sha256: digest.sha256 };
  plan.fingerprint = keyOf(digest.sha256, plan.settingsKey);
  if (plan.cache && plan.input.id) await rememberDigest(digestMemo(plan.cache), plan.input.id, digest);
}

/** Stage 1 and the block tasks of stages 2-4. */
export async function planRecord(source: Source, opts: PlanOptions = {}): Promise<RecordPlan> {
  const t0 = performance.now();
  const opened = await openProcessingSource(source, opts.open);
  const { rec, ref } = opened;
  const name = opts.name ?? opened.name;
  try {
    const sig = rec.signalChannels().map((i) => rec.info.channels[i]!);
    if (sig.length === 0) throw new FormatError(rec.info.path, 'a signal channel', 'the header', 'no signal channels to process');
    const data = { fs: Math.max(...sig.map((c) => c.fs)), channels: sig.length, samples: Math.max(...sig.map((c) => c.samples)) };
    const resolved = opts.config && 'values' in opts.config ? opts.config : undefined;
    const choice = { signal: opts.signal ?? opened.signalType ?? 'auto', ...(opts.channels ? { channels: opts.channels } : {}) } as const;
    let rc = resolved ?? resolveConfig({ ...(opts.config ?? {}), data });
    let ing = ingest(rec, choice, rc.values);
    // The adaptive worker count follows the work, the samples of the channels processed, which
    // only ingest knows: resolved again with it when fewer channels are processed than recorded.
    const work = ing.channels.reduce((a, c) => a + c.samples, 0);
    if (!resolved && rc.origins['runtime.workers']?.tier === 'adaptive' && work !== data.channels * data.samples) {
      rc = resolveConfig({ ...(opts.config ?? {}), data: { ...data, work } });
      ing = ingest(rec, choice, rc.values);
    }
    const cfg: Config = rc.values;
    const files = recordingFiles(rec.info);
    const useCache = (opts.cache ?? true) && cfg.cache.enabled && (opts.out !== undefined || cfg.cache.dir !== '');
    const cache: CacheOptions | undefined = useCache ? { dir: cfg.cache.dir || join(opts.out!, '.vitaldsp', 'cache'), maxBytes: cfg.cache.maxMB * 2 ** 20, ttlHours: cfg.cache.ttlHours, level: cfg.cache.level } : undefined;
    const memo = cache && digestMemo(cache);
    // A file input's identity keys the checkpoints; its digest is hashed now unless remembered, or
    // left to the caller when asked and the input is large.
    const known = ref.kind === 'memory' ? undefined : await knownDigest(files, memo);
    const hashNow = known !== undefined && !known.sha256 && !(opts.deferInputHash && known.bytes >= DEFER_HASH_MIN_BYTES);
    const digest = known ? (hashNow ? await hashFiles(files, memo, known) : known) : hashSource(ref);
    const input = { files, bytes: digest.bytes, sha256: digest.sha256, ...(known ? { id: known.id } : {}) };
    const { precision, precisionBound } = cfg.runtime;
    // The block stage version is in it: checkpoints written by another version of stages 2-4 are not read back.
    const settingsKey = sha256(JSON.stringify([BLOCK_STAGE_VERSION, ing.channels, cfg.quality, cfg.pipeline, cfg.segment, cfg.ecg, cfg.ppg, cfg.resp, cfg.eeg, cfg.hrv, cfg.report, ref.kind === 'memory' ? [precision, precisionBound] : []]));
    const fingerprint = input.sha256 ? keyOf(input.sha256, settingsKey) : '';
    const resumeKey = keyOf(known?.id ?? input.sha256, settingsKey);
    const tasks: BlockTask[] = [];
    for (const ch of ing.channels) {
      // A whole number of quality windows, as BlockTask promises: at a rate such as 250.01 Hz the
      // block's seconds times the rate would end each block in a window of a sample or two.
      const win = windowSamples(cfg.quality.windowSeconds, ch.fs);
      const blockSamples = win * Math.max(1, Math.round((ing.plan.blockSeconds * ch.fs) / win));
      const bins = Math.max(1, Math.round(blockSamples / Math.max(1, Math.ceil(ch.samples / cfg.report.overviewPoints))));
      const binSamples = Math.max(1, Math.ceil(blockSamples / bins));
      const nBlocks = Math.ceil(ch.samples / blockSamples);
      for (let b = 0; b < nBlocks; b++) tasks.push({ channel: ch, block: b, blockSamples, binSamples, traceSamples: Math.round(cfg.report.traceSeconds * ch.fs), config: cfg });
    }
    const compact = ref.kind === 'memory' && cfg.runtime.precision === 'float32' ? compactSource(ref, cfg.runtime.precisionBound) : undefined;
    return {
      name, ingest: ing, config: rc, source: compact?.ref ?? ref, input, fingerprint, resumeKey, settingsKey, tasks, ...(cache ? { cache } : {}),
      ...(compact ? { memory: compact.memory } : {}), ingestSeconds: (performance.now() - t0) / 1000,
    };
  } finally {
    if (typeof source === 'string') await rec.close();
  }
}

export interface FinishOptions {
  out?: string;
  /** Runs the feature jobs of stage 6; inline when absent. */
  runner?: TaskRunner;
  /** Source of the peak RSS written to the manifest (else `run.peakRssMB`). */
  monitor?: MemoryMonitor;
  blockSeconds: number;
  blocks: BlockRunStats;
  recovery: RecoveryStats;
  run: Omit<RunInfo, 'wallSeconds'> & { t0: number };
  checkpoints?: CheckpointStats;
  progress?: (stage: StageName, fraction: number) => void;
  /** Measures the run's CPU split, read again just before the manifest is written. */
  cpu?: CpuMeter;
  /**
   * Called once the feature jobs are done, when the caller owns `runner`: its threads can end
   * before packaging, which then runs without their heaps (tens of MB on a long record).
   */
  release?: () => Promise<void>;
}

/** The merge of a record's block results, made as they come so that their copies are freed early. */
export function recordMerge(plan: RecordPlan): RecordMerge {
  return new RecordMerge(plan.ingest.channels, plan.tasks, plan.config.values);
}

/**
 * Stages 5-8 on the record's block results: a merge that has them all, or the results themselves
 * (in any order; the array is emptied once merged, so that their copies can be freed before the
 * feature stage).
 */
export async function finishRecord(plan: RecordPlan, blocks: BlockResult[] | RecordMerge, opts: FinishOptions): Promise<RecordResult> {
  const cfg = plan.config.values;
  const progress = opts.progress ?? (() => undefined);
  const stages: StageReport[] = [{ stage: 'ingest', seconds: plan.ingestSeconds, counts: { channels: plan.ingest.channels.length, blocks: plan.ingest.plan.blocks, samples: plan.ingest.channels.reduce((a, c) => a + c.samples, 0) }, warnings: plan.ingest.warnings }];
  let merge: RecordMerge;
  if (Array.isArray(blocks)) {
    merge = recordMerge(plan);
    for (const r of blocks) merge.add(r);
    blocks.length = 0;
  } else {
    merge = blocks;
  }
  const channels = merge.finish();
  // Stages 2-4 run interleaved inside each block task; their reports split the block time by measured share.
  const sums = channels.reduce((a, c) => ({ screen: a.screen + c.timings.screen, process: a.process + c.timings.process, validate: a.validate + c.timings.validate }), { screen: 0, process: 0, validate: 0 });
  const total = sums.screen + sums.process + sums.validate || 1;
  const count = (pred: (w: Windows, i: number) => boolean) => {
    let n = 0;
    for (const c of channels) for (let i = 0; i < windowCount(c.windows); i++) if (pred(c.windows, i)) n++;
    return n;
  };
  const { reducedBelow, skipBelow } = cfg.quality;
  const unusable = qualityLevels.indexOf('unusable');
  const blockStages: ['screen' | 'process' | 'validate', Record<string, number>][] = [
    ['screen', { windows: count(() => true), full: count((w, i) => w.screenScore[i]! >= reducedBelow), reduced: count((w, i) => w.screenScore[i]! >= skipBelow && w.screenScore[i]! < reducedBelow), skip: count((w, i) => w.screenScore[i]! < skipBelow) }],
    // Where each block came from (computed, cache, checkpoint) varies by run: it is in the manifest's run section.
    ['process', { blocks: plan.tasks.length, failed: opts.blocks.skipped, beats: channels.reduce((a, c) => a + c.beats.sample.length, 0) }],
    ['validate', { downgraded: count((w, i) => levelOf(w.score[i]!) !== levelOf(w.screenScore[i]!)), unusable: count((w, i) => w.level[i] === unusable) }],
  ];
  for (const [stage, counts] of blockStages) stages.push({ stage, seconds: (opts.blockSeconds * sums[stage]) / total, counts, warnings: [] });

  let stageStart = performance.now();
  const endStage = (stage: StageName, counts: Record<string, number>, warnings: string[] = []) => {
    const t = performance.now();
    stages.push({ stage, seconds: (t - stageStart) / 1000, counts, warnings });
    stageStart = t;
    progress(stage, 1);
  };

  // Results of blocks skipped, or computed by the fallback detector, are not what the settings give:
  // record-level entries made from them would be served to later runs that have every block right.
  const asConfigured = opts.blocks.skipped === 0 && opts.recovery.outcomes.fallback === 0;
  // The files of a run with the same inputs, settings, record name and release, when every block
  // was computed: the same bytes again, nothing to render (the manifest is still this run's).
  const outputCache = plan.cache && plan.fingerprint && opts.out !== undefined && asConfigured ? new ProcessingCache(plan.cache) : undefined;
  const outputKey = cacheKey('outputs', `${OUTPUT_STAGE_VERSION}/${FEATURE_STAGE_VERSION}/${BLOCK_STAGE_VERSION}/${version}`, plan.fingerprint, { name: plan.name, warnings: plan.ingest.warnings });
  const packaged = await outputCache?.get<PackagedBytes>(outputKey);

  // beats.csv and quality.csv are final now: written while the feature jobs run (awaited in stage 8).
  const tables = opts.out !== undefined && !packaged ? writeSignalTables(channels, join(opts.out, plan.name)) : undefined;
  tables?.catch(() => undefined);

  // Stage 5: segmentation.
  const segments = channels.map((c) => segmentChannel(c.plan, c.windows, cfg));
  endStage('segment', { segments: segments.reduce((a, s) => a + s.length, 0) });

  // Stage 6: features, as jobs on the pool (inline without one), or from the cache when the same
  // inputs and settings were processed before with every block as configured.
  const featureCache = plan.cache && asConfigured ? new ProcessingCache(plan.cache) : undefined;
  const featureKey = cacheKey('features', FEATURE_STAGE_VERSION, plan.fingerprint, {});
  let computed = await featureCache?.get<ChannelFeatures>(featureKey);
  if (!computed) {
    const t = performance.now();
    // Loaded here: a run served from the cache never needs the feature code.
    const { extractFeatures } = await import('./features.js');
    computed = await extractFeatures(channels, segments, cfg, opts.runner ?? createRunner({ workers: 0 }));
    await featureCache?.set(featureKey, computed, performance.now() - t);
  }
  if (featureCache) mergeStats(opts.blocks.cache, featureCache.stats);
  const { perChannel, recordFeatures, warnings } = computed;
  const features = perChannel.flat();
  if (opts.release) {
    opts.cpu?.keep(opts.blocks.threads.map((t) => Number(t.thread)));
    await opts.release();
  }
  endStage('features', { rows: features.length }, warnings);

  // Stage 7: quality-aware summaries.
  const summaries = channels.map((c, i) => summarizeChannel(c.plan, c.windows, segments[i]!, perChannel[i]!, c.beats.sample.length, recordFeatures[i]!));
  endStage('summarize', { channels: summaries.length, excludedSegments: summaries.reduce((a, s) => a + s.excludedSegments, 0) });

  const { t0, ...run } = opts.run;
  const result: RecordResult = {
    name: plan.name, ingest: plan.ingest, config: plan.config, channels, segments, features, summaries, stages,
    blocks: opts.blocks, recovery: opts.recovery, input: plan.input, run: { ...run, wallSeconds: (performance.now() - t0) / 1000 },
    ...(plan.memory ? { memory: plan.memory } : {}),
  };
  if (opts.monitor) {
    opts.monitor.sample();
    result.run.peakRssMB = opts.monitor.peakRss / 2 ** 20;
    result.run.throttled = opts.monitor.throttled;
  }

  // Stage 8: packaging (it adds its own stage report before writing the manifest).
  if (outputCache) mergeStats(opts.blocks.cache, outputCache.stats);
  if (plan.cache) await addCacheStats(plan.cache.dir, opts.blocks.cache);
  if (opts.out !== undefined) {
    const t = performance.now();
    result.files = await packageRecord(result, join(opts.out, plan.name), {
      stageStart,
      ...(packaged ? { packaged } : {}),
      ...(outputCache ? { store: { maxBytes: cfg.cache.outputMaxMB * 2 ** 20, save: async (bytes: PackagedBytes) => {
        // Its own cache object: the write's figures go into the manifest and the cache's totals.
        const c = new ProcessingCache(plan.cache!);
        await c.set(outputKey, bytes, performance.now() - t);
        mergeStats(opts.blocks.cache, c.stats);
        await addCacheStats(plan.cache!.dir, c.stats);
      } } } : {}),
      cache: plan.cache ? opts.blocks.cache : undefined,
      ...(opts.checkpoints ? { checkpoints: opts.checkpoints } : {}),
      ...(tables ? { tables } : {}),
      ...(opts.monitor ? { peakRssMB: () => opts.monitor!.peakRss / 2 ** 20 } : {}),
      ...(opts.cpu ? { cpu: () => opts.cpu!.split(opts.blocks.threads.map((t) => Number(t.thread))) } : {}),
    });
    progress('package', 1);
  } else {
    endStage('package', { files: 0 });
  }
  return result;
}

export async function processRecording(source: Source, opts: ProcessOptions = {}): Promise<RecordResult> {
  const t0 = performance.now();
  const cpu = (opts.measureCpu ?? !opts.runner) ? new CpuMeter() : undefined;
  if (opts.out !== undefined) preloadParquet().catch(() => undefined);
  // The blocks need only the resume key; the input's digest (for the manifest and the record's
  // cache entries) comes from a thread of its own while they run, unless the cache remembers it.
  const plan = await planRecord(source, { ...opts, deferInputHash: true });
  const hashing = new AbortController();
  const digest = plan.input.sha256 === '' ? hashFilesInThread(plan.input.files, hashing.signal) : undefined;
  digest?.catch(() => undefined);
  const progress = progressReporter(plan.name, t0, opts.onProgress);
  progress('ingest', 1);
  const cfg = plan.config.values;
  const recovery = emptyRecoveryStats();
  const runner = opts.runner ?? createRunner({ workers: cfg.runtime.workers <= 1 ? 0 : cfg.runtime.workers, timeoutSeconds: cfg.runtime.taskTimeoutSeconds, heapMB: workerHeapMB(cfg) });
  const monitor = new MemoryMonitor(cfg.runtime.memoryBudgetMB * 2 ** 20).start();
  const blockWall = performance.now();
  try {
    // A record seen before with the same content and settings: an index of its blocks' cache
    // entries, so that none of its samples need reading or hashing again. Its key needs the
    // input's digest: a record whose digest is not remembered was not seen under this identity,
    // and its blocks' own entries still serve it if its content was.
    // Its entries are read with blocking calls: the thread waits for them anyway, and a thread-pool
    // turn per call (read, decompress, touch) cost more than the reads of small entries.
    const recordCache = plan.cache && !opts.faults ? new ProcessingCache({ ...plan.cache, blocking: true }) : undefined;
    const indexKey = () => cacheKey('record-blocks', `${RECORD_BLOCKS_VERSION}/${BLOCK_STAGE_VERSION}`, plan.fingerprint, {});
    const index = plan.fingerprint ? await recordCache?.get<BlockIndex>(indexKey()) : undefined;
    const merge = recordMerge(plan);
    const keys = new Array<string | undefined>(plan.tasks.length).fill(undefined);
    let todo = plan.tasks.map((_, i) => i);
    if (recordCache && index?.keys.length === plan.tasks.length) {
      todo = await readIndexedBlocks(recordCache, index.keys, (i, r) => { merge.add(r); keys[i] = index.keys[i]; });
    }
    const served = plan.tasks.length - todo.length;
    let stats: BlockRunStats = { tasks: plan.tasks.length, fromCheckpoint: 0, cacheHits: served, cache: emptyStats(), computed: 0, skipped: 0, taskMs: 0, threads: [] };
    let blockEnd: number | undefined;
    if (todo.length === 0) {
      progress('validate', 1);
    } else {
      const run = await runBlocks(todo.map((i) => plan.tasks[i]!), {
        runner, source: plan.source, config: cfg, ...(plan.cache ? { cache: plan.cache } : {}), ...(opts.checkpoints ? { checkpoints: opts.checkpoints } : {}),
        fingerprint: plan.resumeKey, monitor, maxInFlight: maxInFlight(cfg), recovery, ...(opts.faults ? { faults: opts.faults } : {}),
        sink: (j, r, key) => { merge.add(r); keys[todo[j]!] = key; },
        onDone: (done, total) => progress('validate', (served + done) / (served + total)),
      });
      stats = { ...run, tasks: plan.tasks.length, cacheHits: run.cacheHits + served };
      blockEnd = performance.now();
      if (digest) await settleDigest(plan, await digest);
      if (recordCache && stats.skipped === 0 && recovery.outcomes.fallback === 0 && keys.every((k) => k !== undefined)) await recordCache.set(indexKey(), { keys } satisfies BlockIndex, blockEnd - blockWall);
    }
    if (recordCache) mergeStats(stats.cache, recordCache.stats);
    const blockSeconds = ((blockEnd ?? performance.now()) - blockWall) / 1000;
    const result = await finishRecord(plan, merge, {
      ...(opts.out !== undefined ? { out: opts.out } : {}),
      runner, monitor, blockSeconds, blocks: stats, recovery,
      run: { t0, workers: runner.workers, peakRssMB: 0, throttled: monitor.throttled, speedup: blockSeconds > 0 ? stats.taskMs / 1000 / blockSeconds : 1 },
      ...(opts.checkpoints ? { checkpoints: opts.checkpoints.stats } : {}),
      ...(cpu ? { cpu } : {}),
      ...(opts.runner ? {} : { release: () => runner.close() }),
      progress,
    });
    return result;
  } finally {
    hashing.abort();
    monitor.stop();
    if (!opts.runner) await runner.close();
  }
}
