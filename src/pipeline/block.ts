/**
 * Stages 2-4 on one block of one channel: the unit of parallel work. A block covers a fixed range
 * of samples [b0, b1) on a grid that depends only on the data and the config, and reads its context
 * on both sides, so its result is the same whichever worker, engine or run computes it.
 *
 *  screen   - SQIs and a score per quality window, on the raw samples (quality/).
 *  process  - zero-phase cleaning of the block with its context; beat detection unless the whole
 *             block is to be skipped; beats in skipped windows are dropped.
 *  validate - per window: correlation of its beats with the block's median beat template,
 *             plausibility of the beat rate, SNR of the physiological band after cleaning versus
 *             before; implausible windows are downgraded (score, level and mode).
 */
import type { Recording } from '../io/recording.js';
import type { Config } from '../config/schema.js';
import { sosfiltfilt } from '../dsp/filtfilt.js';
import { sosfiltfiltPair } from '../dsp/filtfilt-pair.js';
import { medianInPlace } from '../dsp/select.js';
import { bandSnrDb, computeSqis, MIN_WINDOW_SAMPLES } from '../quality/sqi.js';
import { sqiNames } from '../quality/sqi-names.js';
import { levelOf, scoreWindow } from '../quality/score.js';
import { epochFeatures } from './epochs.js';
import { beatColumns } from './merge.js';
import { processorFor, type TypeProcessor } from './processors.js';
import type { BlockResult, ChannelPlan } from './types.js';
import { levelIndex, modeIndex, SKIP, windowCount, windowGrid, windowSamples, type Windows } from './windows.js';
import type { SignalType } from '../signals/signal-type.js';

export interface BlockTask {
  channel: ChannelPlan;
  block: number;
  blockSamples: number;
  /** Samples per envelope bin (divides blockSamples). */
  binSamples: number;
  /** Samples at the start of the record kept at display resolution for the report's trace. */
  traceSamples: number;
  config: Config;
}

const now = () => performance.now();

/**
 * Beat-template correlation (template matching, Orphanidou et al. 2015) scales a window's score by
 * sqrt((r - FLOOR) / (1 - FLOOR)): 1 for identical beats, 0 at FLOOR. It is the index that sees
 * noise inside the physiological band (electrode motion), which the spectral indices cannot.
 */
const TEMPLATE_FLOOR = 0.3;
/** Beats taken into the template median at most (evenly spaced). */
const TEMPLATE_BEATS = 64;

/**
 * Pearson correlation of a[ao..ao+n) with a template given centred (tc = template - its mean) with
 * its sum of squares tss: the template's share of the two-pass formula is computed once per block.
 */
function correlation(a: Float64Array, ao: number, tc: Float64Array, tss: number, n: number): number {
  let sa = 0;
  for (let i = 0; i < n; i++) sa += a[ao + i]!;
  const ma = sa / n;
  let num = 0, da = 0;
  for (let i = 0; i < n; i++) {
    const x = a[ao + i]! - ma;
    num += x * tc[i]!; da += x * x;
  }
  return da > 0 && tss > 0 ? num / Math.sqrt(da * tss) : 0;
}

/**
 * Median beat of the block and each beat's correlation with it (NaN where the window does not fit).
 * The steps are loops in functions of their own, which V8 optimises once each; one function with
 * all of them was compiled again from each loop it entered.
 */
function templateCorrelations(clean: Float64Array, beats: readonly number[], pre: number, post: number): Float64Array {
  const len = pre + post + 1;
  const corr = new Float64Array(beats.length).fill(NaN);
  let first = 0, end = beats.length;
  while (first < end && beats[first]! - pre < 0) first++;
  while (end > first && beats[end - 1]! + post >= clean.length) end--;
  const usable = end - first;
  if (usable < 3) return corr;
  const step = Math.max(1, Math.floor(usable / TEMPLATE_BEATS));
  const template = medianTemplate(clean, beats, first, step, Math.ceil(usable / step), pre, len);
  const tss = centre(template);
  for (let i = first; i < end; i++) corr[i] = correlation(clean, beats[i]! - pre, template, tss, len);
  return corr;
}

/** Sample by sample, the median over `picked` beats (every `step`-th from `first`) of `len` samples from beat - pre. */
function medianTemplate(clean: Float64Array, beats: readonly number[], first: number, step: number, picked: number, pre: number, len: number): Float64Array {
  const template = new Float64Array(len), col = new Float64Array(picked);
  for (let j = 0; j < len; j++) template[j] = medianInPlace(gather(clean, beats, first, step, j - pre, col), picked);
  return template;
}

