/**
 * Analog lowpass prototypes (cutoff 1 rad/s) in zero-pole-gain form, with the normalisations of
 * scipy.signal.buttap, cheb1ap, cheb2ap, ellipap and besselap.
 */
import { type Complex, abs, add, conj, cx, div, exp, mul, neg, prod, scale, sinh, sub } from './complex.js';
import type { Zpk } from './zpk.js';

/** Angles pi m / (2N) for m = -N+1, -N+3, ..., N-1: the Butterworth pole pattern. */
function butterAngles(order: number): number[] {
  const out: number[] = [];
  for (let m = -order + 1; m < order; m += 2) out.push((Math.PI * m) / (2 * order));
  return out;
}

const realGain = (num: readonly Complex[], den: readonly Complex[]): number =>
  div(prod(num.map(neg)), prod(den.map(neg))).re;

/** Butterworth: poles evenly spaced on the left unit half circle; the middle one exactly -1 for odd N. */
export function buttap(order: number): Zpk {
  return { z: [], p: butterAngles(order).map((t) => neg(exp(cx(0, t)))), k: 1 };
}

/** Chebyshev type I with `rp` dB passband ripple; gain at 1 rad/s is -rp dB. */
export function cheb1ap(order: number, rp: number): Zpk {
  const eps = Math.sqrt(10 ** (0.1 * rp) - 1);
  const mu = Math.asinh(1 / eps) / order;
  const p = butterAngles(order).map((t) => neg(sinh(cx(mu, t))));
  let k = realGain(p, []);
  if (order % 2 === 0) k /= Math.sqrt(1 + eps * eps);
  return { z: [], p, k };
}

/** Chebyshev type II with `rs` dB stopband attenuation, reached at 1 rad/s. */
export function cheb2ap(order: number, rs: number): Zpk {
  const de = 1 / Math.sqrt(10 ** (0.1 * rs) - 1);
  const mu = Math.asinh(1 / de) / order;
  const z: Complex[] = [];
  // m = 0 would put a zero at infinity (odd orders); SciPy skips it.
  for (let m = -order + 1; m < order; m += 2) {
    if (m !== 0) z.push(cx(0, 1 / Math.sin((m * Math.PI) / (2 * order))));
  }
  const p = butterAngles(order).map((t) => div(cx(-1), sinh(cx(mu, t))));
  return { z, p, k: realGain(p, z) };
}

// ---- Elliptic functions (Abramowitz & Stegun ch. 16-17; Orfanidis, "Lecture notes on elliptic filter design") ----

/** Arithmetic-geometric mean of a >= b > 0. */
function agm(a: number, b: number): number {
  for (let i = 0; i < 64 && Math.abs(a - b) > 1e-16 * a; i++) {
    const s = (a + b) / 2;
    b = Math.sqrt(a * b);
    a = s;
  }
  return (a + b) / 2;
}

/** Complete elliptic integral of the first kind K(m), parameter m = k^2 (A&S 17.6). */
export function ellipk(m: number): number {
  if (m === 1) return Infinity;
  return Math.PI / (2 * agm(1, Math.sqrt(1 - m)));
}

/** K(1 - p), accurate for small p (the complementary integral K'). */
export function ellipkm1(p: number): number {
  if (p === 0) return Infinity;
  return Math.PI / (2 * agm(1, Math.sqrt(p)));
}

export interface Jacobi {
  sn: number;
  cn: number;
  dn: number;
}

/**
 * Jacobi elliptic functions sn, cn, dn of real u and parameter 0 <= m <= 1: the descending Landen /
 * AGM scheme of A&S 16.4, with the series of A&S 16.13 and 16.15 where m is within 1e-9 of 0 or 1
 * (the AGM loses accuracy there, and SciPy's cephes makes the same switch).
 */
