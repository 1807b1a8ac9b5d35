/**
 * What each signal type does in the processing stage: its cleaning filter, its beat (pulse, breath)
 * detector, the context a block needs on each side so that both settle, the waveform window used
 * for beat templates, and its plausible rate range. Built once per channel from the config.
 */
import type { Config } from '../config/schema.js';
import type { SignalType } from '../signals/signal-type.js';
import type { BlockDetector } from '../signals/beat-stream.js';
import { butter } from '../dsp/iir-design.js';
import type { Sos } from '../dsp/types.js';
import { impulseSettlingLength } from '../dsp/zero-phase-chunked.js';
import { ecgCleaningSos } from '../signals/ecg-clean.js';
import { RPeakDetector } from '../signals/ecg-detect.js';
import { panTompkinsDetector } from '../signals/ecg-pantompkins.js';
import { PpgDetector } from '../signals/ppg.js';
import { BreathDetector } from '../signals/resp.js';

export interface TypeProcessor {
  type: SignalType;
  /** Cleaning filter, applied zero-phase; undefined for no cleaning. */
  sos: Sos | undefined;
  detector: BlockDetector | undefined;
  /** Samples of context on each side of a block (filter settling and detector context). */
  contextSamples: number;
  /** Beat waveform window around each detection, seconds before and after. */
  templateSeconds: [number, number];
  /** Plausible beats (or breaths) per minute. */
  rateRange: [number, number];
}

/** Relative impulse-response level at which the cleaning filter counts as settled. */
const SETTLE_TOL = 1e-9;

function bandSos(lo: number, hi: number, order: number, fs: number): Sos | undefined {
  const nyq = fs / 2;
  const top = Math.min(hi, 0.45 * fs);
  if (lo > 0 && top > lo) return butter(order, [lo, top], { btype: 'bandpass', fs });
  if (lo > 0 && lo < nyq) return butter(order, lo, { btype: 'highpass', fs });
  if (top > 0 && top < nyq) return butter(order, top, { btype: 'lowpass', fs });
  return undefined;
}

/**
 * Processors already built in this thread, by type, rate and the settings they read: a worker
 * takes hundreds of blocks of one channel, and building one designs two filters, finds the
 * cleaning filter's settling length and gives the detector fresh scratch buffers of a block's size.
 * Detectors keep no state from one slice to the next, so blocks can share them.
 */
const built = new Map<string, TypeProcessor>();
/** Processors kept per thread (a batch of mixed records has a few types and rates). */
const BUILT_MAX = 16;

/** The processor of a signal type at a rate and settings (built once per thread, then shared). */
export function processorFor(type: SignalType, fs: number, cfg: Config): TypeProcessor {
  const settings = type === 'unknown' ? null : cfg[type];
  const key = `${type} ${fs} ${JSON.stringify(settings)}`;
  let p = built.get(key);
  if (!p) {
    if (built.size >= BUILT_MAX) built.clear();
    built.set(key, (p = buildProcessor(type, fs, cfg)));
  }
  return p;
}

function buildProcessor(type: SignalType, fs: number, cfg: Config): TypeProcessor {
  let sos: Sos | undefined, detector: BlockDetector | undefined;
  let templateSeconds: [number, number] = [0.25, 0.4], rateRange: [number, number] = [25, 250];
  switch (type) {
    case 'ecg': {
      sos = ecgCleaningSos(fs, { lowHz: cfg.ecg.lowHz, highHz: cfg.ecg.highHz, order: cfg.ecg.order, powerline: cfg.ecg.powerlineHz });
      const refine = { fiducial: cfg.ecg.fiducial };
      detector = cfg.ecg.detector === 'pantompkins' ? panTompkinsDetector({ refine }) : new RPeakDetector({ refine });
      break;
    }
    case 'ppg':
      sos = bandSos(cfg.ppg.lowHz, cfg.ppg.highHz, cfg.ppg.order, fs);
      detector = new PpgDetector({ bandHz: [cfg.ppg.lowHz, cfg.ppg.highHz] });
      templateSeconds = [0.3, 0.5];
      break;
    case 'resp':
      sos = bandSos(cfg.resp.lowHz, cfg.resp.highHz, cfg.resp.order, fs);
      detector = new BreathDetector();
      templateSeconds = [1, 2];
      rateRange = [3, 60];
      break;
    case 'eeg':
      sos = bandSos(cfg.eeg.lowHz, cfg.eeg.highHz, cfg.eeg.order, fs);
      break;
    case 'unknown':
      break;
  }
  const settle = sos ? impulseSettlingLength(sos, SETTLE_TOL) : 0;
  const context = Math.max(settle, detector ? Math.ceil(detector.contextSeconds * fs) : 0);
  return { type, sos, detector, contextSamples: context, templateSeconds, rateRange };
}