/** col[k] = clean[beats[first + k step] + shift] for each k of col. */
function gather(clean: Float64Array, beats: readonly number[], first: number, step: number, shift: number, col: Float64Array): Float64Array {
  for (let k = 0; k < col.length; k++) col[k] = clean[beats[first + k * step]! + shift]!;
  return col;
}

/** Subtracts the mean in place; returns the sum of squares about it. */
function centre(v: Float64Array): number {
  let sum = 0;
  for (let j = 0; j < v.length; j++) sum += v[j]!;
  const mean = sum / v.length;
  let ss = 0;
  for (let j = 0; j < v.length; j++) { const y = v[j]! - mean; v[j] = y; ss += y * y; }
  return ss;
}

function medianOf(v: number[]): number {
  if (v.length === 0) return NaN;
  const s = [...v].sort((a, b) => a - b), m = s.length;
  return m % 2 ? s[(m - 1) >> 1]! : 0.5 * (s[m / 2 - 1]! + s[m / 2]!);
}

/**
 * Peak-preserving decimation for display: in each stride, the sample farthest from zero. A typed
 * array: a short record's trace is most of what its block result holds, and the checkpoint, the
 * cache and the merge copy it in one piece instead of value by value.
 */
function decimateForDisplay(x: Float64Array, from: number, to: number, stride: number): Float64Array {
  const out = new Float64Array(Math.max(0, Math.ceil((to - from) / stride)));
  for (let i = from, k = 0; i < to; i += stride, k++) {
    let best = x[i]!;
    for (let j = i + 1; j < Math.min(to, i + stride); j++) if (Math.abs(x[j]!) > Math.abs(best)) best = x[j]!;
    out[k] = best;
  }
  return out;
}

/** The raw samples a block needs: its own range [b0, b1) plus context, starting at s0. */
export interface BlockInput { x: Float64Array; s0: number; b0: number; b1: number }

/**
 * Sample buffers of blocks read and not yet computed, for reuse: a block is minutes of samples,
 * and a fresh array per block leaves megabytes of garbage per block for the collector (tens of
 * megabytes per thread between collections). Reads may overlap, so each block owns its buffer
 * from readBlock until releaseBlock.
 */
const freeInputs: Float64Array[] = [];
/** Buffers kept for reuse per thread (blocks in flight on one thread rarely exceed this). */
const FREE_INPUTS = 4;

export async function readBlock(rec: Recording, task: BlockTask, proc: TypeProcessor): Promise<BlockInput> {
  const ch = task.channel, n = ch.samples;
  const b0 = task.block * task.blockSamples, b1 = Math.min(n, b0 + task.blockSamples);
  const s0 = Math.max(0, b0 - proc.contextSamples), s1 = Math.min(n, b1 + proc.contextSamples);
  let buf = freeInputs.pop();
  if (!buf || buf.length < s1 - s0) buf = new Float64Array(task.blockSamples + 2 * proc.contextSamples);
  const x = buf.subarray(0, s1 - s0);
  await rec.read(ch.index, s0, s1, { out: [x] });
  return { x, s0, b0, b1 };
}

/** Returns a block's sample buffer for reuse once nothing refers to it any more. */
export function releaseBlock(input: BlockInput): void {
  if (freeInputs.length < FREE_INPUTS) freeInputs.push(new Float64Array(input.x.buffer));
}

export async function runBlock(rec: Recording, task: BlockTask, proc: TypeProcessor = processorFor(task.channel.type, task.channel.fs, task.config)): Promise<BlockResult> {
  const input = await readBlock(rec, task, proc);
  try {
    return computeBlock(input, task, proc);
  } finally {
    releaseBlock(input);
  }
}

/**
 * The cleaned samples and the detector's band of the block being computed (computeBlock runs
 * start to end without yielding).
 */
let cleanScratch = new Float64Array(0);
let bandScratch = new Float64Array(0);

/*
 * The stages' loops over windows and samples run in functions of their own: V8 optimises each once,
 * where one function holding them all was compiled again from each loop it entered, in every thread.
 */

function allFinite(x: Float64Array): boolean {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i]!)) return false;
  return true;
}

