/**
 * Stage 1, ingestion: open the source (detecting its format), validate the metadata, infer each
 * channel's signal type, choose the channels to process, and plan the work from the config's
 * adaptive tier.
 */
import { basename, extname } from 'node:path';
import { FormatError } from '../io/errors.js';
import type { ChannelRef, Recording } from '../io/recording.js';
import { inferSignalType, isSignalType, type SignalType } from '../signals/signal-type.js';
import type { Config } from '../config/schema.js';
import type { ChannelPlan, IngestResult } from './types.js';

export interface ChannelChoice {
  /** Signal type of the processed channels; 'auto' infers it from labels and units. default: 'auto' */
  signal?: SignalType | 'auto';
  /** Channels to process (indices or names), or 'all'. default: the first channel of the primary type (all channels for EEG) */
  channels?: ChannelRef[] | 'all';
}

/** Types in the order they win when a record holds several. */
const primaryOrder: SignalType[] = ['ecg', 'ppg', 'resp', 'eeg', 'unknown'];

/** Relative cost per sample of the type's processing, for the complexity estimate and ETA. */
const costPerSample: Record<SignalType, number> = { ecg: 3, ppg: 2, resp: 1, eeg: 1.5, unknown: 1 };

export function planChannels(rec: Recording, choice: ChannelChoice): { channels: ChannelPlan[]; warnings: string[] } {
  const warnings: string[] = [];
  const { info } = rec;
  const given = choice.signal && choice.signal !== 'auto' ? choice.signal : undefined;
  if (given !== undefined && !isSignalType(given)) throw new RangeError(`signal must be one of ecg, ppg, resp, eeg, unknown or auto, got '${String(given)}'`);
  const byLabel = rec.signalChannels().map((i) => inferSignalType(info.channels[i]!.name, info.channels[i]!.unit));
  // Generic labels ('ch0', 'signal') say nothing; when no label does, the file name may ('..._ppg_100hz.csv').
  const byName = byLabel.every((t) => t === 'unknown') ? inferSignalType(basename(info.path, extname(info.path))) : 'unknown';
  // Each channel's own type first: a type the caller names decides which channels are processed
  // (those that look like it), then becomes the type of every channel processed.
  const candidates = rec.signalChannels().map((i, k): ChannelPlan => {
    const c = info.channels[i]!;
    const guessed = byLabel[k] !== 'unknown' ? byLabel[k]! : byName;
    return { index: i, name: c.name, fs: c.fs, samples: c.samples, unit: c.unit, type: guessed, typeFrom: byLabel[k] !== 'unknown' ? 'label' : guessed !== 'unknown' ? 'filename' : 'default' };
  });
  // FormatError: a batch records the record as failed and goes on, and recovery does not retry it.
  if (candidates.length === 0) throw new FormatError(info.path, 'a signal channel', 'the header', 'no signal channels to process');
  let chosen: ChannelPlan[];
  if (choice.channels === 'all') {
    chosen = candidates;
  } else if (choice.channels && choice.channels.length > 0) {
    chosen = choice.channels.map((ref) => {
      let i: number;
      try {
        i = rec.channelIndex(ref);
      } catch (e) {
        throw new FormatError(info.path, `a channel ${String(ref)}`, 'the header', (e as Error).message.replace(`${info.path}: `, ''), { cause: e });
      }
      const c = candidates.find((p) => p.index === i);
      if (!c) throw new FormatError(info.path, `a signal channel ${String(ref)}`, 'the header', `channel ${String(ref)} is not a signal channel`);
      return c;
    });
  } else {
    const type = given ?? primaryOrder.find((t) => candidates.some((c) => c.type === t))!;
    const ofType = candidates.filter((c) => c.type === type);
    chosen = type === 'eeg' ? ofType : ofType.slice(0, 1);
    if (chosen.length === 0) {
      // A channel that says nothing of itself before one that looks like another type.
      chosen = [candidates.find((c) => c.type === 'unknown') ?? candidates[0]!];
      warnings.push(`no channel looks like ${type}; processing '${chosen[0]!.name}' as ${type}`);
    }
    if (ofType.length > chosen.length) warnings.push(`${ofType.length - chosen.length} more ${type} channel(s) not processed; use --channel to choose`);
  }
  if (given) chosen = chosen.map((c) => ({ ...c, type: given, typeFrom: 'given' }));
  // Outputs tell channels apart by name (beats.csv, features, the report): repeated labels get their index.
  const seen = new Map<string, number>();
  for (const c of chosen) seen.set(c.name, (seen.get(c.name) ?? 0) + 1);
  chosen = chosen.map((c) => (seen.get(c.name)! > 1 ? { ...c, name: `${c.name} (${c.index})` } : c));
  for (const c of chosen) {
    if (c.type === 'unknown') warnings.push(`channel '${c.name}': signal type unknown; only generic quality screening runs (use --signal)`);
    if (!(c.fs > 0) || !Number.isFinite(c.fs)) throw new FormatError(info.path, 'a valid sampling rate', `channel '${c.name}'`, `got ${c.fs}; pass --fs`);
    if (c.samples === 0) warnings.push(`channel '${c.name}' has no samples`);
  }
  return { channels: chosen, warnings };
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * Block length in seconds: the configured value rounded to a whole number of quality windows (and of
 * EEG epochs when both are whole seconds), so windows and epochs never straddle two blocks.
 */
export function blockSecondsFor(cfg: Config): number {
  const w = cfg.quality.windowSeconds, e = cfg.segment.eegSeconds;
  const unit = Number.isInteger(w) && Number.isInteger(e) ? (w * e) / gcd(w, e) : w;
  return Math.max(unit, Math.round(cfg.pipeline.blockSeconds / unit) * unit);
}

export function ingest(rec: Recording, choice: ChannelChoice, cfg: Config): IngestResult {
  const { channels, warnings } = planChannels(rec, choice);
  const blockSeconds = blockSecondsFor(cfg);
  let blocks = 0, complexity = 0;
  for (const c of channels) {
    blocks += Math.ceil(c.samples / Math.round(blockSeconds * c.fs));
    complexity += c.samples * costPerSample[c.type];
  }
  return { info: rec.info, channels, plan: { blockSeconds, blocks, workers: Math.min(cfg.runtime.workers, Math.max(1, blocks)), complexity }, warnings };
}
