/**
 * Stage 6, feature extraction per segment. ECG and PPG: beat intervals inside the segment (an
 * interval spanning a skipped window is not an interval), artefact correction (flags counted,
 * never silent), then HRV. Respiration: breathing rate and its variability. EEG: the epoch rows
 * computed in the blocks. Every row carries its segment's quality, coverage and level.
 */
import type { Config } from '../config/schema.js';
import { hrv } from '../features/hrv.js';
import { correctRR } from '../signals/rr-correct.js';
import type { Beat, ChannelPlan, FeatureRow, Segment, WindowRow } from './types.js';

/** Fewer NN intervals than this in a segment and its HRV is not computed. */
const MIN_INTERVALS = 30;

/** For each beat, whether the interval ending at it is usable (previous beat exists, no skipped window between). */
export function intervalValidity(beats: readonly Beat[], windows: readonly WindowRow[], fs: number, windowSeconds: number): boolean[] {
  const skippedBefore = new Int32Array(windows.length + 1);
  windows.forEach((w, k) => { skippedBefore[k + 1] = skippedBefore[k]! + (w.mode === 'skip' ? 1 : 0); });
  const win = (p: number) => Math.min(windows.length - 1, Math.floor(p / fs / windowSeconds));
  return beats.map((b, i) => {
    if (i === 0) return false;
    const a = win(beats[i - 1]!.sample), c = win(b.sample);
    return skippedBefore[c]! - skippedBefore[a + 1]! === 0 || c === a;
  });
}

function segmentBase(s: Segment): FeatureRow {
  return { channel: s.channel, start_s: s.start, end_s: s.end, quality: s.quality, coverage: s.coverage, level: s.level };
}

function beatFeatures(ch: ChannelPlan, seg: Segment, beats: readonly Beat[], valid: readonly boolean[], lo: number, hi: number, cfg: Config, warnings: string[]): FeatureRow {
  const rr: number[] = [];
  for (let i = Math.max(lo, 1); i < hi; i++) if (valid[i] && i - 1 >= lo) rr.push(((beats[i]!.sample - beats[i - 1]!.sample) / ch.fs) * 1000);
  const row: FeatureRow = { ...segmentBase(seg), beats: hi - lo, intervals: rr.length };
  if (ch.type === 'resp') {
    const mean = rr.reduce((a, v) => a + v, 0) / (rr.length || NaN);
    const sd = Math.sqrt(rr.reduce((a, v) => a + (v - mean) ** 2, 0) / Math.max(1, rr.length - 1));
    row.breathing_rate = 60_000 / mean;
    row.breath_interval_cv = sd / mean;
    return row;
  }
  const corrected = correctRR(Float64Array.from(rr));
  row.artefacts = corrected.flags.reduce((a, f) => a + (f === 'normal' ? 0 : 1), 0);
  row.hr_mean = rr.length ? 60_000 / (rr.reduce((a, v) => a + v, 0) / rr.length) : NaN;
  if (corrected.nn.length < MIN_INTERVALS) {
    warnings.push(`${ch.name} ${seg.start}-${seg.end} s: ${corrected.nn.length} NN intervals, too few for HRV`);
    return row;
  }
  const h = hrv(corrected.nn, { conventions: cfg.hrv.conventions });
  for (const [k, v] of Object.entries(h)) if (k !== 'warnings' && typeof v === 'number') row[k] = v;
  return row;
}

/** Feature rows of one channel's segments. */
export function channelFeatures(ch: ChannelPlan, segments: readonly Segment[], beats: readonly Beat[], windows: readonly WindowRow[], epochs: readonly FeatureRow[], cfg: Config, warnings: string[]): FeatureRow[] {
  if (ch.type === 'eeg') {
    return epochs.map((e) => {
      const seg = segments.find((s) => Math.abs(s.start - (e.start_s as number)) < 1e-9);
      return seg ? { ...segmentBase(seg), ...e } : e;
    });
  }
  if (ch.type === 'unknown') return segments.map(segmentBase);
  const valid = intervalValidity(beats, windows, ch.fs, cfg.quality.windowSeconds);
  const out: FeatureRow[] = [];
  let lo = 0;
  for (const seg of segments) {
    const a = Math.round(seg.start * ch.fs), b = Math.round(seg.end * ch.fs);
    while (lo < beats.length && beats[lo]!.sample < a) lo++;
    let hi = lo;
    while (hi < beats.length && beats[hi]!.sample < b) hi++;
    out.push(beatFeatures(ch, seg, beats, valid, lo, hi, cfg, warnings));
  }
  return out;
}

/** Record-level HRV (or breathing) over every usable interval of the channel. */
export function recordBeatFeatures(ch: ChannelPlan, beats: readonly Beat[], windows: readonly WindowRow[], cfg: Config): Record<string, number> {
  if (ch.type !== 'ecg' && ch.type !== 'ppg' && ch.type !== 'resp') return {};
  const valid = intervalValidity(beats, windows, ch.fs, cfg.quality.windowSeconds);
  const whole: Segment = { channel: ch.name, type: ch.type, start: 0, end: ch.samples / ch.fs, quality: NaN, coverage: NaN, level: 'fair' };
  const row = beatFeatures(ch, whole, beats, valid, 0, beats.length, cfg, []);
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(row)) if (typeof v === 'number' && !['start_s', 'end_s', 'quality', 'coverage'].includes(k)) out[k] = v;
  return out;
}
