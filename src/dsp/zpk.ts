/**
 * Zero-pole-gain transforms with scipy.signal semantics: frequency transforms of an analog lowpass
 * prototype (lp2lp_zpk, lp2hp_zpk, lp2bp_zpk, lp2bs_zpk), the bilinear transform (bilinear_zpk) and
 * the conversion to second-order sections (zpk2sos). The section pairing and order follow SciPy's
 * zpk2sos exactly, so that designs compare row by row with SciPy's output.
 */
import { type Complex, abs, add, conj, cx, div, mul, neg, prod, scale, sqrt, sub } from './complex.js';
import type { Sos } from './types.js';

/** Zeros, poles and a real gain. Complex values come in conjugate pairs for real filters. */
export interface Zpk {
  z: Complex[];
  p: Complex[];
  k: number;
}

/** A zero or pole given as a complex value or as a plain real number. */
export type Root = Complex | number;

function relativeDegree(z: readonly Complex[], p: readonly Complex[]): number {
  const d = p.length - z.length;
  if (d < 0) throw new RangeError(`improper transfer function: ${z.length} zeros but only ${p.length} poles`);
  return d;
}

function checkFrequency(name: string, v: number): void {
  if (!(v > 0) || !Number.isFinite(v)) throw new RangeError(`${name} must be a positive finite number, got ${v}`);
}

/** Lowpass to lowpass with cutoff `wo` (rad/s): s -> s / wo. */
export function lp2lpZpk({ z, p, k }: Zpk, wo = 1): Zpk {
  checkFrequency('wo', wo);
  const degree = relativeDegree(z, p);
  return { z: z.map((v) => scale(v, wo)), p: p.map((v) => scale(v, wo)), k: k * wo ** degree };
}

/** Lowpass to highpass with cutoff `wo` (rad/s): s -> wo / s; zeros at infinity move to the origin. */
export function lp2hpZpk({ z, p, k }: Zpk, wo = 1): Zpk {
  checkFrequency('wo', wo);
  const degree = relativeDegree(z, p);
  const w = cx(wo);
  const zh = z.map((v) => div(w, v));
  for (let i = 0; i < degree; i++) zh.push(cx(0));
  return { z: zh, p: p.map((v) => div(w, v)), k: k * div(prod(z.map(neg)), prod(p.map(neg))).re };
}

/** Each root r maps to the two roots of s^2 - 2 r s + wo^2 (wideband transform). */
function splitAround(r: Complex, wo: number): [Complex, Complex] {
  const d = sqrt(sub(mul(r, r), cx(wo * wo)));
  return [add(r, d), sub(r, d)];
}

/** Lowpass to bandpass centred on `wo` with width `bw` (rad/s): s -> (s^2 + wo^2) / (s bw). */
export function lp2bpZpk({ z, p, k }: Zpk, wo = 1, bw = 1): Zpk {
  checkFrequency('wo', wo);
  checkFrequency('bw', bw);
  const degree = relativeDegree(z, p);
  const shift = (roots: readonly Complex[]): Complex[] => {
    const pairs = roots.map((v) => splitAround(scale(scale(v, bw), 0.5), wo));
    return [...pairs.map((q) => q[0]), ...pairs.map((q) => q[1])];
  };
  const zb = shift(z);
  for (let i = 0; i < degree; i++) zb.push(cx(0));
  return { z: zb, p: shift(p), k: k * bw ** degree };
}

/** Lowpass to bandstop centred on `wo` with width `bw` (rad/s): s -> s bw / (s^2 + wo^2). */
export function lp2bsZpk({ z, p, k }: Zpk, wo = 1, bw = 1): Zpk {
  checkFrequency('wo', wo);
  checkFrequency('bw', bw);
  const degree = relativeDegree(z, p);
  const half = cx(bw / 2);
  const shift = (roots: readonly Complex[]): Complex[] => {
    const pairs = roots.map((v) => splitAround(div(half, v), wo));
    return [...pairs.map((q) => q[0]), ...pairs.map((q) => q[1])];
  };
  const zb = shift(z);
  // Zeros at infinity land on the stopband centre, +j wo then -j wo as SciPy lists them.
  for (let i = 0; i < degree; i++) zb.push(cx(0, wo));
  for (let i = 0; i < degree; i++) zb.push(cx(0, -wo));
  return { z: zb, p: shift(p), k: k * div(prod(z.map(neg)), prod(p.map(neg))).re };
}

