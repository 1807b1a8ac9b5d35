import { test } from 'node:test';
import assert from 'node:assert/strict';
import { beatTimes, hrvFrequency, lombDensity, resampleTachogram } from '../../src/features/hrv-frequency.js';
import { lombscargleGrid } from '../../src/dsp/lombscargle-grid.js';
import { seededRandom } from '../../src/signals/random.js';
import { needShared } from '../helpers/shared.js';
import { LONG, HRVA, loadNpy, loadText, relClose } from '../helpers/hrv-data.js';

/** NN series (ms) whose interval is modulated at f0 Hz: nn = 800 + amp sin(2 pi f0 t) at each beat time t. */
function modulated(f0: number, amp: number, seconds: number): Float64Array {
  const out: number[] = [];
  for (let t = 0; t < seconds * 1000;) {
    const v = 800 + amp * Math.sin((2 * Math.PI * f0 * t) / 1000);
    out.push(v);
    t += v;
  }
  return Float64Array.from(out);
}

test('hrvFrequency reproduces pyHRV\'s Welch report on the long sample series', { skip: needShared(LONG) }, async () => {
  const r = hrvFrequency(await loadNpy(LONG));
  // pyhrv_SampleReport.txt, Frequency Domain - FFT Welch's Method (full precision where printed so).
  relClose(r.vlf_power, 2050.743568530359, 1e-6, 'VLF');
  relClose(r.lf_power, 2942.5372448423686, 1e-6, 'LF');
  relClose(r.hf_power, 1648.0967694750873, 1e-6, 'HF');
  relClose(r.vlf_rel, 30.878286062618393, 1e-6, 'VLF %');
  relClose(r.lf_nu, 64.09871132538694, 1e-6, 'LF n.u.');
  relClose(r.hf_nu, 35.901288674613056, 1e-6, 'HF n.u.');
  relClose(r.total_power, 6641.378, 1e-6, 'total power');
  relClose(r.lf_hf, 1.785, 1e-3, 'LF/HF (printed to 3 decimals)');
  assert.equal(r.vlf_peak, 0.0185546875);
  assert.equal(r.lf_peak, 0.0400390625);
  assert.equal(r.hf_peak, 0.150390625);
  assert.ok(Number.isNaN(r.ulf_power), '75 s Welch segments cannot resolve ULF');
  assert.ok(r.ls_total_power > 0 && Number.isFinite(r.ls_lf_hf));
});

test('hrvFrequency with hrv-analysis conventions follows its Welch recipe', { skip: needShared(HRVA) }, () => {
  const nn = loadText(HRVA);
  const r = hrvFrequency(nn, { conventions: 'hrvanalysis', lombScargle: false });
  // Python (SciPy 1.17), hrv-analysis' recipe: t = cumsum(nn)/1000 - nn[0]/1000;
  // x = interp1d(t, nn, 'linear')(arange(0, t[-1], 1/7)); x -= x.mean();
  // f, p = welch(x, fs=7, window='hann', nfft=4096); power = trapezoid(p[lo <= f < hi], f[...]).
  relClose(r.vlf_power, 342.3248256937849, 1e-9, 'VLF 0.0033-0.04');
  relClose(r.lf_power, 591.8400883234102, 1e-9, 'LF');
  relClose(r.hf_power, 177.65748845016563, 1e-9, 'HF');
  relClose(r.lf_hf, 3.331354582834971, 1e-9, 'LF/HF');
  relClose(r.total_power, 1111.8224024673607, 1e-9, 'total');
  relClose(r.lf_nu, 76.91253438444015, 1e-9, 'LF n.u.');
  assert.ok(Number.isNaN(r.ls_lf_power), 'Lomb-Scargle switched off');
});

