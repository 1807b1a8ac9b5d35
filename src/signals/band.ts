/** Argument checks and the band-pass design shared by the signal modules. */
import { butter } from '../dsp/iir-design.js';
import type { Sos } from '../dsp/types.js';

export function checkFs(fs: number): void {
  if (!(fs > 0) || !Number.isFinite(fs)) throw new RangeError(`fs must be a positive number, got ${fs}`);
}

/** A pass band [low, high] in Hz with 0 < low < high. */
export function checkBand([lo, hi]: readonly [number, number]): void {
  if (!(lo > 0) || !(hi > lo)) throw new RangeError(`bandHz must be [low, high] with 0 < low < high, got [${lo}, ${hi}]`);
}

/** Butterworth band-pass [lo, hi] Hz as sections, its upper edge lowered to 0.45 fs when fs is low. */
export function bandpassSos(band: [number, number], order: number, fs: number): Sos {
  checkBand(band);
  const [lo, hi] = band;
  if (!Number.isInteger(order) || order < 1) throw new RangeError(`order must be a positive integer, got ${order}`);
  const top = Math.min(hi, 0.45 * fs);
  if (!(top > lo)) throw new RangeError(`fs (${fs} Hz) is too low for the band [${lo}, ${hi}] Hz`);
  return butter(order, [lo, top], { btype: 'bandpass', fs });
}

/** Largest magnitude of the band-passed signal against the input's below which it is round-off. */
const ROUND_OFF = 1e-9;

/**
 * True when `band` (the input band-passed) holds only the round-off of filtering: no sample above
 * 1e-9 of the input's largest magnitude. A constant input, a lead off at a non-zero level, filters
 * to values about 1e-16 of its level, which detectors whose thresholds are relative to the signal
 * would read as beats (ECG, PPG) or breaths. Real signals stay far above: an ECG of 1 mV on an offset of 30,000 ADC units
 * is at about 1e-2.
 */
export function onlyRoundOff(x: ArrayLike<number>, band: ArrayLike<number>): boolean {
  let big = 0, top = 0;
  for (let i = 0; i < x.length; i++) big = Math.max(big, Math.abs(x[i]!));
  for (let i = 0; i < band.length; i++) top = Math.max(top, Math.abs(band[i]!));
  return top <= ROUND_OFF * big;
}
