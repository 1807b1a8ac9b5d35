import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { needShared, shared } from '../helpers/shared.js';
import { type Case, golden, relErr } from '../helpers/filter-golden.js';
import { SosFilter, sosfilt, sosfiltZi } from '../../src/dsp/sosfilt.js';

// Made by test/golden/dsp/make_filter_extra.py (scipy.signal.sosfilt with zi, scipy.signal.sosfilt_zi).

/** Seeded uniform noise (Park-Miller) around a drifting offset. */
function noise(n: number, seed: number): Float64Array {
  const x = new Float64Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 48271) % 2147483647;
    x[i] = s / 2147483647 - 0.5 + 2 + i * 1e-3;
  }
  return x;
}

// scipy.signal.butter(4, [0.5, 40], btype='bandpass', fs=360, output='sos')
const BP4 = [
  [0.0066048756713110845, 0.013209751342622169, 0.0066048756713110845, 1.0, -0.9789490692400146, 0.26401065276475083],
  [1.0, 2.0, 1.0, 1.0, -1.2374771035208822, 0.6124788199281044],
  [1.0, -2.0, 1.0, 1.0, -1.9836536734559507, 0.9837324068997566],
  [1.0, -2.0, 1.0, 1.0, -1.9933805831040043, 0.9934570028223977],
];

test('sosfilt matches SciPy on every vector case', { skip: needShared('vectors/iir_filter.json') }, () => {
  const file = JSON.parse(readFileSync(shared('vectors/iir_filter.json'), 'utf8')) as { cases: Case[] };
  assert.ok(file.cases.length > 0);
  for (const c of file.cases) {
    const y = sosfilt(c.args.sos as number[][], c.input!);
    assert.ok(y instanceof Float64Array);
    assert.ok(relErr(y, (c.expected as Record<string, number[]>).sosfilt!) <= 1e-9, c.name);
  }
});

test('sosfilt from an initial state matches SciPy output and final state', () => {
  const cases = golden.filter((c) => c.fn === 'sosfilt');
  assert.ok(cases.length >= 5);
  for (const c of cases) {
    const exp = c.expected as { y: number[]; zf: number[] };
    const rows = sosfilt(c.args.sos as number[][], c.input!, c.args.zi as number[][]);
    const flat = sosfilt(c.args.sos as number[][], c.input!, Float64Array.from((c.args.zi as number[][]).flat()));
    assert.ok(relErr(rows.y, exp.y) <= 1e-12, c.name);
    assert.ok(relErr(rows.zf, exp.zf) <= 1e-12, c.name);
    assert.deepEqual(flat.y, rows.y);
  }
});

test('sosfiltZi matches scipy.signal.sosfilt_zi in flat (n_sections, 2) layout', () => {
  const cases = golden.filter((c) => c.fn === 'sosfilt_zi');
  assert.ok(cases.length >= 5);
  for (const c of cases) assert.ok(relErr(sosfiltZi(c.args.sos as number[][]), c.expected as number[]) <= 1e-9, c.name);
});

test('sosfiltZi starts a constant input in steady state', () => {
  const zi = sosfiltZi(BP4);
  const x = new Float64Array(500).fill(3);
  const z = zi.map((v) => v * 3);
  const { y } = sosfilt(BP4, x, z);
  // A band-pass has zero DC gain: the steady output of a constant is 0 from the first sample.
  assert.ok(Math.max(...y.map(Math.abs)) < 1e-12);
});

test('SosFilter fed in random chunks equals one-shot sosfilt bit for bit', () => {
  const x = noise(50_000, 11);
  const sections6 = [...BP4, ...BP4.slice(0, 2)];
  for (const sos of [BP4, BP4.slice(0, 1), BP4.slice(0, 3), sections6]) {
    const ref = sosfilt(sos, x);
    const f = new SosFilter(sos);
    const y = new Float64Array(x.length);
    let r = 5;
    for (let i = 0; i < x.length;) {
      r = (r * 48271) % 2147483647;
      const n = Math.min(x.length - i, 1 + (r % 3000));
      f.process(x.subarray(i, i + n), y.subarray(i, i + n));
      i += n;
    }
    assert.deepEqual(y, ref);
  }
});

test('SosFilter with zi steady equals sosfilt started from sosfiltZi times the first sample', () => {
  const x = noise(5000, 3);
  const zi = sosfiltZi(BP4).map((v) => v * x[0]!);
  const ref = sosfilt(BP4, x, zi);
  const f = new SosFilter(BP4, { zi: 'steady' });
  const a = f.process(x.subarray(0, 1234));
  const b = f.process(Array.from(x.subarray(1234)));
  assert.deepEqual(Float64Array.of(...a, ...b), ref.y);
  assert.deepEqual(f.state, ref.zf);
  f.reset();
  assert.deepEqual(f.process(x), ref.y);
});

test('SosFilter filters in place when out is the input array', () => {
  const x = noise(1000, 9);
  const ref = sosfilt(BP4, x);
  const f = new SosFilter(BP4);
  const y = f.process(x, x);
  assert.equal(y, x);
  assert.deepEqual(x, ref);
});

test('sosfilt and SosFilter refuse NaN input naming x, and SosFilter keeps its state', () => {
  const x = noise(100, 1);
  x[40] = NaN;
  assert.throws(() => sosfilt(BP4, x), (e: Error) => e instanceof RangeError && /x must be finite.*index 40/.test(e.message));
  const f = new SosFilter(BP4);
  f.process(noise(10, 2));
  const before = Float64Array.from(f.state);
  assert.throws(() => f.process(x), RangeError);
  assert.deepEqual(f.state, before);
});

test('sosfilt refuses malformed sections and states with errors naming the argument', () => {
  const cases: [() => unknown, RegExp][] = [
    [() => sosfilt([[1, 2, 3]], [1, 2]), /sos/],
    [() => sosfilt([], [1, 2]), /sos/],
    [() => sosfilt([[1, 0, 0, 0, 0, 0]], [1, 2]), /a0/],
    [() => sosfilt(BP4, [1, 2], [[0, 0]]), /zi/],
    [() => sosfilt(BP4, [1, 2], new Float64Array(3)), /zi/],
    [() => sosfilt([[1, 0, 0, 1, 0, NaN]], [1, 2]), /sos/],
    [() => new SosFilter(BP4, { zi: 'cold' as 'zero' }), /zi/],
    [() => new SosFilter(BP4).process([1, 2, 3], new Float64Array(2)), /out/],
  ];
  for (const [fn, re] of cases) assert.throws(fn, (e: Error) => (e instanceof RangeError || e instanceof TypeError) && re.test(e.message));
});
