/**
 * IIR filter design with scipy.signal semantics (iirfilter, butter, cheby1, cheby2, ellip, bessel,
 * output='sos'): analog lowpass prototype -> frequency transform -> bilinear transform with
 * prewarping -> second-order sections paired and ordered as SciPy's zpk2sos.
 */
import { type BesselNorm, besselap, buttap, cheb1ap, cheb2ap, ellipap } from './prototypes.js';
import type { Sos } from './types.js';
import { type Zpk, bilinearZpk, lp2bpZpk, lp2bsZpk, lp2hpZpk, lp2lpZpk, zpk2sos } from './zpk.js';

export type BType = 'lowpass' | 'highpass' | 'bandpass' | 'bandstop';
export type FType = 'butter' | 'cheby1' | 'cheby2' | 'ellip' | 'bessel';
/** A single critical frequency, or a [low, high] pair for band filters. */
export type CriticalFrequency = number | readonly number[];

export interface IirOptions {
  /** Filter type. default: 'lowpass' */
  btype?: BType;
  /** Sampling rate in Hz; when absent wn is normalised to Nyquist (0..1). default: undefined */
  fs?: number;
  /** Design an analog filter (wn in rad/s, sections from zpk2sos with 'minimal' pairing). default: false */
  analog?: boolean;
}

export interface BesselOptions extends IirOptions {
  /** Frequency normalisation: phase midpoint, unit group delay, or -3 dB at wn. default: 'phase' */
  norm?: BesselNorm;
}

export interface IirFilterOptions extends BesselOptions {
  /** Prototype family. */
  ftype: FType;
  /** Passband ripple in dB (cheby1, ellip). default: undefined (required by those types) */
  rp?: number;
  /** Stopband attenuation in dB (cheby2, ellip). default: undefined (required by those types) */
  rs?: number;
}

const BTYPES: readonly BType[] = ['lowpass', 'highpass', 'bandpass', 'bandstop'];
const FTYPES: readonly FType[] = ['butter', 'cheby1', 'cheby2', 'ellip', 'bessel'];
const NORMS: readonly BesselNorm[] = ['phase', 'delay', 'mag'];

function checkOrder(order: unknown): number {
  if (typeof order !== 'number') throw new TypeError(`order must be a number, got ${typeof order}`);
  if (!Number.isInteger(order) || order < 1) throw new RangeError(`order must be a positive integer, got ${order}`);
  return order;
}

function checkDecibels(name: 'rp' | 'rs', v: number | undefined, ftype: FType): number {
  if (v === undefined) throw new TypeError(`${name} must be given for ftype '${ftype}'`);
  if (typeof v !== 'number') throw new TypeError(`${name} must be a number, got ${typeof v}`);
  if (!(v > 0) || !Number.isFinite(v)) throw new RangeError(`${name} must be a positive finite number of dB, got ${v}`);
  return v;
}

function fmt(wn: readonly number[]): string {
  return wn.length === 1 ? String(wn[0]) : `[${wn.join(', ')}]`;
}

/**
 * Validates wn against btype and fs and returns it normalised as SciPy does internally: a fraction of
 * Nyquist for digital filters, rad/s unchanged for analog ones.
 */
function normaliseWn(wn: CriticalFrequency, btype: BType, fs: number | undefined, analog: boolean): number[] {
  let list: number[];
  if (typeof wn === 'number') list = [wn];
  else if (wn !== null && typeof wn === 'object' && typeof (wn as ArrayLike<number>).length === 'number') list = Array.from(wn);
  else throw new TypeError(`wn must be a number or an array of numbers, got ${typeof wn}`);
  if (list.some((v) => typeof v !== 'number')) throw new TypeError(`wn must contain only numbers, got ${fmt(list)}`);
  if (list.some((v) => !Number.isFinite(v))) throw new RangeError(`wn must be finite, got ${fmt(list)}`);
  const band = btype === 'bandpass' || btype === 'bandstop';
  if (band && list.length !== 2) {
    throw new RangeError(`wn must be a pair [low, high] for btype '${btype}', got ${list.length} value(s): ${fmt(list)}`);
  }
  if (!band && list.length !== 1) {
    throw new RangeError(`wn must be a single frequency for btype '${btype}', got ${list.length} values: ${fmt(list)}`);
  }
  for (const v of list) if (!(v > 0)) throw new RangeError(`wn must be greater than 0, got ${v}`);
  if (band && !(list[0]! < list[1]!)) throw new RangeError(`wn[0] must be less than wn[1], got ${fmt(list)}`);
  if (analog) return list;
  if (fs !== undefined) {
    for (const v of list) if (!(v < fs / 2)) throw new RangeError(`wn must be below Nyquist (fs/2 = ${fs / 2}), got ${v}`);
    return list.map((v) => v / (fs / 2));
  }
  for (const v of list) if (!(v < 1)) throw new RangeError(`wn must be below 1 (normalised to Nyquist; pass fs for Hz), got ${v}`);
  return list;
}

