/**
 * Synthetic photoplethysmogram with known pulse peaks and onsets, for testing pulse detectors.
 *
 * Each pulse is the sum of two Gaussian waves, as in the Gaussian decompositions of the PPG pulse
 * (Rubins 2008, "Finger and ear photoplethysmogram waveform analysis by fitting with Gaussians", Med
 * Biol Eng Comput 46(12):1271-1276): a systolic wave, and a later, lower and wider diastolic
 * (reflected) wave. The systolic width scales with sqrt(interval) and the diastolic delay with
 * interval^0.75, so fast rates keep separate pulses and lose the dicrotic notch; the diastolic width
 * grows with the interval so that the wave decays into the next upstroke, as the diastolic run-off of
 * a real PPG does, and every pulse has a well-defined foot. *
 * Reference fiducials are taken from the noise-free pulse train (before wander, motion and noise):
 * the peak is its maximum within the systolic wave, the onset its minimum between the previous peak
 * and this one. Everything random comes from a seeded generator, so a seed reproduces the signal.
 */
import { seededRandom, gaussian, positive, nonNegative } from './random.js';

export interface MotionBurst {
  /** Start in s. */
  start: number;
  /** Length in s. */
  seconds: number;
  /** RMS of the artefact over the burst, relative to the pulse amplitude. */
  amplitude: number;
}

export interface SyntheticPpgOptions {
  /** Sampling rate in Hz. default: 100 */
  fs?: number;
  /** Duration in s. default: 60 */
  seconds?: number;
  /** Mean pulse rate in beats/min. default: 70 */
  heartRate?: number;
  /** Beat-to-beat interval variability: standard deviation as a fraction of the mean interval. default: 0.05 */
  rrStd?: number;
  /** Diastolic wave amplitude relative to the systolic wave. default: 0.4 */
  diastolic?: number;
  /** White measurement noise, standard deviation relative to the pulse amplitude (1). default: 0.01 */
  noise?: number;
  /** Baseline wander amplitude relative to the pulse amplitude (two slow sinusoids). default: 0 */
  baselineWander?: number;
  /** Baseline wander frequency in Hz (the second component runs at 0.37 times it). default: 0.2 */
  baselineHz?: number;
  /** Motion artefacts: smooth random noise (about 0-4 Hz) in the given intervals. default: none */
  motionBursts?: MotionBurst[];
  /** Seed of the pseudo-random generator. default: 1 */
  seed?: number;
}

export interface SyntheticPpg {
  /** Signal, pulse amplitude about 1. */
  signal: Float64Array;
  /** Sample index of each systolic peak of the noise-free pulse train. */
  peaks: Int32Array;
  /** Sample index of each pulse onset (foot) of the noise-free pulse train, one per peak (-1 when before the signal). */
  onsets: Int32Array;
  fs: number;
}

/** Adds a Gaussian wave (centre and sigma in samples) into x over +-5 sigma. */
function addWave(x: Float64Array, centre: number, sigma: number, a: number): void {
  const lo = Math.max(0, Math.floor(centre - 5 * sigma));
  const hi = Math.min(x.length - 1, Math.ceil(centre + 5 * sigma));
  const inv = 1 / (2 * sigma * sigma);
  for (let i = lo; i <= hi; i++) {
    const d = i - centre;
    x[i]! += a * Math.exp(-d * d * inv);
  }
}

