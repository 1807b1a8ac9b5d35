import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanWindow, tailPercentiles, tailScratch } from '../../src/quality/tail-percentiles.js';
import { seededRandom } from '../../src/signals/random.js';
import { syntheticEcg } from '../../src/signals/synthetic-ecg.js';

/** numpy's linear percentile from a full sort, with the interpolation written as the SQIs write it. */
function sorted(x: Float64Array, q: number): number {
  const s = Float64Array.from(x).sort();
  const h = (s.length - 1) * q, k = Math.floor(h);
  if (k + 1 >= s.length || h === k) return s[k]!;
  return s[k]! + (h - k) * (s[k + 1]! - s[k]!);
}

function check(name: string, x: Float64Array, qLow = 0.01, qHigh = 0.99): void {
  const t = tailScratch(x.length, qLow, qHigh);
  // twice: the scratch is reused across windows
  for (let pass = 0; pass < 2; pass++) {
    const { sum, min, max } = scanWindow(x, t);
    let s = 0;
    for (const v of x) s += v;
    assert.equal(sum, s, `${name}: sum in index order`);
    assert.equal(min, Math.min(...x), `${name}: min`);
    assert.equal(max, Math.max(...x), `${name}: max`);
    tailPercentiles(x, t, false);
    assert.equal(t.pLow, sorted(x, qLow), `${name}: low percentile`);
    assert.equal(t.pHigh, sorted(x, qHigh), `${name}: high percentile`);
  }
}

const rand = seededRandom(5);
const noise = (n: number) => Float64Array.from({ length: n }, () => rand() - 0.5);

test('tail percentiles equal a full sort on noise of many lengths', () => {
  for (const n of [16, 17, 100, 511, 512, 513, 2500, 3600, 10_000]) check(`noise ${n}`, noise(n));
});

test('tail percentiles equal a full sort on an ECG, raw and quantised to 200 steps per mV (many ties)', () => {
  const ecg = syntheticEcg({ fs: 360, seconds: 10, noise: 0.01, seed: 4 }).signal;
  check('ecg', ecg);
  check('quantised ecg', ecg.map((v) => Math.round(v * 200) / 200));
});

test('tail percentiles equal a full sort on flat, monotonic, two-level and infinite windows', () => {
  check('flat', new Float64Array(3600).fill(0.25));
  check('rising', Float64Array.from({ length: 3600 }, (_, i) => i));
  check('falling', Float64Array.from({ length: 3600 }, (_, i) => -i));
  check('two levels', Float64Array.from({ length: 3600 }, (_, i) => (i % 3 === 0 ? 1 : 0)));
  const inf = noise(3600);
  for (let i = 0; i < 50; i++) { inf[i * 7] = Infinity; inf[i * 11 + 1] = -Infinity; }
  check('infinities', inf);
});

test('tail percentiles fall back to a full selection when the subsample misjudges the tails', () => {
  // The samples the subsample sees (every 16th) are the extremes: its thresholds let too few through.
  const x = Float64Array.from({ length: 3600 }, (_, i) => (i % 16 === 0 ? (i % 32 === 0 ? -1 - i : 1e6 + i) : Math.sin(i)));
  check('subsample holds the extremes', x);
});

test('tail percentiles handle other percentile pairs', () => {
  const x = noise(5000);
  check('5th and 95th', x, 0.05, 0.95);
  check('0th and 100th', x, 0, 1);
});

test('a window holding NaN takes plain quickselect and still gives numbers for the rest', () => {
  const x = noise(3600);
  x[100] = NaN;
  const t = tailScratch(x.length, 0.01, 0.99);
  const { sum } = scanWindow(x, t);
  assert.ok(Number.isNaN(sum));
  tailPercentiles(x, t, true);
  assert.equal(typeof t.pLow, 'number');
  assert.equal(typeof t.pHigh, 'number');
});