export function ellipj(u: number, m: number): Jacobi {
  if (m < 1e-9) {
    const s = Math.sin(u), c = Math.cos(u);
    const q = 0.25 * m * (u - s * c);
    return { sn: s - q * c, cn: c + q * s, dn: 1 - 0.5 * m * s * s };
  }
  if (m >= 0.9999999999) {
    const m1 = 1 - m;
    const ch = Math.cosh(u), th = Math.tanh(u), sech = 1 / ch;
    const sc = Math.sinh(u) * ch;
    const q = 0.25 * m1;
    return {
      sn: th + (q * (sc - u)) / (ch * ch),
      cn: sech - q * (sc - u) * th * sech,
      dn: sech + q * (sc + u) * th * sech,
    };
  }
  const a: number[] = [1];
  const c: number[] = [Math.sqrt(m)];
  let b = Math.sqrt(1 - m);
  let n = 0;
  while (Math.abs(c[n]! / a[n]!) > Number.EPSILON) {
    if (n >= 16) throw new RangeError(`ellipj did not converge for m = ${m}`);
    const an = a[n]!;
    c.push((an - b) / 2);
    a.push((an + b) / 2);
    b = Math.sqrt(an * b);
    n++;
  }
  let phi = 2 ** n * a[n]! * u;
  let prev = phi;
  for (; n > 0; n--) {
    prev = phi;
    phi = (Math.asin((c[n]! * Math.sin(phi)) / a[n]!) + phi) / 2;
  }
  const cn = Math.cos(phi);
  return { sn: Math.sin(phi), cn, dn: cn / Math.cos(prev - phi) };
}

/**
 * Degree equation K'(m)/K(m) = K'(m1) / (N K(m1)) solved for m through the nomes, q = q1^(1/N)
 * (Orfanidis eq. 49, series truncated after 7 terms as in SciPy's _ellipdeg).
 */
export function ellipdeg(order: number, m1: number): number {
  const q1 = Math.exp((-Math.PI * ellipkm1(m1)) / ellipk(m1));
  const q = q1 ** (1 / order);
  const num = sum8((j) => q ** (j * (j + 1)));
  const den = sum8((j) => q ** ((j + 1) * (j + 1)));
  return 16 * q * (num / (1 + 2 * den)) ** 4;
}

/**
 * Sum of term(0..7) in numpy's pairwise order. For high orders with little stopband attenuation m is
 * within 1e-8 of 1, so one ulp of m moves K(m) by ~1e-9; adding in the same order as SciPy keeps the
 * result on SciPy's side of that rounding more often.
 */
function sum8(term: (j: number) => number): number {
  const t = [0, 1, 2, 3, 4, 5, 6, 7].map(term);
  return ((t[0]! + t[1]!) + (t[2]! + t[3]!)) + ((t[4]! + t[5]!) + (t[6]! + t[7]!));
}

/**
 * Real inverse of sc(z, 1 - m): sc(z, 1 - m) = -i sn(iz, m), so z solves sn(iz, m) = i w. The
 * Landen recursion for arcsn (Orfanidis eq. 56) keeps i w purely imaginary, which lets it run in
 * real arithmetic, with arcsin(i y) = i asinh(y) at the end.
 */
function arcJacSc1(w: number, m: number): number {
  const complement = (x: number): number => Math.sqrt((1 - x) * (1 + x));
  const ks = [Math.sqrt(m)];
  while (ks[ks.length - 1]! !== 0) {
    if (ks.length > 11) throw new RangeError('Landen transformation not converging');
    const kp = complement(ks[ks.length - 1]!);
    ks.push((1 - kp) / (1 + kp));
  }
  let capK = Math.PI / 2;
  for (let i = 1; i < ks.length; i++) capK *= 1 + ks[i]!;
  let y = w;
  for (let i = 0; i + 1 < ks.length; i++) {
    const kn = ks[i]!;
    y = (2 * y) / ((1 + ks[i + 1]!) * (1 + Math.sqrt(1 + kn * y * kn * y)));
  }
  return (capK * 2 * Math.asinh(y)) / Math.PI;
}

/** 10^x - 1 without cancellation for small x. */
const pow10m1 = (x: number): number => Math.expm1(Math.LN10 * x);

/**
 * Elliptic (Cauer) prototype with `rp` dB passband ripple and `rs` dB stopband attenuation
 * (Lutovac, Tosic & Evans ch. 5 and 12; Orfanidis), normalised as scipy.signal.ellipap.
 */
