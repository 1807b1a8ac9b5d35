import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectRPeaks, RPeakDetector } from '../../src/signals/ecg-detect.js';
import { sosfiltfilt } from '../../src/dsp/filtfilt.js';
import { syntheticEcg, type SyntheticEcgOptions } from '../../src/signals/synthetic-ecg.js';
import { matchBeats } from '../../src/signals/evaluate.js';
import { openWfdb } from '../../src/io/wfdb/record.js';
import { isBeatSymbol, readAnnotations } from '../../src/io/wfdb/annotations.js';
import { needShared, shared } from '../helpers/shared.js';

// Conditions the default detector must survive, each with the sensitivity / PPV it must reach
// (over three seeds of 2 min). Noise bursts of 0.3-0.6 mV broadband noise (about 8 s of each 2 min,
// QRS 1 mV) are allowed a few errors.
const conditions: { name: string; opts: SyntheticEcgOptions; modify?: (x: Float64Array, fs: number) => void; se: number; ppv: number; maxErrMs: number }[] = [
  { name: 'clean sinus rhythm', opts: {}, se: 1, ppv: 1, maxErrMs: 3 },
  { name: 'bradycardia at 40 bpm', opts: { heartRate: 40 }, se: 1, ppv: 1, maxErrMs: 3 },
  { name: 'tachycardia at 180 bpm', opts: { heartRate: 180 }, se: 1, ppv: 1, maxErrMs: 3 },
  { name: 'frequent inverted wide ventricular beats', opts: { ventricularProbability: 0.3, rrStd: 0.1 }, se: 0.995, ppv: 1, maxErrMs: 5 },
  { name: 'strong baseline wander', opts: { baselineWander: 1.5, baselineHz: 0.5 }, se: 1, ppv: 1, maxErrMs: 3 },
  { name: '60 Hz powerline', opts: { powerline: 0.3, powerlineHz: 60 }, se: 1, ppv: 1, maxErrMs: 8 },
  { name: 'white noise', opts: { noise: 0.08 }, se: 1, ppv: 1, maxErrMs: 5 },
  { name: 'polarity flips', opts: { polarityFlips: [30, 75], ventricularProbability: 0.1 }, se: 1, ppv: 1, maxErrMs: 3 },
  { name: 'microvolt-scale amplitude', opts: { amplitude: 0.02, noise: 0.0005 }, se: 1, ppv: 1, maxErrMs: 3 },
  { name: 'early ventricular beats and irregular RR', opts: { ventricularProbability: 0.3, rrStd: 0.25 }, se: 1, ppv: 1, maxErrMs: 5 },
  { name: 'tall T and P waves', opts: { tWave: 1.2, pWave: 0.3, heartRate: 90 }, se: 1, ppv: 1, maxErrMs: 3 },
  { name: 'wide (bundle-branch-block) QRS', opts: { qrsWidth: 2.2, ventricularProbability: 0.1 }, se: 1, ppv: 1, maxErrMs: 5 },
  {
    name: 'amplitude dropping to a fifth, then tripling', opts: {}, se: 1, ppv: 1, maxErrMs: 3,
    modify: (x, fs) => { for (let i = 30 * fs; i < 90 * fs; i++) x[i]! *= i < 60 * fs ? 0.2 : 3; },
  },
  { name: 'everything at once', opts: { ventricularProbability: 0.15, rrStd: 0.2, tWave: 0.6, baselineWander: 0.5, noise: 0.05, polarityFlips: [80] }, se: 0.995, ppv: 1, maxErrMs: 5 },
  { name: 'noise bursts', opts: { noiseBursts: [{ start: 20, seconds: 5, std: 0.3 }, { start: 70, seconds: 3, std: 0.6 }] }, se: 0.97, ppv: 0.95, maxErrMs: 5 },
];

for (const fs of [100, 128, 250, 500, 1000, 2000]) {
  for (const c of conditions) {
    test(`detectRPeaks at ${fs} Hz finds the beats of a synthetic ECG with ${c.name}`, () => {
      let tp = 0, fn = 0, fp = 0, err = 0;
      for (const seed of [1, 2, 3]) {
        const s = syntheticEcg({ fs, seconds: 120, seed, ...c.opts });
        c.modify?.(s.signal, fs);
        // The generator's beat times are its R extrema.
        const { peaks } = detectRPeaks(s.signal, fs, { refine: { fiducial: 'peak' } });
        const m = matchBeats(s.beats, peaks, fs);
        tp += m.tp; fn += m.fn; fp += m.fp; err += m.meanAbsErrorMs / 3;
      }
      assert.ok(tp / (tp + fn) >= c.se, `sensitivity ${tp / (tp + fn)} (fn ${fn})`);
      assert.ok(tp / (tp + fp) >= c.ppv, `PPV ${tp / (tp + fp)} (fp ${fp})`);
      assert.ok(err <= c.maxErrMs, `mean |error| ${err} ms`);
    });
  }
}

