/**
 * Peak finding with the semantics of scipy.signal.find_peaks, peak_prominences and peak_widths
 * (SciPy 1.17). Filters run in SciPy's order: plateau size, height, threshold, distance,
 * prominence, width; each later filter sees only the peaks the earlier ones kept.
 */

/**
 * A condition on a peak property: a minimum, a `[min, max]` pair (a plain two-element array; null
 * leaves that side open; either side may itself be per-sample), or per-sample minima given as any
 * other array of len(x) values (read at each peak's index).
 */
export type PeakCondition = number | readonly [number | ArrayLike<number> | null, number | ArrayLike<number> | null] | ArrayLike<number>;

export interface FindPeaksOptions {
  /** Required peak height. default: no condition */
  height?: PeakCondition;
  /** Required vertical distance to both neighbouring samples. default: no condition */
  threshold?: PeakCondition;
  /** Minimal horizontal distance in samples between kept peaks (rounded up); lower peaks go first. default: no condition */
  distance?: number;
  /** Required prominence. default: no condition */
  prominence?: PeakCondition;
  /** Required width in samples, measured at relHeight of the prominence. default: no condition */
  width?: PeakCondition;
  /** Window length in samples for the prominence search (above 1, rounded up). default: whole signal */
  wlen?: number;
  /** Height of the width measurement as a fraction of the prominence. default: 0.5 */
  relHeight?: number;
  /** Required flat-top length in samples. default: no condition */
  plateauSize?: PeakCondition;
}

export interface FindPeaksResult {
  /** Peak indices, ascending; the middle (rounded down) of flat peaks. */
  peaks: Int32Array;
  peakHeights?: Float64Array;
  leftThresholds?: Float64Array;
  rightThresholds?: Float64Array;
  prominences?: Float64Array;
  leftBases?: Int32Array;
  rightBases?: Int32Array;
  widths?: Float64Array;
  widthHeights?: Float64Array;
  leftIps?: Float64Array;
  rightIps?: Float64Array;
  plateauSizes?: Int32Array;
  leftEdges?: Int32Array;
  rightEdges?: Int32Array;
}

export interface ProminenceData {
  prominences: Float64Array;
  leftBases: Int32Array;
  rightBases: Int32Array;
}

export interface WidthData {
  widths: Float64Array;
  widthHeights: Float64Array;
  leftIps: Float64Array;
  rightIps: Float64Array;
}

function toSignal(x: ArrayLike<number>): Float64Array {
  if (x == null || typeof x.length !== 'number') throw new TypeError('x must be an array of numbers');
  const out = x instanceof Float64Array ? x : Float64Array.from(x);
  for (let i = 0; i < out.length; i++) {
    if (Number.isNaN(out[i]!)) throw new RangeError(`x must not contain NaN (index ${i})`);
  }
  return out;
}

function toPeaks(x: Float64Array, peaks: ArrayLike<number>): Int32Array {
  if (peaks == null || typeof peaks.length !== 'number') throw new TypeError('peaks must be an array of indices');
  const out = new Int32Array(peaks.length);
  for (let i = 0; i < peaks.length; i++) {
    const p = peaks[i]!;
    if (!Number.isInteger(p) || p < 0 || p >= x.length) throw new RangeError(`peaks[${i}] = ${p} is not a valid index into x (length ${x.length})`);
    out[i] = p;
  }
  return out;
}

/** wlen as SciPy uses it: above 1, rounded up; -1 for "no window". */
function checkWlen(wlen: number | undefined): number {
  if (wlen === undefined) return -1;
  if (!(wlen > 1) || !Number.isFinite(wlen)) throw new RangeError(`wlen must be a finite number above 1, got ${wlen}`);
  return Math.ceil(wlen);
}

/**
 * Local maxima including flat ones: a run of equal samples higher than both neighbours, reported at
 * its middle (left-biased). The first and last samples are never peaks.
 */
