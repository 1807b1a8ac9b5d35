import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Complex } from '../../src/dsp/complex.js';
import { besselap, buttap, cheb1ap, cheb2ap, ellipap, ellipdeg, ellipj, ellipk, ellipkm1 } from '../../src/dsp/prototypes.js';
import type { Zpk } from '../../src/dsp/zpk.js';

/** H(jw) = k prod(jw - z) / prod(jw - p), evaluated directly from the roots. */
function response({ z, p, k }: Zpk, w: number): { mag: number; phase: number } {
  let logMag = Math.log(Math.abs(k));
  let phase = k < 0 ? Math.PI : 0;
  const factor = (r: Complex, sign: number): void => {
    const re = -r.re, im = w - r.im;
    logMag += (sign * Math.log(re * re + im * im)) / 2;
    phase += sign * Math.atan2(im, re);
  };
  for (const r of z) factor(r, 1);
  for (const r of p) factor(r, -1);
  return { mag: Math.exp(logMag), phase };
}

const db = (x: number): number => 10 ** (-x / 20);
const close = (a: number, b: number, tol: number, label: string): void =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${label}: ${a} vs ${b}`);

test('Butterworth prototypes are -3 dB at 1 rad/s with unit DC gain', () => {
  for (let n = 1; n <= 12; n++) {
    const zpk = buttap(n);
    close(response(zpk, 0).mag, 1, 1e-14, `N=${n} DC`);
    close(response(zpk, 1).mag, Math.SQRT1_2, 1e-14, `N=${n} at 1 rad/s`);
  }
});

test('Chebyshev I prototypes drop to -rp dB at 1 rad/s, DC at 0 dB (odd) or -rp dB (even)', () => {
  for (const rp of [0.1, 1, 3]) {
    for (let n = 1; n <= 10; n++) {
      const zpk = cheb1ap(n, rp);
      close(response(zpk, 1).mag, db(rp), 1e-12, `N=${n} rp=${rp} at 1 rad/s`);
      close(response(zpk, 0).mag, n % 2 ? 1 : db(rp), 1e-12, `N=${n} rp=${rp} DC`);
    }
  }
});

test('Chebyshev II prototypes reach -rs dB at 1 rad/s with unit DC gain', () => {
  for (const rs of [20, 40, 80]) {
    for (let n = 1; n <= 10; n++) {
      const zpk = cheb2ap(n, rs);
      close(response(zpk, 1).mag, db(rs), 1e-10, `N=${n} rs=${rs} at 1 rad/s`);
      close(response(zpk, 0).mag, 1, 1e-12, `N=${n} rs=${rs} DC`);
      assert.equal(zpk.z.length, n - (n % 2), 'odd orders have one zero at infinity');
    }
  }
});

test('elliptic prototypes keep the passband within rp dB and the stopband beyond 1/sqrt(m) within -rs dB', () => {
  for (const [rp, rs] of [[0.5, 40], [1, 60], [3, 20]] as const) {
    for (let n = 1; n <= 8; n++) {
      const zpk = ellipap(n, rp, rs);
      close(response(zpk, 1).mag, db(rp), 1e-9, `N=${n} edge`);
      close(response(zpk, 0).mag, n % 2 ? 1 : db(rp), 1e-9, `N=${n} DC`);
      let passMin = Infinity, passMax = 0;
      for (let i = 0; i <= 400; i++) {
        const m = response(zpk, i / 400).mag;
        passMin = Math.min(passMin, m);
        passMax = Math.max(passMax, m);
      }
      assert.ok(passMax <= 1 + 1e-9 && passMin >= db(rp) * (1 - 1e-9), `N=${n} passband in [${passMin}, ${passMax}]`);
      if (n === 1) continue;
      const m1 = Math.expm1(0.1 * rp * Math.LN10) / Math.expm1(0.1 * rs * Math.LN10);
      const ws = 1 / Math.sqrt(ellipdeg(n, m1));
      let stopMax = 0;
      for (let i = 0; i <= 2000; i++) stopMax = Math.max(stopMax, response(zpk, ws * (1 + i / 200)).mag);
      assert.ok(stopMax <= db(rs) * (1 + 1e-7), `N=${n} stopband max ${stopMax} vs ${db(rs)}`);
      assert.ok(stopMax >= db(rs) * (1 - 1e-2), `N=${n} stopband ripple reaches -rs dB (${stopMax})`);
    }
  }
});

/** Group delay -d(phase)/dw at w of an all-pole prototype. */
function groupDelay(p: readonly Complex[], w: number): number {
  let t = 0;
  for (const r of p) t += -r.re / (r.re * r.re + (w - r.im) * (w - r.im));
  return t;
}

test('Bessel prototypes meet their normalisation for every norm, up to order 40', () => {
  for (const n of [1, 2, 3, 4, 5, 8, 10, 15, 25, 40]) {
    // 'phase' has Butterworth's asymptotes: unit DC gain and |H(jw)| ~ w^-N, i.e. prod |p| = 1.
    const phase = besselap(n, 'phase');
    close(response(phase, 0).mag, 1, 1e-12, `N=${n} phase DC`);
    close(phase.p.reduce((s, v) => s + Math.log(Math.hypot(v.re, v.im)), 0), 0, 1e-13, `N=${n} prod |p| = 1`);
    if (n <= 2) close(response(phase, 1).phase, (-n * Math.PI) / 4, 1e-13, `N=${n} phase midpoint at 1 rad/s`);
    const delay = besselap(n, 'delay');
    close(groupDelay(delay.p, 0), 1, 1e-11, `N=${n} unit group delay`);
    close(delay.p.reduce((s, v) => s + v.re, 0), (-n * (n + 1)) / 2, 1e-11, `N=${n} root sum`);
    const mag = besselap(n, 'mag');
    close(response(mag, 1).mag, Math.SQRT1_2, 1e-12, `N=${n} -3 dB at 1 rad/s`);
  }
});

test('Bessel poles come in exact conjugate pairs, with one exactly real pole for odd orders', () => {
  for (const n of [3, 6, 9]) {
    const { p } = besselap(n);
    const reals = p.filter((v) => v.im === 0);
    assert.equal(reals.length, n % 2);
    for (const v of p) assert.ok(p.some((w) => w.re === v.re && w.im === -v.im), `conjugate of ${v.re}+${v.im}j`);
  }
});

test('ellipk and ellipkm1 give known complete elliptic integrals', () => {
  // K(1/2) = Gamma(1/4)^2 / (4 sqrt(pi)); K(0) = pi/2.
  close(ellipk(0), Math.PI / 2, 1e-16, 'K(0)');
  close(ellipk(0.5), 1.8540746773013719, 2e-16, 'K(1/2)');
  close(ellipkm1(0.5), 1.8540746773013719, 2e-16, "K'(1/2)");
  // K(m) ~ ln(4 / sqrt(1 - m)) as m -> 1 (A&S 17.3.26); the next term is O((1-m) ln(1-m)).
  close(ellipkm1(1e-20), Math.log(4 / 1e-10), 1e-15, 'K near m = 1');
  assert.equal(ellipk(1), Infinity);
});

test('ellipj satisfies the Jacobi identities and sn(K) = 1 across the AGM and series regimes', () => {
  for (const m of [0, 1e-12, 0.999e-9, 1.001e-9, 0.3, 0.9, 0.999999, 0.99999999989, 0.99999999991, 1 - 1e-13]) {
    for (const u of [0.1, 0.9, 2.2]) {
      const { sn, cn, dn } = ellipj(u, m);
      close(sn * sn + cn * cn, 1, 1e-14, `sn^2 + cn^2 at u=${u}, m=${m}`);
      close(dn * dn + m * sn * sn, 1, 1e-14, `dn^2 + m sn^2 at u=${u}, m=${m}`);
    }
    if (m < 0.99) close(ellipj(ellipk(m), m).sn, 1, 1e-14, `sn(K(${m}))`);
  }
  close(ellipj(0.7, 0).sn, Math.sin(0.7), 1e-16, 'm = 0 is the circular case');
  close(ellipj(0.7, 1).sn, Math.tanh(0.7), 1e-16, 'm = 1 is the hyperbolic case');
  // The regimes meet smoothly: each side of the m = 1e-9 switch agrees to rounding.
  close(ellipj(1.3, 0.99999e-9).sn, ellipj(1.3, 1.00001e-9).sn, 4e-15, 'continuity at m = 1e-9');
  close(ellipj(1.3, 0.99999999989).dn, ellipj(1.3, 0.99999999991).dn, 1e-9, 'continuity at m = 1 - 1e-10');
});

test('ellipdeg solves the degree equation K\'(m)/K(m) = K\'(m1) / (N K(m1))', () => {
  for (const m1 of [1e-6, 2.6e-5, 1e-3]) {
    for (const n of [2, 3, 5, 8]) {
      const m = ellipdeg(n, m1);
      close(ellipkm1(m) / ellipk(m), ellipkm1(m1) / (n * ellipk(m1)), 1e-12, `N=${n}, m1=${m1}`);
    }
  }
});
