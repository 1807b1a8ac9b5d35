import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bandSnrDb, computeSqis } from '../../src/quality/sqi.js';
import { percentile } from '../../src/dsp/stats.js';
import { syntheticEcg } from '../../src/signals/synthetic-ecg.js';

const fs = 250;
const sine = (f: number, n = 10 * fs, a = 1) => Float64Array.from({ length: n }, (_, i) => a * Math.sin((2 * Math.PI * f * i) / fs));
const ecg = syntheticEcg({ fs, seconds: 10, noise: 0.005, seed: 2 }).signal;

test('amplitude is the 1st-99th percentile range, as numpy computes it', () => {
  for (const x of [ecg, sine(3), Float64Array.from({ length: 1001 }, (_, i) => (i * 7919) % 1001)]) {
    const s = computeSqis(x, fs, 'unknown');
    assert.ok(Math.abs(s.amplitude - (percentile(x, 99) - percentile(x, 1))) < 1e-12);
  }
});

const cases: { name: string; x: Float64Array; check: (s: ReturnType<typeof computeSqis>) => boolean }[] = [
  { name: 'a flat line has a flatline share of 1', x: new Float64Array(2500).fill(0.3), check: (s) => s.flatline === 1 },
  { name: 'a clean ECG has high kurtosis and positive skew (kSQI)', x: ecg, check: (s) => s.kurtosis > 5 && s.skewness > 1 },
  { name: 'a clean ECG keeps its QRS band share near 0.5 (pSQI)', x: ecg, check: (s) => s.qrsPower > 0.35 && s.qrsPower < 0.8 },
  { name: 'a 0.3 Hz wave is all baseline wander', x: sine(0.3), check: (s) => s.baseline < 0.1 },
  { name: 'a 50 Hz hum is all powerline', x: sine(50), check: (s) => s.powerline > 0.95 },
  { name: 'a 60 Hz hum is all above 40 Hz (high-frequency noise)', x: sine(60), check: (s) => s.hfNoise > 0.95 },
  { name: 'a 1 Hz sine crosses its mean twice per second', x: sine(1), check: (s) => Math.abs(s.zeroCrossingRate - 2) < 0.15 },
  { name: 'a sine clipped at 40 % of its peak is mostly stuck at the extremes', x: sine(1).map((v) => Math.max(-0.4, Math.min(0.4, v))), check: (s) => s.clipping > 0.4 },
  { name: 'an unclipped sine is not clipped', x: sine(1.3), check: (s) => s.clipping < 0.01 },
];
for (const c of cases) {
  test(`computeSqis: ${c.name}`, () => {
    const s = computeSqis(c.x, fs, 'ecg');
    assert.ok(c.check(s), JSON.stringify(s));
  });
}

test('band SNR falls as white noise is added', () => {
  let seed = 1;
  const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5);
  const snr = [0, 0.05, 0.2, 0.8].map((a) => bandSnrDb(ecg.map((v) => v + a * rnd()), fs, 'ppg'));
  for (let i = 1; i < snr.length; i++) assert.ok(snr[i]! < snr[i - 1]!, snr.join(' > '));
});

test('computeSqis refuses windows too short to judge', () => {
  assert.throws(() => computeSqis(new Float64Array(8), fs, 'ecg'), /at least 16 samples/);
});

/**
 * The time-domain SQIs written the plain way (branches, a full sort for the percentiles): the
 * branch-free pass of computeSqis must give the same values bit for bit.
 */
