import { InvalidArgumentError, Option, type Command } from 'commander';
import type { OpenOptions } from '../io/open.js';
import type { Format } from '../io/recording.js';
import type { ChannelRef } from '../io/recording.js';
import { isSignalType, type SignalType } from '../signals/signal-type.js';

/** Flags that say what to read from each input and how, shared by `process` and `submit`. */
export interface InputFlags {
  signal: string;
  channel?: string[];
  fs?: number;
  column?: string[];
  format?: string;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** Commander parser for --fs: a positive, finite number of Hz. */
export function parseFs(value: string): number {
  const fs = Number(value);
  if (!(fs > 0 && Number.isFinite(fs))) throw new InvalidArgumentError(`fs must be a positive number of Hz, got '${value}'`);
  return fs;
}

export function withInputOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--signal <type>', 'signal type of the processed channels').choices(['ecg', 'ppg', 'eeg', 'resp', 'auto']).default('auto'))
    .option('--channel <ref>', 'channel to process, by index or name (repeatable; "all" for every channel)', collect)
    .option('--fs <hz>', 'sampling rate for text/NPY inputs without one', parseFs)
    .option('--column <name>', 'text inputs: signal column (repeatable)', collect)
    .option('--format <fmt>', 'force the reader: wfdb, edf, bdf, text, npy');
}

/** The pipeline's channel choice and reader options from the flags. */
export function inputChoice(f: InputFlags): { signal: SignalType | 'auto'; channels?: ChannelRef[] | 'all'; open: OpenOptions } {
  const signal = f.signal === 'auto' || isSignalType(f.signal) ? (f.signal as SignalType | 'auto') : 'auto';
  const channels = f.channel?.includes('all') ? 'all' : f.channel?.map((c) => (/^\d+$/.test(c) ? Number(c) : c));
  const open: OpenOptions = { ...(f.fs ? { fs: f.fs } : {}), ...(f.column ? { columns: f.column } : {}), ...(f.format ? { format: f.format as Format } : {}) };
  return { signal, ...(channels ? { channels } : {}), open };
}
