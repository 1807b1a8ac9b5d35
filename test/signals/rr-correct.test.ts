import { test } from 'node:test';
import assert from 'node:assert/strict';
import { correctRR, heartRate, rolling, rrIntervals, RR_FLAGS } from '../../src/signals/rr-correct.js';
import { seededRandom } from '../../src/signals/random.js';

/** A plausible RR series in s: 0.85 s mean, respiratory sinus arrhythmia and AR(1) variability. */
function series(n: number, seed: number): number[] {
  const r = seededRandom(seed);
  let e = 0;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const g = Math.sqrt(-2 * Math.log(Math.max(r(), 1e-12))) * Math.cos(2 * Math.PI * r());
    e = 0.8 * e + 0.02 * g;
    out.push(0.85 + 0.03 * Math.sin((2 * Math.PI * i) / 4.5) + e);
  }
  return out;
}

for (const seed of [1, 2, 3]) {
  test(`correctRR flags almost nothing in a clean series (seed ${seed})`, () => {
    const r = correctRR(series(600, seed));
    assert.ok(r.counts.normal >= 597, JSON.stringify(r.counts));
    assert.equal(r.nn.length, 600);
  });

  test(`correctRR classifies a missed, an extra, an ectopic, a long and a short beat (seed ${seed})`, () => {
    const rr = series(600, seed);
    rr[100] = rr[100]! * 2; // missed beat: one interval spans two
    const a = rr[200]!;
    rr.splice(200, 1, 0.4 * a, 0.6 * a); // extra beat: one interval split
    rr[301] = rr[301]! + 0.4 * rr[300]!; // ectopic: premature beat with a compensatory pause
    rr[300] = 0.6 * rr[300]!;
    rr[400] = rr[400]! * 1.45;
    rr[500] = rr[500]! * 0.6;
    const r = correctRR(rr);
    assert.equal(r.flags[100], 'missed');
    assert.equal(r.flags[200], 'extra');
    assert.ok(r.flags[301] === 'ectopic' || r.flags[300] === 'ectopic', `ectopic pair: ${r.flags[300]}, ${r.flags[301]}`);
    assert.equal(r.flags[400], 'long');
    assert.equal(r.flags[500], 'short');
    // Missed adds an interval, extra removes one: the NN series has as many intervals as the truth.
    assert.equal(r.nn.length, rr.length);
    for (let i = 0; i < r.nn.length; i++) assert.ok(r.nn[i]! > 0.6 && r.nn[i]! < 1.1, `nn[${i}] = ${r.nn[i]}`);
    assert.equal(r.corrected.length, r.nn.length);
    assert.ok(r.corrected.reduce((s, v) => s + v, 0) >= 6);
  });
}

test('correctRR works in any unit: ms gives the same flags as s', () => {
  const rr = series(300, 8);
  rr[150] = rr[150]! * 2;
  const s = correctRR(rr);
  const ms = correctRR(rr.map((v) => v * 1000));
  assert.deepEqual(ms.flags, s.flags);
});

test('correctRR gives each interval a one-byte flag code, its flag\'s index in RR_FLAGS, and counts per flag', () => {
  const rr = series(400, 5);
  rr[100] = rr[100]! * 2;
  rr[250] = rr[250]! * 0.6;
  const r = correctRR(rr);
  assert.ok(r.codes instanceof Uint8Array);
  assert.equal(r.codes.length, rr.length);
  assert.deepEqual(r.flags, Array.from(r.codes, (c) => RR_FLAGS[c]));
  assert.equal(r.flags, r.flags, 'the names are made once');
  for (const f of RR_FLAGS) assert.equal(r.counts[f], r.flags.filter((g) => g === f).length, f);
  assert.equal(r.flags[100], 'missed');
});

test('correctRR leaves very short series alone and rejects non-positive intervals', () => {
  assert.deepEqual(correctRR([0.8, 0.9, 2]).flags, ['normal', 'normal', 'normal']);
  assert.throws(() => correctRR([0.8, 0, 0.9]), /rr\[1\]/);
});

test('heartRate and rrIntervals convert beat samples to bpm and seconds', () => {
  assert.deepEqual(Array.from(rrIntervals([0, 250, 750], 250)), [1, 2]);
  assert.deepEqual(Array.from(heartRate([0, 250, 750], 250)), [60, 30]);
  assert.equal(heartRate([10], 250).length, 0);
  assert.throws(() => heartRate([10, 10], 250), /increasing/);
  assert.throws(() => rrIntervals([0, 1], 0), /fs/);
});