/**
 * Bilinear (Tustin) transform s = 2 fs (z - 1) / (z + 1), no prewarping; zeros at infinity move to
 * z = -1. As scipy.signal.bilinear_zpk.
 */
export function bilinearZpk({ z, p, k }: Zpk, fs: number): Zpk {
  checkFrequency('fs', fs);
  const degree = relativeDegree(z, p);
  const fs2 = cx(2 * fs);
  const map = (v: Complex): Complex => div(add(fs2, v), sub(fs2, v));
  const zz = z.map(map);
  for (let i = 0; i < degree; i++) zz.push(cx(-1));
  const gain = div(prod(z.map((v) => sub(fs2, v))), prod(p.map((v) => sub(fs2, v))));
  return { z: zz, p: p.map(map), k: k * gain.re };
}

const CPLX_TOL = 100 * Number.EPSILON;

const isReal = (v: Complex): boolean => v.im === 0;

/**
 * SciPy's _cplxreal: one value per conjugate pair (positive imaginary part, pair averaged) sorted by
 * real part then |imag|, followed by the real values sorted. The order decides ties in the pairing
 * below, which is why it is reproduced and not just any order.
 */
function cplxreal(values: readonly Complex[]): Complex[] {
  const sorted = [...values].sort((a, b) => a.re - b.re || Math.abs(a.im) - Math.abs(b.im));
  const reals: Complex[] = [];
  const pos: Complex[] = [];
  const negs: Complex[] = [];
  for (const v of sorted) {
    if (Math.abs(v.im) <= CPLX_TOL * abs(v)) reals.push(cx(v.re));
    else if (v.im > 0) pos.push(v);
    else negs.push(v);
  }
  if (pos.length !== negs.length) throw new RangeError('roots contain a complex value with no matching conjugate');
  // Runs of (nearly) equal real part are ordered by |imag| so that partners line up.
  const byImag = (a: Complex, b: Complex): number => Math.abs(a.im) - Math.abs(b.im);
  let start = 0;
  for (let i = 1; i <= pos.length; i++) {
    const linked = i < pos.length && pos[i]!.re - pos[i - 1]!.re <= CPLX_TOL * abs(pos[i - 1]!);
    if (linked) continue;
    if (i - start > 1) {
      pos.splice(start, i - start, ...pos.slice(start, i).sort(byImag));
      negs.splice(start, i - start, ...negs.slice(start, i).sort(byImag));
    }
    start = i;
  }
  const pairs = pos.map((v, i) => {
    const w = conj(negs[i]!);
    if (abs(sub(v, w)) > CPLX_TOL * abs(negs[i]!)) {
      throw new RangeError('roots contain a complex value with no matching conjugate');
    }
    return scale(add(v, w), 0.5);
  });
  return [...pairs, ...reals];
}

/** Index of the first minimum of `key` over the entries accepted by `accept`; -1 if none. */
function argmin(values: readonly Complex[], key: (v: Complex) => number, accept: (v: Complex) => boolean = () => true): number {
  let best = -1;
  let bestKey = Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!accept(v)) continue;
    const kv = key(v);
    if (best < 0 || kv < bestKey) { best = i; bestKey = kv; }
  }
  return best;
}

function take(values: Complex[], index: number, what: string): Complex {
  if (index < 0) throw new RangeError(`zpk2sos: no ${what} left to pair`);
  return values.splice(index, 1)[0]!;
}

/** Coefficients [1, -(r1 + r2), r1 r2] (or [1, -r1] / [1]) right-aligned into three slots, real part. */
function polyRow(roots: readonly Complex[]): [number, number, number] {
  if (roots.length === 0) return [0, 0, 1];
  if (roots.length === 1) return [0, 1, -roots[0]!.re];
  const [a, b] = roots as [Complex, Complex];
  return [1, -add(a, b).re, mul(a, b).re];
}

export type Pairing = 'nearest' | 'keep_odd' | 'minimal';

export interface Zpk2SosOptions {
  /** Pole-zero pairing as in SciPy. default: 'nearest' for digital, 'minimal' (the only valid choice) for analog */
  pairing?: Pairing;
  /** The roots are s-plane roots; "worst" then means closest to the imaginary axis. default: false */
  analog?: boolean;
}

