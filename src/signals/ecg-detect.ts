/**
 * The default R-peak detector.
 *
 * Design (builds on Elgendi 2013, "Fast QRS detection with an optimized knowledge-based method",
 * PLoS ONE 8(9):e73557, and on the decision rules of Pan & Tompkins 1985 and Hamilton 2002,
 * "Open source ECG analysis", Computers in Cardiology 29:101-104):
 *  1. Detection signal: zero-phase Butterworth band-pass 5-20 Hz, squared. Elgendi's 8-20 Hz optimum
 *     loses wide ventricular and bundle-branch-block complexes, whose energy lies mostly below 8 Hz;
 *     5 Hz (Pan-Tompkins' lower edge) keeps them while still removing baseline wander, most of P and T
 *     and powerline. Squaring makes the detector blind to polarity.
 *  2. Two centred moving means of the energy, over a QRS (0.1 s) and over a beat (0.6 s). Blocks of
 *     interest are where the QRS mean exceeds the beat mean by more than an offset (beta = 0.08 times
 *     the mean energy of the slice); a block narrower than half a QRS window is noise. Each block is
 *     one candidate at its energy maximum, scored by its largest excess of QRS mean over beat mean, so
 *     a candidate inside broadband noise (which raises the beat mean too) scores low.
 *  3. Acceptance against an adaptive level, the median score of the last 8 beats (robust to a few
 *     large ventricular beats or artefacts): below 0.2 of it a candidate is rejected; within 0.2 s of a
 *     beat the larger of the two is kept; within 0.36 s and below 0.3 of the previous beat it is that
 *     beat's T wave (Pan-Tompkins); earlier than 0.7 of the median RR it needs half the level (noise
 *     between beats is not a premature beat, a real ectopic beat is strong).
 *  4. Searchback (Pan-Tompkins, Hamilton): when the next candidate comes later than 1.66 times the
 *     median RR, the strongest rejected candidate in the gap (not a T wave, at least 0.03 of the level)
 *     becomes a beat and enters the level, so a sudden drop of amplitude is followed within a few beats.
 *  5. Each beat is moved onto the R wave of the input by `refinePeaks` (halfway up its leading edge by default, the
 *     polarity chosen locally: inverted or wide ventricular beats, lead polarity flips).
 * Every time constant is given in seconds and converted once per sampling rate, so one set of
 * defaults holds from 100 Hz to 2 kHz. Processing is defined block by block (60 s blocks, 5 s of
 * context on each side; see beat-stream.ts), which makes `detectRPeaks` on a whole signal equal,
 * sample for sample, to chunked detection with BeatStream, and bounds the memory of both.
 */
import { butter } from '../dsp/iir-design.js';
import { sosfiltfilt } from '../dsp/filtfilt.js';
import type { Sos } from '../dsp/types.js';
import { refinePeaks, type RefineOptions } from './peak-refine.js';
import { detectInBlocks, type BlockDetector } from './beat-stream.js';
import { checkBand, onlyRoundOff } from './band.js';

export interface DetectRPeaksOptions {
  /** Passband of the detection signal in Hz (upper edge limited to 0.45 fs). default: [5, 20] */
  bandHz?: [number, number];
  /** QRS energy window in s. default: 0.1 */
  qrsSeconds?: number;
  /** Beat energy window in s. default: 0.6 */
  beatSeconds?: number;
  /** Offset of the block threshold as a fraction of the mean energy (Elgendi's beta). default: 0.08 */
  offset?: number;
  /** Shortest RR interval in s. default: 0.2 */
  refractorySeconds?: number;
  /** A candidate scoring below this fraction of the recent beat level is rejected. default: 0.2 */
  minRelativeScore?: number;
  /** Within 0.36 s of a beat, a candidate scoring below this fraction of it is its T wave. default: 0.3 */
  tWaveScore?: number;
  /** Candidates earlier than this fraction of the recent median RR count as premature. default: 0.7 */
  prematureRatio?: number;
  /** A premature candidate needs at least this fraction of the recent beat level. default: 0.5 */
  prematureScore?: number;
  /** Searchback starts when an RR gap exceeds this multiple of the recent median RR. default: 1.66 */
  searchbackRatio?: number;
  /** Smallest score, relative to the beat level, that searchback accepts. default: 0.03 */
  searchbackScore?: number;
  /** Block length of the blockwise definition in s. default: 60 */
  blockSeconds?: number;
  /** Peak refinement settings. default: see RefineOptions */
  refine?: RefineOptions;
}

