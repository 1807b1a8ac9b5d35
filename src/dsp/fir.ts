/**
 * Linear-phase FIR design by the window method, scipy.signal.firwin: the ideal response (a sum of
 * sinc pass-bands between the cutoffs) truncated to numtaps, times a symmetric window, optionally
 * scaled to unit gain at the centre of the first pass-band.
 */
import { getWindow, type WindowSpec } from './windows.js';

/** Options of {@link firwin}. */
export interface FirwinOptions {
  /** Sampling frequency; cutoffs are in the same unit. default: 2 (cutoffs relative to Nyquist = 1) */
  fs?: number;
  /**
   * true: the band from 0 Hz to the first cutoff passes (lowpass / bandstop); false: it is stopped
   * (highpass / bandpass). A string names the filter type and also checks the number of cutoffs.
   * default: true
   */
  passZero?: boolean | 'bandpass' | 'lowpass' | 'highpass' | 'bandstop';
  /** Window applied to the ideal response. default: 'hamming' */
  window?: WindowSpec;
  /** Scale so that the gain is exactly 1 at 0 Hz, at Nyquist, or at the centre of the first pass-band. default: true */
  scale?: boolean;
}

/** numpy.sinc: sin(πx)/(πx), 1 at 0. */
function sinc(x: number): number {
  if (x === 0) return 1;
  const y = Math.PI * x;
  return Math.sin(y) / y;
}

function resolvePassZero(passZero: FirwinOptions['passZero'], nCutoff: number): boolean {
  switch (passZero) {
    case undefined:
    case true:
      return true;
    case false:
      return false;
    case 'lowpass':
    case 'highpass':
      if (nCutoff !== 1) throw new RangeError(`cutoff must have one element for passZero '${passZero}', got ${nCutoff}`);
      return passZero === 'lowpass';
    case 'bandpass':
    case 'bandstop':
      if (nCutoff < 2) throw new RangeError(`cutoff must have at least two elements for passZero '${passZero}', got ${nCutoff}`);
      return passZero === 'bandstop';
    default:
      throw new TypeError(`passZero must be a boolean or 'bandpass', 'lowpass', 'highpass', 'bandstop', got ${String(passZero)}`);
  }
}

/** FIR filter coefficients of length numtaps (scipy.signal.firwin). */
export function firwin(numtaps: number, cutoff: number | ArrayLike<number>, opts: FirwinOptions = {}): Float64Array {
  if (!Number.isInteger(numtaps) || numtaps < 1) throw new RangeError(`numtaps must be a positive integer, got ${numtaps}`);
  const fs = opts.fs ?? 2;
  if (!(fs > 0) || !Number.isFinite(fs)) throw new RangeError(`fs must be a positive finite number, got ${fs}`);
  const nyq = fs / 2;
  const raw = typeof cutoff === 'number' ? [cutoff] : Array.from(cutoff);
  if (raw.length === 0) throw new RangeError('cutoff must hold at least one frequency');
  const cuts = raw.map((c) => c / nyq);
  for (let i = 0; i < cuts.length; i++) {
    if (!(cuts[i]! > 0 && cuts[i]! < 1)) {
      throw new RangeError(`cutoff must be above 0 and below Nyquist (fs/2 = ${nyq}), got ${raw[i]}`);
    }
    if (i > 0 && !(cuts[i]! > cuts[i - 1]!)) throw new RangeError(`cutoff must be strictly increasing, got ${raw.join(', ')}`);
  }
  const passZero = resolvePassZero(opts.passZero, cuts.length);
  const passNyquist = (cuts.length % 2 === 0) === passZero;
  if (passNyquist && numtaps % 2 === 0) {
    throw new RangeError(`numtaps must be odd for a filter that passes Nyquist (highpass or bandstop), got ${numtaps}`);
  }
  // Band edges in pairs [left, right] of pass-bands, 0 and 1 (Nyquist) added as needed.
  const edges = [...(passZero ? [0] : []), ...cuts, ...(passNyquist ? [1] : [])];
  const alpha = 0.5 * (numtaps - 1);
  const h = new Float64Array(numtaps);
  for (let i = 0; i < numtaps; i++) {
    const m = i - alpha;
    let v = 0;
    for (let j = 0; j < edges.length; j += 2) {
      const left = edges[j]!, right = edges[j + 1]!;
      v += right * sinc(right * m);
      v -= left * sinc(left * m);
    }
    h[i] = v;
  }
  const win = getWindow(opts.window ?? 'hamming', numtaps, { sym: true });
  for (let i = 0; i < numtaps; i++) h[i] = h[i]! * win[i]!;
  if (opts.scale ?? true) {
    const left = edges[0]!, right = edges[1]!;
    const f = left === 0 ? 0 : right === 1 ? 1 : 0.5 * (left + right);
    let s = 0;
    for (let i = 0; i < numtaps; i++) s += h[i]! * Math.cos(Math.PI * (i - alpha) * f);
    for (let i = 0; i < numtaps; i++) h[i] = h[i]! / s;
  }
  return h;
}