function localMaxima(x: Float64Array): { peaks: Int32Array; left: Int32Array; right: Int32Array } {
  const n = x.length;
  const cap = n >> 1;
  const peaks = new Int32Array(cap), left = new Int32Array(cap), right = new Int32Array(cap);
  let count = 0;
  let i = 1;
  while (i < n - 1) {
    if (x[i - 1]! < x[i]!) {
      let ahead = i + 1;
      while (ahead < n - 1 && x[ahead] === x[i]) ahead++;
      if (x[ahead]! < x[i]!) {
        left[count] = i;
        right[count] = ahead - 1;
        peaks[count] = (i + ahead - 1) >> 1;
        count++;
        i = ahead; // the sample after the plateau is lower, so it cannot start a peak
      }
    }
    i++;
  }
  return { peaks: peaks.slice(0, count), left: left.slice(0, count), right: right.slice(0, count) };
}

type Bound = number | Float64Array | null;

/** Splits a condition into lower and upper bounds, per-sample arrays read at the current peaks. */
function unpackCondition(cond: PeakCondition, name: string, x: Float64Array, peaks: Int32Array): [Bound, Bound] {
  const side = (v: number | ArrayLike<number> | null, which: string): Bound => {
    if (v === null || v === undefined) return null;
    if (typeof v === 'number') {
      if (Number.isNaN(v)) throw new RangeError(`${name} ${which} must not be NaN`);
      return v;
    }
    if (typeof v.length !== 'number') throw new TypeError(`${name} ${which} must be a number, null or an array`);
    if (v.length !== x.length) throw new RangeError(`${name} ${which} given per sample must have len(x) = ${x.length} values, got ${v.length}`);
    const out = new Float64Array(peaks.length);
    for (let i = 0; i < peaks.length; i++) out[i] = v[peaks[i]!]!;
    return out;
  };
  if (typeof cond === 'number') return [side(cond, 'minimum'), null];
  if (cond == null || typeof (cond as ArrayLike<number>).length !== 'number') throw new TypeError(`${name} must be a number, a [min, max] pair or an array`);
  if (Array.isArray(cond) && cond.length === 2) {
    const [lo, hi] = cond as [number | ArrayLike<number> | null, number | ArrayLike<number> | null];
    return [side(lo, 'minimum'), side(hi, 'maximum')];
  }
  return [side(cond as ArrayLike<number>, 'minimum'), null];
}

function within(values: ArrayLike<number>, lo: Bound, hi: Bound): Uint8Array {
  const keep = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const okLo = lo === null || (typeof lo === 'number' ? lo : lo[i]!) <= v;
    const okHi = hi === null || v <= (typeof hi === 'number' ? hi : hi[i]!);
    keep[i] = okLo && okHi ? 1 : 0;
  }
  return keep;
}

/**
 * Keeps peaks at least `distance` samples apart (scipy _select_by_peak_distance): peaks are visited
 * from highest to lowest and each kept one removes its lower neighbours within the distance. Equal
 * heights are visited right to left (a stable ascending sort read backwards). SciPy visits them in
 * np.argsort order, which is unstable and CPU dependent (SIMD sorts), so for equal heights there is
 * no single SciPy answer to match; this rule is deterministic and equals SciPy's wherever heights differ.
 */
function selectByDistance(peaks: Int32Array, heights: Float64Array, distance: number): Uint8Array {
  const n = peaks.length, d = Math.ceil(distance);
  const keep = new Uint8Array(n).fill(1);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => heights[a]! - heights[b]! || a - b);
  for (let r = n - 1; r >= 0; r--) {
    const j = order[r]!;
    if (!keep[j]) continue;
    for (let k = j - 1; k >= 0 && peaks[j]! - peaks[k]! < d; k--) keep[k] = 0;
    for (let k = j + 1; k < n && peaks[k]! - peaks[j]! < d; k++) keep[k] = 0;
  }
  return keep;
}