export interface RPeaks {
  /** Sample index of each R peak, increasing. */
  peaks: Int32Array;
  fs: number;
}

/** Beats kept in the running median that defines the beat level and the RR. */
const HISTORY = 8;

function median(v: Float64Array, n: number, tmp: Float64Array): number {
  for (let i = 0; i < n; i++) tmp[i] = v[i]!;
  const s = tmp.subarray(0, n).sort();
  return n % 2 ? s[(n - 1) >> 1]! : 0.5 * (s[n / 2 - 1]! + s[n / 2]!);
}

/** The default detector as a BlockDetector (for BeatStream); holds scratch buffers reused per slice. */
export class RPeakDetector implements BlockDetector {
  readonly contextSeconds: number;
  readonly refractorySeconds: number;
  private readonly o: Required<Omit<DetectRPeaksOptions, 'refine' | 'bandHz' | 'blockSeconds'>> & { band: [number, number] };
  private readonly refine: RefineOptions;
  private sos: Sos | undefined;
  private sosFs = 0;
  /** Scratch reused across slices: padded energy, candidate positions and scores. */
  private energy = new Float64Array(0);
  /** Detection-band signal of the slice (a block of minutes: reused, not reallocated per block). */
  private band = new Float64Array(0);
  private cPos = new Int32Array(0);
  private cScore = new Float64Array(0);

  constructor(opts: DetectRPeaksOptions = {}) {
    this.o = {
      band: opts.bandHz ?? [5, 20],
      qrsSeconds: opts.qrsSeconds ?? 0.1,
      beatSeconds: opts.beatSeconds ?? 0.6,
      offset: opts.offset ?? 0.08,
      refractorySeconds: opts.refractorySeconds ?? 0.2,
      minRelativeScore: opts.minRelativeScore ?? 0.2,
      searchbackRatio: opts.searchbackRatio ?? 1.66,
      searchbackScore: opts.searchbackScore ?? 0.03,
      tWaveScore: opts.tWaveScore ?? 0.3,
      prematureRatio: opts.prematureRatio ?? 0.7,
      prematureScore: opts.prematureScore ?? 0.5,
    };
    checkBand(this.o.band);
    for (const k of ['qrsSeconds', 'beatSeconds', 'refractorySeconds'] as const) {
      if (!(this.o[k] > 0)) throw new RangeError(`${k} must be positive, got ${this.o[k]}`);
    }
    this.refine = opts.refine ?? {};
    this.refractorySeconds = this.o.refractorySeconds;
    // Filter transients, the beat window and the beat history all settle well within 5 s.
    this.contextSeconds = 5;
  }

  bandSos(fs: number): Sos {
    if (this.sos === undefined || this.sosFs !== fs) {
      const [lo, hi] = this.o.band;
      const top = Math.min(hi, 0.45 * fs);
      if (!(top > lo)) throw new RangeError(`fs (${fs} Hz) is too low for the detection band [${lo}, ${hi}] Hz`);
      this.sos = butter(2, [lo, top], { btype: 'bandpass', fs });
      this.sosFs = fs;
    }
    return this.sos;
  }

