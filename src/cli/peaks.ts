/**
 * `vitaldsp peaks <file>`: beat detection over a recording of any size, chunk by chunk (BeatStream),
 * writing one CSV row per beat as soon as it is decided:
 *
 *   sample,time_s,rr_s
 *
 * `sample` is the index at the channel's sampling rate, `time_s` = sample / fs, `rr_s` the interval
 * from the previous beat (empty for the first, and for the first after missing samples: no interval
 * spans a gap). Missing samples (a WFDB reader's invalid values, NaN or NA text cells) are reported
 * on stderr; detection runs on the stretches between them (signals/beat-stream.ts). Detectors are
 * looked up by signal type and name in `beatDetectors`, the extension point for other signal types
 * (PPG, respiration).
 */
import { Command, Option } from 'commander';
import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { once } from 'node:events';
import { FormatError } from '../io/errors.js';
import type { Writable } from 'node:stream';
import { openRecording } from '../io/open.js';
import type { ChannelRef, Recording } from '../io/recording.js';
import { inferSignalType } from '../signals/signal-type.js';
import { streamBeats, type BlockDetector } from '../signals/beat-stream.js';
import { RPeakDetector } from '../signals/ecg-detect.js';
import { panTompkinsDetector } from '../signals/ecg-pantompkins.js';
import { FIDUCIALS, type Fiducial } from '../signals/peak-refine.js';
import { PpgDetector } from '../signals/ppg.js';
import { BreathDetector } from '../signals/resp.js';
import { localPath, parseFs } from './input-options.js';

/** Settings every detector factory receives from the command line. */
export interface DetectorSettings {
  /** Point of the wave that marks a beat. default: 'peak' */
  fiducial?: Fiducial;
}

/** Makes a fresh detector (detectors may hold per-stream scratch state). */
export type DetectorFactory = (settings: DetectorSettings) => BlockDetector;

/**
 * Beat detectors by signal type, then by name; 'default' is used when --detector is not given.
 * Another signal type registers here: `beatDetectors.ppg = { default: () => ... }`.
 */
export const beatDetectors: Record<string, Record<string, DetectorFactory>> = {
  ecg: {
    default: (s) => new RPeakDetector({ refine: { fiducial: s.fiducial ?? 'midpoint' } }),
    pantompkins: (s) => panTompkinsDetector({ refine: { fiducial: s.fiducial ?? 'midpoint' } }),
  },
  ppg: { default: () => new PpgDetector() },
  resp: { default: () => new BreathDetector() },
};

/** The channel to use: the one given, else the first whose label says `signal`, else the first signal channel. */
export function pickChannel(rec: Recording, signal: string, channel?: string): number {
  if (channel !== undefined) {
    const ref: ChannelRef = /^\d+$/.test(channel) ? Number(channel) : channel;
    return rec.channelIndex(ref);
  }
  const chans = rec.signalChannels();
  if (chans.length === 0) throw new RangeError(`${rec.info.path}: no signal channel`);
  const typed = chans.find((i) => inferSignalType(rec.info.channels[i]!.name, rec.info.channels[i]!.unit) === signal);
  return typed ?? chans[0]!;
}

interface PeaksFlags { signal: string; channel?: string; fs?: number; detector: string; out?: string; block: string; fiducial: Fiducial }

/** Refuses an output path whose folder is missing or that is a folder itself, naming it. */
async function checkOutputFile(path: string): Promise<void> {
  const folder = await stat(dirname(path)).catch(() => undefined);
  if (!folder?.isDirectory()) throw new RangeError(`${path}: cannot write there: the folder ${dirname(path)} does not exist`);
  if ((await stat(path).catch(() => undefined))?.isDirectory()) throw new RangeError(`${path}: cannot write there: it is a folder`);
}

/** Writes text to a stream, waiting when it asks the writer to slow down. */
async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

/** Stretches of missing samples seen so far, in order, and the question each beat interval asks of them. */
export class MissingStretches {
  private readonly starts: number[] = [];
  private samples = 0;
  private first = 0;
  private last = 0;
  /** Index of the first stretch that starts after the previous beat asked about. */
  private next = 0;

  add(start: number, end: number): void {
    if (this.starts.length === 0) this.first = start;
    this.starts.push(start);
    this.samples += end - start;
    this.last = end;
  }

  get count(): number {
    return this.starts.length;
  }