function prominencesOf(x: Float64Array, peaks: Int32Array, wlen: number): ProminenceData {
  const n = peaks.length;
  const prominences = new Float64Array(n), leftBases = new Int32Array(n), rightBases = new Int32Array(n);
  for (let p = 0; p < n; p++) {
    const peak = peaks[p]!, h = x[peak]!;
    let lo = 0, hi = x.length - 1;
    if (wlen >= 2) { // an even wlen acts as the next odd one
      // Not wlen >> 1: a window of 2**31 samples or more would wrap to a negative half.
      const half = Math.floor(wlen / 2);
      lo = Math.max(peak - half, lo);
      hi = Math.min(peak + half, hi);
    }
    // walk outwards until a higher sample or the window edge; the lowest point on the way is the
    // base, the closest one winning ties
    let leftMin = h, leftBase = peak;
    for (let i = peak; i >= lo && x[i]! <= h; i--) if (x[i]! < leftMin) { leftMin = x[i]!; leftBase = i; }
    let rightMin = h, rightBase = peak;
    for (let i = peak; i <= hi && x[i]! <= h; i++) if (x[i]! < rightMin) { rightMin = x[i]!; rightBase = i; }
    prominences[p] = h - Math.max(leftMin, rightMin);
    leftBases[p] = leftBase;
    rightBases[p] = rightBase;
  }
  return { prominences, leftBases, rightBases };
}

function widthsOf(x: Float64Array, peaks: Int32Array, relHeight: number, prom: ProminenceData): WidthData {
  const n = peaks.length;
  const widths = new Float64Array(n), widthHeights = new Float64Array(n);
  const leftIps = new Float64Array(n), rightIps = new Float64Array(n);
  for (let p = 0; p < n; p++) {
    const peak = peaks[p]!, lo = prom.leftBases[p]!, hi = prom.rightBases[p]!;
    if (!(lo >= 0 && lo <= peak && peak <= hi && hi < x.length)) {
      throw new RangeError(`prominenceData is invalid for peak ${peak}: bases ${lo} and ${hi}`);
    }
    const height = x[peak]! - prom.prominences[p]! * relHeight;
    widthHeights[p] = height;
    let i = peak;
    while (lo < i && height < x[i]!) i--;
    let left = i;
    // interpolate linearly when the crossing falls between samples
    if (x[i]! < height) left += (height - x[i]!) / (x[i + 1]! - x[i]!);
    i = peak;
    while (i < hi && height < x[i]!) i++;
    let right = i;
    if (x[i]! < height) right -= (height - x[i]!) / (x[i - 1]! - x[i]!);
    widths[p] = right - left;
    leftIps[p] = left;
    rightIps[p] = right;
  }
  return { widths, widthHeights, leftIps, rightIps };
}

/** scipy.signal.peak_prominences. wlen: window length in samples (above 1, rounded up); default: whole signal. */
export function peakProminences(x: ArrayLike<number>, peaks: ArrayLike<number>, wlen?: number): ProminenceData {
  const sig = toSignal(x);
  return prominencesOf(sig, toPeaks(sig, peaks), checkWlen(wlen));
}

/**
 * scipy.signal.peak_widths. relHeight: fraction of the prominence below the peak where the width is
 * measured (default 0.5); prominenceData: the result of peakProminences (computed with wlen when omitted).
 */
export function peakWidths(x: ArrayLike<number>, peaks: ArrayLike<number>, relHeight = 0.5, prominenceData?: ProminenceData, wlen?: number): WidthData {
  const sig = toSignal(x);
  const pk = toPeaks(sig, peaks);
  if (!(relHeight >= 0)) throw new RangeError(`relHeight must be >= 0, got ${relHeight}`);
  let prom: ProminenceData;
  if (prominenceData) {
    const { prominences, leftBases, rightBases } = prominenceData;
    if (prominences.length !== pk.length || leftBases.length !== pk.length || rightBases.length !== pk.length) {
      throw new RangeError(`prominenceData arrays must have one value per peak (${pk.length})`);
    }
    prom = prominenceData;
  } else {
    prom = prominencesOf(sig, pk, checkWlen(wlen));
  }
  return widthsOf(sig, pk, relHeight, prom);
}

type PropArray = Float64Array | Int32Array;

