import { test } from 'node:test';
import assert from 'node:assert/strict';
import { medianInPlace, selectKth } from '../../src/dsp/select.js';
import { seededRandom } from '../../src/signals/random.js';

const cases: { name: string; values: number[] }[] = [
  { name: 'distinct values', values: [5, 1, 4, 2, 3] },
  { name: 'many ties', values: [2, 2, 1, 2, 1, 1, 2, 2, 1] },
  { name: 'sorted input', values: [0, 1, 2, 3, 4, 5, 6, 7] },
  { name: 'reversed input', values: [7, 6, 5, 4, 3, 2, 1, 0] },
  { name: 'one value', values: [42] },
];
for (const c of cases) {
  test(`selectKth finds every rank of ${c.name} and orders the range around it`, () => {
    const sorted = [...c.values].sort((a, b) => a - b);
    for (let k = 0; k < c.values.length; k++) {
      const a = Float64Array.from(c.values);
      assert.equal(selectKth(a, 0, a.length - 1, k), sorted[k]);
      for (let i = 0; i < k; i++) assert.ok(a[i]! <= a[k]!);
      for (let i = k + 1; i < a.length; i++) assert.ok(a[i]! >= a[k]!);
    }
  });
}

test('selectKth works on a sub-range and leaves the rest alone', () => {
  const rand = seededRandom(3);
  const a = Float64Array.from({ length: 1000 }, () => rand());
  const before = Float64Array.from(a);
  const want = Array.from(a.subarray(100, 900)).sort((x, y) => x - y)[400];
  assert.equal(selectKth(a, 100, 899, 500), want);
  assert.deepEqual(a.subarray(0, 100), before.subarray(0, 100));
  assert.deepEqual(a.subarray(900), before.subarray(900));
});

for (const m of [1, 2, 3, 4, 64, 65]) {
  test(`medianInPlace gives the median of the first ${m} values, as a sort does`, () => {
    const r = seededRandom(m);
    const a = Float64Array.from({ length: m + 5 }, () => Math.round(r() * 10));
    const s = a.slice(0, m).sort();
    const expected = m % 2 ? s[(m - 1) >> 1]! : 0.5 * (s[m / 2 - 1]! + s[m / 2]!);
    const tail = Array.from(a.subarray(m));
    assert.equal(medianInPlace(a, m), expected);
    assert.deepEqual(Array.from(a.subarray(m)), tail, 'values past m are left alone');
  });
}
