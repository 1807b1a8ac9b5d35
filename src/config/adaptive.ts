/**
 * The adaptive tier: concrete values for settings left at 'auto', computed from the machine (cores,
 * memory) and, when known, the data (sampling rate, channels, length).
 */
import { availableParallelism, freemem, totalmem } from 'node:os';
import type { ConfigInput } from './schema.js';

export interface MachineFacts {
  cores: number;
  freeMemMB: number;
  totalMemMB: number;
}

export interface DataFacts {
  /** Highest sampling rate among the processed channels, Hz. */
  fs: number;
  channels: number;
  /** Samples per channel. */
  samples: number;
  /** Samples the pipeline will process, over the channels it processes. default: channels x samples */
  work?: number;
}

export function machineFacts(): MachineFacts {
  return { cores: availableParallelism(), freeMemMB: freemem() / 2 ** 20, totalMemMB: totalmem() / 2 ** 20 };
}

/** Per strategy: share of free memory used, its cap in MB, and chunks in flight per worker. */
export const strategyProfile = {
  conservative: { memoryShare: 0.1, capMB: 128, inFlight: 1 },
  balanced: { memoryShare: 0.25, capMB: 256, inFlight: 2 },
  aggressive: { memoryShare: 0.5, capMB: 2048, inFlight: 4 },
} as const;

/** Working copies of a chunk alive while it is processed (raw, filtered, detector buffers, features). */
const COPIES_PER_CHUNK = 12;
/** Samples per channel in one block task. */
const BLOCK_SAMPLES = 600_000;
/** Memory a worker thread costs before it holds any data (V8 isolate and code), MB. */
const WORKER_BASE_MB = 24;
/**
 * Samples of work that justify one more worker thread. Each thread starts an isolate and compiles
 * the processing code for itself (about 0.3-0.4 s of CPU on a 2-core machine), which a short record
 * does not earn back: one 360 Hz ECG channel through the pipeline, median of four rounds each,
 * inline against two threads: 1.67 against 1.87 s for 2 h (2.6 M samples), 2.20 against 2.16 s
 * for 4 h, 3.28 against 2.50 s for 8 h; a 24 h record takes 5.2-6.2 s on two threads against
 * 7.3-8.1 s inline.
 */
const SAMPLES_PER_WORKER = 3_000_000;

type Resolved = Required<{ [S in keyof ConfigInput]: Record<string, unknown> }>;

/** Values for every leaf that may be 'auto', keyed by dotted path. */
export function adaptiveValues(cfg: Resolved, machine: MachineFacts, data?: DataFacts): Record<string, number | string> {
  const strategy = strategyProfile[cfg.runtime.memoryStrategy as keyof typeof strategyProfile];
  const budgetMB = cfg.runtime.memoryBudgetMB === 'auto'
    ? Math.max(64, Math.min(strategy.capMB, Math.floor(machine.freeMemMB * strategy.memoryShare)))
    : (cfg.runtime.memoryBudgetMB as number);
  const byMemory = Math.max(1, Math.floor(budgetMB / (2 * WORKER_BASE_MB)));
  const byWork = data ? Math.max(1, Math.floor((data.work ?? data.channels * data.samples) / SAMPLES_PER_WORKER)) : Infinity;
  const workers = cfg.runtime.workers === 'auto' ? Math.max(1, Math.min(machine.cores, byMemory, byWork)) : (cfg.runtime.workers as number);

  // Chunk length does not depend on the worker count, so results do not either.
  const maxChunk = cfg.io.maxChunkSeconds as number;
  let chunkSeconds = Math.min(600, maxChunk);
  if (data && data.fs > 0) {
    const bytesPerSecond = data.fs * Math.max(1, data.channels) * 8 * COPIES_PER_CHUNK * strategy.inFlight;
    const fit = Math.floor(((budgetMB / 2) * 2 ** 20) / bytesPerSecond);
    // At least 10 s, unless the user's limit is lower: it is an upper bound.
    chunkSeconds = Math.min(maxChunk, Math.max(10, fit));
    if (chunkSeconds >= 60) chunkSeconds -= chunkSeconds % 60;
  }
  // Blocks hold about BLOCK_SAMPLES samples per channel: 300 s up to 2 kHz, shorter above, in whole
  // minutes down to one and then in tens of seconds down to the schema's 10 s.
  const ideal = data && data.fs > 0 ? BLOCK_SAMPLES / data.fs : 300;
  const blockSeconds = ideal >= 60 ? Math.min(300, 60 * Math.floor(ideal / 60)) : Math.max(10, 10 * Math.floor(ideal / 10));
  // Aggressive trades memory for speed and keeps float64; the others store in-memory signals compactly.
  const precision = cfg.runtime.memoryStrategy === 'aggressive' ? 'float64' : 'float32';
  return { 'runtime.precision': precision, 'runtime.memoryBudgetMB': budgetMB, 'runtime.workers': workers, 'io.chunkSeconds': chunkSeconds, 'pipeline.blockSeconds': blockSeconds };
}
