/**
 * Stage 8, packaging: the record's files in `<out>/<record>/`: beats.csv, quality.csv,
 * features.csv and .parquet, summary.json, report.html, and manifest.json written last (so a folder
 * with a manifest is complete). Everything but the manifest's `run` section and stage timings is a
 * function of the inputs and settings only.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileVersion } from '../io/file.js';
import { readFileSync } from 'node:fs';
import { explainConfig } from '../config/resolve.js';
import { columnsOf, csvCell, formatNumber, writeCsvLines, writeCsvTable, type Row } from '../output/table.js';
import { qualityLevels } from '../quality/score.js';
import { writeParquetTable } from '../output/parquet.js';
import { renderReport } from '../output/report.js';
import { sqiNames } from '../quality/sqi-names.js';
import type { CheckpointStats } from '../runtime/checkpoint.js';
import type { CpuSplit } from '../runtime/thread-cpu.js';
import { hitRate, type CacheStats } from '../runtime/cache.js';
import type { RecordResult } from './process.js';
import type { ChannelData } from './merge.js';
import { hasBeats } from '../signals/signal-type.js';
import { processingModes, windowCount } from './windows.js';

export interface PackagedFiles {
  beats?: string;
  quality: string;
  features: string;
  featuresParquet: string;
  summary: string;
  report: string;
  manifest: string;
}

export interface PackageExtras {
  stageStart: number;
  /**
   * The files but the manifest as a run with the same inputs and settings wrote them, by name in
   * the record folder: written as they are instead of rendered again.
   */
  packaged?: PackagedBytes;
  /**
   * Called with the files but the manifest once written (not when `packaged` was given), before the
   * manifest, when they total at most `maxBytes`.
   */
  store?: { maxBytes: number; save: (bytes: PackagedBytes) => Promise<void> };
  cache: CacheStats | undefined;
  checkpoints?: CheckpointStats;
  /** beats.csv and quality.csv, when `writeSignalTables` was started earlier. */
  tables?: Promise<SignalTables>;
  /** Peak RSS so far in MB, read again just before the manifest so that packaging counts too. */
  peakRssMB?: () => number;
  /** The run's CPU split so far, likewise. */
  cpu?: () => CpuSplit | undefined;
}

export interface SignalTables { beats?: string; quality: string }

/** A record folder's files but the manifest, by file name. */
export type PackagedBytes = Record<string, Uint8Array>;

/** The release, in the manifest and in the key of cached outputs (their format is the release's). */
export const version = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Non-finite numbers as null, so JSON keeps them as "no value" explicitly. */
function json(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n';
}

/**
 * beats.csv and quality.csv, which depend only on the merged block results: they can be written
 * while the feature jobs run.
 */
export async function writeSignalTables(channels: readonly ChannelData[], dir: string): Promise<SignalTables> {
  await mkdir(dir, { recursive: true });
  const files: SignalTables = { quality: join(dir, 'quality.csv') };
  if (channels.some((c) => hasBeats(c.plan.type))) {
    files.beats = join(dir, 'beats.csv');
    const lines = function* (): Generator<string> {
      for (const c of channels) {
        const { sample, amplitude, level } = c.beats, fs = c.plan.fs, name = csvCell(c.plan.name);
        for (let i = 0; i < sample.length; i++) {
          yield `${sample[i]!},${formatNumber(sample[i]! / fs)},${name},${formatNumber(amplitude[i]!)},${qualityLevels[level[i]!]!}`;
        }
      }
    };
    await writeCsvLines(files.beats, ['sample', 'time_s', 'channel', 'amplitude', 'level'], lines());
  }
  // Column names of the SQIs, made once rather than per window.
  const sqiCols = sqiNames.map((k) => [k, snake(k)] as const);
  const qualityCols = ['start_s', 'end_s', 'channel', 'score', 'level', 'mode', ...sqiCols.map(([, c]) => c), 'screen_score', 'template_corr', 'snr_gain_db', 'beats', 'limited_by'];
  const qualityRows = function* (): Generator<Row> {
    for (const c of channels) {
      const w = c.windows;
      for (let i = 0; i < windowCount(w); i++) {
        const row: Row = {
          start_s: w.start[i]!, end_s: w.end[i]!, channel: w.channel, score: w.score[i]!, level: qualityLevels[w.level[i]!]!, mode: processingModes[w.mode[i]!]!,
          screen_score: w.screenScore[i]!, template_corr: w.templateCorr[i]!, snr_gain_db: w.snrGainDb[i]!, beats: w.beats[i]!, limited_by: w.limitedBy[i]!,
        };
        for (const [k, col] of sqiCols) row[col] = w[k][i]!;
        yield row;
      }
    }
  };
  await writeCsvTable(files.quality, qualityRows(), qualityCols);
  return files;
}

