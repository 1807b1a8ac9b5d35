/**
 * Synthetic ECG with known beat times, for testing detectors where no annotated recording exists.
 *
 * Morphology follows the sum-of-Gaussians description of McSharry et al. 2003 (ECGSYN, IEEE TBME
 * 50(3):289-294): each beat is P, Q, R, S and T waves, each a Gaussian bump placed relative to the R
 * peak. Unlike ECGSYN we place the bumps directly in time instead of integrating the ODE, so the R
 * time of every beat is known exactly. The QT-related waves (T) stretch with sqrt(RR) as in ECGSYN
 * (Bazett). Ventricular beats are premature, wide, without P wave and of opposite polarity by default.
 * Everything random comes from a seeded generator, so a seed reproduces the signal at any fs.
 */
import { seededRandom, gaussian, positive } from './random.js';

export interface SyntheticEcgOptions {
  /** Sampling rate in Hz. default: 360 */
  fs?: number;
  /** Duration in s. default: 60 */
  seconds?: number;
  /** Mean heart rate in beats/min. default: 70 */
  heartRate?: number;
  /** Beat-to-beat RR variability: standard deviation as a fraction of the mean RR. default: 0.05 */
  rrStd?: number;
  /** Probability that a beat is a premature ventricular beat. default: 0 */
  ventricularProbability?: number;
  /** R amplitude of normal beats in mV. default: 1 */
  amplitude?: number;
  /** T-wave amplitude relative to R (tall T waves challenge detectors). default: 0.3 */
  tWave?: number;
  /** P-wave amplitude relative to R. default: 0.12 */
  pWave?: number;
  /** Width factor of the Q, R and S waves of normal beats (about 2 for bundle-branch block). default: 1 */
  qrsWidth?: number;
  /** Baseline wander: amplitude in mV of a sum of two slow sinusoids. default: 0 */
  baselineWander?: number;
  /** Baseline wander frequency in Hz (the second component runs at 0.37 times it). default: 0.3 */
  baselineHz?: number;
  /** Powerline interference amplitude in mV. default: 0 */
  powerline?: number;
  /** Powerline frequency in Hz. default: 50 */
  powerlineHz?: number;
  /** White measurement noise, standard deviation in mV. default: 0.01 */
  noise?: number;
  /** Bursts of broadband (0 to about 50 Hz) noise: start and length in s, standard deviation in mV. default: none */
  noiseBursts?: { start: number; seconds: number; std: number }[];
  /** Times in s at which the lead polarity flips (electrode swap). default: none */
  polarityFlips?: number[];
  /** Seed of the pseudo-random generator. default: 1 */
  seed?: number;
}

export interface SyntheticEcg {
  /** Signal in mV. */
  signal: Float64Array;
  /** Sample index of each R peak (the centre of the R wave). */
  beats: Int32Array;
  /** 'N' or 'V' per beat. */
  labels: string[];
  fs: number;
}

/** One Gaussian wave: offset from the R peak in s, amplitude relative to R, width (sigma) in s. */
interface Wave { t: number; a: number; w: number; stretch: boolean }

// Offsets and widths for RR = 1 s; T waves stretch with sqrt(RR).
const NORMAL: Wave[] = [
  { t: -0.2, a: 0.12, w: 0.025, stretch: false },
  { t: -0.028, a: -0.12, w: 0.01, stretch: false },
  { t: 0, a: 1, w: 0.01, stretch: false },
  { t: 0.03, a: -0.25, w: 0.011, stretch: false },
  { t: 0.3, a: 0.3, w: 0.06, stretch: true },
];
const VENTRICULAR: Wave[] = [
  { t: 0, a: -1.3, w: 0.035, stretch: false },
  { t: 0.07, a: 0.25, w: 0.03, stretch: false },
  { t: 0.32, a: 0.45, w: 0.08, stretch: true },
];

