/**
 * Stage 6, feature extraction per segment. ECG and PPG: beat intervals inside the segment (an
 * interval spanning a skipped window is not an interval), artefact correction (flags counted,
 * never silent), then HRV. Respiration: breathing rate and its variability. EEG: the epoch rows
 * computed in the blocks. Every row carries its segment's quality, coverage and level.
 *
 * The work is cut into feature jobs (groups of consecutive segments, and one job for the whole
 * record) that carry only beat positions and one byte per quality window, so they run on the
 * worker pool beside each other; results are put back in job order.
 */
import type { Config } from '../config/schema.js';
import { hrv } from '../features/hrv.js';
import { correctRR } from '../signals/rr-correct.js';
import { hasBeats } from '../signals/signal-type.js';
import type { ChannelPlan, FeatureRow, Segment } from './types.js';
import { SKIP, type Windows } from './windows.js';
import type { ChannelData } from './merge.js';
import type { TaskRunner } from '../runtime/pool.js';

/** Fewer NN intervals than this in a segment and its HRV is not computed. */
const MIN_INTERVALS = 30;

export interface FeatureJob {
  kind: 'features';
  plan: ChannelPlan;
  /** Consecutive segments of the job, or the whole record for a record-level job. */
  segments: Segment[];
  /**
   * Beat sample indices of the channel within the segments' span (all beats for a record job), in
   * an array of the job's own: a thread pool moves it to the worker, leaving it empty here.
   */
  beats: Int32Array;
  /** 1 for each quality window of the channel (from the record start) that was skipped. */
  skipped: Uint8Array;
  config: Config;
  record: boolean;
}

export interface FeatureJobResult {
  rows: FeatureRow[];
  warnings: string[];
}

/** For each beat, whether the interval ending at it is usable (previous beat exists, no skipped window between). */
export function intervalValidity(beats: Int32Array, skipped: Uint8Array, fs: number, windowSeconds: number): Uint8Array {
  return validity(beats, skippedBefore(skipped), fs, windowSeconds);
}

/** Skipped windows before each window index (prefix sums, one more entry than windows). */
function skippedBefore(skipped: Uint8Array): Int32Array {
  const before = new Int32Array(skipped.length + 1);
  for (let k = 0; k < skipped.length; k++) before[k + 1] = before[k]! + skipped[k]!;
  return before;
}

/** intervalValidity from the prefix sums; each loop is a function V8 optimises once. */
function validity(beats: Int32Array, before: Int32Array, fs: number, windowSeconds: number): Uint8Array {
  const last = before.length - 2;
  const win = (p: number) => Math.min(last, Math.floor(p / fs / windowSeconds));
  const valid = new Uint8Array(beats.length);
  for (let i = 1; i < beats.length; i++) {
    const a = win(beats[i - 1]!), c = win(beats[i]!);
    valid[i] = c === a || before[c]! - before[a + 1]! === 0 ? 1 : 0;
  }
  return valid;
}

function segmentBase(s: Segment): FeatureRow {
  return { channel: s.channel, start_s: s.start, end_s: s.end, quality: s.quality, coverage: s.coverage, level: s.level };
}

/** Intervals (ms) ending at beats lo+1..hi-1 whose `valid` flag is set. */
function intervalsOf(beats: Int32Array, valid: Uint8Array, lo: number, hi: number, fs: number): Float64Array {
  let count = 0;
  for (let i = lo + 1; i < hi; i++) count += valid[i]!;
  const rr = new Float64Array(count);
  for (let i = lo + 1, k = 0; i < hi; i++) if (valid[i]) rr[k++] = ((beats[i]! - beats[i - 1]!) / fs) * 1000;
  return rr;
}

/**
 * Artefact count, mean heart rate and the corrected NN series of the usable intervals (their count
 * goes into `row`). The raw intervals are made and dropped here, not in the caller: at record level
 * both series are millions of values, and the HRV that follows needs only the corrected one.
 */
function corrected(beats: Int32Array, valid: Uint8Array, lo: number, hi: number, fs: number, row: FeatureRow): { nn: Float64Array; artefacts: number; hrMean: number } {
  const rr = intervalsOf(beats, valid, lo, hi, fs);
  row.intervals = rr.length;
  const c = correctRR(rr);
  let sum = 0;
  for (let i = 0; i < rr.length; i++) sum += rr[i]!;
  return { nn: c.nn, artefacts: rr.length - c.counts.normal, hrMean: rr.length ? 60_000 / (sum / rr.length) : NaN };
}

function beatFeatures(ch: ChannelPlan, seg: Segment, beats: Int32Array, valid: Uint8Array, lo: number, hi: number, cfg: Config, warnings: string[]): FeatureRow {
  const row: FeatureRow = { ...segmentBase(seg), beats: hi - lo };
  if (ch.type === 'resp') {
    const rr = intervalsOf(beats, valid, lo, hi, ch.fs);
    row.intervals = rr.length;
    const mean = rr.reduce((a, v) => a + v, 0) / (rr.length || NaN);
    const sd = Math.sqrt(rr.reduce((a, v) => a + (v - mean) ** 2, 0) / Math.max(1, rr.length - 1));
    row.breathing_rate = 60_000 / mean;
    row.breath_interval_cv = sd / mean;
    return row;
  }
  const { nn, artefacts, hrMean } = corrected(beats, valid, lo, hi, ch.fs, row);
  row.artefacts = artefacts;
  row.hr_mean = hrMean;
  if (nn.length < MIN_INTERVALS) {
    warnings.push(`${ch.name} ${seg.start}-${seg.end} s: ${nn.length} NN intervals, too few for HRV`);
    return row;
  }
  const h = hrv(nn, { conventions: cfg.hrv.conventions });
  for (const [k, v] of Object.entries(h)) if (k !== 'warnings' && typeof v === 'number') row[k] = v;
  return row;
}