test('a modulated NN series peaks at its modulation frequency in both spectra', () => {
  const cases: [number, 'lf' | 'hf'][] = [[0.1, 'lf'], [0.25, 'hf']];
  for (const [f0, band] of cases) {
    const r = hrvFrequency(modulated(f0, 40, 600));
    const other = band === 'lf' ? 'hf' : 'lf';
    assert.ok(Math.abs(r[`${band}_peak`] - f0) < 0.01, `Welch ${band} peak ${r[`${band}_peak`]} for ${f0} Hz`);
    assert.ok(Math.abs(r[`ls_${band}_peak`] - f0) < 0.005, `LS ${band} peak ${r[`ls_${band}_peak`]} for ${f0} Hz`);
    assert.ok(r[`${band}_power`] > 20 * r[`${other}_power`], `Welch ${band} dominates`);
    assert.ok(r[`ls_${band}_power`] > 20 * r[`ls_${other}_power`], `LS ${band} dominates`);
    // A sine of amplitude 40 ms has variance 800 ms^2: both densities integrate to about that.
    relClose(r.total_power, 800, 0.15, `Welch total at ${f0} Hz`);
    relClose(r.ls_total_power, 800, 0.15, `LS total at ${f0} Hz`);
  }
});

test('hrvFrequency gives the same values with a caller\'s scratch series as without, in both presets', () => {
  const nn = modulated(0.1, 40, 900);
  for (const conventions of ['pyhrv', 'hrvanalysis'] as const) {
    assert.deepEqual(hrvFrequency(nn, { conventions }, new Float64Array(nn.length).fill(7)), hrvFrequency(nn, { conventions }), conventions);
  }
});

test('ULF is reported only when the spectrum resolves it, or when asked', () => {
  const nn = modulated(0.1, 40, 3600);
  const auto = hrvFrequency(nn);
  assert.ok(Number.isNaN(auto.ulf_power), 'Welch with 75 s segments');
  assert.ok(Number.isFinite(auto.ls_ulf_power), 'Lomb-Scargle over 1 h resolves 0.0015 Hz');
  const forced = hrvFrequency(nn, { ulf: true, lombScargle: false });
  assert.ok(Number.isFinite(forced.ulf_power));
  relClose(forced.ulf_rel + forced.vlf_rel + forced.lf_rel + forced.hf_rel, 100, 1e-12, 'relative powers sum to 100');
  const off = hrvFrequency(nn, { ulf: false });
  assert.ok(Number.isNaN(off.ls_ulf_power));
});

test('constant NN intervals have zero power and undefined ratios', () => {
  const r = hrvFrequency(new Float64Array(400).fill(800));
  assert.equal(r.total_power, 0);
  assert.ok(Number.isNaN(r.lf_hf) && Number.isNaN(r.lf_nu));
});

test('short records warn about LF and too few beats give NaN', () => {
  const r = hrvFrequency(modulated(0.25, 20, 120));
  assert.ok(r.warnings.some((w) => /LF is unreliable/.test(w)));
  assert.ok(Number.isFinite(r.hf_power));
  const tiny = hrvFrequency([800, 810, 790]);
  assert.ok(Number.isNaN(tiny.total_power) && tiny.warnings.length === 1);
});

test('resampleTachogram puts the beats on a 4 Hz grid without their mean', () => {
  const x = resampleTachogram(Float64Array.from([1000, 1000, 1000, 1000, 1000]), 4, 'cubic');
  assert.equal(x.length, 16); // arange(0, 4 s, 0.25 s)
  assert.ok(x.every((v) => Math.abs(v) < 1e-12));
});

test('hrvFrequency rejects invalid options with messages naming them', () => {
  const nn = modulated(0.1, 40, 300);
  const cases: [object, RegExp][] = [
    [{ resampleHz: 0 }, /resampleHz/], [{ interpolation: 'nearest' }, /interpolation/], [{ nperseg: 1 }, /nperseg/],
    [{ nfft: 100, nperseg: 300 }, /nfft/], [{ bands: { lf: [0.15, 0.04] } }, /bands\.lf/], [{ ulf: 'yes' }, /ulf/],
    [{ integration: 'simpson' }, /integration/], [{ bandEdges: 'open' }, /bandEdges/], [{ lsPoints: 1 }, /lsPoints/],
    [{ noverlap: 5000 }, /noverlap/],
  ];
  for (const [opts, re] of cases) assert.throws(() => hrvFrequency(nn, opts), (e: unknown) => e instanceof RangeError && re.test(e.message), re.source);
});