/** Generates the signal and its reference beats. */
export function syntheticEcg(opts: SyntheticEcgOptions = {}): SyntheticEcg {
  const fs = positive('fs', opts.fs ?? 360);
  const seconds = positive('seconds', opts.seconds ?? 60);
  const meanRR = 60 / positive('heartRate', opts.heartRate ?? 70);
  const rrStd = opts.rrStd ?? 0.05;
  const pv = opts.ventricularProbability ?? 0;
  const amp = opts.amplitude ?? 1;
  const rand = seededRandom(opts.seed ?? 1);
  const n = Math.round(seconds * fs);
  const x = new Float64Array(n);

  // Beat times first. A ventricular beat comes early (coupling 60 % of the RR, at least 0.25 s) and
  // is followed by a compensatory pause, so the sinus beat after it falls where it would have.
  const times: number[] = [];
  const labels: string[] = [];
  let t = 0.35 + 0.5 * meanRR * rand();
  let nextV = false, prevRR = meanRR;
  while (t < seconds - 0.4) {
    times.push(t);
    labels.push(nextV ? 'V' : 'N');
    const rr = meanRR * Math.max(0.6, 1 + rrStd * gaussian(rand));
    if (nextV) {
      t += Math.max(0.25, 2 * prevRR - (times[times.length - 1]! - times[times.length - 2]!));
      nextV = false;
      continue;
    }
    const v: boolean = times.length > 0 && rand() < pv;
    t += v ? Math.max(0.25, 0.6 * rr) : rr;
    nextV = v;
    prevRR = rr;
  }

  const qw = opts.qrsWidth ?? 1;
  const normal = NORMAL.map((w, i) =>
    i === 0 ? { ...w, a: opts.pWave ?? w.a } : i === 4 ? { ...w, a: opts.tWave ?? w.a } : { ...w, t: w.t * qw, w: w.w * qw });
  const flips = [...(opts.polarityFlips ?? [])].sort((a, b) => a - b);
  const beats = new Int32Array(times.length);
  for (let k = 0; k < times.length; k++) {
    const tr = times[k]!;
    const rr = k > 0 ? tr - times[k - 1]! : meanRR;
    const waves = labels[k] === 'V' ? VENTRICULAR : normal;
    const scale = amp * (0.95 + 0.1 * rand());
    for (const w of waves) {
      const s = w.stretch ? Math.sqrt(Math.min(rr, 1.5)) : 1;
      const centre = (tr + w.t * s) * fs;
      const sigma = w.w * s * fs;
      const lo = Math.max(0, Math.floor(centre - 5 * sigma));
      const hi = Math.min(n - 1, Math.ceil(centre + 5 * sigma));
      const a = w.a * scale, inv = 1 / (2 * sigma * sigma);
      for (let i = lo; i <= hi; i++) {
        const d = i - centre;
        x[i]! += a * Math.exp(-d * d * inv);
      }
    }
    beats[k] = Math.round(tr * fs);
  }

  // Polarity flips act on the cardiac signal only, as swapping electrodes would.
  if (flips.length > 0) {
    let sign = 1, f = 0;
    for (let i = 0; i < n; i++) {
      while (f < flips.length && i >= flips[f]! * fs) { sign = -sign; f++; }
      if (sign < 0) x[i] = -x[i]!;
    }
  }

  const bw = opts.baselineWander ?? 0;
  const bwHz = opts.baselineHz ?? 0.3;
  const pl = opts.powerline ?? 0;
  const plHz = opts.powerlineHz ?? 50;
  const noise = opts.noise ?? 0.01;
  const ph1 = 2 * Math.PI * rand(), ph2 = 2 * Math.PI * rand(), ph3 = 2 * Math.PI * rand();
  for (let i = 0; i < n; i++) {
    const ti = i / fs;
    let v = x[i]!;
    if (bw !== 0) v += bw * (0.7 * Math.sin(2 * Math.PI * bwHz * ti + ph1) + 0.3 * Math.sin(2 * Math.PI * 0.37 * bwHz * ti + ph2));
    if (pl !== 0) v += pl * Math.sin(2 * Math.PI * plHz * ti + ph3);
    if (noise !== 0) v += noise * gaussian(rand);
    x[i] = v;
  }

  // Bursts: white noise smoothed over 10 ms so that its band (about 0-50 Hz) does not depend on fs.
  for (const b of opts.noiseBursts ?? []) {
    const i0 = Math.max(0, Math.round(b.start * fs));
    const i1 = Math.min(n, Math.round((b.start + b.seconds) * fs));
    const m = Math.max(1, Math.round(fs / 100));
    const gain = b.std * Math.sqrt(m);
    let acc = 0;
    const ring = new Float64Array(m);
    for (let i = i0; i < i1; i++) {
      const g = gaussian(rand);
      acc += g - ring[i % m]!;
      ring[i % m] = g;
      x[i]! += (gain * acc) / m;
    }
  }
  return { signal: x, beats, labels, fs };
}