/** Stage 2 for each window of the block: SQIs of the raw samples, score, level and mode. */
function screenWindows(x: Float64Array, s0: number, b0: number, b1: number, win: number, nWin: number, type: SignalType, fs: number, cfg: Config, windows: Windows): void {
  const { mode, score } = windows;
  for (let k = 0; k < nWin; k++) {
    const w0 = b0 + k * win, w1 = Math.min(b1, w0 + win);
    const xs = x.subarray(w0 - s0, w1 - s0);
    // A record's last few samples past its last whole window are too few to score; a window with
    // missing (NaN) or infinite samples has no meaningful indices. Neither is processed.
    const unscored = w1 - w0 < MIN_WINDOW_SAMPLES ? 'length' : allFinite(xs) ? undefined : 'non-finite samples';
    if (unscored) {
      for (const name of sqiNames) windows[name][k] = NaN;
      windows.screenScore[k] = score[k] = 0;
      windows.level[k] = levelIndex('unusable'); mode[k] = modeIndex('skip'); windows.limitedBy[k] = unscored;
      continue;
    }
    const sqis = computeSqis(xs, fs, type);
    const q = scoreWindow(sqis, type, cfg.quality);
    for (const name of sqiNames) windows[name][k] = sqis[name];
    windows.screenScore[k] = score[k] = q.score;
    windows.level[k] = levelIndex(q.level); mode[k] = modeIndex(q.mode); windows.limitedBy[k] = q.limitedBy;
  }
}

/**
 * Stage 4 for each window not skipped: the band SNR gained by cleaning, and with a detector the
 * beat count, the median template correlation of its beats (`perWindow`) and the downgrade of a
 * window whose beats are unlike the template or whose rate is implausible.
 */
function validateWindows(clean: Float64Array, s0: number, b0: number, b1: number, win: number, nWin: number, type: SignalType, fs: number, cfg: Config, proc: TypeProcessor, perWindow: number[][], windows: Windows): void {
  const { mode, score } = windows;
  for (let k = 0; k < nWin; k++) {
    if (mode[k] === SKIP) continue;
    const w0 = b0 + k * win - s0, w1 = Math.min(b1, b0 + (k + 1) * win) - s0;
    if (proc.sos) windows.snrGainDb[k] = bandSnrDb(clean.subarray(w0, w1), fs, type) - windows.snrDb[k]!;
    if (!proc.detector) continue;
    const c = perWindow[k]!.filter((v) => Number.isFinite(v));
    const beats = (windows.beats[k] = perWindow[k]!.length);
    const templateCorr = (windows.templateCorr[k] = medianOf(c));
    const minutes = (windows.end[k]! - windows.start[k]!) / 60;
    const rate = beats / minutes;
    let factor = 1;
    if (Number.isFinite(templateCorr)) factor *= Math.sqrt(Math.min(1, Math.max(0, (templateCorr - TEMPLATE_FLOOR) / (1 - TEMPLATE_FLOOR))));
    if (minutes * 60 >= cfg.quality.windowSeconds * 0.5 && (rate < proc.rateRange[0] || rate > proc.rateRange[1])) factor *= 0.5;
    if (factor < 1) {
      score[k] = windows.screenScore[k]! * factor;
      windows.level[k] = levelIndex(levelOf(score[k]!));
      const m = score[k]! < cfg.quality.skipBelow ? 'skip' : score[k]! < cfg.quality.reducedBelow ? 'reduced' : 'full';
      if (m === 'skip' || (m === 'reduced' && mode[k] === modeIndex('full'))) mode[k] = modeIndex(m);
    }
  }
}

/** Record positions of the beats found in the block's own range, outside skipped windows. */
function ownBeats(found: Int32Array, s0: number, b0: number, b1: number, mode: Uint8Array, windowOf: (p: number) => number): number[] {
  const out: number[] = [];
  for (let i = 0; i < found.length; i++) {
    const p = found[i]! + s0;
    if (p >= b0 && p < b1 && mode[windowOf(p)] !== SKIP) out.push(p);
  }
  return out;
}

/** Minimum and maximum of the cleaned samples in each bin of `bin` samples over [b0, b1). */
function envelopeOf(clean: Float64Array, s0: number, b0: number, b1: number, bin: number): { min: number[]; max: number[] } {
  const envelope = { min: [] as number[], max: [] as number[] };
  for (let i = b0; i < b1; i += bin) {
    const from = i - s0, to = Math.min(b1, i + bin) - s0;
    envelope.min.push(minOf(clean, from, to)); envelope.max.push(maxOf(clean, from, to));
  }
  return envelope;
}

/** Smallest of v[from..to), NaN ignored. */
function minOf(v: Float64Array, from: number, to: number): number {
  let lo = Infinity;
  for (let i = from; i < to; i++) if (v[i]! < lo) lo = v[i]!;
  return lo;
}

