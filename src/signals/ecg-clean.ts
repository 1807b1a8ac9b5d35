/**
 * ECG cleaning: a Butterworth bandpass (default 0.5-40 Hz, the usual monitoring band: 0.5 Hz removes
 * baseline wander and keeps the ST segment shape acceptable, 40 Hz removes most muscle noise and
 * powerline harmonics) plus an optional powerline notch (scipy.signal.iirnotch, Q = 30).
 *
 * `cleanEcg` is zero-phase (scipy.signal.sosfiltfilt semantics, odd padding), so waves keep their
 * timing; `EcgCleaner` is the causal equivalent for streams, carrying filter state across blocks so
 * that cleaning a signal in pieces gives exactly the same output as cleaning it in one call.
 */
import { butter } from '../dsp/iir-design.js';
import { iirnotch } from '../dsp/notch.js';
import { sosfiltfilt } from '../dsp/filtfilt.js';
import { SosFilter } from '../dsp/sosfilt.js';
import type { Sos } from '../dsp/types.js';
import { checkFs } from './band.js';

export interface CleanEcgOptions {
  /** Highpass edge in Hz (0 for none). default: 0.5 */
  lowHz?: number;
  /** Lowpass edge in Hz; lowered to 0.45 fs when fs is too low for it (0 for none). default: 40 */
  highHz?: number;
  /** Butterworth order of each edge (the bandpass has twice this order). default: 2 */
  order?: number;
  /** Powerline frequency to notch out: 50, 60, or 0 for no notch. default: 0 */
  powerline?: 0 | 50 | 60;
  /** Quality factor of the notch. default: 30 */
  notchQ?: number;
}

/** The second-order sections that `cleanEcg` applies (bandpass, then the notch section if any). */
export function ecgCleaningSos(fs: number, opts: CleanEcgOptions = {}): Sos {
  checkFs(fs);
  const nyq = fs / 2;
  const order = opts.order ?? 2;
  if (!Number.isInteger(order) || order < 1) throw new RangeError(`order must be a positive integer, got ${order}`);
  const lo = opts.lowHz ?? 0.5;
  const hiReq = opts.highHz ?? 40;
  const hi = hiReq > 0 ? Math.min(hiReq, 0.45 * fs) : 0;
  if (lo < 0 || lo >= nyq) throw new RangeError(`lowHz must be in [0, fs/2 = ${nyq}), got ${lo}`);
  if (hi > 0 && lo > 0 && hi <= lo) throw new RangeError(`highHz (${hi} after limiting to 0.45 fs) must exceed lowHz (${lo})`);
  let sos: Sos;
  if (lo > 0 && hi > 0) sos = butter(order, [lo, hi], { btype: 'bandpass', fs });
  else if (lo > 0) sos = butter(order, lo, { btype: 'highpass', fs });
  else if (hi > 0) sos = butter(order, hi, { btype: 'lowpass', fs });
  else sos = [[1, 0, 0, 1, 0, 0]];
  const pl = opts.powerline ?? 0;
  if (pl !== 0 && pl !== 50 && pl !== 60) throw new RangeError(`powerline must be 0, 50 or 60, got ${String(pl)}`);
  if (pl > 0 && pl < nyq) {
    const { b, a } = iirnotch(pl, opts.notchQ ?? 30, fs);
    sos = [...sos, [b[0]!, b[1]!, b[2]!, a[0]!, a[1]!, a[2]!]];
  }
  return sos;
}

/** Zero-phase cleaned copy of `x` (sampled at `fs` Hz). */
export function cleanEcg(x: ArrayLike<number>, fs: number, opts: CleanEcgOptions = {}): Float64Array {
  const input = x instanceof Float64Array ? x : Float64Array.from(x);
  return sosfiltfilt(ecgCleaningSos(fs, opts), input);
}

/** Causal cleaner for streams: feed consecutive blocks to `process`; state carries over between calls. */
export class EcgCleaner {
  private readonly filter: SosFilter;

  constructor(readonly fs: number, opts: CleanEcgOptions = {}) {
    this.filter = new SosFilter(ecgCleaningSos(fs, opts));
  }

  /** Cleans the next block, into `out` when given (it may be `x` itself). */
  process(x: Float64Array, out?: Float64Array): Float64Array {
    return this.filter.process(x, out);
  }

  /** Forgets the past, as before the first block. */
  reset(): void {
    this.filter.reset();
  }
}
