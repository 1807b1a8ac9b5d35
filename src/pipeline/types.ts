/**
 * What flows between the eight stages. Every stage returns a typed result that also goes, in
 * summary, into the manifest, so a user can see what ran.
 */
import type { RecordingInfo } from '../io/recording.js';
import type { SignalType } from '../signals/signal-type.js';
import type { Sqis } from '../quality/sqi-names.js';
import type { ProcessingMode, QualityLevel } from '../quality/score.js';
import type { Windows } from './windows.js';

export const stageNames = ['ingest', 'screen', 'process', 'validate', 'segment', 'features', 'summarize', 'package'] as const;
export type StageName = (typeof stageNames)[number];

/** A channel chosen for processing, with its inferred (or given) type. */
export interface ChannelPlan {
  index: number;
  name: string;
  fs: number;
  samples: number;
  unit: string;
  type: SignalType;
  /** How the type was decided: given by the caller, from the channel label, from the file name, or not at all. */
  typeFrom: 'given' | 'label' | 'filename' | 'default';
}

export interface ProcessingPlan {
  /** Samples of each block task (a multiple of the quality window). */
  blockSeconds: number;
  blocks: number;
  workers: number;
  /** Rough cost: samples x channels x per-type factor, used for progress ETA and by the scheduler. */
  complexity: number;
}

export interface IngestResult {
  info: RecordingInfo;
  channels: ChannelPlan[];
  plan: ProcessingPlan;
  warnings: string[];
}

/** One quality window of one channel (a row of quality.csv); the pipeline keeps them as columns (windows.ts). */
export interface WindowRow extends Sqis {
  channel: string;
  start: number;
  end: number;
  /** Score before post-processing validation. */
  screenScore: number;
  score: number;
  level: QualityLevel;
  mode: ProcessingMode;
  limitedBy: string;
  /** Beats detected in the window (ECG/PPG/RESP), -1 when not applicable. */
  beats: number;
  /** Median correlation of the window's beats with the channel template, NaN when not applicable. */
  templateCorr: number;
  /** SNR of the physiological band after cleaning minus before, dB. */
  snrGainDb: number;
}

/**
 * The beats, pulses or breaths of one channel, as columns with one entry per beat: on a long record
 * there are millions, which as objects would dominate memory and garbage collection.
 */
export interface Beats {
  /** Sample index at the channel's rate, increasing. */
  sample: Float64Array;
  /** Amplitude at the peak in the cleaned signal. */
  amplitude: Float64Array;
  /** Quality level of the window the beat falls in, as an index into `qualityLevels`. */
  level: Uint8Array;
}

/** The result of stages 2-4 on one block of one channel; blocks are independent tasks. */
export interface BlockResult {
  channel: number;
  block: number;
  windows: Windows;
  beats: Beats;
  /** Per-window feature rows computed on the cleaned samples (EEG band powers), keyed by window start. */
  epochs: FeatureRow[];
  /** Min/max envelope of the cleaned signal for the report's overview, `bins` pairs. */
  envelope: { min: number[]; max: number[] };
  /** Cleaned samples from the record start, one per `traceStride` samples (peak-preserving). */
  trace: Float64Array;
  traceStride: number;
  timings: { screen: number; process: number; validate: number };
  /**
   * Samples within which the detector that found the beats never reports two (0 without one):
   * joining blocks drops a beat closer than this to the last one kept before the seam.
   */
  refractory: number;
}

export interface Segment {
  channel: string;
  type: SignalType;
  start: number;
  end: number;
  /** Mean window score over the segment. */
  quality: number;
  /** Share of the segment's windows that were not skipped. */
  coverage: number;
  level: QualityLevel;
}

export type FeatureRow = Record<string, number | string>;

export interface ProgressEvent {
  record: string;
  stage: StageName;
  /** 0..1 within the stage. */
  fraction: number;
  /** 0..1 over the record. */
  overall: number;
  /** Estimated seconds left for the record; NaN until known. */
  etaSeconds: number;
}

export interface StageReport {
  stage: StageName;
  seconds: number;
  counts: Record<string, number>;
  warnings: string[];
}
