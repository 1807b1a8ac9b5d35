/**
 * Stage 7, quality-aware output: record-level figures that use only segments of acceptable quality
 * (fair or better), weighted by segment quality, and say how much of the record they rest on:
 * coverage (share of segments used) and a confidence per feature (coverage times the mean quality
 * of the segments used). Nothing is silently averaged over noise.
 */
import { qualityLevels, type QualityLevel } from '../quality/score.js';
import type { ChannelPlan, FeatureRow, Segment } from './types.js';
import { SKIP, windowCount, type Windows } from './windows.js';

const acceptable: ReadonlySet<QualityLevel> = new Set(['excellent', 'good', 'fair']);
const notFeatures = new Set(['channel', 'start_s', 'end_s', 'quality', 'coverage', 'level']);

export interface FeatureSummary {
  /** Quality-weighted mean over acceptable segments. */
  value: number;
  segmentsUsed: number;
  segmentsTotal: number;
  confidence: number;
}

export interface ChannelSummary {
  channel: string;
  type: string;
  durationSeconds: number;
  /** Mean window score over the whole channel. */
  meanQuality: number;
  /** Seconds of signal per quality level. */
  secondsByLevel: Record<QualityLevel, number>;
  /** Share of the channel's time that was processed (not skipped). */
  processedFraction: number;
  beats: number;
  /** Features over the whole channel (e.g. HRV over every usable interval). */
  record: Record<string, number>;
  /** Segment features aggregated with quality weights. */
  segments: Record<string, FeatureSummary>;
  excludedSegments: number;
}

export function summarizeChannel(ch: ChannelPlan, windows: Windows, segments: readonly Segment[], rows: readonly FeatureRow[], beats: number, record: Record<string, number>): ChannelSummary {
  const secondsByLevel: Record<QualityLevel, number> = { excellent: 0, good: 0, fair: 0, poor: 0, unusable: 0 };
  let scoreTime = 0, time = 0, processed = 0;
  for (let i = 0; i < windowCount(windows); i++) {
    const d = windows.end[i]! - windows.start[i]!;
    secondsByLevel[qualityLevels[windows.level[i]!]!] += d;
    scoreTime += windows.score[i]! * d;
    time += d;
    if (windows.mode[i] !== SKIP) processed += d;
  }
  const used = rowSegments(rows, segments).filter((x) => x.s && acceptable.has(x.s.level));
  const keys = new Set<string>();
  for (const r of rows) for (const [k, v] of Object.entries(r)) if (!notFeatures.has(k) && typeof v === 'number') keys.add(k);
  const agg: Record<string, FeatureSummary> = {};
  for (const k of keys) {
    let sum = 0, wsum = 0, qsum = 0, n = 0;
    for (const { r, s } of used) {
      const v = r[k];
      if (typeof v !== 'number' || !Number.isFinite(v)) continue;
      sum += v * s!.quality; wsum += s!.quality; qsum += s!.quality; n++;
    }
    agg[k] = {
      value: wsum > 0 ? sum / wsum : NaN,
      segmentsUsed: n,
      segmentsTotal: rows.length,
      confidence: rows.length ? (n / rows.length) * (n ? qsum / n : 0) : 0,
    };
  }
  return {
    channel: ch.name, type: ch.type, durationSeconds: ch.samples / ch.fs,
    meanQuality: time > 0 ? scoreTime / time : 0,
    secondsByLevel, processedFraction: time > 0 ? processed / time : 0,
    beats, record, segments: agg, excludedSegments: rows.length - used.length,
  };
}

/**
 * Each row with the segment it starts with. Rows are not one per segment in order everywhere: EEG
 * rows are the blocks' fixed epochs, while overlapping segments start more often than they do.
 * Both lists are in time order.
 */
function rowSegments(rows: readonly FeatureRow[], segments: readonly Segment[]): { r: FeatureRow; s: Segment | undefined }[] {
  let k = 0;
  return rows.map((r) => {
    const start = r.start_s as number;
    while (k < segments.length && segments[k]!.start < start - 1e-9) k++;
    const s = segments[k];
    return { r, s: s && Math.abs(s.start - start) < 1e-9 ? s : undefined };
  });
}
