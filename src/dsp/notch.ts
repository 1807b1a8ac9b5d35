/**
 * Second-order IIR notch and peak (resonator) filters, scipy.signal.iirnotch / iirpeak, designed as in
 * S. J. Orfanidis, "Introduction to Signal Processing", 1996, eqs. 11.3.4-11.3.21, with the band
 * edges at -3 dB: bandwidth w0/Q, beta = tan(bw/2), gain 1/(1+beta).
 */

/** Numerator b and denominator a (a[0] = 1) of a second-order filter. */
export interface BiquadBA {
  b: Float64Array;
  a: Float64Array;
}

function design(w0: number, Q: number, fs: number, kind: 'notch' | 'peak'): BiquadBA {
  if (!(fs > 0) || !Number.isFinite(fs)) throw new RangeError(`fs must be a positive finite number, got ${fs}`);
  if (!(w0 > 0 && w0 < fs / 2)) throw new RangeError(`w0 must be above 0 and below Nyquist (fs/2 = ${fs / 2}), got ${w0}`);
  if (!(Q > 0) || !Number.isFinite(Q)) throw new RangeError(`Q must be a positive finite number, got ${Q}`);
  const wn = (2 * w0) / fs;
  const bw = (wn / Q) * Math.PI;
  const w = wn * Math.PI;
  const beta = Math.tan(bw / 2);
  const gain = 1 / (1 + beta);
  const a = Float64Array.of(1, -2 * gain * Math.cos(w), 2 * gain - 1);
  const b = kind === 'notch'
    ? Float64Array.of(gain, gain * (-2 * Math.cos(w)), gain)
    : Float64Array.of(1 - gain, 0, (1 - gain) * -1);
  return { b, a };
}

/** Notch at w0 (same unit as fs) with quality factor Q = w0 / bandwidth (scipy.signal.iirnotch). */
export function iirnotch(w0: number, Q: number, fs = 2): BiquadBA {
  return design(w0, Q, fs, 'notch');
}

/** Resonant peak at w0 with quality factor Q (scipy.signal.iirpeak). */
export function iirpeak(w0: number, Q: number, fs = 2): BiquadBA {
  return design(w0, Q, fs, 'peak');
}
