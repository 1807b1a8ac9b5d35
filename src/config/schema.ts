/**
 * Factory defaults: the one typed schema of every setting. Each leaf carries its default and a
 * description; `auto` leaves are filled by the adaptive tier from the machine and the data.
 * Numbers that tune behaviour live here and nowhere else.
 */
import { z } from 'zod';
import { FIDUCIALS } from '../signals/peak-refine.js';

const auto = z.literal('auto');
const posInt = z.number().int().min(1);

const io = z.object({
  chunkSeconds: z.union([z.number().min(1).max(86_400), auto]).default('auto')
    .describe('Samples streamed per chunk, in seconds of signal; auto sizes chunks to the memory budget'),
  maxChunkSeconds: z.number().min(1).max(86_400).default(600)
    .describe('Upper bound of an adaptive chunk, in seconds'),
}).prefault({});

const runtime = z.object({
  workers: z.union([posInt.max(256), auto]).default('auto')
    .describe('Worker threads; auto uses the cores, bounded by memory and by the work available'),
  memoryStrategy: z.enum(['conservative', 'balanced', 'aggressive']).default('balanced')
    .describe('Trade-off between peak memory and speed: chunk size, chunks in flight, precision'),
  memoryBudgetMB: z.union([z.number().min(32).max(1_048_576), auto]).default('auto')
    .describe('Peak memory the run aims to stay under; auto takes a share of free memory set by the strategy'),
  precision: z.enum(['auto', 'float64', 'float32']).default('auto')
    .describe('In-memory signals: float32 where its rounding stays below precisionBound of the range, else float64; auto follows the strategy (aggressive keeps float64)'),
  precisionBound: z.number().positive().max(1e-2).default(1e-6)
    .describe('Largest rounding error float32 may cause, relative to the channel range'),
  taskTimeoutSeconds: z.number().positive().max(86_400).default(600)
    .describe('A task running longer is cancelled and handled by error recovery'),
}).prefault({});

/** A ramp from `bad` (score 0) to `good` (score 1); bad > good means lower is better. */
const ramp = (bad: number, good: number, what: string, source: string) => ({
  bad: z.number().default(bad).describe(`${what}: value scoring 0 (${source})`),
  good: z.number().default(good).describe(`${what}: value scoring 1 (${source})`),
});
const rule = (bad: number, good: number, what: string, source: string) => z.object(ramp(bad, good, what, source)).prefault({});

const quality = z.object({
  flatlineMax: z.number().min(0).max(1).default(0.5)
    .describe('Longest constant run, as a share of the window, beyond which a window is unusable'),
  clippingMax: z.number().min(0).max(1).default(0.1)
    .describe('Share of samples stuck at the window extremes beyond which a window is unusable'),
  ecg: z.object({
    kurtosis: rule(2, 5, 'ECG kurtosis (kSQI)', 'Li & Clifford 2008: clean ECG > 5'),
    qrsPower: rule(0.3, 0.5, 'ECG power 5-15 Hz over 5-40 Hz (pSQI)', 'Li et al. 2008; Zhao & Zhang 2018: 0.5-0.8 clean'),
    baseline: rule(0.8, 0.95, 'ECG 1 - power 0-1 Hz over 0-40 Hz (basSQI)', 'Zhao & Zhang 2018: > 0.95 clean'),
    hfNoise: rule(0.3, 0.05, 'ECG power above 40 Hz over total', 'muscle and sensor noise; Clifford et al. 2012'),
  }).prefault({}),
  ppg: z.object({
    bandPower: rule(0.4, 0.8, 'PPG power 0.5-5 Hz over total', 'pulse band; Elgendi 2016'),
    skewness: rule(-0.5, 0.2, 'PPG skewness of the pulse-oriented signal (SSQI)', 'Elgendi 2016: skewness is the best PPG SQI'),
  }).prefault({}),
  eeg: z.object({
    bandPower: rule(0.4, 0.85, 'EEG power 0.5-45 Hz over total', 'physiological EEG band'),
    kurtosis: rule(10, 4, 'EEG kurtosis (artefact bursts raise it)', 'Delorme et al. 2007, EEGLAB artefact rejection'),
  }).prefault({}),
  resp: z.object({
    bandPower: rule(0.4, 0.8, 'Respiration power 0.05-1 Hz over total', 'breathing band 3-60 breaths/min'),
  }).prefault({}),
  unknown: z.object({
    bandPower: rule(0.3, 0.7, 'power below fs/4 over total', 'generic: energy should sit well below Nyquist'),
  }).prefault({}),
  windowSeconds: z.number().min(1).max(600).default(10)
    .describe('Length of the quality screening window'),
  skipBelow: z.number().min(0).max(1).default(0.2)
    .describe('Windows scoring below this are skipped (mode skip)'),
  reducedBelow: z.number().min(0).max(1).default(0.5)
    .describe('Windows scoring below this (and not skipped) get reduced processing'),
}).prefault({});

const pipeline = z.object({
  blockSeconds: z.union([z.number().min(10).max(86_400), auto]).default('auto')
    .describe('Signal per block task (screen, clean, detect); auto depends on the sampling rate only, so results do not depend on the machine'),
}).prefault({});

