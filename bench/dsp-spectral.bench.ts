/**
 * Welch PSD (1 M samples, fs 250, nperseg 1024) and a 2^20-point real FFT, ours against
 * scipy.signal.welch / numpy.fft.rfft timed inside python3 (best of 3, single-threaded).
 *
 * Lomb-Scargle as HRV uses it (1024 angular frequencies up to 0.4 Hz, floating mean) on beat
 * times and NN values of a 5000-beat record and of a 380-beat 5-minute segment, against
 * scipy.signal.lombscargle on the same numbers: lombscargleGrid (the angle-addition grid) and the
 * direct lombscargle. With VITALDSP_BENCH_BASELINE set to another build's output folder, that
 * build's lombscargleGrid is timed alongside (calls alternating) and shown as extra rows.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rfft } from '../src/dsp/fft.js';
import { lombscargle } from '../src/dsp/lombscargle.js';
import { lombscargleGrid } from '../src/dsp/lombscargle-grid.js';
import { lombscargleGridFast } from '../src/dsp/lombscargle-fast.js';
import { welch } from '../src/dsp/spectral.js';
import { baseline, bestTime, bestTimes, python, rate } from './util.js';

/** Imports and the best-of-n timer every SciPy reference snippet here starts with. */
const PY_PRELUDE = `import json, time
import numpy as np
from scipy import signal
def best(f, reps=3):
    f()
    b = float("inf")
    for _ in range(reps):
        t = time.perf_counter(); f(); b = min(b, time.perf_counter() - t)
    return b
`;

const WELCH_N = 1_000_000;
const RFFT_N = 1 << 20;
const TACHOGRAM_N = 345_600;

/** Deterministic test signal: two tones in noise (xorshift), the same kind of input SciPy gets. */
function signal(n: number, seed: number): Float64Array {
  let s = seed >>> 0 || 1;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    out[i] = Math.sin(i * 0.05) + 0.3 * Math.sin(i * 0.9) + (s / 2 ** 32 - 0.5);
  }
  return out;
}

/** Beat times (s) and mean-removed NN intervals (ms) of n beats: a 0.1 and a 0.25 Hz modulation. */
function beats(n: number): { t: Float64Array; y: Float64Array } {
  const t = new Float64Array(n), y = new Float64Array(n);
  let at = 0, mean = 0;
  for (let i = 0; i < n; i++) {
    const rr = 0.8 + 0.04 * Math.sin(2 * Math.PI * 0.1 * at) + 0.02 * Math.sin(2 * Math.PI * 0.25 * at) + 0.01 * Math.sin(i * 2.7);
    at += rr;
    t[i] = at; y[i] = rr * 1000; mean += y[i]!;
  }
  mean /= n;
  for (let i = 0; i < n; i++) y[i]! -= mean;
  return { t, y };
}

const LS_COUNT = 1024, LS_DW = (2 * Math.PI * 0.4) / LS_COUNT;

type GridFn = typeof lombscargleGrid;