/** The first index from `from` whose beat is at or after sample `at` (beats ascending). */
function firstAtOrAfter(beats: Int32Array, from: number, at: number): number {
  let i = from;
  while (i < beats.length && beats[i]! < at) i++;
  return i;
}

/** Runs one feature job (in a worker thread or inline). */
export function runFeatureJob(job: FeatureJob): FeatureJobResult {
  const { plan: ch, beats, config: cfg } = job;
  const warnings: string[] = [];
  const valid = intervalValidity(beats, job.skipped, ch.fs, cfg.quality.windowSeconds);
  const rows: FeatureRow[] = [];
  let lo = 0;
  for (const seg of job.segments) {
    lo = firstAtOrAfter(beats, lo, Math.round(seg.start * ch.fs));
    const hi = firstAtOrAfter(beats, lo, Math.round(seg.end * ch.fs));
    rows.push(beatFeatures(ch, seg, beats, valid, lo, hi, cfg, job.record ? [] : warnings));
  }
  return { rows, warnings };
}

/**
 * The feature jobs of one channel: one record-level job, then its segments in up to `groups` runs
 * of consecutive segments. Channels without beats need no jobs. `beats` becomes the record job's
 * own array (the segment jobs get copies of their parts).
 */
export function featureJobs(ch: ChannelPlan, segments: readonly Segment[], beats: Int32Array, windows: Windows, cfg: Config, groups: number): FeatureJob[] {
  if (!hasBeats(ch.type)) return [];
  const skipped = windows.mode.map((m) => (m === SKIP ? 1 : 0));
  // The record-level job is the longest: it goes first so that the segment jobs run beside it.
  const whole: Segment = { channel: ch.name, type: ch.type, start: 0, end: ch.samples / ch.fs, quality: NaN, coverage: NaN, level: 'fair' };
  const jobs: FeatureJob[] = [{ kind: 'features', plan: ch, segments: [whole], beats, skipped, config: cfg, record: true }];
  const per = Math.max(1, Math.ceil(segments.length / Math.max(1, groups)));
  for (let g = 0; g < segments.length; g += per) {
    const segs = segments.slice(g, g + per);
    const a = Math.round(segs[0]!.start * ch.fs), b = Math.round(segs[segs.length - 1]!.end * ch.fs);
    let lo = 0;
    while (lo < beats.length && beats[lo]! < a) lo++;
    let hi = lo;
    while (hi < beats.length && beats[hi]! < b) hi++;
    jobs.push({ kind: 'features', plan: ch, segments: segs, beats: beats.slice(lo, hi), skipped, config: cfg, record: false });
  }
  return jobs;
}

/** Segment rows of channels without beats: EEG epochs computed in the blocks, or quality only. */
export function rowsWithoutBeats(ch: ChannelPlan, segments: readonly Segment[], epochs: readonly FeatureRow[]): FeatureRow[] {
  if (ch.type === 'eeg') {
    return epochs.map((e) => {
      const seg = segments.find((s) => Math.abs(s.start - (e.start_s as number)) < 1e-9);
      return seg ? { ...segmentBase(seg), ...e } : e;
    });
  }
  return segments.map(segmentBase);
}

/** The record-level numbers of a record job's single row (its segment bookkeeping removed). */
export function recordFeaturesOf(row: FeatureRow): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(row)) if (typeof v === 'number' && !['start_s', 'end_s', 'quality', 'coverage'].includes(k)) out[k] = v;
  return out;
}

/** Stage 6 for every channel: segment rows, record-level figures and warnings. */
export interface ChannelFeatures { perChannel: FeatureRow[][]; recordFeatures: Record<string, number>[]; warnings: string[] }

/**
 * Segment jobs per worker and channel: several, so that the threads finish together although a
 * thread's first jobs run slower (its feature code is not compiled yet) and the record-level job
 * takes one thread for a while.
 */
const JOBS_PER_WORKER = 6;

/** Runs the feature jobs of all channels on `runner` and assembles them in order. */
export async function extractFeatures(channels: readonly ChannelData[], segments: readonly Segment[][], cfg: Config, runner: TaskRunner): Promise<ChannelFeatures> {
  const warnings: string[] = [];
  const groups = Math.max(1, runner.workers * JOBS_PER_WORKER);
  const jobs = channels.map((c, i) => featureJobs(c.plan, segments[i]!, Int32Array.from(c.beats.sample), c.windows, cfg, groups));
  const done = await Promise.all(jobs.map((js) => Promise.all(js.map((j) => runner.runFeatures(j)))));
  const perChannel = channels.map((c, i) => {
    if (jobs[i]!.length === 0) return rowsWithoutBeats(c.plan, segments[i]!, c.epochs);
    const parts = done[i]!.slice(1);
    for (const p of parts) warnings.push(...p.warnings);
    return parts.flatMap((p) => p.rows);
  });
  const recordFeatures = channels.map((_, i) => (jobs[i]!.length ? recordFeaturesOf(done[i]![0]!.rows[0]!) : {}));
  return { perChannel, recordFeatures, warnings };
}