function prototype(order: number, opts: IirFilterOptions): Zpk {
  switch (opts.ftype) {
    case 'butter':
      return buttap(order);
    case 'cheby1':
      return cheb1ap(order, checkDecibels('rp', opts.rp, 'cheby1'));
    case 'cheby2':
      return cheb2ap(order, checkDecibels('rs', opts.rs, 'cheby2'));
    case 'ellip':
      return ellipap(order, checkDecibels('rp', opts.rp, 'ellip'), checkDecibels('rs', opts.rs, 'ellip'));
    case 'bessel': {
      const norm = opts.norm ?? 'phase';
      if (!NORMS.includes(norm)) throw new RangeError(`norm must be one of ${NORMS.join(', ')}, got '${String(norm)}'`);
      return besselap(order, norm);
    }
  }
}

/**
 * Zeros, poles and gain of the designed filter (digital unless `analog`), as
 * scipy.signal.iirfilter(..., output='zpk').
 */
export function iirfilterZpk(order: number, wn: CriticalFrequency, opts: IirFilterOptions): Zpk {
  const n = checkOrder(order);
  if (!opts || !FTYPES.includes(opts.ftype)) {
    throw new RangeError(`ftype must be one of ${FTYPES.join(', ')}, got '${String(opts?.ftype)}'`);
  }
  const btype = opts.btype ?? 'lowpass';
  if (!BTYPES.includes(btype)) throw new RangeError(`btype must be one of ${BTYPES.join(', ')}, got '${String(btype)}'`);
  const analog = opts.analog ?? false;
  const fs = opts.fs;
  if (fs !== undefined) {
    if (typeof fs !== 'number') throw new TypeError(`fs must be a number, got ${typeof fs}`);
    if (!(fs > 0) || !Number.isFinite(fs)) throw new RangeError(`fs must be a positive finite number, got ${fs}`);
    if (analog) throw new RangeError(`fs cannot be given for an analog filter, got fs = ${fs}`);
  }
  const w = normaliseWn(wn, btype, fs, analog);
  const proto = prototype(n, opts);

  // Prewarp so that the bilinear transform (at fs = 2) maps the critical frequencies exactly.
  const warped = analog ? w : w.map((v) => 4 * Math.tan((Math.PI * v) / 2));
  let zpk: Zpk;
  if (btype === 'lowpass') zpk = lp2lpZpk(proto, warped[0]!);
  else if (btype === 'highpass') zpk = lp2hpZpk(proto, warped[0]!);
  else {
    const bw = warped[1]! - warped[0]!;
    const wo = Math.sqrt(warped[0]! * warped[1]!);
    zpk = btype === 'bandpass' ? lp2bpZpk(proto, wo, bw) : lp2bsZpk(proto, wo, bw);
  }
  return analog ? zpk : bilinearZpk(zpk, 2);
}

/** Second-order sections of the designed filter; the shared path behind butter, cheby1, ... */
export function iirfilter(order: number, wn: CriticalFrequency, opts: IirFilterOptions): Sos {
  const { z, p, k } = iirfilterZpk(order, wn, opts);
  return zpk2sos(z, p, k, { analog: opts.analog ?? false });
}

/** Butterworth filter, as scipy.signal.butter(order, wn, btype, analog, output='sos', fs). */
export function butter(order: number, wn: CriticalFrequency, opts: IirOptions = {}): Sos {
  return iirfilter(order, wn, { ...opts, ftype: 'butter' });
}

/** Chebyshev type I filter with `rp` dB passband ripple, as scipy.signal.cheby1(..., output='sos'). */
export function cheby1(order: number, rp: number, wn: CriticalFrequency, opts: IirOptions = {}): Sos {
  return iirfilter(order, wn, { ...opts, ftype: 'cheby1', rp });
}

/** Chebyshev type II filter with `rs` dB stopband attenuation, as scipy.signal.cheby2(..., output='sos'). */
export function cheby2(order: number, rs: number, wn: CriticalFrequency, opts: IirOptions = {}): Sos {
  return iirfilter(order, wn, { ...opts, ftype: 'cheby2', rs });
}

/** Elliptic (Cauer) filter, as scipy.signal.ellip(order, rp, rs, wn, ..., output='sos'). */
export function ellip(order: number, rp: number, rs: number, wn: CriticalFrequency, opts: IirOptions = {}): Sos {
  return iirfilter(order, wn, { ...opts, ftype: 'ellip', rp, rs });
}

/** Bessel-Thomson filter, as scipy.signal.bessel(order, wn, ..., output='sos', norm). */
export function bessel(order: number, wn: CriticalFrequency, opts: BesselOptions = {}): Sos {
  return iirfilter(order, wn, { ...opts, ftype: 'bessel' });
}
