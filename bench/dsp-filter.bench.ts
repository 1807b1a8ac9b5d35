/**
 * Filtering throughput against SciPy: sosfiltfilt, sosfilt and streaming SosFilter on a 4th-order
 * Butterworth band-pass 0.5-40 Hz at 360 Hz over 10 M samples of seeded noise. SciPy is timed inside
 * python with time.perf_counter (best of 3, BLAS/OpenMP pinned to one thread; its IIR kernels are
 * single-threaded anyway). The section-by-section row is the alternative loop order kept here only
 * to show why the kernels run all sections per sample. The last rows time the pipeline's block
 * filtering: two 2nd-order band-passes (0.5-40 Hz cleaning, 5-20 Hz detection) of the same samples,
 * as two sosfiltfilt calls and as one sosfiltfiltPair, side by side.
 */
import { bestTime, bestTimes, python, rate } from './util.js';
import { butter } from '../src/dsp/iir-design.js';
import { sosfiltfilt } from '../src/dsp/filtfilt.js';
import { sosfiltfiltPair } from '../src/dsp/filtfilt-pair.js';
import { SosFilter, sosfilt } from '../src/dsp/sosfilt.js';
import { flattenSos } from '../src/dsp/types.js';

const N = 10_000_000;
const FS = 360;

function seededNoise(n: number): Float64Array {
  const x = new Float64Array(n);
  let s = 1;
  for (let i = 0; i < n; i++) {
    s = (s * 48271) % 2147483647;
    x[i] = s / 2147483647 - 0.5;
  }
  return x;
}

/** The alternative loop order: each section over a cache-sized block before the next section. */
function sectionBySection(flat: Float64Array, x: Float64Array, block: number): Float64Array {
  const y = Float64Array.from(x);
  const nsec = flat.length / 6;
  const z = new Float64Array(2 * nsec);
  for (let start = 0; start < y.length; start += block) {
    const end = Math.min(y.length, start + block);
    for (let s = 0; s < nsec; s++) {
      const o = 6 * s;
      const b0 = flat[o]!, b1 = flat[o + 1]!, b2 = flat[o + 2]!, a1 = flat[o + 4]!, a2 = flat[o + 5]!;
      let z0 = z[2 * s]!, z1 = z[2 * s + 1]!;
      for (let i = start; i < end; i++) {
        const v = y[i]!;
        const out = b0 * v + z0;
        z0 = b1 * v - a1 * out + z1;
        z1 = b2 * v - a2 * out;
        y[i] = out;
      }
      z[2 * s] = z0;
      z[2 * s + 1] = z1;
    }
  }
  return y;
}

const PY = `
import json, time
import numpy as np
from scipy.signal import butter, sosfilt, sosfiltfilt
sos = butter(4, [0.5, 40], btype='bandpass', fs=${FS}, output='sos')
x = np.random.default_rng(1).standard_normal(${N})
def best(f):
    f()
    b = float('inf')
    for _ in range(3):
        t = time.perf_counter(); f(); b = min(b, time.perf_counter() - t)
    return b
print(json.dumps({'sosfiltfilt': best(lambda: sosfiltfilt(sos, x)), 'sosfilt': best(lambda: sosfilt(sos, x))}))
`;

export default async function (): Promise<void> {
  const sos = butter(4, [0.5, 40], { btype: 'bandpass', fs: FS });
  const x = seededNoise(N);
  const y = new Float64Array(N);
  const ours = {
    sosfiltfilt: await bestTime(() => sosfiltfilt(sos, x)),
    sosfiltfiltOut: await bestTime(() => sosfiltfilt(sos, x, { out: y })),
    sosfilt: await bestTime(() => sosfilt(sos, x)),
    streaming: await bestTime(() => {
      const f = new SosFilter(sos);
      const out = new Float64Array(FS);
      for (let i = 0; i < N; i += FS) f.process(x.subarray(i, Math.min(N, i + FS)), out);
    }),
    sectionwise: await bestTime(() => sectionBySection(flattenSos(sos), x, 2048)),
  };
  console.log(`  4th-order Butterworth band-pass 0.5-40 Hz at ${FS} Hz, ${N / 1e6} M samples, best of 3`);
  const py = python(PY);
  const row = (name: string, t: number, ref?: number): string => {
    const r = ref === undefined ? '' : `${rate(N / ref).padStart(11)}  ${(ref / t).toFixed(2).padStart(5)}x`;
    return `  ${name.padEnd(36)}${rate(N / t).padStart(11)}  ${r}`;
  };
  console.log(`  ${'operation'.padEnd(36)}${'vitaldsp'.padStart(11)}  ${py ? `${'scipy'.padStart(11)}  ratio` : ''}`);
  console.log(row('sosfiltfilt, new output', ours.sosfiltfilt, py?.sosfiltfilt));
  console.log(row('sosfiltfilt, caller-owned output', ours.sosfiltfiltOut, py?.sosfiltfilt));
  console.log(row('sosfilt', ours.sosfilt, py?.sosfilt));
  console.log(row('SosFilter, 1 s chunks', ours.streaming, py?.sosfilt));
  console.log(row('sosfilt section by section (alt.)', ours.sectionwise, py?.sosfilt));

  const clean = butter(2, [0.5, 40], { btype: 'bandpass', fs: FS }), band = butter(2, [5, 20], { btype: 'bandpass', fs: FS });
  const y2 = new Float64Array(N);
  const pair = await bestTimes({
    separate: () => { sosfiltfilt(clean, x, { out: y }); sosfiltfilt(band, x, { out: y2 }); },
    paired: () => sosfiltfiltPair(clean, band, x, y, y2),
  });
  console.log(`  two 2nd-order band-passes of the same samples, side by side (best of 5 rounds):`);
  console.log(`  ${'two sosfiltfilt calls'.padEnd(36)}${rate(N / pair.separate).padStart(11)}`);
  console.log(`  ${'sosfiltfiltPair'.padEnd(36)}${rate(N / pair.paired).padStart(11)}  ${(pair.separate / pair.paired).toFixed(2)}x faster`);
}