test('lombDensity of a day of beats (fast sums) stays within 1e-8 of the exact sums at every frequency', () => {
  const rand = seededRandom(7);
  const nn = Float64Array.from({ length: 8000 }, (_, i) => 800 + 60 * Math.sin(i / 9) + 30 * Math.sin(i / 3.1) + 20 * (rand() - 0.5));
  const t = beatTimes(nn);
  const { p } = lombDensity(t, nn, 0.4, 1024);
  let mu = 0;
  for (const v of nn) mu += v / nn.length;
  const dw = (2 * Math.PI * 0.4) / 1024;
  const exact = lombscargleGrid(t, nn.map((v) => v - mu), dw, dw, 1024, { floatingMean: true });
  const scale = (2 * ((t[t.length - 1]! - t[0]!) * nn.length) / (nn.length - 1)) / nn.length;
  const peak = Math.max(...exact) * scale;
  for (let k = 0; k < 1024; k++) assert.ok(Math.abs(p[k]! - exact[k]! * scale) <= 1e-8 * peak, `frequency ${k}: ${p[k]} vs ${exact[k]! * scale}`);
});

// 200 beats with 0.125 and ~0.06 Hz modulation. nfft = 400 puts the band edges 0.04, 0.15 and 0.4
// Hz exactly on the Welch grid at 4 Hz (df = 0.01) and 0.15 Hz on the 64-point Lomb-Scargle grid.
// Reference values: scipy 1.17 (interp1d, welch, lombscargle floating_mean) with numpy band sums.
const EDGE_NN = Array.from({ length: 200 }, (_, i) => 800 + 50 * Math.sin((2 * Math.PI * i) / 4) + 30 * Math.sin((2 * Math.PI * i) / 14) + 7 * Math.cos(i * 1.3));

test('pyHRV band powers count a bin exactly on a band edge in both bands (closed bands)', () => {
  const r = hrvFrequency(EDGE_NN, { nfft: 400, nperseg: 400, ulf: false, lombScargle: false });
  relClose(r.vlf_power, 0.16522885801521958, 1e-6, 'vlf (5 bins: 0..0.04)');
  relClose(r.lf_power, 448.30522339403643, 1e-6, 'lf (12 bins: 0.04..0.15)');
  relClose(r.hf_power, 1237.9389267507465, 1e-6, 'hf (26 bins: 0.15..0.4)');
  relClose(r.total_power, 0.16522885801521958 + 448.30522339403643 + 1237.9389267507465, 1e-6, 'total');
});

test('hrv-analysis band powers leave a bin exactly on the upper edge out (half-open bands)', () => {
  const r = hrvFrequency(EDGE_NN, { conventions: 'hrvanalysis', resampleHz: 5, nfft: 400, nperseg: 200, bands: { vlf: [0, 0.04] }, lombScargle: false });
  relClose(r.vlf_power, 5.965143925475701, 1e-6, 'vlf (4 bins)');
  relClose(r.lf_power, 432.04545943437915, 1e-6, 'lf (8 bins)');
  relClose(r.hf_power, 853.5176312472425, 1e-6, 'hf (20 bins)');
});

test('Lomb-Scargle band powers match scipy.signal.lombscargle scaled to 2 P T / N', () => {
  const r = hrvFrequency(EDGE_NN, { lsPoints: 64, ulf: false });
  relClose(r.ls_vlf_power, 2.1371356605922918, 1e-9, 'ls vlf');
  relClose(r.ls_lf_power, 444.3748405980345, 1e-9, 'ls lf (17 bins, 0.15 included)');
  relClose(r.ls_hf_power, 1282.3676860580622, 1e-9, 'ls hf (41 bins, 0.15 included)');
  assert.equal(r.ls_hf_peak, 0.3125);
});

test('frequency features need 4 intervals: 0 to 3 give NaN everywhere with a reason', () => {
  for (const nn of [[], [800], [800, 900], [800, 900, 850]]) {
    const r = hrvFrequency(nn);
    assert.ok(Number.isNaN(r.lf_power) && Number.isNaN(r.ls_hf_power) && Number.isNaN(r.lf_hf), `${nn.length} intervals`);
    assert.ok(r.warnings.some((w) => /need at least 4/.test(w)));
  }
});