/** Largest of v[from..to), NaN ignored. */
function maxOf(v: Float64Array, from: number, to: number): number {
  let hi = -Infinity;
  for (let i = from; i < to; i++) if (v[i]! > hi) hi = v[i]!;
  return hi;
}

/**
 * x itself when every sample is finite; otherwise a copy in which each NaN or infinite sample holds
 * the last finite value before it (the first finite one at the start, 0 when there is none). The
 * filters and detectors need finite input, and the windows that held such samples are screened as
 * unusable on the raw samples, so their beats are dropped: the block's other windows are kept.
 */
function finiteOrHeld(x: Float64Array): Float64Array {
  if (allFinite(x)) return x;
  const y = Float64Array.from(x);
  let last = y.find((v) => Number.isFinite(v)) ?? 0;
  for (let k = 0; k < y.length; k++) {
    if (Number.isFinite(y[k]!)) last = y[k]!;
    else y[k] = last;
  }
  return y;
}

/** Stages 2-4 on samples already read. */
export function computeBlock({ x, s0, b0, b1 }: BlockInput, task: BlockTask, proc: TypeProcessor): BlockResult {
  const { channel: ch, config: cfg } = task;
  const fs = ch.fs;
  const off = b0 - s0;

  // Stage 2: screening on raw samples.
  let t = now();
  const win = windowSamples(cfg.quality.windowSeconds, fs);
  const windows = windowGrid(ch.name, b0, b1, win, fs);
  const nWin = windowCount(windows);
  const { mode } = windows;
  if (proc.detector) windows.beats.fill(0);
  screenWindows(x, s0, b0, b1, win, nWin, ch.type, fs, cfg, windows);
  const screen = now() - t;

  // Stage 3: cleaning and detection, on finite samples.
  t = now();
  const allSkipped = mode.every((m) => m === SKIP);
  const xf = allSkipped ? x : finiteOrHeld(x);
  const detector = allSkipped ? undefined : proc.detector;
  let clean = xf, band: Float64Array | undefined;
  if (proc.sos && !allSkipped) {
    if (cleanScratch.length < x.length) cleanScratch = new Float64Array(x.length);
    // The detector's own band-pass of the same samples runs in the same pass when it has one.
    const bandSos = detector?.bandSos?.(fs);
    if (bandSos) {
      if (bandScratch.length < x.length) bandScratch = new Float64Array(x.length);
      [clean, band] = sosfiltfiltPair(proc.sos, bandSos, xf, cleanScratch.subarray(0, x.length), bandScratch.subarray(0, x.length));
    } else {
      clean = sosfiltfilt(proc.sos, xf, { out: cleanScratch.subarray(0, x.length) });
    }
  }
  const windowOf = (p: number) => Math.min(nWin - 1, Math.floor((p - b0) / win));
  let beatPos = detector ? ownBeats(detector.detect(xf, fs, band), s0, b0, b1, mode, windowOf) : [];
  const process = now() - t;

  // Stage 4: validation.
  t = now();
  const corr = proc.detector ? templateCorrelations(clean, beatPos.map((p) => p - s0), Math.round(proc.templateSeconds[0] * fs), Math.round(proc.templateSeconds[1] * fs)) : new Float64Array(0);
  const perWindow: number[][] = Array.from({ length: nWin }, () => []);
  beatPos.forEach((p, i) => { perWindow[windowOf(p)]!.push(corr[i]!); });
  validateWindows(clean, s0, b0, b1, win, nWin, ch.type, fs, cfg, proc, perWindow, windows);
  beatPos = beatPos.filter((p) => mode[windowOf(p)] !== SKIP);
  const beats = beatColumns(beatPos.length);
  beatPos.forEach((p, i) => { beats.sample[i] = p; beats.amplitude[i] = clean[p - s0]!; beats.level[i] = windows.level[windowOf(p)]!; });
  const validate = now() - t;

  // Report material: envelope bins and, at the record start, a display-resolution trace.
  const envelope = envelopeOf(clean, s0, b0, b1, task.binSamples);
  const stride = Math.max(1, Math.floor(fs / 250));
  const trace = b0 < task.traceSamples ? decimateForDisplay(clean, off, Math.min(b1, task.traceSamples) - s0, stride) : new Float64Array(0);

  return {
    channel: ch.index, block: task.block, windows, beats,
    epochs: epochFeatures(clean, s0, b0, b1, ch, cfg),
    envelope, trace, traceStride: stride,
    timings: { screen, process, validate },
    refractory: Math.round((proc.detector?.refractorySeconds ?? 0) * fs),
  };
}