test('detectRPeaks returns increasing peaks at least the refractory period apart', () => {
  const s = syntheticEcg({ fs: 360, seconds: 60, noiseBursts: [{ start: 10, seconds: 10, std: 0.5 }] });
  const { peaks } = detectRPeaks(s.signal, 360);
  for (let i = 1; i < peaks.length; i++) assert.ok(peaks[i]! - peaks[i - 1]! >= 0.2 * 360);
});

test('detectRPeaks finds nothing in a flat or very short signal', () => {
  assert.equal(detectRPeaks(new Float64Array(5000), 250).peaks.length, 0);
  assert.equal(detectRPeaks(new Float64Array(10), 250).peaks.length, 0);
});

test('detectRPeaks accepts plain arrays', () => {
  const s = syntheticEcg({ fs: 250, seconds: 20 });
  assert.deepEqual(detectRPeaks(Array.from(s.signal), 250).peaks, detectRPeaks(s.signal, 250).peaks);
});

test('RPeakDetector rejects invalid options by name', () => {
  assert.throws(() => new RPeakDetector({ bandHz: [20, 5] }), /bandHz/);
  assert.throws(() => new RPeakDetector({ qrsSeconds: 0 }), /qrsSeconds/);
  assert.throws(() => detectRPeaks(new Float64Array(1000), 10), /fs/);
});

async function record(name: string): Promise<{ x: Float64Array; fs: number; ref: number[] }> {
  const rec = await openWfdb(shared(`data/wfdb/${name}.hea`));
  try {
    const fs = rec.info.channels[0]!.fs;
    const [x] = await rec.read(0, 0, rec.info.channels[0]!.samples);
    const ref = (await readAnnotations(shared(`data/wfdb/${name}.atr`))).filter((a) => isBeatSymbol(a.symbol)).map((a) => a.sample);
    return { x: x as Float64Array, fs, ref };
  } finally {
    await rec.close();
  }
}

// Acceptance figures on the reference records (channel 0), with the default fiducial halfway up the
// R wave: 100's annotations mark the R extremum, 800's the steepest part of the upstroke, about
// 2 samples (16 ms) earlier.
const records = [
  { name: '100', f1: 0.9995, maxErrMs: 10 },
  { name: '100s', f1: 1, maxErrMs: 10 },
  { name: '800', f1: 0.9995, maxErrMs: 10 },
];
for (const r of records) {
  test(`detectRPeaks scores F1 >= ${r.f1} on MIT-BIH record ${r.name}`, { skip: needShared(`data/wfdb/${r.name}.atr`) }, async () => {
    const { x, fs, ref } = await record(r.name);
    const m = matchBeats(ref, detectRPeaks(x, fs).peaks, fs);
    assert.ok(m.f1 >= r.f1, `F1 ${m.f1} (fn ${m.fn}, fp ${m.fp})`);
    assert.ok(m.meanAbsErrorMs <= r.maxErrMs, `mean |error| ${m.meanAbsErrorMs} ms`);
  });
}

const conventions = [
  { name: '100', fiducial: 'peak', maxErrMs: 3 },
  { name: '800', fiducial: 'upstroke', maxErrMs: 5 },
] as const;
for (const c of conventions) {
  test(`detectRPeaks with fiducial ${c.fiducial} matches the annotation convention of record ${c.name}`, { skip: needShared(`data/wfdb/${c.name}.atr`) }, async () => {
    const { x, fs, ref } = await record(c.name);
    const m = matchBeats(ref, detectRPeaks(x, fs, { refine: { fiducial: c.fiducial } }).peaks, fs);
    assert.ok(m.f1 >= 0.9995, `F1 ${m.f1}`);
    assert.ok(m.meanAbsErrorMs <= c.maxErrMs, `mean |error| ${m.meanAbsErrorMs} ms`);
  });
}

