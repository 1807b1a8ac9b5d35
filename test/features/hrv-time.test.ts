import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hrvTime, nnHistogram, tinn, type HrvTimeResult } from '../../src/features/hrv-time.js';
import { needShared } from '../helpers/shared.js';
import { LONG, HRVA, loadNpy, loadText, relClose } from '../helpers/hrv-data.js';

test('hrvTime matches pyHRV\'s report on the long sample series (0.1 %)', { skip: needShared(LONG) }, async () => {
  const r = hrvTime(await loadNpy(LONG));
  // /work/shared/data/hrv/pyhrv_SampleReport.txt (pyHRV 0.4.0), printed to 3 decimals.
  const expected: [keyof HrvTimeResult, number][] = [
    ['mean_nn', 768.438], ['sdnn', 85.357], ['rmssd', 60.523], ['sdsd', 43.391], ['pnn50', 28.571],
    ['pnn20', 64.232], ['hrv_triangular_index', 11.509], ['sdann', 21.466], ['sdnn_index', 82.555],
    ['mean_hr', 78.990], ['min_hr', 50.505], ['max_hr', 106.762], ['std_hr', 8.305],
  ];
  for (const [k, v] of expected) relClose(r[k] as number, v, 1e-3, k);
  assert.equal(r.nn50, 1338);
  assert.equal(r.nn20, 3008);
  assert.ok(r.tinn > 0, 'TINN is a positive width');
});

test('hrvTime with hrv-analysis conventions matches its test values (1e-6)', { skip: needShared(HRVA) }, () => {
  const r = hrvTime(loadText(HRVA), { conventions: 'hrvanalysis' });
  // hrv-analysis tests (values listed in /work/shared/data/README.md).
  const expected: [keyof HrvTimeResult, number][] = [
    ['mean_nn', 718.248], ['sdnn', 43.113074968427306], ['sdsd', 19.519367520775713], ['rmssd', 19.519400785039664],
    ['nn50', 24], ['pnn50', 2.4024024024024024], ['nn20', 225], ['pnn20', 22.52252252252252],
    ['median_nn', 722.5], ['range_nn', 249], ['cvnn', 0.060025332431732914], ['mean_hr', 83.84733227281252],
    ['max_hr', 101.69491525423729], ['min_hr', 71.51370679380214], ['std_hr', 5.196775370674054],
    ['hrv_triangular_index', 11.363636363636363],
  ];
  for (const [k, v] of expected) relClose(r[k] as number, v, 1e-6, k);
});

test('individual options override the preset', { skip: needShared(HRVA) }, () => {
  const nn = loadText(HRVA);
  const base = hrvTime(nn, { conventions: 'hrvanalysis' });
  const pop = hrvTime(nn, { conventions: 'hrvanalysis', ddof: 0 });
  // ddof 0 is sqrt((n-1)/n) of ddof 1 for SDNN; an explicit ddof also reaches SDSD and std_hr.
  relClose(pop.sdnn, base.sdnn * Math.sqrt(999 / 1000), 1e-12, 'sdnn ddof 0');
  relClose(pop.sdsd, base.sdsd, 1e-12, 'sdsd stays ddof 0');
  const n = hrvTime(nn, { conventions: 'hrvanalysis', pnnDenominator: 'intervals' });
  relClose(n.pnn50, 2.4, 1e-12, 'pnn50 over n');
  const m = hrvTime(nn, { meanHr: 'from-mean-nn' });
  relClose(m.mean_hr, 60000 / 718.248, 1e-12, 'mean_hr from mean NN');
});

test('synthetic series have the features their construction implies', () => {
  const constant = hrvTime(new Float64Array(400).fill(800));
  assert.equal(constant.sdnn, 0);
  assert.equal(constant.rmssd, 0);
  assert.equal(constant.sdsd, 0);
  assert.equal(constant.nn50, 0);
  assert.equal(constant.mean_hr, 75);
  assert.equal(constant.hrv_triangular_index, 1);

  // 800, 900, 800, ...: every successive difference is +-100 ms.
  const alt = Float64Array.from({ length: 101 }, (_, i) => (i % 2 ? 900 : 800));
  const a = hrvTime(alt);
  assert.equal(a.rmssd, 100);
  assert.equal(a.nn50, 100);
  assert.equal(a.pnn50, 100);
  assert.equal(a.range_nn, 100);
  assert.equal(a.median_nn, 800);
  assert.equal(a.sdsd, 0, 'pyHRV convention: std of |diff| = std of constant 100');
  const signed = hrvTime(alt, { sdsdAbsolute: false, sdsdDdof: 0 });
  assert.equal(signed.sdsd, 100, 'signed diffs alternate +-100 with mean 0');
});