  detect(x: Float64Array, fs: number, band?: Float64Array): Int32Array {
    const m = x.length;
    if (m < Math.round(0.5 * fs)) return new Int32Array(0);
    if (band && band.length !== m) throw new RangeError(`band must have the slice's length ${m}, got ${band.length}`);
    const o = this.o;
    const hq = Math.max(1, Math.round((o.qrsSeconds * fs) / 2));
    const hb = Math.max(hq + 1, Math.round((o.beatSeconds * fs) / 2));
    let y = band;
    if (!y) {
      if (this.band.length < m) this.band = new Float64Array(m);
      y = sosfiltfilt(this.bandSos(fs), x, { out: this.band.subarray(0, m) });
    }
    if (onlyRoundOff(x, y)) return new Int32Array(0);

    // Energy, zero-padded by hb + 1 on both sides so that the window sums below need no edge tests.
    const off = hb + 1;
    if (this.energy.length < m + 2 * off) this.energy = new Float64Array(m + 2 * off);
    const u = this.energy;
    u.fill(0, 0, off);
    u.fill(0, off + m, m + 2 * off);
    const total = energyInto(y, u, off);
    const alpha = (o.offset * total) / m;
    // The loops run in functions of their own, which V8 optimises once each, rather than in this
    // one, which it would compile again from each loop it entered.
    const nC = this.scan(u, off, m, hq, hb, alpha);
    const accepted = this.select(this.cPos, this.cScore, nC, fs);
    const raw = refinePeaks(x, accepted, fs, this.refine);
    return dedupe(raw, Math.round(o.refractorySeconds * fs));
  }

  /**
   * One pass over the energy u (signal at u[off..off + m)): centred QRS and beat window means
   * (running sums), blocks where the QRS mean exceeds the beat mean plus alpha, and per block the
   * energy maximum (candidate) and QRS-mean peak (score). Returns the number of candidates.
   */
  private scan(u: Float64Array, off: number, m: number, hq: number, hb: number, alpha: number): number {
    const invQ = 1 / (2 * hq + 1), invB = 1 / (2 * hb + 1);
    const minWidth = hq; // half the QRS window
    let accQ = 0, accB = 0;
    for (let k = off - hq; k < off + hq; k++) accQ += u[k]!;
    for (let k = off - hb; k < off + hb; k++) accB += u[k]!;
    let nC = 0, inBlock = false, start = 0, best = 0, bestPos = 0, score = 0;
    for (let i = 0; i < m; i++) {
      const c = off + i;
      accQ += u[c + hq]! - u[c - hq - 1]!;
      accB += u[c + hb]! - u[c - hb - 1]!;
      const q = accQ * invQ;
      const excess = q - accB * invB;
      if (excess > alpha) {
        if (!inBlock) { inBlock = true; start = i; best = -1; score = 0; }
        const e = u[c]!;
        if (e > best) { best = e; bestPos = i; }
        if (excess > score) score = excess;
      } else if (inBlock) {
        inBlock = false;
        if (i - start >= minWidth) nC = this.addCandidate(nC, bestPos, score);
      }
    }
    if (inBlock && m - start >= minWidth) nC = this.addCandidate(nC, bestPos, score);
    return nC;
  }

  private addCandidate(n: number, pos: number, score: number): number {
    if (n === this.cPos.length) {
      const p = new Int32Array(2 * n + 64), s = new Float64Array(2 * n + 64);
      p.set(this.cPos);
      s.set(this.cScore);
      this.cPos = p;
      this.cScore = s;
    }
    this.cPos[n] = pos;
    this.cScore[n] = score;
    return n + 1;
  }

