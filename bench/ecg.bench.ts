/**
 * R-peak detection throughput on MIT-BIH record 100 (650,000 samples of channel 0 at 360 Hz), best of
 * 3 wall times after a warm-up: the default detector (its own 5-20 Hz zero-phase band-pass included),
 * the same after a separate 0.5-40 Hz cleaning pass, chunked through BeatStream, and Pan-Tompkins.
 * Target: >= 20 M samples/s for detection with cleaning, on one core.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openWfdb } from '../src/io/wfdb/record.js';
import { cleanEcg } from '../src/signals/ecg-clean.js';
import { detectRPeaks, RPeakDetector } from '../src/signals/ecg-detect.js';
import { panTompkins } from '../src/signals/ecg-pantompkins.js';
import { BeatStream } from '../src/signals/beat-stream.js';
import { bestTime, rate } from './util.js';

const here = dirname(fileURLToPath(import.meta.url));
const sharedDir = [process.env.VITALDSP_SHARED, resolve(here, '..', '..', '..', 'shared')]
  .filter((d): d is string => !!d)
  .find((d) => existsSync(join(d, 'data', 'wfdb', '100.hea')));

export default async function (): Promise<void> {
  if (!sharedDir) {
    console.log('  skipped: needs data/wfdb/100.hea from the shared reference data (set VITALDSP_SHARED)');
    return;
  }
  const rec = await openWfdb(join(sharedDir, 'data', 'wfdb', '100.hea'));
  const [block] = await rec.read(0, 0, rec.info.channels[0]!.samples);
  await rec.close();
  const x = block as Float64Array;
  const fs = 360;
  let beats = 0;
  const rows: [string, () => unknown][] = [
    ['detectRPeaks (band-pass included)', () => { beats = detectRPeaks(x, fs).peaks.length; }],
    ['cleanEcg 0.5-40 Hz + detectRPeaks', () => { beats = detectRPeaks(cleanEcg(x, fs), fs).peaks.length; }],
    ['BeatStream, 10 s chunks', () => {
      const s = new BeatStream(new RPeakDetector(), fs);
      let n = 0;
      for (let i = 0; i < x.length; i += 3600) n += s.push(x.subarray(i, i + 3600)).length;
      beats = n + s.finish().length;
    }],
    ['panTompkins', () => { beats = panTompkins(x, fs).length; }],
  ];
  console.log(`  record 100, ${x.length} samples; target >= 20 M samples/s`);
  for (const [name, fn] of rows) {
    const t = await bestTime(fn, 3);
    console.log(`  ${name.padEnd(36)} ${(t * 1000).toFixed(1).padStart(7)} ms  ${rate(x.length / t).padStart(10)}  (${beats} beats)`);
  }
}