test('hrvTime gives the same values with a caller\'s scratch series as without, and leaves the input alone', () => {
  const nn = Float64Array.from({ length: 2000 }, (_, i) => 800 + 60 * Math.sin(i / 7) + ((i * 37) % 23));
  const copy = nn.slice();
  const work = new Float64Array(2500).fill(-1);
  assert.deepEqual(hrvTime(nn, {}, work), hrvTime(nn));
  assert.deepEqual(nn, copy);
});

test('SDANN and SDNN index are NaN with a reason for records of 5 min or less', () => {
  const r = hrvTime(new Float64Array(300).fill(1000)); // exactly 300 s
  assert.ok(Number.isNaN(r.sdann) && Number.isNaN(r.sdnn_index));
  assert.ok(r.warnings.some((w) => /SDANN/.test(w)));
  // 20 min of 1 s beats, then 20 min of 0.5 s beats: segment means 1000 x4 and 500 x4.
  const two = Float64Array.from({ length: 1200 + 2400 }, (_, i) => (i < 1200 ? 1000 : 500));
  const t = hrvTime(two);
  assert.equal(t.sdnn_index, 0);
  relClose(t.sdann, Math.sqrt((8 * 250 * 250) / 7), 1e-12, 'sdann of 4x1000 and 4x500');
});

test('TINN recovers the base of an exactly triangular histogram', () => {
  // Counts 10 - |k - 100| in bins 90..110 of width 1/128 s: the triangle from bin 90 to bin 110.
  const w = 7.8125;
  const values: number[] = [];
  for (let k = 90; k <= 110; k++) for (let c = 0; c < 10 - Math.abs(k - 100); c++) values.push((k + 0.5) * w);
  const nn = Float64Array.from(values);
  const r = hrvTime(nn);
  assert.equal(r.tinn, 20 * w);
  assert.equal(r.hrv_triangular_index, values.length / 10);
  const hist = nnHistogram(nn, 0, 112 * w, w);
  assert.equal(tinn(hist, w), 20 * w);
});

test('nnHistogram bins like numpy.histogram on arange edges', () => {
  // np.histogram([300, 307.9, 308, 1996, 1996.5, 299], bins=range(300, 2000, 8)): last edge 1996 is closed.
  const h = nnHistogram(Float64Array.from([300, 307.9, 308, 1996, 1996.5, 299]), 300, 2000, 8);
  assert.equal(h.length, 212);
  assert.equal(h[0], 2);
  assert.equal(h[1], 1);
  assert.equal(h[211], 1);
  assert.equal(h.reduce((a, b) => a + b, 0), 4);
});

test('hrvTime rejects invalid input and options with messages naming them', () => {
  const cases: [() => unknown, RegExp][] = [
    [() => hrvTime([800, -1, 800]), /nn\[1\]/],
    [() => hrvTime([800, NaN]), /nn\[1\]/],
    [() => hrvTime([800, 810], { conventions: 'kubios' as never }), /conventions/],
    [() => hrvTime([800, 810], { ddof: 0.5 }), /ddof/],
    [() => hrvTime([800, 810], { histogramBinMs: 0 }), /histogramBinMs/],
    [() => hrvTime([800, 810], { segmentSeconds: -1 }), /segmentSeconds/],
  ];
  for (const [fn, re] of cases) assert.throws(fn, (e: unknown) => e instanceof RangeError && re.test(e.message));
});

test('an empty or single-interval series gives NaN features and warnings, not an exception', () => {
  const e = hrvTime([]);
  assert.ok(Number.isNaN(e.sdnn) && e.warnings.length > 0);
  const one = hrvTime([800]);
  assert.equal(one.mean_nn, 800);
  assert.ok(Number.isNaN(one.rmssd));
});