async function lombRows(): Promise<void> {
  const sets = { record: beats(5000), segment: beats(380) };
  const old = (await baseline<{ lombscargleGrid: GridFn }>('src/dsp/lombscargle-grid.js'))?.lombscargleGrid;
  const grid = (f: GridFn, d: { t: Float64Array; y: Float64Array }) => () => f(d.t, d.y, LS_DW, LS_DW, LS_COUNT, { floatingMean: true });
  const freqs = Float64Array.from({ length: LS_COUNT }, (_, k) => (k + 1) * LS_DW);
  const ours: Record<string, number> = {};
  for (const [name, d] of Object.entries(sets)) {
    const fns: Record<string, () => unknown> = { ours: grid(lombscargleGrid, d) };
    if (old) fns['old'] = grid(old, d);
    const t = await bestTimes(fns, 5);
    ours[`${name}Grid`] = t['ours']!;
    if (t['old'] !== undefined) ours[`${name}Baseline`] = t['old'];
  }
  ours.recordDirect = await bestTime(() => lombscargle(sets.record.t, sets.record.y, freqs, { floatingMean: true }), 2);
  // Press-Rybicki sums, which the record-level HRV uses from about an hour of beats: a day of them.
  const day = beats(109_000);
  const fast = grid(lombscargleGridFast, sets.record), exact = grid(lombscargleGrid, sets.record);
  ours.recordFast = (await bestTimes({ fast }, 5))['fast']!;
  const dayTimes = await bestTimes({ exact: grid(lombscargleGrid, day), fast: grid(lombscargleGridFast, day) }, 2);
  ours.dayGrid = dayTimes['exact']!; ours.dayFast = dayTimes['fast']!;
  const deviation = (a: Float64Array, b: Float64Array) => { let peak = 0, dev = 0; for (let k = 0; k < a.length; k++) { peak = Math.max(peak, b[k]!); dev = Math.max(dev, Math.abs(a[k]! - b[k]!)); } return dev / peak; };
  const fastDeviation = Math.max(deviation(fast() as Float64Array, exact() as Float64Array), deviation(grid(lombscargleGridFast, day)() as Float64Array, grid(lombscargleGrid, day)() as Float64Array));
  const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-ls-'));
  const data = join(dir, 'beats.json');
  writeFileSync(data, JSON.stringify(Object.fromEntries(Object.entries(sets).map(([k, d]) => [k, { t: Array.from(d.t), y: Array.from(d.y) }]))));
  const ref = python(`
${PY_PRELUDE}d = json.load(open(${JSON.stringify(data)}))
w = np.arange(1, ${LS_COUNT + 1}) * ${LS_DW}
out = {}
for k, v in d.items():
    t, y = np.array(v["t"]), np.array(v["y"])
    out[k] = best(lambda: signal.lombscargle(t, y, w, floating_mean=True))
print(json.dumps(out))
`);
  rmSync(dir, { recursive: true, force: true });
  const rows: [string, number, number | undefined, number | undefined][] = [
    ['lombscargleGrid, 5000 beats', 5000 * LS_COUNT, ours.recordGrid, ref?.record],
    ['lombscargleGrid, baseline build, 5000 beats', 5000 * LS_COUNT, ours.recordBaseline, ref?.record],
    ['lombscargle (direct), 5000 beats', 5000 * LS_COUNT, ours.recordDirect, ref?.record],
    ['lombscargleGridFast (Press-Rybicki), 5000 beats', 5000 * LS_COUNT, ours.recordFast, ref?.record],
    ['lombscargleGrid, 109k beats (a day)', 109_000 * LS_COUNT, ours.dayGrid, undefined],
    ['lombscargleGridFast, 109k beats (a day)', 109_000 * LS_COUNT, ours.dayFast, undefined],
    ['lombscargleGrid, 380 beats', 380 * LS_COUNT, ours.segmentGrid, ref?.segment],
    ['lombscargleGrid, baseline build, 380 beats', 380 * LS_COUNT, ours.segmentBaseline, ref?.segment],
  ];
  console.log('\n| Lomb-Scargle, 1024 frequencies, floating mean (beats x frequencies per second) | ours | scipy.signal.lombscargle | ours / SciPy speed |');
  console.log('| --- | --- | --- | --- |');
  for (const [name, pairs, t, r] of rows) {
    if (t === undefined) continue;
    const theirs = r === undefined ? 'n/a' : `${rate(pairs / r)} (${(r * 1e3).toFixed(1)} ms)`;
    const ratio = r === undefined ? 'n/a' : `${(r / t).toFixed(1)}x`;
    console.log(`| ${name} | ${rate(pairs / t)} (${(t * 1e3).toFixed(2)} ms) | ${theirs} | ${ratio} |`);
  }
  console.log(`  lombscargleGridFast over lombscargleGrid: ${(ours.recordGrid! / ours.recordFast!).toFixed(1)}x (5000 beats), ${(ours.dayGrid! / ours.dayFast!).toFixed(1)}x (109k beats); largest deviation ${fastDeviation.toExponential(1)} of the peak power`);
  if (ours.recordBaseline !== undefined) {
    console.log(`  lombscargleGrid speed-up over the baseline build: ${(ours.recordBaseline / ours.recordGrid!).toFixed(2)}x (5000 beats), ${(ours.segmentBaseline! / ours.segmentGrid!).toFixed(2)}x (380 beats)`);
  }
}

export default async function (): Promise<void> {
  const x = signal(WELCH_N, 1), y = signal(RFFT_N, 2), z = signal(TACHOGRAM_N, 3);
  const ours = {
    welch: await bestTime(() => welch(x, { fs: 250, nperseg: 1024 })),
    // pyHRV's record-level tachogram spectrum: 300-sample segments zero-padded to 4096 points,
    // computed through the summed autocorrelation (a day of beats at 4 Hz is 345,600 samples).
    tachogram: await bestTime(() => welch(z, { fs: 4, nperseg: 300, nfft: 4096 })),
    rfft: await bestTime(() => rfft(y)),
  };
  const ref = python(`
${PY_PRELUDE}rng = np.random.default_rng(0)
x = rng.standard_normal(${WELCH_N})
y = rng.standard_normal(${RFFT_N})
z = rng.standard_normal(${TACHOGRAM_N})
print(json.dumps({"welch": best(lambda: signal.welch(x, fs=250, nperseg=1024)), "tachogram": best(lambda: signal.welch(z, fs=4, nperseg=300, nfft=4096)), "rfft": best(lambda: np.fft.rfft(y))}))
`);
  const rows: [string, number, number, number | undefined][] = [
    ['welch 1M, nperseg 1024', WELCH_N, ours.welch, ref?.welch],
    ['welch 345,600 (a day at 4 Hz), nperseg 300, nfft 4096', TACHOGRAM_N, ours.tachogram, ref?.tachogram],
    ['rfft 2^20', RFFT_N, ours.rfft, ref?.rfft],
  ];
  console.log('| what | ours | SciPy/NumPy | ours / SciPy speed |');
  console.log('| --- | --- | --- | --- |');
  for (const [name, n, t, r] of rows) {
    const theirs = r === undefined ? 'n/a' : `${rate(n / r)} (${(r * 1e3).toFixed(1)} ms)`;
    const ratio = r === undefined ? 'n/a' : `${(r / t).toFixed(2)}x`;
    console.log(`| ${name} | ${rate(n / t)} (${(t * 1e3).toFixed(1)} ms) | ${theirs} | ${ratio} |`);
  }
  await lombRows();
}
