import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dfa, scaleRange } from '../../src/features/dfa.js';

/** Seeded standard normal samples (mulberry32 + Box-Muller), so the test is reproducible. */
function gaussian(n: number, seed: number): Float64Array {
  let s = seed >>> 0;
  const uniform = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  return out;
}

const noise = gaussian(8192, 7);
const walk = new Float64Array(noise.length);
for (let i = 0, acc = 0; i < noise.length; i++) walk[i] = acc += noise[i]!;

test('DFA of white noise gives alpha near 0.5 and of a random walk near 1.5', () => {
  const cases: [string, Float64Array, number][] = [['white noise', noise, 0.5], ['random walk', walk, 1.5]];
  for (const [name, x, alpha] of cases) {
    for (const fluctuation of ['window-mean', 'rms'] as const) {
      for (const scales of [scaleRange(4, 16), scaleRange(16, 64)]) {
        const r = dfa(x, scales, { fluctuation });
        assert.ok(Math.abs(r.alpha - alpha) < 0.15, `${name} ${fluctuation} [${scales[0]}..]: alpha ${r.alpha}`);
      }
    }
  }
});

test('DFA scales the fluctuation with the data but not the exponent', () => {
  const a = dfa(noise, scaleRange(4, 16));
  const b = dfa(noise.map((v) => 3 * v + 100), scaleRange(4, 16));
  assert.ok(Math.abs(a.alpha - b.alpha) < 1e-12);
  for (let i = 0; i < a.fluctuations.length; i++) assert.ok(Math.abs(b.fluctuations[i]! - 3 * a.fluctuations[i]!) < 1e-9);
});

test('DFA drops scales with zero fluctuation and is NaN when fewer than 2 remain', () => {
  const line = Float64Array.from({ length: 100 }, (_, i) => i);
  const r = dfa(line, scaleRange(4, 8));
  // A linear series has a quadratic profile: residuals are not zero, so every scale is kept.
  assert.equal(r.scales.length, 5);
  const flat = dfa(new Float64Array(100).fill(2), scaleRange(4, 8));
  assert.ok(Number.isNaN(flat.alpha));
  assert.equal(flat.scales.length, 0);
});

test('DFA rejects scales that are not integers >= 2 below the length', () => {
  const cases: [() => unknown, RegExp][] = [
    [() => dfa(noise.subarray(0, 50), [4, 50]), /below the series length 50/],
    [() => dfa(noise, [1, 4]), /integers >= 2/],
    [() => dfa(noise, [4]), /at least 2/],
    [() => scaleRange(16, 4), /scale range/],
  ];
  for (const [fn, re] of cases) assert.throws(fn, (e: unknown) => e instanceof RangeError && re.test(e.message));
});

// Digits of pi, scales 4..8: F(n) and alpha from numpy (cumsum of x - mean, polyfit per window).
const PI = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4, 6, 2, 6, 4, 3, 3, 8, 3, 2, 7, 9, 5];
const piCases = [
  { fluctuation: 'window-mean', alpha: 0.9167110031702326, f: [1.0670141697655187, 0.989380950641319, 1.544226366751501, 1.7606580768892912, 1.772085295616301] },
  { fluctuation: 'rms', alpha: 0.8940916859308271, f: [1.0968705484240153, 1.058300524425836, 1.6676187756655838, 1.803483024707514, 1.8131669544644542] },
] as const;
for (const c of piCases) {
  test(`DFA with ${c.fluctuation} fluctuations matches numpy on a short series (32 values, scales 4..8)`, () => {
    const r = dfa(PI, scaleRange(4, 8), { fluctuation: c.fluctuation });
    assert.ok(Math.abs(r.alpha - c.alpha) < 1e-12, `alpha ${r.alpha}`);
    for (let i = 0; i < 5; i++) assert.ok(Math.abs(r.fluctuations[i]! - c.f[i]!) < 1e-12, `F(${i + 4}) ${r.fluctuations[i]}`);
  });
}

test('DFA accepts a largest scale of N - 1 (one window) and rejects N', () => {
  const r = dfa(PI, [4, 31]);
  assert.equal(r.scales.length, 2);
  assert.ok(Number.isFinite(r.alpha));
  assert.throws(() => dfa(PI, [4, 32]), /below the series length 32/);
});