// Expected values from the definitions, worked by hand and checked with numpy (np.std with the ddof
// of each convention, np.diff, 60000 / nn).
const shortCases: { name: string; nn: number[]; conventions: 'pyhrv' | 'hrvanalysis'; expected: Partial<Record<keyof HrvTimeResult, number>> }[] = [
  // One difference: SDSD of a single value is undefined with ddof 1 and 0 with ddof 0.
  { name: 'two intervals (pyHRV)', nn: [800, 900], conventions: 'pyhrv', expected: { sdnn: Math.sqrt(5000), rmssd: 100, sdsd: NaN, pnn50: 100, mean_hr: 212.5 / 3, std_hr: 25 / (3 * Math.SQRT2) } },
  { name: 'two intervals (hrv-analysis)', nn: [800, 900], conventions: 'hrvanalysis', expected: { sdnn: Math.sqrt(5000), rmssd: 100, sdsd: 0, pnn50: 100, std_hr: 25 / 6 } },
  // Differences +100, -50: |d| = 100, 50 (std ddof 1 = 25 sqrt 2); signed (std ddof 0 = 75).
  { name: 'three intervals (pyHRV)', nn: [800, 900, 850], conventions: 'pyhrv', expected: { sdnn: 50, rmssd: Math.sqrt(6250), sdsd: 25 * Math.SQRT2, nn50: 1, pnn50: 50, nn20: 2, pnn20: 100, median_nn: 850 } },
  { name: 'three intervals (hrv-analysis)', nn: [800, 900, 850], conventions: 'hrvanalysis', expected: { sdnn: 50, sdsd: 75, pnn50: 50 } },
  // A single 1500 ms outlier among ~800 ms intervals (numpy reference values).
  { name: 'one outlier (pyHRV)', nn: [800, 810, 790, 1500, 805, 795], conventions: 'pyhrv', expected: { mean_nn: 5500 / 6, sdnn: 285.86127171526164, rmssd: 444.4603469377218, sdsd: 377.5314556431027, nn50: 2, pnn50: 40, median_nn: 802.5, range_nn: 710, min_hr: 40, std_hr: 14.306454304521841 } },
  { name: 'one outlier (hrv-analysis)', nn: [800, 810, 790, 1500, 805, 795], conventions: 'hrvanalysis', expected: { sdsd: 444.4592219765498, mean_hr: 69.17155012776207, std_hr: 13.059946234172491 } },
  // Zero variance: every spread is 0 (not NaN) once it is defined.
  { name: 'three equal intervals', nn: [800, 800, 800], conventions: 'pyhrv', expected: { sdnn: 0, cvnn: 0, rmssd: 0, sdsd: 0, pnn20: 0, range_nn: 0, std_hr: 0, hrv_triangular_index: 1 } },
];
for (const c of shortCases) {
  test(`hrvTime of ${c.name} follows the definitions`, () => {
    const r = hrvTime(c.nn, { conventions: c.conventions });
    for (const [k, v] of Object.entries(c.expected) as [keyof HrvTimeResult, number][]) {
      const got = r[k] as number;
      if (Number.isNaN(v)) assert.ok(Number.isNaN(got), `${k}: ${got} should be NaN`);
      else if (v === 0) assert.equal(got, 0, k);
      else relClose(got, v, 1e-12, k);
    }
  });
}

test('a single interval has a defined mean and median but no spread in the pyHRV convention', () => {
  const r = hrvTime([800]);
  for (const k of ['sdnn', 'cvnn', 'rmssd', 'sdsd', 'pnn50', 'std_hr'] as const) assert.ok(Number.isNaN(r[k]), k);
  assert.equal(r.range_nn, 0);
  assert.equal(r.median_nn, 800);
  assert.equal(r.mean_hr, 75);
  // hrv-analysis takes std_hr with ddof 0: numpy.std of one value is 0.
  assert.equal(hrvTime([800], { conventions: 'hrvanalysis' }).std_hr, 0);
});

test('hrvTime rejects infinite and zero intervals as it does NaN and negative ones', () => {
  for (const bad of [Infinity, 0, -0]) {
    assert.throws(() => hrvTime([800, bad, 810]), (e: unknown) => e instanceof RangeError && /nn\[1\]/.test(e.message), String(bad));
  }
});

test('the hrv-analysis triangular index counts intervals outside its 300-1996 ms histogram in n', () => {
  // np.histogram([250, 797, 800, 803, 2100], bins=range(300, 2000, 8)): peak 3 (bin 796-804), n = 5.
  const r = hrvTime([250, 797, 800, 803, 2100], { conventions: 'hrvanalysis' });
  assert.equal(r.hrv_triangular_index, 5 / 3);
});

test('SDANN leaves out a trailing segment of one interval (301 s of 1 s beats)', () => {
  const r = hrvTime(new Float64Array(301).fill(1000));
  // Segments: 300 intervals, then 1 interval (dropped): one usable segment, SDNN index = its SDNN.
  assert.ok(Number.isNaN(r.sdann));
  assert.equal(r.sdnn_index, 0);
  assert.ok(r.warnings.some((w) => /1 segment\(s\) with fewer than 2/.test(w)));
});
