import { test } from 'node:test';
import assert from 'node:assert/strict';
import { panTompkins } from '../../src/signals/ecg-pantompkins.js';
import { syntheticEcg, type SyntheticEcgOptions } from '../../src/signals/synthetic-ecg.js';
import { matchBeats } from '../../src/signals/evaluate.js';
import { openWfdb } from '../../src/io/wfdb/record.js';
import { isBeatSymbol, readAnnotations } from '../../src/io/wfdb/annotations.js';
import { needShared, shared } from '../helpers/shared.js';

const conditions: { name: string; opts: SyntheticEcgOptions; se: number; ppv: number }[] = [
  { name: 'clean sinus rhythm', opts: {}, se: 1, ppv: 1 },
  { name: 'ventricular beats', opts: { ventricularProbability: 0.2 }, se: 0.995, ppv: 0.995 },
  { name: 'baseline wander', opts: { baselineWander: 1.5, baselineHz: 0.5 }, se: 1, ppv: 1 },
  { name: 'tachycardia at 170 bpm', opts: { heartRate: 170 }, se: 1, ppv: 1 },
];

for (const fs of [100, 360, 1000]) {
  for (const c of conditions) {
    test(`panTompkins at ${fs} Hz detects a synthetic ECG with ${c.name}`, () => {
      const s = syntheticEcg({ fs, seconds: 120, seed: 4, ...c.opts });
      const m = matchBeats(s.beats, panTompkins(s.signal, fs), fs);
      assert.ok(m.sensitivity >= c.se, `sensitivity ${m.sensitivity}`);
      assert.ok(m.ppv >= c.ppv, `PPV ${m.ppv}`);
    });
  }
}

// At 40 % amplitude the beat's integrated energy (16 %) is below THRESHOLD1 (25 % of the signal level
// with almost no noise) but above THRESHOLD2: only searchback can find it.
test('panTompkins finds a beat below THRESHOLD1 by searchback', () => {
  const fs = 250;
  const s = syntheticEcg({ fs, seconds: 30, noise: 0.002 });
  const x = s.signal;
  const b = s.beats[15]!;
  for (let i = b - 40; i <= b + 40; i++) x[i]! *= 0.4;
  const m = matchBeats(s.beats, panTompkins(x, fs), fs);
  assert.equal(m.fn, 0);
});

test('panTompkins scores F1 >= 0.999 on MIT-BIH record 100', { skip: needShared('data/wfdb/100.atr') }, async () => {
  const rec = await openWfdb(shared('data/wfdb/100.hea'));
  const [x] = await rec.read(0, 0, rec.info.channels[0]!.samples);
  await rec.close();
  const ref = (await readAnnotations(shared('data/wfdb/100.atr'))).filter((a) => isBeatSymbol(a.symbol)).map((a) => a.sample);
  const m = matchBeats(ref, panTompkins(x!, 360), 360);
  assert.ok(m.f1 >= 0.999, `F1 ${m.f1}`);
});

test('panTompkins rejects a sampling rate too low for its band', () => {
  assert.throws(() => panTompkins(new Float64Array(100), 20), /fs/);
  assert.equal(panTompkins(new Float64Array(10), 250).length, 0);
});

test('panTompkins finds no beat in a flat line at a non-zero level', () => {
  for (const fs of [250, 360, 500, 1000]) {
    for (const level of [1e-3, 1.5, 100]) {
      assert.equal(panTompkins(new Float64Array(30 * fs).fill(level), fs).length, 0, `${level} at ${fs} Hz`);
    }
  }
});

test('panTompkins finds the same beats in an inverted ECG at 125 to 1000 Hz', () => {
  for (const fs of [125, 250, 360, 500, 1000]) {
    const s = syntheticEcg({ fs, seconds: 40, seed: 4 });
    const up = panTompkins(s.signal, fs, { refine: { fiducial: 'peak' } });
    assert.deepEqual(panTompkins(s.signal.map((v) => -v), fs, { refine: { fiducial: 'peak' } }), up, `${fs} Hz`);
    const m = matchBeats(s.beats, up, fs);
    assert.equal(m.fn + m.fp, 0, `${fs} Hz: fn ${m.fn}, fp ${m.fp}`);
  }
});

test('panTompkins marks beats whose R peaks are the first and the last sample on those peaks', { todo: 'the first beat lands 2-10 samples late and, from 360 Hz up, the last is missed' }, () => {
  for (const fs of [125, 250, 360, 500, 1000]) {
    const s = syntheticEcg({ fs, seconds: 30, seed: 1, noise: 0 });
    const a = s.beats[2]!, b = s.beats[s.beats.length - 3]!;
    const beats = Array.from(s.beats.filter((v) => v >= a && v <= b), (v) => v - a);
    const got = panTompkins(s.signal.slice(a, b + 1), fs, { refine: { fiducial: 'peak' } });
    assert.equal(got.length, beats.length, `${fs} Hz: ${got.length} beats, last at ${got[got.length - 1]}, R at ${beats[beats.length - 1]}`);
    // Within one sample of the generator's R times (the sampled extremum may be a neighbour).
    for (let i = 0; i < beats.length; i++) assert.ok(Math.abs(got[i]! - beats[i]!) <= 1, `${fs} Hz: beat ${i} at ${got[i]}, R at ${beats[i]}`);
  }
});