/** Generates the signal and its reference peaks and onsets. */
export function syntheticPpg(opts: SyntheticPpgOptions = {}): SyntheticPpg {
  const fs = positive('fs', opts.fs ?? 100);
  const seconds = positive('seconds', opts.seconds ?? 60);
  const meanRR = 60 / positive('heartRate', opts.heartRate ?? 70);
  const rrStd = nonNegative('rrStd', opts.rrStd ?? 0.05);
  const dia = nonNegative('diastolic', opts.diastolic ?? 0.4);
  const noise = nonNegative('noise', opts.noise ?? 0.01);
  const bw = nonNegative('baselineWander', opts.baselineWander ?? 0);
  const bwHz = positive('baselineHz', opts.baselineHz ?? 0.2);
  const rand = seededRandom(opts.seed ?? 1);
  const n = Math.round(seconds * fs);
  // The pulse train is rendered with a margin of a few pulses on each side and then cut, so the
  // signal opens and closes mid-pulse as a recording does and every listed pulse has its true foot.
  const margin = Math.ceil(3 * meanRR * fs);
  const clean = new Float64Array(n + 2 * margin);

  // Pulse times (systolic wave centres) in samples of the extended buffer.
  const times: number[] = [];
  let t = 0.5 * meanRR * rand();
  while (t < (n + 2 * margin) / fs) {
    times.push(t);
    t += meanRR * Math.max(0.6, 1 + rrStd * gaussian(rand));
  }
  for (let k = 0; k < times.length; k++) {
    const rr = k + 1 < times.length ? times[k + 1]! - times[k]! : meanRR;
    const s = Math.sqrt(Math.min(rr, 1.6));
    const amp = 0.95 + 0.1 * rand();
    addWave(clean, times[k]! * fs, 0.075 * s * fs, amp);
    // Diastolic wave: its delay shrinks faster than the systolic width at fast rates (the notch
    // fades, as in real pulses), and its width grows with the interval so that it runs off into the
    // next upstroke.
    addWave(clean, (times[k]! + 0.3 * Math.pow(Math.min(rr, 1.6), 0.75)) * fs, (0.06 + 0.18 * rr) * fs, dia * amp);
  }

  // Fiducials from the noise-free train: the maximum near each systolic centre, then the minimum
  // between consecutive peaks. Listed: pulses whose peak lies in the signal.
  const w = Math.max(1, Math.round(0.15 * fs));
  const pk: number[] = [], on: number[] = [];
  let prev = -1;
  for (let k = 0; k < times.length; k++) {
    const c = Math.min(clean.length - 1, Math.round(times[k]! * fs));
    let best = c;
    for (let i = Math.max(0, c - w); i <= Math.min(clean.length - 1, c + w); i++) if (clean[i]! > clean[best]!) best = i;
    if (prev >= 0 && best >= margin && best < margin + n) {
      let low = best;
      for (let i = best; i > prev; i--) if (clean[i]! < clean[low]!) low = i;
      pk.push(best - margin);
      on.push(low >= margin ? low - margin : -1);
    }
    prev = best;
  }
  const peaks = Int32Array.from(pk), onsets = Int32Array.from(on);

  const x = clean.slice(margin, margin + n);
  const ph1 = 2 * Math.PI * rand(), ph2 = 2 * Math.PI * rand();
  for (let i = 0; i < n; i++) {
    const ti = i / fs;
    let v = x[i]!;
    if (bw !== 0) v += bw * (0.7 * Math.sin(2 * Math.PI * bwHz * ti + ph1) + 0.3 * Math.sin(2 * Math.PI * 0.37 * bwHz * ti + ph2));
    if (noise !== 0) v += noise * gaussian(rand);
    x[i] = v;
  }
  for (const b of opts.motionBursts ?? []) addMotion(x, fs, b, rand);
  return { signal: x, peaks, onsets, fs };
}

/**
 * Motion artefact: white noise smoothed twice over 0.1 s (a band of about 0-4 Hz whatever fs is)
 * under a Hann envelope, with the requested RMS over the burst.
 */
function addMotion(x: Float64Array, fs: number, b: MotionBurst, rand: () => number): void {
  const i0 = Math.max(0, Math.round(b.start * fs));
  const i1 = Math.min(x.length, Math.round((b.start + b.seconds) * fs));
  const len = i1 - i0;
  if (len <= 0) return;
  const m = Math.max(1, Math.round(0.1 * fs));
  const pad = 2 * m;
  const raw = new Float64Array(len + 2 * pad);
  for (let i = 0; i < raw.length; i++) raw[i] = gaussian(rand);
  const once = boxcar(raw, m);
  const twice = boxcar(once, m);
  // Hann envelope so the burst starts and ends smoothly, scaled so its RMS over the burst is exact.
  const shaped = new Float64Array(len);
  let ss = 0;
  for (let i = 0; i < len; i++) {
    const env = 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / len);
    shaped[i] = env * twice[pad + i]!;
    ss += shaped[i]! * shaped[i]!;
  }
  const gain = ss > 0 ? b.amplitude / Math.sqrt(ss / len) : 0;
  for (let i = 0; i < len; i++) x[i0 + i]! += gain * shaped[i]!;
}

/** Trailing moving average over m samples (the first m - 1 outputs average fewer samples). */
function boxcar(v: Float64Array, m: number): Float64Array {
  const out = new Float64Array(v.length);
  let acc = 0;
  for (let i = 0; i < v.length; i++) {
    acc += v[i]!;
    if (i >= m) acc -= v[i - m]!;
    out[i] = acc / Math.min(i + 1, m);
  }
  return out;
}
