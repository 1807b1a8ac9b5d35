/**
 * `processRecording`: one record through the eight stages. Stages 2-4 run as block tasks on a
 * TaskRunner (inline or worker threads) through the cache, with checkpoints after every block and
 * every later stage; stages 5-8 run here on the merged, small results.
 */
import { join } from 'node:path';
import type { OpenOptions } from '../io/open.js';
import type { ResolvedConfig } from '../config/resolve.js';
import { resolveConfig, type ResolveOptions } from '../config/resolve.js';
import type { Config } from '../config/schema.js';
import { sha256 } from '../runtime/atomic.js';
import type { CacheOptions } from '../runtime/cache.js';
import type { CheckpointStore } from '../runtime/checkpoint.js';
import { MemoryMonitor, maxInFlight } from '../runtime/memory.js';
import { createRunner, type TaskRunner } from '../runtime/pool.js';
import { emptyRecoveryStats, type RecoveryStats } from '../runtime/recovery.js';
import type { Fault } from '../runtime/block-worker.js';
import { ingest, type ChannelChoice } from './ingest.js';
import { processorFor } from './processors.js';
import { runBlocks, type BlockRunStats } from './run-blocks.js';
import { mergeChannel, type ChannelData } from './merge.js';
import { segmentChannel } from './segment.js';
import { channelFeatures, recordBeatFeatures } from './features.js';
import { summarizeChannel, type ChannelSummary } from './summarize.js';
import { openProcessingSource, recordingFiles, hashFiles, type Source } from './source.js';
import { packageRecord, type PackagedFiles } from './package.js';
import type { BlockTask } from './block.js';
import type { FeatureRow, IngestResult, ProgressEvent, Segment, StageName, StageReport } from './types.js';

export interface ProcessOptions extends ChannelChoice {
  /** Output folder; the record's files go to `<out>/<record name>/`. Without it nothing is written. */
  out?: string;
  /** Resolved settings, or how to resolve them (file, env, --set). default: factory defaults + environment */
  config?: ResolvedConfig | ResolveOptions;
  /** Reader options (format, fs, columns) for file sources. */
  open?: OpenOptions;
  /** A runner shared by a batch; otherwise one is made for this record from `runtime.workers`. */
  runner?: TaskRunner;
  /** Use the processing cache (folder from `cache.dir`). default: config `cache.enabled` when `out` is set */
  cache?: boolean;
  /** Checkpoint store of the session; none when absent. */
  checkpoints?: CheckpointStore;
  onProgress?: (e: ProgressEvent) => void;
  /** Faults injected into block tasks by index, first attempt only (to exercise recovery). */
  faults?: Record<number, Fault>;
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
  run: { workers: number; wallSeconds: number; peakRssMB: number; throttled: number; speedup: number };
  files?: PackagedFiles;
}

const stageWeight: Record<StageName, number> = { ingest: 0.02, screen: 0.3, process: 0.4, validate: 0.13, segment: 0.02, features: 0.08, summarize: 0.01, package: 0.04 };

function resolved(c: ProcessOptions['config'], data: { fs: number; channels: number; samples: number }): ResolvedConfig {
  if (c && 'values' in c) return c;
  return resolveConfig({ ...(c ?? {}), data });
}

