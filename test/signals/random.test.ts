import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gaussian, nonNegative, positive, seededRandom } from '../../src/signals/random.js';

test('seededRandom yields numbers in [0, 1), the same sequence for the same seed', () => {
  const a = seededRandom(9), b = seededRandom(9), c = seededRandom(10);
  let differs = false;
  for (let i = 0; i < 1000; i++) {
    const v = a();
    assert.ok(v >= 0 && v < 1);
    assert.equal(v, b());
    if (v !== c()) differs = true;
  }
  assert.ok(differs, 'another seed gives another sequence');
});

test('gaussian deviates have mean 0 and variance 1', () => {
  const r = seededRandom(3);
  let s = 0, s2 = 0;
  const n = 20000;
  for (let i = 0; i < n; i++) { const g = gaussian(r); s += g; s2 += g * g; }
  assert.ok(Math.abs(s / n) < 0.03);
  assert.ok(Math.abs(s2 / n - 1) < 0.05);
});

const checks: [string, () => number, RegExp | undefined][] = [
  ['positive accepts 2', () => positive('fs', 2), undefined],
  ['positive refuses 0 naming the argument', () => positive('fs', 0), /fs must be a positive number, got 0/],
  ['positive refuses Infinity', () => positive('fs', Infinity), /fs/],
  ['nonNegative accepts 0', () => nonNegative('noise', 0), undefined],
  ['nonNegative refuses -1 naming the argument', () => nonNegative('noise', -1), /noise must be a non-negative number/],
];
for (const [name, fn, err] of checks) {
  test(name, () => { if (err) assert.throws(fn, err); else assert.doesNotThrow(fn); });
}
