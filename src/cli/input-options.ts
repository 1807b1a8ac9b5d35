import { InvalidArgumentError, Option, type Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { findRecordings } from '../io/find-recordings.js';
import { isUrl } from '../io/http-file.js';
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

/** The readers a command can be told to use. */
export const FORMATS: readonly Format[] = ['wfdb', 'edf', 'bdf', 'text', 'npy'];

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** A Commander parser for a number option that `ok` accepts; anything else is a usage error. */
export function numberOption(expected: string, ok: (v: number) => boolean): (value: string) => number {
  return (value) => {
    const v = Number(value);
    if (value.trim() === '' || !ok(v)) throw new InvalidArgumentError(`expected ${expected}, got '${value}'`);
    return v;
  };
}

/** Commander parser for an output path: outputs are written to this machine's files, never to a URL. */
export function localPath(value: string): string {
  if (isUrl(value)) throw new InvalidArgumentError(`outputs are written to local files and folders, got the URL '${value}'`);
  return value;
}

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
    .addOption(new Option('--format <fmt>', 'force the reader (default: detected)').choices(FORMATS));
}

/** The pipeline's channel choice and reader options from the flags. */
export function inputChoice(f: InputFlags): { signal: SignalType | 'auto'; channels?: ChannelRef[] | 'all'; open: OpenOptions } {
  const signal = f.signal === 'auto' || isSignalType(f.signal) ? (f.signal as SignalType | 'auto') : 'auto';
  const channels = f.channel?.includes('all') ? 'all' : f.channel?.map((c) => (/^\d+$/.test(c) ? Number(c) : c));
  const open: OpenOptions = { ...(f.fs ? { fs: f.fs } : {}), ...(f.column ? { columns: f.column } : {}), ...(f.format ? { format: f.format as Format } : {}) };
  return { signal, ...(channels ? { channels } : {}), open };
}

/**
 * The inputs with each folder replaced by the recordings in its tree (io/find-recordings.ts), the
 * output folder left out, each path once; folders that cannot be read are named on stderr. A folder
 * without recordings is a usage error.
 */
export async function expandInputs(inputs: string[], out: string): Promise<string[]> {
  const seen = new Set<string>();
  const expanded: string[] = [];
  for (const input of inputs) {
    let paths = [input];
    if (existsSync(input) && statSync(input).isDirectory()) {
      const found = await findRecordings(input, { skip: [out] });
      for (const u of found.unreadable) console.error(`vitaldsp: folder not read: ${u.path}: ${u.reason}`);
      paths = found.recordings;
      if (paths.length === 0) throw new RangeError(`${input}: no recordings in this folder or below it (WFDB .hea, EDF/BDF, NPY, CSV/TSV/TXT)`);
    }
    for (const p of paths) {
      const key = resolve(p);
      if (!seen.has(key)) { seen.add(key); expanded.push(p); }
    }
  }
  return expanded;
}
