import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { hrv, hrvKeys } from '../../src/features/hrv.js';
import { needShared, shared } from '../helpers/shared.js';

const HRVA = 'data/hrv/hrvanalysis_test_nn_intervals.txt';

/** A 10 min series with respiratory (0.25 Hz) and slower (0.1 Hz) modulation. */
function series(): Float64Array {
  const out: number[] = [];
  for (let t = 0; t < 600000;) {
    const v = 850 + 30 * Math.sin((2 * Math.PI * 0.1 * t) / 1000) + 20 * Math.sin((2 * Math.PI * 0.25 * t) / 1000) + 7 * Math.sin(t * 0.37);
    out.push(v);
    t += v;
  }
  return Float64Array.from(out);
}

test('hrv returns one flat object with every documented key', () => {
  const r = hrv(series());
  const keys = [...hrvKeys.summary, ...hrvKeys.time, ...hrvKeys.frequency, ...hrvKeys.nonlinear];
  for (const k of keys) assert.equal(typeof (r as unknown as Record<string, unknown>)[k], 'number', k);
  assert.deepEqual(Object.keys(r).sort(), [...keys, 'warnings'].sort());
  assert.ok(Array.isArray(r.warnings));
  assert.equal(r.n_nn, series().length);
  for (const k of ['sdnn', 'rmssd', 'pnn50', 'sd1', 'sampen', 'lf_hf', 'ls_lf_hf', 'dfa_alpha1'] as const) {
    assert.ok(Number.isFinite(r[k]), `${k} = ${r[k]}`);
  }
  assert.ok(r.lf_peak > 0.09 && r.lf_peak < 0.11 && r.hf_peak > 0.24 && r.hf_peak < 0.26);
});

test('hrv passes one preset to every domain', { skip: needShared(HRVA) }, () => {
  const nn = Float64Array.from(readFileSync(shared(HRVA), 'utf8').split('\n').filter((l) => l.trim()).map(Number));
  const r = hrv(nn, { conventions: 'hrvanalysis' });
  const close = (a: number, e: number) => Math.abs(a - e) <= 1e-6 * Math.abs(e);
  assert.ok(close(r.sdsd, 19.519367520775713), `sdsd ${r.sdsd}`);
  assert.ok(close(r.sd2, 59.38670497373513), `sd2 ${r.sd2}`);
  assert.ok(close(r.sampen, 1.2046675751816824), `sampen ${r.sampen}`);
  assert.ok(close(r.lf_power, 591.8400883234102), `lf ${r.lf_power}`);
  const p = hrv(nn);
  assert.ok(!close(p.sdsd, r.sdsd), 'pyhrv preset differs on SDSD');
});

test('hrv can skip domains and reports undefined values as NaN with reasons', () => {
  const r = hrv(series(), { frequency: false, nonlinear: false });
  assert.ok(Number.isNaN(r.lf_hf) && Number.isNaN(r.sd1));
  assert.ok(Number.isFinite(r.sdnn));
  const short = hrv([800, 820, 790]);
  assert.ok(Number.isNaN(short.sdann) && Number.isNaN(short.lf_power) && Number.isNaN(short.dfa_alpha1));
  assert.ok(short.warnings.length >= 3);
  const secs = hrv([0.8, 0.82, 0.79, 0.81]);
  assert.ok(secs.warnings.some((w) => /seconds/.test(w)));
});

test('hrv rejects non-positive intervals before computing anything', () => {
  assert.throws(() => hrv([800, 0, 800]), (e: unknown) => e instanceof RangeError && /nn\[1\]/.test(e.message));
});
