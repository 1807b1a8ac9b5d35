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

// Duplicates, unsorted and out-of-range beats, and ties; fs = 100 Hz, counts worked out by hand.
const messy: { name: string; ref: number[]; test: number[]; opts?: Parameters<typeof matchBeats>[3]; tp: number; missed: number[]; extra: number[] }[] = [
  { name: 'a reference beat listed twice needs two detections', ref: [100, 100], test: [100], tp: 1, missed: [100], extra: [] },
  { name: 'a detection listed twice matches one reference beat and is extra once', ref: [100], test: [101, 101], tp: 1, missed: [], extra: [101] },
  { name: 'duplicates on both sides pair up one to one', ref: [200, 100, 200], test: [200, 200, 100], tp: 3, missed: [], extra: [] },
  { name: 'negative beats lie before the default start and are not scored', ref: [-5, 100], test: [-5, 100], tp: 1, missed: [], extra: [] },
  { name: 'beats past endSeconds are not scored, even when they would match', ref: [100, 299, 300], test: [100, 299, 301], opts: { endSeconds: 3 }, tp: 2, missed: [], extra: [] },
  { name: 'a detection equally far from two reference beats goes to the earlier one', ref: [100, 120], test: [110], tp: 1, missed: [120], extra: [] },
  { name: 'a reference beat equally far from two detections takes the earlier one', ref: [110], test: [100, 120], tp: 1, missed: [], extra: [120] },
  { name: 'unsorted lists give sorted missed and extra beats', ref: [900, 100, 500], test: [505, 700, 300], tp: 1, missed: [100, 900], extra: [300, 700] },
];
for (const c of messy) {
  test(`matchBeats: ${c.name}`, () => {
    const r = matchBeats(c.ref, c.test, 100, c.opts);
    assert.equal(r.tp, c.tp);
    assert.deepEqual(r.missed, c.missed);
    assert.deepEqual(r.extra, c.extra);
    assert.equal(r.fn, c.missed.length);
    assert.equal(r.fp, c.extra.length);
  });
}

// The window at several rates: the last sample distance inside it matches, the next one does not.
const windowEdges: [fs: number, windowSeconds: number, inside: number][] = [
  [250, 0.15, 37], // 37.5 samples
  [360, 0.15, 54],
  [1000, 0.15, 150],
  [128, 0.15, 19], // 19.2 samples
  [25, 0.15, 3], // 3.75 samples
  [500, 0, 0],
];
for (const [fs, windowSeconds, inside] of windowEdges) {
  test(`matchBeats at ${fs} Hz with a ${windowSeconds * 1000} ms window matches ${inside} samples apart, not ${inside + 1}`, () => {
    for (const ref of [0, 1000]) {
      assert.equal(matchBeats([ref], [ref + inside], fs, { windowSeconds }).tp, 1, `after ref ${ref}`);
      assert.equal(matchBeats([ref + inside], [ref], fs, { windowSeconds }).tp, 1, `before ref ${ref + inside}`);
      assert.equal(matchBeats([ref], [ref + inside + 1], fs, { windowSeconds }).tp, 0, `after ref ${ref}, one more`);
    }
  });
}

test('matchBeats reports the worst and the signed mean error of matched pairs only', () => {
  const r = matchBeats([100, 200, 300], [95, 209, 900], 100);
  assert.equal(r.tp, 2);
  assert.ok(Math.abs(r.maxAbsErrorMs - 90) < 1e-9, `max ${r.maxAbsErrorMs}`);
  assert.ok(Math.abs(r.meanErrorMs - 20) < 1e-9, `mean ${r.meanErrorMs}`);
  assert.ok(Math.abs(r.meanAbsErrorMs - 70) < 1e-9, `mean abs ${r.meanAbsErrorMs}`);
});

test('matchBeats with no detections has sensitivity 0 and PPV 1; with no reference beats, the reverse', () => {
  const a = matchBeats([100, 200], [], 100);
  assert.deepEqual([a.sensitivity, a.ppv, a.f1], [0, 1, 0]);
  const b = matchBeats([], [100, 200], 100);
  assert.deepEqual([b.sensitivity, b.ppv, b.f1], [1, 0, 0]);
});

test('matchBeats matches a detection exactly windowSeconds away whatever the product windowSeconds * fs rounds to', () => {
  // 0.29 s at 100 Hz is 29 samples; 0.175 s at 360 Hz is 63 samples.
  assert.equal(matchBeats([0], [29], 100, { windowSeconds: 0.29 }).tp, 1);
  assert.equal(matchBeats([0], [63], 360, { windowSeconds: 0.175 }).tp, 1);
});

test('matchBeats scores a beat exactly at startSeconds and not one exactly at endSeconds, whatever the product with fs rounds to', () => {
  // Beat 110 at 100 Hz is at 1.1 s: at or after startSeconds 1.1.
  assert.equal(matchBeats([110], [110], 100, { startSeconds: 1.1 }).tp, 1);
  assert.equal(matchBeats([7], [7], 100, { startSeconds: 0.07 }).tp, 1);
  // Beat 7 at 100 Hz is at 0.07 s: not before endSeconds 0.07, so only beat 3 is scored.
  assert.equal(matchBeats([3, 7], [3, 7], 100, { endSeconds: 0.07 }).tp, 1);
});