test('RPeakDetector.detect with its band already filtered finds the same beats as filtering itself', () => {
  const s = syntheticEcg({ fs: 360, seconds: 60, ventricularProbability: 0.1, noise: 0.03 });
  const d = new RPeakDetector();
  const band = sosfiltfilt(d.bandSos(360), s.signal);
  assert.deepEqual(d.detect(s.signal, 360, band), d.detect(s.signal, 360));
  assert.throws(() => d.detect(s.signal, 360, band.subarray(1)), /band must have the slice's length/);
});

test('detectRPeaks finds no beat in a flat line at a non-zero level', () => {
  // A disconnected lead often sits at a constant level; the 5-20 Hz band of a constant is 0.
  for (const fs of [125, 250, 500, 1000]) {
    for (const level of [1e-3, 0.5, 1.5, -2, 100]) {
      assert.equal(detectRPeaks(new Float64Array(30 * fs).fill(level), fs).peaks.length, 0, `${level} at ${fs} Hz`);
    }
  }
});

const rates = [125, 250, 360, 500, 1000];

test('detectRPeaks finds the same beats in an inverted ECG at every sampling rate', () => {
  for (const fs of rates) {
    const s = syntheticEcg({ fs, seconds: 40, seed: 4 });
    const up = detectRPeaks(s.signal, fs, { refine: { fiducial: 'peak' } }).peaks;
    const down = detectRPeaks(s.signal.map((v) => -v), fs, { refine: { fiducial: 'peak' } }).peaks;
    assert.deepEqual(down, up, `${fs} Hz`);
    const m = matchBeats(s.beats, up, fs);
    assert.equal(m.fn + m.fp, 0, `${fs} Hz: fn ${m.fn}, fp ${m.fp}`);
  }
});

test('detectRPeaks gives the same beat times within one sample at 125, 250, 360, 500 and 1000 Hz', () => {
  // Same seed: the same beat times at every rate; default (midpoint) fiducial.
  const times = rates.map((fs) => Array.from(detectRPeaks(syntheticEcg({ fs, seconds: 40, seed: 6, noise: 0 }).signal, fs).peaks, (p) => p / fs));
  for (let k = 1; k < rates.length; k++) {
    assert.equal(times[k]!.length, times[0]!.length, `${rates[k]} Hz beat count`);
    for (let i = 0; i < times[0]!.length; i++) {
      assert.ok(Math.abs(times[k]![i]! - times[0]![i]!) <= 1 / rates[0]! + 1e-9, `${rates[k]} Hz beat ${i}: ${times[k]![i]} vs ${times[0]![i]}`);
    }
  }
});

test('detectRPeaks finds every beat from 25 to 240 bpm', () => {
  for (const heartRate of [25, 30, 220, 240]) {
    const s = syntheticEcg({ fs: 250, seconds: 90, seed: 2, heartRate });
    const m = matchBeats(s.beats, detectRPeaks(s.signal, 250).peaks, 250);
    assert.equal(m.fn + m.fp, 0, `${heartRate} bpm: fn ${m.fn}, fp ${m.fp}`);
  }
});

/** Same number of beats, each within one sample of the generator's R time (first and last included). */
function withinOneSample(got: ArrayLike<number>, want: number[], what: string): void {
  assert.equal(got.length, want.length, `${what}: ${got.length} beats, first ${got[0]}, last ${got[got.length - 1]}`);
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i]! - want[i]!) <= 1, `${what}: beat ${i} at ${got[i]}, R at ${want[i]}`);
}

/** A noise-free synthetic ECG cut so that its first and last samples are R peaks; beats relative to the cut. */
function cutAtBeats(fs: number, seed: number): { x: Float64Array; beats: number[] } {
  const s = syntheticEcg({ fs, seconds: 30, seed, noise: 0 });
  const a = s.beats[2]!, b = s.beats[s.beats.length - 3]!;
  return { x: s.signal.slice(a, b + 1), beats: Array.from(s.beats.filter((v) => v >= a && v <= b), (v) => v - a) };
}

for (const fs of rates) {
  const todo = fs === 500 ? { todo: 'at 500 Hz (seed 3) the beat on the last sample is missed' } : {};
  test(`detectRPeaks at ${fs} Hz finds beats whose R peaks are the first and the last sample`, todo, () => {
    for (const seed of [1, 3, 5]) {
      const { x, beats } = cutAtBeats(fs, seed);
      const got = detectRPeaks(x, fs, { refine: { fiducial: 'peak' } }).peaks;
      withinOneSample(got, beats, `${fs} Hz, seed ${seed}`);
    }
  });
}
