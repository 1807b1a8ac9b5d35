/**
 * Welch PSD (1 M samples, fs 250, nperseg 1024) and a 2^20-point real FFT, ours against
 * scipy.signal.welch / numpy.fft.rfft timed inside python3 (best of 3, single-threaded).
 */
import { rfft } from '../src/dsp/fft.js';
import { welch } from '../src/dsp/spectral.js';
import { bestTime, python, rate } from './util.js';

const WELCH_N = 1_000_000;
const RFFT_N = 1 << 20;

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

export default async function (): Promise<void> {
  const x = signal(WELCH_N, 1), y = signal(RFFT_N, 2);
  const ours = {
    welch: await bestTime(() => welch(x, { fs: 250, nperseg: 1024 })),
    rfft: await bestTime(() => rfft(y)),
  };
  const ref = python(`
import json, time
import numpy as np
from scipy import signal
rng = np.random.default_rng(0)
x = rng.standard_normal(${WELCH_N})
y = rng.standard_normal(${RFFT_N})
def best(f, reps=3):
    f()
    b = float("inf")
    for _ in range(reps):
        t = time.perf_counter(); f(); b = min(b, time.perf_counter() - t)
    return b
print(json.dumps({"welch": best(lambda: signal.welch(x, fs=250, nperseg=1024)), "rfft": best(lambda: np.fft.rfft(y))}))
`);
  const rows: [string, number, number, number | undefined][] = [
    ['welch 1M, nperseg 1024', WELCH_N, ours.welch, ref?.welch],
    ['rfft 2^20', RFFT_N, ours.rfft, ref?.rfft],
  ];
  console.log('| what | ours | SciPy/NumPy | ours / SciPy speed |');
  console.log('| --- | --- | --- | --- |');
  for (const [name, n, t, r] of rows) {
    const theirs = r === undefined ? 'n/a' : `${rate(n / r)} (${(r * 1e3).toFixed(1)} ms)`;
    const ratio = r === undefined ? 'n/a' : `${(r / t).toFixed(2)}x`;
    console.log(`| ${name} | ${rate(n / t)} (${(t * 1e3).toFixed(1)} ms) | ${theirs} | ${ratio} |`);
  }
}
