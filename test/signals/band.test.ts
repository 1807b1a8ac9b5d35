import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bandpassSos, checkFs, onlyRoundOff } from '../../src/signals/band.js';
import { butter } from '../../src/dsp/iir-design.js';

test('bandpassSos is the Butterworth band-pass, its top edge lowered to 0.45 fs when fs is low', () => {
  assert.deepEqual(bandpassSos([0.5, 8], 2, 100), butter(2, [0.5, 8], { btype: 'bandpass', fs: 100 }));
  assert.deepEqual(bandpassSos([0.5, 8], 2, 10), butter(2, [0.5, 4.5], { btype: 'bandpass', fs: 10 }));
});

const bad: [string, () => unknown, RegExp][] = [
  ['a reversed band', () => bandpassSos([8, 0.5], 2, 100), /bandHz/],
  ['a zero order', () => bandpassSos([0.5, 8], 0, 100), /order/],
  ['an fs too low for the band', () => bandpassSos([5, 8], 2, 10), /too low/],
  ['a non-positive fs', () => checkFs(0), /fs must be a positive number/],
];
for (const [name, fn, re] of bad) test(`band checks refuse ${name}`, () => assert.throws(fn, re));

test('onlyRoundOff tells the round-off of filtering a constant from a signal, whatever its offset', () => {
  const cases: [what: string, x: number[], band: number[], want: boolean][] = [
    ['a constant level and its filter round-off', [1.5, 1.5, 1.5], [2e-16, -1e-16, 0], true],
    ['all zeros', [0, 0, 0], [0, 0, 0], true],
    ['a 1 mV wave on a 30,000 unit offset', [30_000, 30_001, 29_999], [0.5, -0.5, 0.2], false],
    ['a band at the threshold', [1, 1, 1], [1e-9, 0, 0], true],
    ['a band just above it', [1, 1, 1], [1.1e-9, 0, 0], false],
  ];
  for (const [what, x, band, want] of cases) assert.equal(onlyRoundOff(x, band), want, what);
});
