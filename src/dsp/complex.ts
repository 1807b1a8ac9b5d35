/**
 * Minimal complex arithmetic for filter design (poles, zeros, gains). Design work is a few dozen
 * values, so clarity wins over allocation here; the per-sample kernels never use these helpers.
 */

export interface Complex {
  readonly re: number;
  readonly im: number;
}

export function cx(re: number, im = 0): Complex {
  return { re, im };
}

export function add(a: Complex, b: Complex): Complex {
  return { re: a.re + b.re, im: a.im + b.im };
}

export function sub(a: Complex, b: Complex): Complex {
  return { re: a.re - b.re, im: a.im - b.im };
}

export function mul(a: Complex, b: Complex): Complex {
  return { re: a.re * b.re - a.im * b.im, im: a.re * b.im + a.im * b.re };
}

export function scale(a: Complex, s: number): Complex {
  return { re: a.re * s, im: a.im * s };
}

export function neg(a: Complex): Complex {
  return { re: -a.re, im: -a.im };
}

export function conj(a: Complex): Complex {
  return { re: a.re, im: -a.im };
}

/**
 * Smith's algorithm (1962): scales by the larger component of the divisor so that nothing overflows.
 * Multiplies by the reciprocal of the scaled norm as NumPy's complex division does, so results agree
 * with SciPy's to the last bit more often.
 */
export function div(a: Complex, b: Complex): Complex {
  if (Math.abs(b.re) >= Math.abs(b.im)) {
    if (b.re === 0 && b.im === 0) return { re: a.re / 0, im: a.im / 0 };
    const r = b.im / b.re;
    const s = 1 / (b.re + b.im * r);
    return { re: (a.re + a.im * r) * s, im: (a.im - a.re * r) * s };
  }
  const r = b.re / b.im;
  const s = 1 / (b.im + b.re * r);
  return { re: (a.re * r + a.im) * s, im: (a.im * r - a.re) * s };
}

export function abs(a: Complex): number {
  return Math.hypot(a.re, a.im);
}

/**
 * Principal square root (branch cut on the negative real axis, sign of the imaginary part follows
 * the input's, as C99 csqrt). Computed from |a| without cancellation.
 */
export function sqrt(a: Complex): Complex {
  const { re, im } = a;
  if (re === 0 && im === 0) return { re: 0, im };
  const t = Math.sqrt((Math.abs(re) + Math.hypot(re, im)) / 2);
  if (re >= 0) return { re: t, im: im / (2 * t) };
  return { re: Math.abs(im) / (2 * t), im: Object.is(im, -0) || im < 0 ? -t : t };
}

/** sinh(x + iy) = sinh x cos y + i cosh x sin y. */
export function sinh(a: Complex): Complex {
  return { re: Math.sinh(a.re) * Math.cos(a.im), im: Math.cosh(a.re) * Math.sin(a.im) };
}

/** exp(x + iy). */
export function exp(a: Complex): Complex {
  const m = Math.exp(a.re);
  return { re: m * Math.cos(a.im), im: m * Math.sin(a.im) };
}

/** Product of all values, left to right (empty product is 1). */
export function prod(values: readonly Complex[]): Complex {
  let acc: Complex = { re: 1, im: 0 };
  for (const v of values) acc = mul(acc, v);
  return acc;
}