for (const [n, w] of [[500, 91], [500, 11], [60, 91], [7, 11]] as const) {
  test(`rolling gives each centred window's statistic as a sort of that window would (${n} values, window ${w})`, () => {
    const rand = seededRandom(n * w);
    // Few distinct values, so that windows hold many ties.
    const v = Float64Array.from({ length: n }, () => Math.round(rand() * 20));
    const h = Math.floor(w / 2);
    const got = rolling(v, w, (s, len) => s[0]! + 1000 * s[len >> 1]! + 1e6 * s[len - 1]! + 1e9 * len);
    for (let i = 0; i < n; i++) {
      const s = v.slice(Math.max(0, i - h), Math.min(n, i + h + 1)).sort();
      assert.equal(got[i], s[0]! + 1000 * s[s.length >> 1]! + 1e6 * s[s.length - 1]! + 1e9 * s.length, `window at ${i}`);
    }
  });
}

test('correctRR gives the same flags and NN series whatever the pass length on long series', () => {
  const rr = series(20000, 9);
  const r = seededRandom(10);
  // Artefacts of every kind, some right at pass boundaries.
  for (const i of [0, 1, 999, 1000, 1001, 2047, 2048, 5000, 12345, 19998]) {
    const k = Math.floor(r() * 4);
    rr[i] = rr[i]! * [2, 0.45, 1.5, 0.6][k]!;
  }
  const one = correctRR(rr);
  assert.ok(one.counts.normal < 20000 - 5, JSON.stringify(one.counts));
  for (const chunk of [1, 97, 1000, 2048]) {
    const c = correctRR(rr, { chunk });
    assert.deepEqual(c.flags, one.flags, `chunk ${chunk}`);
    assert.deepEqual(c.nn, one.nn, `chunk ${chunk}`);
  }
});

/** Plants one artefact at interval i of rr (in place). */
const planters: Record<'missed' | 'extra' | 'long' | 'short' | 'ectopic', (rr: number[], i: number) => void> = {
  missed: (rr, i) => { rr[i] = rr[i]! * 2; },
  extra: (rr, i) => { const a = rr[i]!; rr.splice(i, 1, 0.4 * a, 0.6 * a); },
  long: (rr, i) => { rr[i] = rr[i]! * 1.45; },
  short: (rr, i) => { rr[i] = rr[i]! * 0.6; },
  ectopic: (rr, i) => { rr[i + 1] = rr[i + 1]! + 0.4 * rr[i]!; rr[i] = 0.6 * rr[i]!; },
};

// [artefact, where, interval index in a 200-interval series (before the extra beat's split)]. At the
// ends: the first interval has no jump of its own, so only its distance from the median can say
// missed or extra; past the last interval there is no jump, so the normal ones after an artefact near
// the end stay normal.
const placements: [keyof typeof planters, string, number][] = [
  ['missed', 'first', 0], ['missed', 'second', 1], ['missed', 'middle', 100], ['missed', 'second-to-last', 198], ['missed', 'last', 199],
  ['extra', 'first', 0], ['extra', 'second', 1], ['extra', 'middle', 100], ['extra', 'last', 199],
  ['long', 'middle', 100], ['long', 'last', 199],
  ['short', 'first', 0], ['short', 'middle', 100], ['short', 'last', 199],
  ['ectopic', 'second', 1], ['ectopic', 'middle', 100], ['ectopic', 'third-to-last', 197],
];

for (const [kind, where, i] of placements) {
  test(`correctRR classifies a${kind === 'extra' || kind === 'ectopic' ? 'n' : ''} ${kind} beat in the ${where} interval and flags nothing else`, () => {
    for (const seed of [1, 2, 3]) {
      const rr = series(200, seed);
      planters[kind](rr, i);
      const r = correctRR(rr);
      // The ectopic pair: either of its intervals may carry the flag, the other one too. A short
      // interval and the normal one after it may fall in the ectopic region of the dRR/S12 plane.
      const own = kind === 'ectopic' || kind === 'short' ? [i, i + 1] : [i];
      const flagged = own.map((k) => r.flags[k]);
      const accepted = kind === 'short' ? ['short', 'ectopic'] : [kind];
      assert.ok(flagged.some((f) => accepted.includes(f)), `seed ${seed}: interval ${i} is ${flagged.join('/')}`);
      const others = r.flags.map((f, k) => [k, f] as const).filter(([k, f]) => f !== 'normal' && !own.includes(k) && !(kind === 'extra' && k === i + 1));
      assert.deepEqual(others, [], `seed ${seed}: other flags`);
      // The corrected series has as many intervals as the truth: a missed beat adds one.
      assert.equal(r.nn.length, kind === 'missed' ? 201 : 200, `seed ${seed}: NN length`);
    }
  });
}

test('correctRR leaves the two intervals after an extra beat near the end normal', () => {
  for (const seed of [1, 2, 3]) {
    const rr = series(200, seed);
    planters.extra(rr, 198); // intervals 198, 199 are the split; 200 is the original last one
    const r = correctRR(rr);
    assert.equal(r.flags[198], 'extra', `seed ${seed}`);
    assert.equal(r.flags[200], 'normal', `seed ${seed}`);
  }
});
