import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { besselI0, getWindow, type WindowSpec } from '../../src/dsp/windows.js';
import { repoRoot } from '../helpers/shared.js';

// Expected values: test/golden/dsp/make_windows.py (scipy.signal.get_window, scipy.special.i0).
interface WindowCase { spec: WindowSpec; n: number; sym: boolean; expected: number[] }
const golden = JSON.parse(readFileSync(join(repoRoot, 'test/golden/dsp/windows.json'), 'utf8')) as {
  windows: WindowCase[];
  i0: { x: number[]; expected: number[] };
};

/** Absolute, on values in [0, 1]; up to 1.5e-15 measured, for Kaiser windows with beta 30 (a ratio of Bessel values near 1e12). */
const TOL = 1e-14;

const specName = (s: WindowSpec): string => (typeof s === 'string' ? s : `['${s[0]}', ${s[1]}]`);

/**
 * Windows of one point are [1] in SciPy (its length guard comes before the periodic extension); here
 * the periodic ones and the symmetric Tukey ones are not (todo tests below), so the table leaves them
 * out and the other lengths still count.
 */
const onePointBug = (c: WindowCase): boolean =>
  c.n === 1 && (!c.sym || (typeof c.spec !== 'string' && c.spec[0] === 'tukey' && c.spec[1] > 0 && c.spec[1] < 1));

const groups = new Map<string, WindowCase[]>();
for (const c of golden.windows) {
  const key = `${specName(c.spec)}, n, { sym: ${c.sym} }`;
  groups.set(key, [...(groups.get(key) ?? []), c]);
}
for (const [key, cases] of groups) {
  const kept = cases.filter((c) => !onePointBug(c));
  test(`getWindow(${key}) matches scipy.signal.get_window for n = ${kept.map((c) => c.n).join(', ')}`, () => {
    for (const c of kept) {
      const w = getWindow(c.spec, c.n, { sym: c.sym });
      assert.ok(w instanceof Float64Array);
      assert.equal(w.length, c.n, `n=${c.n}: length`);
      for (let i = 0; i < c.n; i++) {
        assert.ok(Math.abs(w[i]! - c.expected[i]!) <= TOL, `n=${c.n} [${i}]: got ${w[i]}, scipy ${c.expected[i]}`);
      }
    }
  });
}

test('a periodic window of one point is [1], as in SciPy', () => {
  for (const c of golden.windows.filter((k) => k.n === 1 && !k.sym)) {
    assert.deepEqual(Array.from(getWindow(c.spec, 1, { sym: false })), c.expected, specName(c.spec));
  }
});

test('a symmetric Tukey window of one point is [1], as in SciPy', () => {
  for (const alpha of [0.1, 0.5, 0.8]) assert.deepEqual(Array.from(getWindow(['tukey', alpha], 1)), [1], `alpha ${alpha}`);
});

test('getWindow is symmetric by default', () => {
  const hann = golden.windows.find((c) => c.spec === 'hann' && c.n === 8 && c.sym)!;
  const w = getWindow('hann', 8);
  for (let i = 0; i < 8; i++) assert.ok(Math.abs(w[i]! - hann.expected[i]!) <= TOL, `[${i}]`);
});

test('a periodic window is its own array, not a view of a longer buffer', () => {
  // Callers keep windows (the quality screening plans hold one per size): a view would keep the
  // longer buffer alive and expose the dropped last point to anyone reading w.buffer.
  const w = getWindow('hann', 16, { sym: false });
  assert.equal(w.buffer.byteLength, 16 * 8);
});

const badLengths = [0, -3, 2.5, NaN, Infinity];
for (const n of badLengths) {
  test(`getWindow rejects the length ${n} with a RangeError`, () => {
    assert.throws(() => getWindow('hann', n), (e: unknown) => e instanceof RangeError && /window length must be a positive integer/.test(e.message));
  });
}

test('getWindow rejects an unknown window name with a TypeError naming it', () => {
  assert.throws(() => getWindow('flattop' as WindowSpec, 8), (e: unknown) => e instanceof TypeError && /unknown window 'flattop'/.test(e.message));
  assert.throws(() => getWindow(['gaussian', 2] as unknown as WindowSpec, 8), (e: unknown) => e instanceof TypeError && /'gaussian'/.test(e.message));
});

test('besselI0 matches scipy.special.i0 to a relative 1e-14 from 0 to 100', () => {
  golden.i0.x.forEach((x, q) => {
    const want = golden.i0.expected[q]!;
    assert.ok(Math.abs(besselI0(x) - want) <= 1e-14 * want, `I0(${x}) = ${besselI0(x)}, scipy ${want}`);
  });
});

test('besselI0 is even, as a function of x^2', () => {
  for (const x of [0.5, 3, 20]) assert.equal(besselI0(-x), besselI0(x));
});