  /** Whether a stretch lies between beats a < b (asked in increasing order of a; beats are never in one). */
  between(a: number, b: number): boolean {
    while (this.next < this.starts.length && this.starts[this.next]! < a) this.next++;
    return this.next < this.starts.length && this.starts[this.next]! < b;
  }

  describe(fs: number): string {
    const s = (n: number) => `${+(n / fs).toFixed(3)} s`;
    return `${this.samples} missing samples (${s(this.samples)}) in ${this.count} stretch${this.count === 1 ? '' : 'es'} between ${s(this.first)} and ${s(this.last)}`;
  }
}

export function registerPeaks(program: Command): void {
  program
    .command('peaks')
    .description('detect beats (R peaks for ECG) chunk by chunk and write sample,time_s,rr_s per beat')
    .argument('<file>', 'recording (WFDB, EDF/BDF, text, NPY)')
    .addOption(new Option('--signal <type>', 'signal type').default('ecg'))
    .option('--channel <n|name>', 'channel index or name (default: the first channel labelled as the signal type)')
    .option('--fs <hz>', 'sampling rate for text/NPY files without one', parseFs)
    .option('--detector <name>', 'detector: default or pantompkins (ECG)', 'default')
    .addOption(new Option('--fiducial <point>', 'point marking each beat: the R extremum, the steepest point of its upstroke, or halfway between').choices([...FIDUCIALS]).default('midpoint'))
    .option('--block <s>', 'block length in s of the blockwise detection (memory per block)', '60')
    .option('--out <file>', 'CSV output (default: stdout)', localPath)
    .action(async (file: string, flags: PeaksFlags) => {
      const byName = beatDetectors[flags.signal];
      if (byName === undefined) throw new RangeError(`--signal must be one of ${Object.keys(beatDetectors).join(', ')}, got '${flags.signal}'`);
      const factory = byName[flags.detector];
      if (factory === undefined) throw new RangeError(`--detector for ${flags.signal} must be one of ${Object.keys(byName).join(', ')}, got '${flags.detector}'`);
      const blockSeconds = Number(flags.block);
      if (!(blockSeconds > 0)) throw new RangeError(`--block must be a positive number of seconds, got '${flags.block}'`);

      if (flags.out) await checkOutputFile(flags.out);
      const rec = await openRecording(file, flags.fs !== undefined ? { fs: flags.fs } : {});
      // Beats go to a file beside the output and take its name only once they are complete: a run
      // that fails leaves no output behind, which `eval` would read as no detections.
      const partial = flags.out ? join(dirname(flags.out), `.${basename(flags.out)}.${process.pid}.partial`) : undefined;
      let out: Writable = process.stdout;
      let failure: Error | undefined;
      let done = false;
      try {
        if (rec.info.format === 'npy' && flags.fs === undefined) throw new FormatError(file, 'a sampling rate', 'header', 'NPY files state none: pass --fs');
        const ch = pickChannel(rec, flags.signal, flags.channel);
        const fs = rec.info.channels[ch]!.fs;
        if (partial) {
          out = createWriteStream(partial);
          out.on('error', (e) => { failure ??= e; });
        }
        await write(out, 'sample,time_s,rr_s\n');
        let prev = -1;
        const gaps = new MissingStretches();
        const onMissing = (a: number, b: number) => gaps.add(a, b);
        for await (const beats of streamBeats(rec, ch, factory({ fiducial: flags.fiducial }), { blockSeconds, chunkSeconds: blockSeconds, onMissing })) {
          let text = '';
          for (const s of beats) {
            const rr = prev >= 0 && !gaps.between(prev, s) ? `${+((s - prev) / fs).toFixed(6)}` : '';
            text += `${s},${+(s / fs).toFixed(6)},${rr}\n`;
            prev = s;
          }
          if (failure) throw failure;
          await write(out, text);
        }
        done = true;
        if (gaps.count > 0) console.error(`${file}: ${rec.info.channels[ch]!.name}: ${gaps.describe(fs)}; no beat was sought there and no interval spans them`);
      } finally {
        await rec.close();
        if (out !== process.stdout) {
          out.end();
          await once(out, 'close');
          if (failure) done = false;
        }
        if (partial) {
          if (done) await rename(partial, flags.out!);
          else await rm(partial, { force: true });
        }
      }
      if (failure) throw failure;
    });
}
