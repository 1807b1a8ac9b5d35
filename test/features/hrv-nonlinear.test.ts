import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hrvNonlinear, type HrvNonlinearResult } from '../../src/features/hrv-nonlinear.js';
import { needShared } from '../helpers/shared.js';
import { LONG, HRVA, loadNpy, loadText, relClose } from '../helpers/hrv-data.js';

test('hrvNonlinear matches pyHRV\'s report on the long sample series (0.1 %)', { skip: needShared(LONG) }, async () => {
  // pyHRV computes alpha2 over 17..64 beats; its report prints 3 decimals.
  const r = hrvNonlinear(await loadNpy(LONG), { dfaLong: [17, 64] });
  const expected: [keyof HrvNonlinearResult, number][] = [
    ['sd1', 42.797], ['sd2', 112.837], ['sd2_sd1', 2.637], ['sampen', 1.250], ['dfa_alpha1', 1.197], ['dfa_alpha2', 0.882],
  ];
  for (const [k, v] of expected) relClose(r[k] as number, v, 1e-3, k);
  // Ellipse area S = pi SD1 SD2 in the report: 15170.898 ms^2.
  relClose(Math.PI * r.sd1 * r.sd2, 15170.898, 1e-5, 'ellipse area');
});

test('hrvNonlinear with hrv-analysis conventions matches its test values (1e-6)', { skip: needShared(HRVA) }, () => {
  const nn = loadText(HRVA);
  const r = hrvNonlinear(nn, { conventions: 'hrvanalysis' });
  const expected: [keyof HrvNonlinearResult, number][] = [
    ['sd1', 13.80919037557993], ['sd2', 59.38670497373513], ['sd2_sd1', 4.300520404060338], ['csi', 4.300520404060338],
    ['cvi', 4.117977429005704], ['modified_csi', 1021.5749458778378], ['sampen', 1.2046675751816824],
  ];
  for (const [k, v] of expected) relClose(r[k] as number, v, 1e-6, k);
});

test('Poincaré descriptors of a known series follow their definitions', () => {
  // 800, 900 alternating: successive differences +-100, sums 1700.
  const alt = Float64Array.from({ length: 201 }, (_, i) => (i % 2 ? 900 : 800));
  const r = hrvNonlinear(alt);
  relClose(r.sd1, 100 / Math.SQRT2, 1e-12, 'sd1 = |diff| / sqrt 2 (ddof 0)');
  assert.ok(r.sd2 < 1e-9, 'all sums are 1700: no spread along the identity line');
  // Toichi 1997 indices from T = 4 SD1 and L = 4 SD2 on an irregular series.
  const irregular = Float64Array.from({ length: 300 }, (_, i) => 800 + 40 * Math.sin(i / 7) + 15 * Math.sin(i * 1.9));
  const q = hrvNonlinear(irregular);
  relClose(q.csi, q.sd2 / q.sd1, 1e-12, 'csi = L / T');
  relClose(q.cvi, Math.log10(16 * q.sd1 * q.sd2), 1e-12, 'cvi = log10(L T)');
  relClose(q.modified_csi, (16 * q.sd2 * q.sd2) / (4 * q.sd1), 1e-12, 'modified csi = L^2 / T');
  // SD1^2 + SD2^2 = 2 SDNN^2 holds exactly for the 'sdnn' method.
  const b = hrvNonlinear(irregular, { sd2Method: 'sdnn', poincareDdof: 1 });
  const mean = irregular.reduce((x, y) => x + y, 0) / irregular.length;
  const varNn = irregular.reduce((x, y) => x + (y - mean) ** 2, 0) / (irregular.length - 1);
  relClose(b.sd1 ** 2 + b.sd2 ** 2, 2 * varNn, 1e-12, 'Brennan identity');
});

