import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchBeats } from '../../src/signals/evaluate.js';

// fs = 100 Hz, so the default 150 ms window is 15 samples. Expected counts worked out by hand.
const cases: { name: string; ref: number[]; test: number[]; opts?: Parameters<typeof matchBeats>[3]; tp: number; fn: number; fp: number; maeMs: number }[] = [
  { name: 'identical lists match fully', ref: [100, 200, 300], test: [100, 200, 300], tp: 3, fn: 0, fp: 0, maeMs: 0 },
  { name: 'a detection 15 samples away still matches', ref: [100], test: [115], tp: 1, fn: 0, fp: 0, maeMs: 150 },
  { name: 'a detection 16 samples away does not', ref: [100], test: [116], tp: 0, fn: 1, fp: 1, maeMs: 0 },
  { name: 'one detection matches one reference beat only', ref: [100, 110], test: [105], tp: 1, fn: 1, fp: 0, maeMs: 50 },
  { name: 'closest pairs are matched first', ref: [100, 120], test: [112, 125], tp: 2, fn: 0, fp: 0, maeMs: 85 },
  { name: 'an extra detection is a false positive', ref: [100, 200], test: [100, 150, 200], tp: 2, fn: 0, fp: 1, maeMs: 0 },
  { name: 'unsorted input is sorted first', ref: [300, 100, 200], test: [202, 98, 302], tp: 3, fn: 0, fp: 0, maeMs: 20 },
  { name: 'start and end restrict both lists', ref: [50, 150, 250, 350], test: [50, 152, 260, 900], opts: { startSeconds: 1, endSeconds: 3 }, tp: 2, fn: 0, fp: 0, maeMs: 60 },
  { name: 'a narrower window rejects far pairs', ref: [100, 200], test: [104, 210], opts: { windowSeconds: 0.05 }, tp: 1, fn: 1, fp: 1, maeMs: 40 },
  { name: 'empty lists score perfectly', ref: [], test: [], tp: 0, fn: 0, fp: 0, maeMs: 0 },
];

for (const c of cases) {
  test(`matchBeats: ${c.name}`, () => {
    const r = matchBeats(c.ref, c.test, 100, c.opts);
    assert.equal(r.tp, c.tp);
    assert.equal(r.fn, c.fn);
    assert.equal(r.fp, c.fp);
    assert.ok(Math.abs(r.meanAbsErrorMs - c.maeMs) < 1e-9, `mae ${r.meanAbsErrorMs}`);
    assert.equal(r.missed.length, c.fn);
    assert.equal(r.extra.length, c.fp);
  });
}

test('matchBeats derives sensitivity, PPV, F1 and signed error from the counts', () => {
  const r = matchBeats([100, 200, 300, 400], [102, 202, 302, 700, 800], 100);
  assert.equal(r.tp, 3);
  assert.equal(r.sensitivity, 3 / 4);
  assert.equal(r.ppv, 3 / 5);
  assert.equal(r.f1, 6 / 9);
  assert.ok(Math.abs(r.meanErrorMs - 20) < 1e-9);
  assert.deepEqual(r.missed, [400]);
  assert.deepEqual(r.extra, [700, 800]);
});

test('matchBeats rejects a bad fs, window or range by name', () => {
  assert.throws(() => matchBeats([1], [1], 0), /fs/);
  assert.throws(() => matchBeats([1], [1], 100, { windowSeconds: -1 }), /windowSeconds/);
  assert.throws(() => matchBeats([1], [1], 100, { startSeconds: 5, endSeconds: 2 }), /endSeconds/);
  assert.throws(() => matchBeats([NaN], [1], 100), /ref\[0\]/);
});