export function ellipap(order: number, rp: number, rs: number): Zpk {
  if (order === 1) {
    const p = -Math.sqrt(1 / pow10m1(0.1 * rp));
    return { z: [], p: [cx(p)], k: -p };
  }
  const epsSq = pow10m1(0.1 * rp);
  const eps = Math.sqrt(epsSq);
  const ck1Sq = epsSq / pow10m1(0.1 * rs);
  if (!(ck1Sq > 0) || !(ck1Sq < 1)) {
    throw new RangeError(`cannot design an elliptic filter with rp = ${rp} dB and rs = ${rs} dB (need rp < rs)`);
  }
  const k1 = ellipk(ck1Sq);
  const m = ellipdeg(order, ck1Sq);
  const capK = ellipk(m);
  const v0 = (capK * arcJacSc1(1 / eps, ck1Sq)) / (order * k1);
  const { sn: sv, cn: cv, dn: dv } = ellipj(v0, 1 - m);

  const zeros: Complex[] = [];
  const poles: Complex[] = [];
  for (let j = 1 - (order % 2); j < order; j += 2) {
    const { sn: s, cn: c, dn: d } = ellipj((j * capK) / order, m);
    if (Math.abs(s) > 2e-16) zeros.push(cx(0, 1 / (Math.sqrt(m) * s)));
    const den = 1 - (d * sv) ** 2;
    poles.push(cx(-(c * d * sv * cv) / den, -(s * dv) / den));
  }
  const z = [...zeros, ...zeros.map(conj)];
  // For odd orders the pole with j = 0 is real and must not be doubled.
  const norm = Math.sqrt(poles.reduce((acc, v) => acc + v.re * v.re + v.im * v.im, 0));
  const p = [...poles, ...poles.filter((v) => Math.abs(v.im) > 2e-16 * norm).map(conj)];
  let k = realGain(p, z);
  if (order % 2 === 0) k /= Math.sqrt(1 + epsSq);
  return { z, p, k };
}

// ---- Bessel ----

export type BesselNorm = 'phase' | 'delay' | 'mag';

/** Coefficients a_k of the reverse Bessel polynomial sum a_k s^k, a_k = (2N-k)! / (2^(N-k) k! (N-k)!). */
function reverseBesselCoefficients(order: number): bigint[] {
  const n = BigInt(order);
  const out: bigint[] = [];
  // a_N = 1 and a_{k-1} = a_k * k (2N - k + 1) / (2 (N - k + 1)), exact in integers.
  let a = 1n;
  out[order] = a;
  for (let k = n; k >= 1n; k--) {
    a = (a * k * (2n * n - k + 1n)) / (2n * (n - k + 1n));
    out[Number(k - 1n)] = a;
  }
  return out;
}

const float64 = new DataView(new ArrayBuffer(8));

/** The double v as m * 2^e with an integer mantissa m: every double is such a dyadic rational. */
function decompose(v: number): [bigint, number] {
  if (v === 0) return [0n, 0];
  float64.setFloat64(0, v);
  const hi = float64.getUint32(0), lo = float64.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e = -1074;
  if (biased !== 0) { m |= 1n << 52n; e = biased - 1075; }
  return [v < 0 ? -m : m, e];
}

const bitLength = (b: bigint): number => (b === 0n ? 0 : (b < 0n ? -b : b).toString(2).length);

/** (re + j im) as doubles times 2^h, keeping the leading 62 bits. */
function toDoubles(re: bigint, im: bigint): [number, number, number] {
  const h = Math.max(0, Math.max(bitLength(re), bitLength(im)) - 62);
  return [Number(re >> BigInt(h)), Number(im >> BigInt(h)), h];
}

/**
 * Newton ratio f(x)/f'(x) of the integer polynomial sum coef[k] x^k, evaluated exactly: x is a
 * dyadic rational X 2^-s, so f(x) 2^(sN) and f'(x) 2^(s(N-1)) are integers computed by Horner in
 * BigInt. Near the roots of high-order Bessel polynomials Horner's terms cancel by about e^(2|x|),
 * beyond double and even double-double precision (order 40 and up); exact sums cannot cancel.
 */
function newtonRatio(coef: readonly bigint[], x: Complex): Complex {
  const [mr, er] = decompose(x.re);
  const [mi, ei] = decompose(x.im);
  if (mr === 0n && mi === 0n) return cx(Number(coef[0]!) / Number(coef[1]!));
  // Common exponent e <= 0, so that X = x 2^s (s = -e >= 0) is an integer and every shift is exact.
  const e = Math.min(0, mr === 0n ? 0 : er, mi === 0n ? 0 : ei);
  const xr = mr << BigInt(er - e), xi = mi << BigInt(ei - e);
  const s = -e;
  const n = coef.length - 1;
  let fr = coef[n]!, fi = 0n, dr = 0n, di = 0n;
  for (let j = n - 1; j >= 0; j--) {
    const ndr = dr * xr - di * xi + fr, ndi = dr * xi + di * xr + fi;
    const c = coef[j]! << BigInt(s * (n - j));
    const nfr = fr * xr - fi * xi + c, nfi = fr * xi + fi * xr;
    fr = nfr; fi = nfi; dr = ndr; di = ndi;
  }
  if (fr === 0n && fi === 0n) return cx(0);
  const [a, b, hf] = toDoubles(fr, fi);
  const [c, d, hd] = toDoubles(dr, di);
  // f/f' = (F / D) 2^-s; the power of two is applied in two factors so neither overflows.
  const k = hf - hd - s;
  const k1 = Math.max(-1000, Math.min(1000, k));
  return scale(div(cx(a, b), cx(c, d)), 2 ** k1 * 2 ** (k - k1));
}

