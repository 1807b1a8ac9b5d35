import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flattenSos, type SosLike } from '../../src/dsp/types.js';

const asArray = (x: Float64Array): number[] => Array.from(x);

test('flattenSos gives nested and flat sections as the same row-major Float64Array', () => {
  const nested = [[1, 2, 3, 1, 0.5, 0.25], [4, 5, 6, 1, -0.5, 0.125]];
  const want = [1, 2, 3, 1, 0.5, 0.25, 4, 5, 6, 1, -0.5, 0.125];
  const fromNested = flattenSos(nested);
  assert.ok(fromNested instanceof Float64Array);
  assert.deepEqual(asArray(fromNested), want);
  assert.deepEqual(asArray(flattenSos(Float64Array.from(want))), want);
});

const normalised: { name: string; sos: SosLike; want: number[] }[] = [
  // Every coefficient of the section is divided by a0, as SciPy does, so the kernels can assume a0 = 1.
  { name: 'a0 = 2', sos: [[2, 4, 6, 2, 1, 3]], want: [1, 2, 3, 1, 0.5, 1.5] },
  { name: 'a0 = -4', sos: [[2, 4, -8, -4, 1, 3]], want: [-0.5, -1, 2, 1, -0.25, -0.75] },
  { name: 'a0 = 0.5 in the second section only', sos: Float64Array.of(1, 1, 1, 1, 1, 1, 1, 2, 3, 0.5, 0.25, 4), want: [1, 1, 1, 1, 1, 1, 2, 4, 6, 1, 0.5, 8] },
];
for (const { name, sos, want } of normalised) {
  test(`flattenSos normalises each section to a0 = 1 (${name})`, () => {
    assert.deepEqual(asArray(flattenSos(sos)), want);
  });
}

test('flattenSos copies its input: neither a nested nor a flat input is changed, even when normalised', () => {
  const nested = [[2, 4, 6, 2, 1, 3]];
  const flat = Float64Array.of(2, 4, 6, 2, 1, 3);
  const out = flattenSos(flat);
  assert.notEqual(out, flat);
  assert.deepEqual(asArray(flat), [2, 4, 6, 2, 1, 3]);
  flattenSos(nested);
  assert.deepEqual(nested, [[2, 4, 6, 2, 1, 3]]);
  // The result is the caller's own: writing to it must not reach back into the input.
  out[0] = 99;
  assert.equal(flat[0], 2);
});

const badShapes: { name: string; sos: SosLike; message: RegExp }[] = [
  { name: 'no sections', sos: [], message: /shape \(n_sections, 6\), got 0 values/ },
  { name: 'an empty flat array', sos: new Float64Array(0), message: /got 0 values/ },
  { name: 'a section of five coefficients', sos: [[1, 2, 3, 1, 5]], message: /got a row of 5 values at section 0/ },
  { name: 'a flat array of seven values', sos: new Float64Array(7).fill(1), message: /got 7 values/ },
  { name: 'a second section one value short', sos: [[1, 0, 0, 1, 0, 0], [1, 0, 0, 1, 0]], message: /got a row of 5 values at section 1/ },
];
for (const { name, sos, message } of badShapes) {
  test(`flattenSos refuses ${name} with a RangeError`, () => {
    assert.throws(() => flattenSos(sos), (e: unknown) => e instanceof RangeError && message.test(e.message));
  });
}

const badA0: { a0: number; shown: string }[] = [{ a0: 0, shown: '0' }, { a0: NaN, shown: 'NaN' }, { a0: Infinity, shown: 'Infinity' }, { a0: -Infinity, shown: '-Infinity' }];
for (const { a0, shown } of badA0) {
  test(`flattenSos refuses a section whose a0 is ${shown}, naming the section`, () => {
    const sos = [[1, 0, 0, 1, 0, 0], [1, 2, 1, a0, 0.1, 0.2]];
    assert.throws(() => flattenSos(sos), (e: unknown) => e instanceof RangeError && e.message === `sos section 1 has a0 = ${shown}`);
  });
}

test('flattenSos refuses nested rows that are not six coefficients each even when their total is a multiple of six', () => {
  // SciPy refuses these (sos.shape[1] != 6); flattened first, [1, 0, 0, 1, 0] + [0, ...] would be
  // read as two sections cut at the wrong places.
  for (const sos of [[[1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0]], [[1, 0, 0, 1, 0], [0, 1, 0, 0, 1, 0, 0]]]) {
    assert.throws(() => flattenSos(sos), RangeError);
  }
});
