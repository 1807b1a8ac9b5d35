import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lombscargleGrid } from '../../src/dsp/lombscargle-grid.js';
import { lombscargle } from '../../src/dsp/lombscargle.js';
import { seededRandom } from '../../src/signals/random.js';

const rand = seededRandom(17);
const n = 400;
const t = Float64Array.from({ length: n }, (_, i) => i * 0.8 + rand() * 0.3);
const y = t.map((v) => 3 + Math.sin(2 * Math.PI * 0.1 * v) + 0.5 * Math.cos(2 * Math.PI * 0.27 * v + 1) + 0.2 * (rand() - 0.5));

const cases: { name: string; opts: { floatingMean?: boolean; normalize?: boolean } }[] = [
  { name: 'plain power', opts: {} },
  { name: 'a floating mean', opts: { floatingMean: true } },
  { name: 'normalised power with a floating mean', opts: { floatingMean: true, normalize: true } },
];
for (const c of cases) {
  test(`lombscargleGrid equals the direct lombscargle on a grid, with ${c.name}`, () => {
    const w0 = 2 * Math.PI * 0.001, dw = 2 * Math.PI * 0.0005, count = 1000;
    const freqs = Float64Array.from({ length: count }, (_, k) => w0 + k * dw);
    const want = lombscargle(t, y, freqs, c.opts);
    const got = lombscargleGrid(t, y, w0, dw, count, c.opts);
    const scale = Math.max(...want);
    for (let k = 0; k < count; k++) assert.ok(Math.abs(got[k]! - want[k]!) <= 1e-9 * scale, `k=${k}: ${got[k]} vs ${want[k]}`);
  });
}

test('lombscargleGrid refuses bad arguments naming them', () => {
  assert.throws(() => lombscargleGrid([1, 2], [1], 0, 1, 3), /equal length/);
  assert.throws(() => lombscargleGrid([1, 2], [1, 2], 0, 1, 0), /count/);
});

test('lombscargleGrid equals the direct lombscargle for sample counts that are not multiples of four', () => {
  const w0 = 2 * Math.PI * 0.05, dw = 2 * Math.PI * 0.004, count = 150;
  const freqs = Float64Array.from({ length: count }, (_, k) => w0 + k * dw);
  // A floating mean needs a few samples more than the three parameters to be well conditioned.
  for (const m of [1, 2, 3, 5, 6, 7, 399]) {
    const tm = t.subarray(0, m), ym = y.subarray(0, m), opts = { floatingMean: m > 4 };
    const want = lombscargle(tm, ym, freqs, opts);
    const got = lombscargleGrid(tm, ym, w0, dw, count, opts);
    const scale = Math.max(...want.map(Math.abs), 1e-300);
    for (let k = 0; k < count; k++) assert.ok(Math.abs(got[k]! - want[k]!) <= 1e-9 * scale, `n=${m} k=${k}: ${got[k]} vs ${want[k]}`);
  }
});

/** The grid sums accumulated one sample at a time, as the kernel was first written. */
function oneSampleAtATime(x: Float64Array, yv: Float64Array, w0: number, dw: number, count: number): Float64Array {
  const n = x.length, inv = 1 / n;
  let Y = 0, YY = 0;
  for (let i = 0; i < n; i++) { Y += yv[i]! * inv; YY += yv[i]! * yv[i]! * inv; }
  YY -= Y * Y;
  const C = new Float64Array(count), S = new Float64Array(count), CC = new Float64Array(count), CS = new Float64Array(count), YC = new Float64Array(count), YS = new Float64Array(count);
  for (let i = 0; i < n; i++) {
    const ti = x[i]!, yi = yv[i]!, cd = Math.cos(dw * ti), sd = Math.sin(dw * ti);
    let c = Math.cos(w0 * ti), s = Math.sin(w0 * ti);
    for (let k = 0; k < count; k++) {
      C[k]! += c; S[k]! += s; CC[k]! += c * c; CS[k]! += c * s; YC[k]! += yi * c; YS[k]! += yi * s;
      const c2 = c * cd - s * sd;
      s = s * cd + c * sd;
      c = c2;
    }
  }
  const p = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const c1 = C[k]! * inv, s1 = S[k]! * inv, rawCC = CC[k]! * inv, rawCS = CS[k]! * inv, yck = YC[k]! * inv, ysk = YS[k]! * inv;
    const cc = rawCC - c1 * c1, ss = 1 - rawCC - s1 * s1, cs = rawCS - c1 * s1;
    const tau = 0.5 * Math.atan2(2 * cs, cc - ss), ct = Math.cos(tau), st = Math.sin(tau);
    let yc = ct * yck + st * ysk, ys = ct * ysk - st * yck;
    let cct = ct * ct * rawCC + 2 * ct * st * rawCS + st * st * (1 - rawCC);
    const cmt = ct * c1 + st * s1, smt = ct * s1 - st * c1;
    let sst = 1 - cct;
    yc -= Y * cmt; ys -= Y * smt; cct -= cmt * cmt; sst -= smt * smt;
    cct = Math.max(cct, 2 ** -53); sst = Math.max(sst, 2 ** -53);
    p[k] = 2 * ((yc / cct) * yc + (ys / sst) * ys) * (n / 4);
  }
  return p;
}

test('lombscargleGrid steps four samples at a time yet rounds every sum as a one-sample loop does', () => {
  for (const m of [4, 5, 398, 400]) {
    const tm = t.subarray(0, m), ym = y.subarray(0, m);
    const want = oneSampleAtATime(tm, ym, 2 * Math.PI * 0.001, 2 * Math.PI * 0.0007, 257);
    const got = lombscargleGrid(tm, ym, 2 * Math.PI * 0.001, 2 * Math.PI * 0.0007, 257, { floatingMean: true });
    assert.deepEqual(got, want, `n=${m}`);
  }
});