test('short or flat series give NaN with warnings instead of throwing', () => {
  const short = hrvNonlinear([800, 810]);
  assert.ok(Number.isNaN(short.sd1) && short.warnings.length > 0);
  const few = hrvNonlinear(Float64Array.from({ length: 40 }, (_, i) => 800 + 10 * Math.sin(i)));
  assert.ok(Number.isNaN(few.dfa_alpha2), 'alpha2 needs more than 64 beats');
  assert.ok(few.warnings.some((w) => /dfa_alpha2/.test(w)));
  assert.ok(Number.isFinite(few.dfa_alpha1));
  const flat = hrvNonlinear(new Float64Array(100).fill(800));
  assert.equal(flat.sd1, 0);
  assert.ok(Number.isNaN(flat.csi));
  assert.ok(flat.warnings.some((w) => /SD1 is 0/.test(w)));
});

test('entropy is skipped with a warning beyond entropyMaxBeats', () => {
  const nn = Float64Array.from({ length: 500 }, (_, i) => 800 + 30 * Math.sin(i / 5) + 10 * Math.sin(i * 2.3));
  const r = hrvNonlinear(nn, { entropyMaxBeats: 499 });
  assert.ok(Number.isNaN(r.sampen) && Number.isNaN(r.apen));
  assert.ok(r.warnings.some((w) => /entropyMaxBeats/.test(w)));
  assert.ok(Number.isFinite(hrvNonlinear(nn, { entropyMaxBeats: 500 }).sampen));
});

test('hrvNonlinear rejects invalid options', () => {
  assert.throws(() => hrvNonlinear([800, 810, 820], { sd2Method: 'x' as never }), /sd2Method/);
  assert.throws(() => hrvNonlinear([800, 810, 820], { poincareDdof: 0.5 }), /poincareDdof/);
});

test('hrvNonlinear of three intervals follows each convention\'s Poincaré definition', () => {
  // Differences +100, -50; sums 1700, 1750.
  const p = hrvNonlinear([800, 900, 850]);
  relClose(p.sd1, 75 / Math.SQRT2, 1e-12, 'pyHRV sd1: std(diff / sqrt 2), ddof 0');
  relClose(p.sd2, 25 / Math.SQRT2, 1e-12, 'pyHRV sd2: std(sum / sqrt 2), ddof 0');
  const h = hrvNonlinear([800, 900, 850], { conventions: 'hrvanalysis' });
  relClose(h.sd1, 75, 1e-12, 'hrv-analysis sd1: sqrt(var(diff, ddof 1) / 2)');
  // 2 SDNN^2 - SD1^2 = 2 * 2500 - 5625 < 0: numpy.sqrt gives nan, and so must the ratios.
  for (const k of ['sd2', 'sd2_sd1', 'csi', 'cvi', 'modified_csi'] as const) assert.ok(Number.isNaN(h[k]), k);
});

test('hrvNonlinear of 32 beats matches numpy for Poincaré, entropy and alpha1; alpha1 needs more than 16 beats', () => {
  const nn = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4, 6, 2, 6, 4, 3, 3, 8, 3, 2, 7, 9, 5].map((d) => 700 + 10 * d);
  const r = hrvNonlinear(nn);
  relClose(r.sd1, 24.15911528174552, 1e-12, 'sd1');
  relClose(r.sd2, 26.39450956687306, 1e-12, 'sd2');
  relClose(r.apen, 0.14608686893441458, 1e-12, 'apen (r = 0.2 std ddof 1 = 5.0828)');
  // r = 5.08 ms: 4 matches of length 2, none of length 3 -> undefined (nolds: inf).
  assert.ok(Number.isNaN(r.sampen));
  assert.ok(r.warnings.some((w) => /no template matches of length 3/.test(w)));
  relClose(r.dfa_alpha1, 0.6630362907805307, 1e-9, 'alpha1 over 4..16 beats');
  const sixteen = hrvNonlinear(nn.slice(0, 16));
  assert.ok(Number.isNaN(sixteen.dfa_alpha1));
  assert.ok(Number.isFinite(hrvNonlinear(nn.slice(0, 17)).dfa_alpha1));
});