/**
 * Second-order sections from zeros, poles and gain, as scipy.signal.zpk2sos: poles closest to the
 * unit circle (imaginary axis when analog) are paired with their nearest zeros and placed last; the
 * gain goes into the first section.
 */
export function zpk2sos(z: readonly Root[], p: readonly Root[], k: number, opts: Zpk2SosOptions = {}): Sos {
  const analog = opts.analog ?? false;
  const pairing = opts.pairing ?? (analog ? 'minimal' : 'nearest');
  if (pairing !== 'nearest' && pairing !== 'keep_odd' && pairing !== 'minimal') {
    throw new RangeError(`pairing must be one of nearest, keep_odd, minimal, got ${String(pairing)}`);
  }
  if (analog && pairing !== 'minimal') throw new RangeError(`pairing must be 'minimal' for an analog zpk2sos, got '${pairing}'`);
  if (!Number.isFinite(k)) throw new RangeError(`k must be a finite number, got ${k}`);
  let zs = z.map((v) => (typeof v === 'number' ? cx(v) : v));
  let ps = p.map((v) => (typeof v === 'number' ? cx(v) : v));
  for (const v of [...zs, ...ps]) {
    if (!Number.isFinite(v.re) || !Number.isFinite(v.im)) throw new RangeError(`zeros and poles must be finite, got ${v.re}+${v.im}j`);
  }
  if (zs.length === 0 && ps.length === 0) return analog ? [[0, 0, k, 0, 0, 1]] : [[k, 0, 0, 1, 0, 0]];

  let nSections: number;
  if (pairing !== 'minimal') {
    while (ps.length < zs.length) ps.push(cx(0));
    while (zs.length < ps.length) zs.push(cx(0));
    nSections = (ps.length + 1) >> 1;
    if (ps.length % 2 === 1 && pairing === 'nearest') { ps.push(cx(0)); zs.push(cx(0)); }
  } else {
    if (ps.length < zs.length) throw new RangeError(`analog zpk2sos needs at least as many poles as zeros, got ${ps.length} < ${zs.length}`);
    nSections = (ps.length + 1) >> 1;
  }
  zs = cplxreal(zs);
  ps = cplxreal(ps);

  const badness = analog ? (v: Complex) => Math.abs(v.re) : (v: Complex) => Math.abs(1 - abs(v));
  const nearest = (to: Complex, accept?: (v: Complex) => boolean): number => argmin(zs, (v) => abs(sub(v, to)), accept);
  const countReal = (vs: readonly Complex[]): number => vs.filter(isReal).length;
  const sos: Sos = new Array(nSections);

  // Built from the last section backwards so that the "worst" poles end up last.
  for (let si = nSections - 1; si >= 0; si--) {
    const p1 = take(ps, argmin(ps, badness), 'pole');
    let zeros: Complex[];
    let poles: Complex[];
    if (isReal(p1) && countReal(ps) === 0) {
      // The last real pole of an odd order: a first-order section with the nearest real zero.
      if (pairing !== 'minimal') {
        zeros = [take(zs, nearest(p1, isReal), 'real zero'), cx(0)];
        poles = [p1, cx(0)];
      } else {
        zeros = zs.length > 0 ? [take(zs, nearest(p1, isReal), 'real zero')] : [];
        poles = [p1];
      }
    } else if (ps.length + 1 === zs.length && !isReal(p1) && countReal(ps) === 1 && countReal(zs) === 1) {
      // The one real zero must stay for the one real pole, so this pole takes a complex zero.
      const z1 = take(zs, nearest(p1, (v) => !isReal(v)), 'complex zero');
      zeros = [z1, conj(z1)];
      poles = [p1, conj(p1)];
    } else {
      const p2 = isReal(p1) ? take(ps, argmin(ps, badness, isReal), 'real pole') : conj(p1);
      poles = [p1, p2];
      if (zs.length === 0) zeros = [];
      else {
        const z1 = take(zs, nearest(p1), 'zero');
        if (!isReal(z1)) zeros = [z1, conj(z1)];
        else if (zs.length > 0) zeros = [z1, take(zs, nearest(p1, isReal), 'real zero')];
        else zeros = [z1];
      }
    }
    sos[si] = [...polyRow(zeros), ...polyRow(poles)];
  }
  const first = sos[0]!;
  for (let i = 0; i < 3; i++) first[i]! *= k;
  return sos;
}