/**
 * Roots of the reverse Bessel polynomial by Aberth-Ehrlich iteration (Aberth 1973) from a
 * Butterworth-like start of radius a_0^(1/N) (the geometric mean of the root moduli), with exact
 * Newton ratios, then Newton-polished and made exactly conjugate-symmetric.
 */
function reverseBesselRoots(order: number): Complex[] {
  const coef = reverseBesselCoefficients(order);
  const radius = Number(coef[0]!) ** (1 / order);
  // A small rotation keeps the start off any symmetry line of the true roots.
  const x = butterAngles(order).map((t) => scale(neg(exp(cx(0, t + 0.01))), radius));
  for (let iter = 0; iter < 200; iter++) {
    let maxRel = 0;
    for (let i = 0; i < order; i++) {
      const xi = x[i]!;
      const ratio = newtonRatio(coef, xi);
      if (ratio.re === 0 && ratio.im === 0) continue;
      let beta = cx(0);
      for (let j = 0; j < order; j++) if (j !== i) beta = add(beta, div(cx(1), sub(xi, x[j]!)));
      const step = div(ratio, sub(cx(1), mul(ratio, beta)));
      x[i] = sub(xi, step);
      maxRel = Math.max(maxRel, abs(step) / abs(xi));
    }
    if (!x.every((v) => Number.isFinite(v.re) && Number.isFinite(v.im))) break;
    // Aberth converges cubically; past 1e-12 Newton on each root finishes the job.
    if (maxRel < 1e-12) return symmetrise(x.map((v) => polish(coef, v)));
  }
  throw new RangeError(`Bessel polynomial roots did not converge for order ${order}`);
}

/** A few Newton steps on one separated root. */
function polish(coef: readonly bigint[], v: Complex): Complex {
  let r = v;
  for (let i = 0; i < 3; i++) r = sub(r, newtonRatio(coef, r));
  return r;
}

/** Pair each root with its mirror, average, and make the real root of odd orders exactly real. */
function symmetrise(x: readonly Complex[]): Complex[] {
  const sorted = [...x].sort((a, b) => a.im - b.im);
  const n = sorted.length;
  return sorted.map((v, i) => {
    const w = sorted[n - 1 - i]!;
    return i === n - 1 - i ? cx(v.re) : cx((v.re + w.re) / 2, (v.im - w.im) / 2);
  });
}

/** Frequency where |k / prod(jw - p)| = 1/sqrt(2), by safeguarded Newton on the log magnitude. */
function halfPowerFrequency(p: readonly Complex[], k: number): number {
  const g = (w: number): number => {
    let s = Math.log(k) + 0.5 * Math.LN2;
    for (const v of p) s -= 0.5 * Math.log(v.re * v.re + (w - v.im) * (w - v.im));
    return s;
  };
  const dg = (w: number): number => {
    let s = 0;
    for (const v of p) s -= (w - v.im) / (v.re * v.re + (w - v.im) * (w - v.im));
    return s;
  };
  let lo = 0, hi = 1;
  while (g(hi) > 0) { lo = hi; hi *= 2; }
  let w = (lo + hi) / 2;
  for (let i = 0; i < 200; i++) {
    const gw = g(w);
    if (gw > 0) lo = w; else hi = w;
    let next = w - gw / dg(w);
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - w) <= 1e-16 * w) return next;
    w = next;
  }
  return w;
}

/**
 * Bessel-Thomson prototype: poles are the roots of the reverse Bessel polynomial. `norm` 'phase'
 * puts the phase midpoint at 1 rad/s (Butterworth asymptotes, SciPy's default), 'delay' gives unit
 * group delay, 'mag' puts the -3 dB point at 1 rad/s.
 */
export function besselap(order: number, norm: BesselNorm = 'phase'): Zpk {
  const roots = reverseBesselRoots(order);
  const aLast = Number(reverseBesselCoefficients(order)[0]!);
  if (norm === 'delay') return { z: [], p: roots, k: aLast };
  if (norm === 'mag') {
    const nf = halfPowerFrequency(roots, aLast);
    return { z: [], p: roots.map((v) => cx(v.re / nf, v.im / nf)), k: nf ** -order * aLast };
  }
  const f = 10 ** (-Math.log10(aLast) / order);
  return { z: [], p: roots.map((v) => scale(v, f)), k: 1 };
}
