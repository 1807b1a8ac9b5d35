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