export async function processRecording(source: Source, opts: ProcessOptions = {}): Promise<RecordResult> {
  const t0 = performance.now();
  const stages: StageReport[] = [];
  const recovery = emptyRecoveryStats();
  let stageStart = t0;
  const endStage = (stage: StageName, counts: Record<string, number>, warnings: string[] = []) => {
    const t = performance.now();
    stages.push({ stage, seconds: (t - stageStart) / 1000, counts, warnings });
    stageStart = t;
  };

  // Stage 1: ingestion.
  const opened = await openProcessingSource(source, opts.open);
  const { rec, ref, name } = opened;
  const progress = (stage: StageName, fraction: number) => {
    if (!opts.onProgress) return;
    const order = Object.keys(stageWeight) as StageName[];
    const before = order.slice(0, order.indexOf(stage)).reduce((a, s) => a + stageWeight[s], 0);
    const overall = Math.min(1, before + stageWeight[stage] * fraction);
    const elapsed = (performance.now() - t0) / 1000;
    opts.onProgress({ record: name, stage, fraction, overall, etaSeconds: overall > 0.02 ? (elapsed * (1 - overall)) / overall : NaN });
  };
  try {
    const sig = rec.signalChannels().map((i) => rec.info.channels[i]!);
    const rc = resolved(opts.config, { fs: Math.max(...sig.map((c) => c.fs)), channels: sig.length, samples: Math.max(...sig.map((c) => c.samples)) });
    const cfg: Config = rc.values;
    const ing = ingest(rec, { signal: opts.signal ?? opened.signalType ?? 'auto', ...(opts.channels ? { channels: opts.channels } : {}) }, cfg);
    const files = recordingFiles(rec.info);
    const input = { files, ...(await hashFiles(files)) };
    const fingerprint = sha256(JSON.stringify([input.sha256, ing.channels, cfg.quality, cfg.pipeline, cfg.segment, cfg.ecg, cfg.ppg, cfg.resp, cfg.eeg, cfg.hrv]));
    endStage('ingest', { channels: ing.channels.length, blocks: ing.plan.blocks, samples: ing.channels.reduce((a, c) => a + c.samples, 0) }, ing.warnings);
    progress('ingest', 1);

    // Stages 2-4: block tasks.
    const tasks: BlockTask[] = [];
    for (const ch of ing.channels) {
      const blockSamples = Math.round(ing.plan.blockSeconds * ch.fs);
      const bins = Math.max(1, Math.round(blockSamples / Math.max(1, Math.ceil(ch.samples / cfg.report.overviewPoints))));
      const binSamples = Math.max(1, Math.ceil(blockSamples / bins));
      const nBlocks = Math.ceil(ch.samples / blockSamples);
      for (let b = 0; b < nBlocks; b++) tasks.push({ channel: ch, block: b, blockSamples, binSamples, traceSamples: Math.round(cfg.report.traceSeconds * ch.fs), config: cfg });
    }
    const runner = opts.runner ?? createRunner({ workers: cfg.runtime.workers <= 1 ? 0 : cfg.runtime.workers, timeoutSeconds: cfg.runtime.taskTimeoutSeconds });
    const monitor = new MemoryMonitor(cfg.runtime.memoryBudgetMB * 2 ** 20).start();
    const useCache = (opts.cache ?? true) && cfg.cache.enabled && (opts.out !== undefined || cfg.cache.dir !== '');
    const cache: CacheOptions | undefined = useCache ? { dir: cfg.cache.dir || join(opts.out!, '.vitaldsp', 'cache'), maxBytes: cfg.cache.maxMB * 2 ** 20, ttlHours: cfg.cache.ttlHours } : undefined;
    const blockWall = performance.now();
    let blockRun;
    try {
      blockRun = await runBlocks(tasks, {
        runner, source: ref, config: cfg, ...(cache ? { cache } : {}), ...(opts.checkpoints ? { checkpoints: opts.checkpoints } : {}),
        fingerprint, monitor, maxInFlight: maxInFlight(cfg), recovery, ...(opts.faults ? { faults: opts.faults } : {}),
        onDone: (done, total) => progress('validate', total ? done / total : 1),
      });
    } finally {
      if (!opts.runner) await runner.close();
    }
    const blockSeconds = (performance.now() - blockWall) / 1000;
    const channels = ing.channels.map((ch) => {
      const proc = processorFor(ch.type, ch.fs, cfg);
      const refractory = Math.round((proc.detector?.refractorySeconds ?? 0) * ch.fs);
      return mergeChannel(ch, blockRun.results.filter((r) => r.channel === ch.index), refractory);
    });
    // The three block stages run interleaved inside each task; their reports split the block time by measured share.
    const sums = channels.reduce((a, c) => ({ screen: a.screen + c.timings.screen, process: a.process + c.timings.process, validate: a.validate + c.timings.validate }), { screen: 0, process: 0, validate: 0 });
    const total = sums.screen + sums.process + sums.validate || 1;
    const windowsAll = channels.flatMap((c) => c.windows);
    const count = (pred: (w: (typeof windowsAll)[number]) => boolean) => windowsAll.filter(pred).length;
    const blockStages: [StageName, Record<string, number>][] = [
      ['screen', { windows: windowsAll.length, full: count((w) => w.screenScore >= cfg.quality.reducedBelow), reduced: count((w) => w.screenScore >= cfg.quality.skipBelow && w.screenScore < cfg.quality.reducedBelow), skip: count((w) => w.screenScore < cfg.quality.skipBelow) }],
      // Where each block came from (computed, cache, checkpoint) varies by run: it is in the manifest's run section.
      ['process', { blocks: tasks.length, failed: blockRun.stats.skipped, beats: channels.reduce((a, c) => a + c.beats.length, 0) }],
      ['validate', { downgraded: count((w) => w.score < w.screenScore), unusable: count((w) => w.level === 'unusable') }],
    ];
    for (const [stage, counts] of blockStages) {
      const share = sums[stage as 'screen'] / total;
      stages.push({ stage, seconds: blockSeconds * share, counts, warnings: [] });
    }
    stageStart = performance.now();

    // Stage 5: segmentation.
    const segments = channels.map((c) => segmentChannel(c.plan, c.windows, cfg));
    endStage('segment', { segments: segments.reduce((a, s) => a + s.length, 0) });
    progress('segment', 1);

    // Stage 6: features.
    const warnings: string[] = [];
    const perChannel = channels.map((c, i) => channelFeatures(c.plan, segments[i]!, c.beats, c.windows, c.epochs, cfg, warnings));
    const features = perChannel.flat();
    const recordFeatures = channels.map((c) => recordBeatFeatures(c.plan, c.beats, c.windows, cfg));
    endStage('features', { rows: features.length }, warnings);
    progress('features', 1);

    // Stage 7: quality-aware summaries.
    const summaries = channels.map((c, i) => summarizeChannel(c.plan, c.windows, segments[i]!, perChannel[i]!, c.beats.length, recordFeatures[i]!));
    endStage('summarize', { channels: summaries.length, excludedSegments: summaries.reduce((a, s) => a + s.excludedSegments, 0) });
    progress('summarize', 1);

    monitor.stop();
    const wallSeconds = (performance.now() - t0) / 1000;
    const result: RecordResult = {
      name, ingest: ing, config: rc, channels, segments, features, summaries, stages, blocks: blockRun.stats, recovery, input,
      run: { workers: runner.workers, wallSeconds, peakRssMB: monitor.peakRss / 2 ** 20, throttled: monitor.throttled, speedup: blockSeconds > 0 ? blockRun.stats.taskMs / 1000 / blockSeconds : 1 },
    };

    // Stage 8: packaging (it adds its own stage report before writing the manifest).
    stageStart = performance.now();
    if (opts.out !== undefined) {
      result.files = await packageRecord(result, join(opts.out, name), {
        stageStart,
        cache: cache ? { hits: blockRun.stats.cacheHits, misses: blockRun.stats.computed } : undefined,
        ...(opts.checkpoints ? { checkpoints: opts.checkpoints.stats } : {}),
      });
    } else {
      endStage('package', { files: 0 });
    }
    progress('package', 1);
    return result;
  } finally {
    if (typeof source === 'string') await rec.close();
  }
}

