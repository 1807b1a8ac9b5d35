/**
 * Signal-quality screening per 10 s window: computeSqis (time-domain SQIs, one Hann periodogram and
 * its band shares) and bandSnrDb (the validation SNR), over the windows of both leads of MIT-BIH
 * record 100 (360 Hz), or of a synthetic ECG when the shared data is absent. Best of 7 rounds.
 * With VITALDSP_BENCH_BASELINE set to another build's output folder, that build's functions are
 * timed alongside, rounds alternating, and the speed-up is shown.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openWfdb } from '../src/io/wfdb/record.js';
import { bandSnrDb, computeSqis } from '../src/quality/sqi.js';
import { syntheticEcg } from '../src/signals/synthetic-ecg.js';
import { baseline, bestTimes } from './util.js';

const here = dirname(fileURLToPath(import.meta.url));
const sharedDir = [process.env.VITALDSP_SHARED, resolve(here, '..', '..', '..', 'shared')]
  .filter((d): d is string => !!d)
  .find((d) => existsSync(join(d, 'data', 'wfdb', '100.hea')));

const FS = 360, WINDOW = 10 * FS;

async function leads(): Promise<Float64Array[]> {
  if (!sharedDir) {
    console.log('  (shared data absent: a 30-minute synthetic ECG instead of record 100)');
    return [syntheticEcg({ fs: FS, seconds: 1800, noise: 0.01, seed: 100 }).signal];
  }
  const rec = await openWfdb(join(sharedDir, 'data', 'wfdb', '100.hea'));
  const n = rec.info.channels[0]!.samples;
  const blocks = (await rec.read([0, 1], 0, n)) as Float64Array[];
  await rec.close();
  return blocks;
}

type Sqi = { computeSqis: typeof computeSqis; bandSnrDb: typeof bandSnrDb };

export default async function (): Promise<void> {
  const windows: Float64Array[] = [];
  for (const x of await leads()) for (let w0 = 0; w0 + WINDOW <= x.length; w0 += WINDOW) windows.push(x.subarray(w0, w0 + WINDOW));
  const old = await baseline<Sqi>('src/quality/sqi.js');
  const over = (f: (x: Float64Array) => unknown) => () => { for (const w of windows) f(w); };
  const cases: [string, (m: Sqi) => (x: Float64Array) => unknown][] = [
    ['computeSqis', (m) => (x) => m.computeSqis(x, FS, 'ecg')],
    ['bandSnrDb', (m) => (x) => m.bandSnrDb(x, FS, 'ecg')],
  ];
  console.log(`  ${windows.length} windows of ${WINDOW} samples`);
  console.log(`| per window | ours |${old ? ' baseline build | speed-up |' : ''}`);
  console.log(`| --- | --- |${old ? ' --- | --- |' : ''}`);
  for (const [name, make] of cases) {
    const fns: Record<string, () => unknown> = { ours: over(make({ computeSqis, bandSnrDb })) };
    if (old) fns['old'] = over(make(old));
    const times = await bestTimes(fns, 7);
    const [t, tOld] = [times['ours'], times['old']].map((s) => (s === undefined ? undefined : (s * 1e6) / windows.length));
    const extra = tOld === undefined ? '' : ` ${tOld.toFixed(1)} us | ${(tOld / t!).toFixed(2)}x |`;
    console.log(`| ${name} | ${t!.toFixed(1)} us |${extra}`);
  }
}