function plainTimeDomain(x: Float64Array, fs: number) {
  const n = x.length;
  let sum = 0, min = Infinity, max = -Infinity;
  for (const v of x) { sum += v; if (v < min) min = v; if (v > max) max = v; }
  // A constant window's mean is its value exactly (sum / n may round off it).
  const mean = min === max ? min : sum / n;
  let m2 = 0, m3 = 0, m4 = 0, crossings = 0, run = 1, longest = 1, stuck = 0, stuckRun = 0;
  const tol = (max - min) * 1e-9;
  let prevSign = x[0]! >= mean;
  for (let i = 0; i < n; i++) {
    const v = x[i]!, d = v - mean, d2 = d * d;
    m2 += d2; m3 += d2 * d; m4 += d2 * d2;
    const sign = v >= mean;
    if (sign !== prevSign) crossings++;
    prevSign = sign;
    if (i > 0 && Math.abs(v - x[i - 1]!) <= tol) { if (++run > longest) longest = run; } else run = 1;
    if (max > min && (v >= max - tol || v <= min + tol)) stuckRun++;
    else { if (stuckRun >= 3) stuck += stuckRun; stuckRun = 0; }
  }
  if (stuckRun >= 3) stuck += stuckRun;
  m2 /= n; m3 /= n; m4 /= n;
  const s = Float64Array.from(x).sort();
  const pct = (q: number) => {
    const h = (n - 1) * q, k = Math.floor(h);
    return k + 1 >= n || h === k ? s[k]! : s[k]! + (h - k) * (s[k + 1]! - s[k]!);
  };
  return {
    flatline: n > 1 ? longest / n : 1,
    clipping: stuck / n,
    amplitude: pct(0.99) - pct(0.01),
    kurtosis: m2 > 0 ? m4 / (m2 * m2) - 3 : 0,
    skewness: m2 > 0 ? m3 / Math.pow(m2, 1.5) : 0,
    zeroCrossingRate: (crossings * fs) / n,
  };
}

test('computeSqis gives the time-domain SQIs of the plain two-pass form exactly', () => {
  const quantised = ecg.map((v) => Math.round(v * 200) / 200);
  const held = ecg.map((_, i) => ecg[i - (i % 4)]!);
  const clipped = sine(1).map((v) => Math.max(-0.4, Math.min(0.4, v)));
  const windows = [ecg, quantised, held, clipped, sine(3), new Float64Array(2500).fill(0.3), quantised.subarray(0, 16), quantised.subarray(7, 700)];
  for (const [i, x] of windows.entries()) {
    const got = computeSqis(x, fs, 'ecg'), want = plainTimeDomain(x, fs);
    for (const k of Object.keys(want) as (keyof typeof want)[]) assert.equal(got[k], want[k], `window ${i}: ${k}`);
  }
});

test('computeSqis on a window holding NaN keeps its counters and moments as before', () => {
  const x = ecg.map((v) => Math.round(v * 200) / 200);
  x[500] = NaN;
  const got = computeSqis(x, fs, 'ecg'), want = plainTimeDomain(x, fs);
  for (const k of ['flatline', 'clipping', 'kurtosis', 'skewness', 'zeroCrossingRate'] as const) assert.equal(got[k], want[k], k);
});

test('computeSqis of a constant window at a non-zero level has the shape indices of a window of zeros', () => {
  const zero = computeSqis(new Float64Array(1000), fs, 'ecg');
  assert.equal(zero.kurtosis, 0);
  assert.equal(zero.skewness, 0);
  for (const level of [1, 3.7, -120.3]) {
    const s = computeSqis(new Float64Array(1000).fill(level), fs, 'ecg');
    assert.equal(s.flatline, 1, `${level}`);
    assert.equal(s.amplitude, 0, `${level}`);
    assert.equal(s.zeroCrossingRate, 0, `${level}`);
    assert.equal(s.kurtosis, 0, `${level}: kurtosis`);
    assert.equal(s.skewness, 0, `${level}: skewness`);
    assert.equal(s.qrsPower, 0, `${level}: no power in any band`);
  }
});

test('computeSqis counts the crossings of a sine about its own mean, whatever its offset', () => {
  // 2 Hz for 4 s about 5: 8 periods, 16 crossings; the first sample starts no crossing.
  const x = Float64Array.from({ length: 1000 }, (_, i) => 5 + Math.sin((2 * Math.PI * 2 * i) / fs));
  assert.equal(computeSqis(x, fs, 'ecg').zeroCrossingRate, 4);
});

test('a square wave between two levels is all clipping and has the lowest possible kurtosis', () => {
  const sq = Float64Array.from({ length: 1000 }, (_, i) => (Math.floor(i / 25) % 2 ? 1 : -1));
  const s = computeSqis(sq, fs, 'ecg');
  assert.equal(s.clipping, 1);
  assert.equal(s.amplitude, 2);
  // Excess kurtosis of a symmetric two-point distribution: 1 - 3.
  assert.ok(Math.abs(s.kurtosis + 2) < 1e-12);
  assert.ok(Math.abs(s.skewness) < 1e-12);
});