/** scipy.signal.find_peaks; the result carries the properties the given conditions computed. */
export function findPeaks(x: ArrayLike<number>, opts: FindPeaksOptions = {}): FindPeaksResult {
  const sig = toSignal(x);
  const { height, threshold, distance, prominence, width, plateauSize } = opts;
  if (distance !== undefined && !(distance >= 1)) throw new RangeError(`distance must be >= 1, got ${distance}`);
  const wlen = checkWlen(opts.wlen);
  const relHeight = opts.relHeight ?? 0.5;
  if (width !== undefined && !(relHeight >= 0)) throw new RangeError(`relHeight must be >= 0, got ${relHeight}`);

  const found = localMaxima(sig);
  let peaks = found.peaks;
  const props: Record<string, PropArray> = {};
  const apply = (keep: Uint8Array): void => {
    let count = 0;
    for (let i = 0; i < keep.length; i++) count += keep[i]!;
    const filter = <T extends PropArray>(a: T): T => {
      const out = new (a.constructor as new (n: number) => T)(count);
      for (let i = 0, j = 0; i < keep.length; i++) if (keep[i]) out[j++] = a[i]!;
      return out;
    };
    peaks = filter(peaks);
    for (const k of Object.keys(props)) props[k] = filter(props[k]!);
  };

  if (plateauSize !== undefined) {
    const sizes = new Int32Array(peaks.length);
    for (let i = 0; i < peaks.length; i++) sizes[i] = found.right[i]! - found.left[i]! + 1;
    const [lo, hi] = unpackCondition(plateauSize, 'plateauSize', sig, peaks);
    props.plateauSizes = sizes;
    props.leftEdges = found.left;
    props.rightEdges = found.right;
    apply(within(sizes, lo, hi));
  }
  if (height !== undefined) {
    const heights = new Float64Array(peaks.length);
    for (let i = 0; i < peaks.length; i++) heights[i] = sig[peaks[i]!]!;
    const [lo, hi] = unpackCondition(height, 'height', sig, peaks);
    props.peakHeights = heights;
    apply(within(heights, lo, hi));
  }
  if (threshold !== undefined) {
    const [lo, hi] = unpackCondition(threshold, 'threshold', sig, peaks);
    const left = new Float64Array(peaks.length), right = new Float64Array(peaks.length);
    const keep = new Uint8Array(peaks.length);
    for (let i = 0; i < peaks.length; i++) {
      const p = peaks[i]!;
      left[i] = sig[p]! - sig[p - 1]!;
      right[i] = sig[p]! - sig[p + 1]!;
      // the minimum is checked against the smaller side, the maximum against the larger
      const okLo = lo === null || (typeof lo === 'number' ? lo : lo[i]!) <= Math.min(left[i]!, right[i]!);
      const okHi = hi === null || Math.max(left[i]!, right[i]!) <= (typeof hi === 'number' ? hi : hi[i]!);
      keep[i] = okLo && okHi ? 1 : 0;
    }
    props.leftThresholds = left;
    props.rightThresholds = right;
    apply(keep);
  }
  if (distance !== undefined) {
    const heights = new Float64Array(peaks.length);
    for (let i = 0; i < peaks.length; i++) heights[i] = sig[peaks[i]!]!;
    apply(selectByDistance(peaks, heights, distance));
  }
  if (prominence !== undefined || width !== undefined) {
    const prom = prominencesOf(sig, peaks, wlen);
    props.prominences = prom.prominences;
    props.leftBases = prom.leftBases;
    props.rightBases = prom.rightBases;
  }
  if (prominence !== undefined) {
    const [lo, hi] = unpackCondition(prominence, 'prominence', sig, peaks);
    apply(within(props.prominences!, lo, hi));
  }
  if (width !== undefined) {
    const w = widthsOf(sig, peaks, relHeight, {
      prominences: props.prominences as Float64Array,
      leftBases: props.leftBases as Int32Array,
      rightBases: props.rightBases as Int32Array,
    });
    Object.assign(props, w);
    const [lo, hi] = unpackCondition(width, 'width', sig, peaks);
    apply(within(w.widths, lo, hi));
  }
  return { peaks, ...props } as FindPeaksResult;
}