const segment = z.object({
  hrvSeconds: z.number().min(10).max(86_400).default(300)
    .describe('HRV analysis segment (5 min, Task Force 1996 short-term recordings)'),
  eegSeconds: z.number().min(1).max(3600).default(30)
    .describe('EEG epoch (30 s, AASM scoring epochs)'),
  respSeconds: z.number().min(10).max(3600).default(60)
    .describe('Respiration analysis segment'),
  overlap: z.number().min(0).max(0.9).default(0)
    .describe('Fraction of a segment shared with the next one'),
}).prefault({});

const bandShape = (lo: number, hi: number, what: string) => ({
  lowHz: z.number().min(0).default(lo).describe(`${what} cleaning band, lower edge (Hz)`),
  highHz: z.number().positive().default(hi).describe(`${what} cleaning band, upper edge (Hz)`),
  order: posInt.max(10).default(2).describe(`${what} Butterworth order (per pass of a zero-phase filter)`),
});
const band = (lo: number, hi: number, what: string) => z.object(bandShape(lo, hi, what)).prefault({});

const ecg = z.object({
  ...bandShape(0.5, 40, 'ECG'),
  powerlineHz: z.union([z.literal(0), z.literal(50), z.literal(60)]).default(0)
    .describe('Mains frequency to notch out; 0 disables the notch'),
  detector: z.enum(['default', 'pantompkins']).default('default').describe('R-peak detector'),
  fiducial: z.enum(FIDUCIALS).default('midpoint')
    .describe('Point of the R wave that marks a beat: extremum, steepest upstroke, or halfway between'),
}).prefault({});

const hrv = z.object({
  conventions: z.enum(['pyhrv', 'hrvanalysis']).default('pyhrv')
    .describe('Which reference package the HRV conventions follow'),
}).prefault({});

const report = z.object({
  overviewPoints: z.number().int().min(100).max(100_000).default(4000)
    .describe('Min/max pairs per channel in the report overview'),
  traceSeconds: z.number().min(0).max(3600).default(300)
    .describe('Seconds from the record start shown at full detail in the zoomable trace'),
}).prefault({});

const cache = z.object({
  enabled: z.boolean().default(true).describe('Reuse stage results computed for the same inputs and settings'),
  dir: z.string().default('').describe("Cache folder; empty means '.vitaldsp/cache' under the output folder"),
  maxMB: z.number().min(1).default(2048).describe('Size limit; least recently used entries are evicted beyond it'),
  ttlHours: z.number().positive().default(168).describe('Base lifetime of an entry, scaled by what it cost to compute'),
  level: z.number().int().min(1).max(9).default(1)
    .describe("gzip level of entries: 1, the fastest (ccache's default level too), to 9, the smallest; writes wait for it"),
  outputMaxMB: z.number().min(0).default(32)
    .describe("A record's packaged files are cached when they total at most this: caching reads them back into memory, and a long record's are large"),
}).prefault({});

const checkpoint = z.object({
  enabled: z.boolean().default(true).describe('Write stage checkpoints so that a killed run resumes'),
  intervalSeconds: z.number().min(0).max(3600).default(1)
    .describe('Finished blocks are checkpointed together at most this often (0: each on its own); a kill loses at most this much work'),
  maxAgeHours: z.number().positive().default(168).describe('Sessions older than this are removed'),
  maxTotalMB: z.number().min(1).default(4096).describe('Oldest sessions are removed beyond this total size'),
}).prefault({});

const recovery = z.object({
  maxRetries: z.number().int().min(0).max(20).default(3).describe('Retries of a failed task before its fallback'),
  backoffMs: z.number().min(0).max(600_000).default(100).describe('First retry delay; doubled on each attempt'),
}).prefault({});

export const configSchema = z.object({
  io, runtime, pipeline, quality, segment,
  ecg,
  ppg: band(0.5, 8, 'PPG'),
  resp: band(0.05, 1, 'Respiration'),
  eeg: band(0.5, 45, 'EEG'),
  hrv, report, cache, checkpoint, recovery,
});

/**
 * Pairs of settings that must stay in order, `low` below `high` (or equal, with `orEqual`): checked
 * after the schema, which sees one value at a time. Every quality ramp's `bad` and `good` must also
 * differ (resolve.ts), or its score would divide by zero.
 */
export const orderedSettings: readonly { low: string; high: string; orEqual: boolean }[] = [
  { low: 'quality.skipBelow', high: 'quality.reducedBelow', orEqual: true },
  ...(['ecg', 'ppg', 'resp', 'eeg'] as const).map((b) => ({ low: `${b}.lowHz`, high: `${b}.highHz`, orEqual: false })),
];

/** Settings as written by a user or the factory: `auto` allowed where the schema says so. */
export type ConfigInput = z.input<typeof configSchema>;
type Settled<T> = T extends 'auto' ? never : T extends object ? { [K in keyof T]: Settled<T[K]> } : T;
/** Settings after the adaptive tier: every `auto` replaced by a concrete value. */
export type Config = Settled<z.output<typeof configSchema>>;