  /**
   * Adaptive acceptance with refractory period, T-wave check, premature-beat check and searchback;
   * returns the accepted candidate positions in order.
   */
  private select(pos: Int32Array, score: Float64Array, n: number, fs: number): Int32Array {
    const o = this.o;
    const refr = Math.round(o.refractorySeconds * fs);
    const tWindow = Math.round(0.36 * fs);
    const beats: number[] = [];
    const beatScore: number[] = [];
    const levels = new Float64Array(HISTORY), rrs = new Float64Array(HISTORY), tmp = new Float64Array(HISTORY);
    let nLevels = 0, nRR = 0;
    // Until beats accumulate, the level is the upper quartile of all candidate scores in the slice.
    const sorted = score.slice(0, n).sort();
    let level = n ? sorted[Math.floor(0.75 * (n - 1))]! : 0;
    let rrMed = fs;
    const rejected: number[] = [];
    const accept = (i: number): void => {
      const p = pos[i]!;
      if (beats.length > 0) {
        rrs[nRR % HISTORY] = p - beats[beats.length - 1]!;
        nRR++;
        rrMed = median(rrs, Math.min(nRR, HISTORY), tmp);
      }
      beats.push(p);
      beatScore.push(score[i]!);
      levels[nLevels % HISTORY] = score[i]!;
      nLevels++;
      level = median(levels, Math.min(nLevels, HISTORY), tmp);
    };
    for (let i = 0; i < n; i++) {
      const p = pos[i]!, s = score[i]!;
      // Searchback: a beat is overdue before this candidate; take the strongest one passed over, so
      // that beats much smaller than the level (amplitude drops) are found and pull the level down.
      if (nRR >= 2 && p - beats[beats.length - 1]! > o.searchbackRatio * rrMed) {
        const last = beats.length - 1;
        const j = this.strongestRejected(pos, score, rejected, beats[last]!, p, refr, o.searchbackScore * level, tWindow, o.tWaveScore * beatScore[last]!);
        if (j >= 0) accept(j);
      }
      if (s < o.minRelativeScore * level) { rejected.push(i); continue; }
      if (beats.length > 0) {
        const last = beats.length - 1;
        const gap = p - beats[last]!;
        if (gap < refr) {
          // Two candidates within the refractory period: the larger is the beat.
          if (s > beatScore[last]!) { beats[last] = p; beatScore[last] = s; }
          continue;
        }
        // Pan-Tompkins: soon after a beat and much weaker, it is the T wave.
        if (gap < tWindow && s < o.tWaveScore * beatScore[last]!) { rejected.push(i); continue; }
        // A premature candidate must look like a beat, not like the noise between beats.
        if (nRR >= 2 && gap < o.prematureRatio * rrMed && s < o.prematureScore * level) { rejected.push(i); continue; }
      }
      accept(i);
    }
    return Int32Array.from(beats);
  }

  /**
   * The rejected candidate in (from, to), at least `refr` from both ends, with the highest score >=
   * floor, and not a T wave (closer than tWindow to `from` with a score below tFloor); -1 if none.
   */
  private strongestRejected(pos: Int32Array, score: Float64Array, rejected: number[], from: number, to: number, refr: number, floor: number, tWindow: number, tFloor: number): number {
    let best = -1;
    for (let k = rejected.length - 1; k >= 0; k--) {
      const i = rejected[k]!;
      const p = pos[i]!;
      if (p <= from) break;
      if (p - from < refr || to - p < refr || score[i]! < floor) continue;
      if (p - from < tWindow && score[i]! < tFloor) continue;
      if (best < 0 || score[i]! > score[best]!) best = i;
    }
    return best;
  }
}

/** u[off + i] = y[i]^2; returns their sum (in index order). */
function energyInto(y: Float64Array, u: Float64Array, off: number): number {
  let total = 0;
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    const e = v * v;
    u[off + i] = e;
    total += e;
  }
  return total;
}

/** Sorted, one beat per refractory period (the first of a run wins), as a new array. */
function dedupe(p: Int32Array, refr: number): Int32Array {
  const s = Int32Array.from(p).sort();
  let k = 0, last = -Infinity;
  for (let i = 0; i < s.length; i++) {
    if (s[i]! - last < refr) continue;
    s[k++] = s[i]!;
    last = s[i]!;
  }
  return s.slice(0, k);
}

/** R peaks of an ECG `x` sampled at `fs` Hz, with the default detector described above. */
export function detectRPeaks(x: ArrayLike<number>, fs: number, opts: DetectRPeaksOptions = {}): RPeaks {
  const input = x instanceof Float64Array ? x : Float64Array.from(x);
  const det = new RPeakDetector(opts);
  return { peaks: detectInBlocks(input, fs, det, { blockSeconds: opts.blockSeconds ?? 60 }), fs };
}
