import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lombscargleGrid } from '../../src/dsp/lombscargle-grid.js';
import { lombscargle } from '../../src/dsp/lombscargle.js';
import { seededRandom } from '../../src/signals/random.js';

const rand = seededRandom(17);
const n = 400;
const t = Float64Array.from({ length: n }, (_, i) => i * 0.8 + rand() * 0.3);
const y = t.map((v) => 3 + Math.sin(2 * Math.PI * 0.1 * v) + 0.5 * Math.cos(2 * Math.PI * 0.27 * v + 1) + 0.2 * (rand() - 0.5));

const cases: { name: string; opts: { floatingMean?: boolean; normalize?: boolean } }[] = [
  { name: 'plain power', opts: {} },
  { name: 'a floating mean', opts: { floatingMean: true } },
  { name: 'normalised power with a floating mean', opts: { floatingMean: true, normalize: true } },
];
for (const c of cases) {
  test(`lombscargleGrid equals the direct lombscargle on a grid, with ${c.name}`, () => {
    const w0 = 2 * Math.PI * 0.001, dw = 2 * Math.PI * 0.0005, count = 1000;
    const freqs = Float64Array.from({ length: count }, (_, k) => w0 + k * dw);
    const want = lombscargle(t, y, freqs, c.opts);
    const got = lombscargleGrid(t, y, w0, dw, count, c.opts);
    const scale = Math.max(...want);
    for (let k = 0; k < count; k++) assert.ok(Math.abs(got[k]! - want[k]!) <= 1e-9 * scale, `k=${k}: ${got[k]} vs ${want[k]}`);
  });
}

test('lombscargleGrid refuses bad arguments naming them', () => {
  assert.throws(() => lombscargleGrid([1, 2], [1], 0, 1, 3), /equal length/);
  assert.throws(() => lombscargleGrid([1, 2], [1, 2], 0, 1, 0), /count/);
});