async function totalBytes(paths: readonly string[]): Promise<number> {
  let n = 0;
  for (const p of paths) n += (await fileVersion(p)).size;
  return n;
}

export async function packageRecord(r: RecordResult, dir: string, extras: PackageExtras): Promise<PackagedFiles> {
  const packaged = extras.packaged;
  if (packaged) await mkdir(dir, { recursive: true });
  const tables: SignalTables = packaged
    ? { quality: join(dir, 'quality.csv'), ...(packaged['beats.csv'] ? { beats: join(dir, 'beats.csv') } : {}) }
    : await (extras.tables ?? writeSignalTables(r.channels, dir));
  const files: PackagedFiles = {
    ...tables, features: join(dir, 'features.csv'), featuresParquet: join(dir, 'features.parquet'),
    summary: join(dir, 'summary.json'), report: join(dir, 'report.html'), manifest: join(dir, 'manifest.json'),
  };
  if (packaged) {
    for (const [name, bytes] of Object.entries(packaged)) await writeFile(join(dir, name), bytes);
  } else {
    const featureCols = columnsOf(r.features, ['channel', 'start_s', 'end_s', 'quality', 'coverage', 'level']);
    await writeCsvTable(files.features, r.features, featureCols);
    await writeParquetTable(files.featuresParquet, r.features, featureCols);
    const warnings = r.stages.flatMap((s) => s.warnings);
    await writeFile(files.summary, json({
      record: r.name, format: r.ingest.info.format, durationSeconds: r.ingest.info.duration, startTime: r.ingest.info.startTime ?? null,
      channels: r.summaries, warnings,
    }));
    await writeFile(files.report, renderReport(r));
    const written = Object.entries(files).filter(([k]) => k !== 'manifest').map(([, path]) => path as string);
    if (extras.store && (await totalBytes(written)) <= extras.store.maxBytes) {
      const bytes: PackagedBytes = {};
      for (const path of written) bytes[path.slice(dir.length + 1)] = await readFile(path);
      await extras.store.save(bytes);
    }
  }

  r.stages.push({ stage: 'package', seconds: (performance.now() - extras.stageStart) / 1000, counts: { files: Object.keys(files).length }, warnings: [] });
  const cacheStats = extras.cache ? { ...extras.cache, hitRate: hitRate(extras.cache) } : null;
  if (extras.peakRssMB) r.run.peakRssMB = extras.peakRssMB();
  const cpu = extras.cpu?.();
  if (cpu) r.run.cpu = cpu;
  await writeFile(files.manifest, json({
    vitaldsp: version,
    input: { path: r.ingest.info.path, files: r.input.files, bytes: r.input.bytes, sha256: r.input.sha256 },
    channels: r.ingest.channels,
    plan: { blockSeconds: r.ingest.plan.blockSeconds, blocks: r.ingest.plan.blocks, complexity: r.ingest.plan.complexity },
    config: explainConfig(r.config).map(({ key, value, tier, source }) => ({ key, value, tier, source })),
    stages: r.stages,
    outputs: Object.fromEntries(Object.entries(files).map(([k, v]) => [k, (v as string).slice(dir.length + 1)])),
    run: {
      workers: r.run.workers, wallSeconds: r.run.wallSeconds, peakRssMB: r.run.peakRssMB, memoryThrottled: r.run.throttled,
      parallelSpeedup: r.run.speedup, cpu: r.run.cpu ?? null, memory: r.memory ?? null, blocks: r.blocks, cache: cacheStats, recovery: r.recovery, checkpoints: extras.checkpoints ?? null,
    },
  }));
  return files;
}
