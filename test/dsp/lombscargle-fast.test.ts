import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lombscargleGridFast } from '../../src/dsp/lombscargle-fast.js';
import { lombscargleGrid, type GridOptions } from '../../src/dsp/lombscargle-grid.js';
import { gaussian, seededRandom } from '../../src/signals/random.js';

/** Beat times with intervals of 0.8 s +- 10 %, and RR-like values oscillating at 0.1 and 0.25 Hz. */
function beats(n: number, seed: number): { t: Float64Array; y: Float64Array } {
  const rand = seededRandom(seed);
  const t = new Float64Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) { s += 0.8 * (1 + 0.2 * (rand() - 0.5)); t[i] = s; }
  const y = t.map((v) => 0.8 + 0.04 * Math.sin(2 * Math.PI * 0.1 * v) + 0.02 * Math.sin(2 * Math.PI * 0.25 * v + 1) + 0.02 * gaussian(rand));
  return { t, y };
}

function assertClose(got: Float64Array, want: Float64Array, tol: number, what: string): void {
  assert.equal(got.length, want.length);
  const scale = Math.max(...want);
  for (let k = 0; k < want.length; k++) assert.ok(Math.abs(got[k]! - want[k]!) <= tol * scale, `${what} k=${k}: ${got[k]} vs ${want[k]}`);
}

const rr = beats(3000, 11);
const dw = (2 * Math.PI * 0.4) / 1024;
const cases: { name: string; w0: number; dw: number; count: number; opts: GridOptions }[] = [
  { name: 'w0 = dw, plain power', w0: dw, dw, count: 1024, opts: {} },
  { name: 'w0 = dw, normalised power', w0: dw, dw, count: 1024, opts: { normalize: true } },
  { name: 'w0 = dw, a floating mean', w0: dw, dw, count: 1024, opts: { floatingMean: true } },
  { name: 'w0 = dw, normalised power with a floating mean', w0: dw, dw, count: 1024, opts: { floatingMean: true, normalize: true } },
  { name: 'w0 not a multiple of dw', w0: 0.37 * dw + 0.003, dw: 1.3 * dw, count: 777, opts: {} },
  { name: 'w0 not a multiple of dw, with a floating mean', w0: 0.37 * dw + 0.003, dw: 1.3 * dw, count: 777, opts: { floatingMean: true, normalize: true } },
  { name: 'a grid from w = 0 with a floating mean', w0: 0, dw, count: 1024, opts: { floatingMean: true } },
  { name: 'a descending grid (dw < 0)', w0: 1024 * dw, dw: -dw, count: 1024, opts: { floatingMean: true } },
  { name: 'w0 a multiple of dw far above the grid width', w0: 3000 * dw, dw: dw / 8, count: 300, opts: { floatingMean: true } },
  { name: 'a single frequency', w0: 0.3, dw, count: 1, opts: { floatingMean: true } },
  { name: 'dw = 0', w0: 0.3, dw: 0, count: 3, opts: {} },
];
for (const c of cases) {
  test(`lombscargleGridFast agrees with lombscargleGrid to 1e-6 of the largest power on RR-like beats, with ${c.name}`, () => {
    const want = lombscargleGrid(rr.t, rr.y, c.w0, c.dw, c.count, c.opts);
    assertClose(lombscargleGridFast(rr.t, rr.y, c.w0, c.dw, c.count, c.opts), want, 1e-6, c.name);
  });
}

test('lombscargleGridFast agrees with lombscargleGrid on 200 000 beats, checked on blocks of the grid around its ends and peaks', () => {
  const long = beats(200_000, 12);
  for (const w0 of [dw, 0.37 * dw]) {
    const opts = { floatingMean: true };
    const got = lombscargleGridFast(long.t, long.y, w0, dw, 1024, opts);
    // Blocks of the direct grid (offset w0) holding both peaks, 0.1 Hz at k = 255 and 0.25 Hz at k = 639.
    const starts = [0, 240, 624, 992], want = new Float64Array(1024), checked = new Float64Array(1024);
    for (const k0 of starts) want.set(lombscargleGrid(long.t, long.y, w0 + k0 * dw, dw, 32, opts), k0);
    for (const k0 of starts) checked.set(got.subarray(k0, k0 + 32), k0);
    assertClose(checked, want, 1e-6, `w0=${w0}`);
  }
});

test('lombscargleGridFast finds a pure sinusoid at its grid index', () => {
  const rand = seededRandom(3);
  const even = Float64Array.from({ length: 4000 }, (_, i) => i * 0.5);
  const jittered = even.map((v) => v + 0.4 * rand());
  const rows = [
    { name: 'even times, w0 = dw', t: even, w0: dw, k: 300 },
    { name: 'jittered times, w0 = dw', t: jittered, w0: dw, k: 811 },
    { name: 'jittered times, w0 not a multiple of dw', t: jittered, w0: 0.5 * dw, k: 42 },
  ];
  for (const r of rows) {
    const w = r.w0 + r.k * dw;
    const y = r.t.map((v) => 2 + Math.cos(w * v + 0.3));
    const p = lombscargleGridFast(r.t, y, r.w0, dw, 1024, { floatingMean: true, normalize: true });
    assert.equal(p.indexOf(Math.max(...p)), r.k, r.name);
    assert.ok(Math.abs(p[r.k]! - 1) < 1e-3, `${r.name}: normalised peak ${p[r.k]}`);
  }
});

test('lombscargleGridFast rejects bad inputs with the errors of lombscargleGrid', () => {
  const bad: [string, ArrayLike<number>, ArrayLike<number>, number, number, number][] = [
    ['unequal lengths', [1, 2], [1], 0, 1, 3],
    ['no samples', [], [], 0, 1, 3],
    ['a zero count', [1, 2], [1, 2], 0, 1, 0],
    ['a fractional count', [1, 2], [1, 2], 0, 1, 2.5],
    ['an infinite w0', [1, 2], [1, 2], Infinity, 1, 3],
    ['a NaN dw', [1, 2], [1, 2], 0, NaN, 3],
    ['a NaN time', [1, NaN], [1, 2], 0, 1, 3],
    ['a NaN value', [1, 2], [NaN, 2], 0, 1, 3],
  ];
  for (const [name, x, y, w0, d, count] of bad) {
    let message = '';
    assert.throws(() => lombscargleGrid(x, y, w0, d, count), (e: Error) => { message = e.message; return e instanceof RangeError; }, name);
    assert.throws(() => lombscargleGridFast(x, y, w0, d, count), { name: 'RangeError', message }, name);
  }
  for (const oversample of [2, 0, -4, NaN, Infinity]) {
    assert.throws(() => lombscargleGridFast([1, 2], [1, 2], 0, 1, 3, { oversample }), /oversample/);
  }
});
