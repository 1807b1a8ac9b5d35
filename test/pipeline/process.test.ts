import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, truncateSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { planRecord, processRecording, settleDigest } from '../../src/pipeline/process.js';
import { hashFilesInThread } from '../../src/runtime/hash-thread.js';
import { syntheticEcg } from '../../src/signals/synthetic-ecg.js';
import { matchBeats } from '../../src/signals/evaluate.js';
import { stageNames } from '../../src/pipeline/types.js';
import { gaussian, seededRandom } from '../../src/signals/random.js';
import { butter } from '../../src/dsp/iir-design.js';
import { sosfiltfilt } from '../../src/dsp/filtfilt.js';
import { windowRows } from '../../src/pipeline/windows.js';

const fs = 250;
const ecg = syntheticEcg({ fs, seconds: 600, heartRate: 72, seed: 7 });
const config = { env: {}, set: ['runtime.workers=1'] };

test('processRecording finds the beats of an in-memory ECG and reports all eight stages', async () => {
  const r = await processRecording({ data: ecg.signal, fs, signalType: 'ecg' }, { config });
  const found = r.channels[0]!.beats.sample;
  const m = matchBeats(ecg.beats, found, fs);
  assert.ok(m.f1 > 0.995, `F1 ${m.f1}`);
  assert.deepEqual(r.stages.map((s) => s.stage), [...stageNames]);
  assert.equal(r.segments[0]!.length, 2, 'two 5-minute HRV segments');
  assert.ok(Math.abs((r.features[0]!['hr_mean'] as number) - 72) < 3);
  assert.ok(r.summaries[0]!.meanQuality > 0.7);
});

test('processRecording writes every output file and a manifest that shows what each stage did', async () => {
  const out = mkdtempSync(join(tmpdir(), 'vitaldsp-process-'));
  const r = await processRecording({ data: ecg.signal, fs, signalType: 'ecg', metadata: { name: 'synthetic' } }, { config, out });
  const dir = join(out, 'synthetic');
  assert.deepEqual(readdirSync(dir).sort(), ['beats.csv', 'features.csv', 'features.parquet', 'manifest.json', 'quality.csv', 'report.html', 'summary.json']);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { stages: { stage: string; counts: Record<string, number> }[]; config: { key: string; tier: string }[] };
  assert.deepEqual(manifest.stages.map((s) => s.stage), [...stageNames]);
  assert.equal(manifest.stages.find((s) => s.stage === 'process')!.counts['beats'], r.channels[0]!.beats.sample.length);
  assert.equal(manifest.stages.find((s) => s.stage === 'screen')!.counts['windows'], 60);
  assert.equal(manifest.config.find((c) => c.key === 'runtime.workers')!.tier, 'user');
  const beats = readFileSync(join(dir, 'beats.csv'), 'utf8').trim().split('\n');
  assert.match(beats[0]!, /^sample,time_s,channel/);
  assert.equal(beats.length - 1, r.channels[0]!.beats.sample.length);
  assert.equal(readFileSync(join(dir, 'features.parquet')).subarray(0, 4).toString(), 'PAR1');
});

// Noise like the MIT-BIH Noise Stress Test's: muscle (broadband), electrode motion (inside the QRS
// band, which only beat-template matching sees) and baseline wander, at NSTDB's SNRs.
const noiseTypes: [string, (white: Float64Array) => Float64Array][] = [
  ['white', (w) => w],
  ['muscle', (w) => sosfiltfilt(butter(2, [20, 100], { btype: 'bandpass', fs }), w)],
  ['electrode motion', (w) => sosfiltfilt(butter(2, [1, 10], { btype: 'bandpass', fs }), w)],
  ['baseline wander', (w) => sosfiltfilt(butter(2, 0.5, { btype: 'lowpass', fs }), w)],
];
for (const [name, shape] of noiseTypes) {
  test(`the mean quality score falls monotonically as ${name} noise rises, to poor or unusable at -6 dB`, async () => {
    const clean = syntheticEcg({ fs, seconds: 60, heartRate: 70, noise: 0, seed: 3 }).signal;
    const rand = seededRandom(11);
    const noise = shape(Float64Array.from(clean, () => gaussian(rand)));
    const power = (x: Float64Array) => x.reduce((a, v) => a + v * v, 0) / x.length;
    const scores: number[] = [];
    let last: string[] = [];
    for (const snrDb of [24, 18, 12, 6, 0, -6]) {
      const k = Math.sqrt(power(clean) / power(noise) / 10 ** (snrDb / 10));
      const r = await processRecording({ data: clean.map((v, i) => v + k * noise[i]!), fs, signalType: 'ecg' }, { config });
      const w = windowRows(r.channels[0]!.windows);
      scores.push(w.reduce((a, v) => a + v.score, 0) / w.length);
      last = w.map((v) => v.level);
    }
    for (let i = 1; i < scores.length; i++) assert.ok(scores[i]! < scores[i - 1]!, `scores ${scores.map((s) => s.toFixed(4)).join(' > ')}`);
    if (name !== 'baseline wander') assert.ok(last.every((l) => l === 'poor' || l === 'unusable'), `noisiest levels: ${last.join(',')}`);
    else assert.ok(scores[scores.length - 1]! < 0.6, 'wander swamping the ECG leaves it fair at best');
  });
}

test('flat and clipped windows are marked unusable and skipped', async () => {
  const x = Float64Array.from(ecg.signal.subarray(0, 60 * fs));
  x.fill(0.5, 10 * fs, 20 * fs);
  for (let i = 30 * fs; i < 40 * fs; i++) x[i] = Math.max(-0.2, Math.min(0.2, x[i]! * 3));
  const r = await processRecording({ data: x, fs, signalType: 'ecg' }, { config });
  const w = windowRows(r.channels[0]!.windows);
  assert.equal(w[1]!.level, 'unusable');
  assert.equal(w[1]!.limitedBy, 'flatline');
  assert.equal(w[3]!.level, 'unusable');
  assert.equal(w[3]!.limitedBy, 'clipping');
  assert.ok(w[1]!.mode === 'skip' && w[3]!.mode === 'skip');
  assert.ok(!r.channels[0]!.beats.sample.some((s) => s >= 10 * fs && s < 20 * fs), 'no beats in a skipped window');
  assert.ok(w[0]!.level !== 'unusable' && w[2]!.level !== 'unusable');
});

test('results do not depend on the block size used for parallel work beyond the block grid (chunked equals one-shot)', async () => {
  const a = await processRecording({ data: ecg.signal, fs, signalType: 'ecg' }, { config: { env: {}, set: ['runtime.workers=1', 'pipeline.blockSeconds=60'] } });
  const b = await processRecording({ data: ecg.signal, fs, signalType: 'ecg' }, { config: { env: {}, set: ['runtime.workers=1', 'pipeline.blockSeconds=600'] } });
  assert.deepEqual(a.channels[0]!.beats.sample, b.channels[0]!.beats.sample);
});

test('the speed-up reported for one worker is the share of the block phase spent computing, at most 1', async () => {
  // Tasks on one thread wait for their reads while another computes: only computing counts.
  const r = await processRecording({ data: ecg.signal, fs, signalType: 'ecg' }, { config });
  assert.equal(r.run.workers, 1);
  assert.ok(r.blocks.taskMs > 0);
  assert.ok(r.run.speedup > 0 && r.run.speedup <= 1, `speed-up ${r.run.speedup}`);
});

test('the manifest shows the tasks each thread computed and where the run spent its CPU time', async () => {
  const out = mkdtempSync(join(tmpdir(), 'vitaldsp-threads-'));
  const set = ['pipeline.blockSeconds=60', 'cache.enabled=false'];
  const manifestOf = async (workers: number) => {
    await processRecording({ data: ecg.signal, fs, signalType: 'ecg', metadata: { name: `w${workers}` } }, { config: { env: {}, set: [...set, `runtime.workers=${workers}`] }, out });
    return JSON.parse(readFileSync(join(out, `w${workers}`, 'manifest.json'), 'utf8')) as {
      run: { blocks: { computed: number; threads: { thread: string; tasks: number; computeSeconds: number; firstTaskMs: number; medianTaskMs: number }[] }; cpu: { totalSeconds: number; mainSeconds: number; workerSeconds: number; otherSeconds: number } | null };
    };
  };
  const linux = existsSync('/proc/thread-self/stat');
  for (const workers of [1, 2]) {
    const { run } = await manifestOf(workers);
    const threads = run.blocks.threads;
    assert.equal(threads.reduce((a, t) => a + t.tasks, 0), run.blocks.computed);
    assert.ok(threads.every((t) => t.computeSeconds > 0 && t.firstTaskMs > 0 && t.medianTaskMs > 0));
    if (!linux) continue;
    const main = String(process.pid);
    if (workers === 1) assert.deepEqual(threads.map((t) => t.thread), [main], 'inline tasks run in the main thread');
    else assert.ok(threads.every((t) => t.thread !== main && Number(t.thread) > 0), 'tasks run in worker threads');
    const cpu = run.cpu!;
    assert.ok(cpu.totalSeconds > 0 && cpu.mainSeconds > 0);
    assert.equal(cpu.workerSeconds > 0, workers > 1);
    assert.ok(Math.abs(cpu.mainSeconds + cpu.workerSeconds + cpu.otherSeconds - cpu.totalSeconds) <= 0.05, JSON.stringify(cpu));
  }
});

test('planRecord sizes the adaptive worker count by the samples of the channels it processes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-work-'));
  const samples = 4_000_000; // two channels hold enough work for two workers, one does not
  writeFileSync(join(dir, 'two.hea'), `two 2 250 ${samples}\ntwo.dat 16 200 12 0 0 0 0 ECG I\ntwo.dat 16 200 12 0 0 0 0 ECG II\n`);
  writeFileSync(join(dir, 'two.dat'), '');
  truncateSync(join(dir, 'two.dat'), samples * 4);
  const plan = await planRecord(join(dir, 'two.hea'), { config: { env: {}, set: ['cache.enabled=false'] }, deferInputHash: true });
  assert.deepEqual(plan.ingest.channels.map((c) => c.name), ['ECG I']);
  assert.equal(plan.config.values.runtime.workers, 1);
  assert.equal(plan.config.origins['runtime.workers']!.tier, 'adaptive');
  const both = await planRecord(join(dir, 'two.hea'), { config: { env: {}, set: ['cache.enabled=false'] }, channels: ['ECG I', 'ECG II'], deferInputHash: true });
  assert.equal(both.config.values.runtime.workers, Math.min(2, availableParallelism()));
});

test('without cache and checkpoints the manifest still carries the SHA-256 of the input files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-digest-'));
  const csv = join(dir, 'ecg.csv');
  writeFileSync(csv, 'ecg\n' + Array.from(ecg.signal.subarray(0, 60 * fs), (v) => v.toFixed(5)).join('\n') + '\n');
  const r = await processRecording(csv, { config: { env: {}, set: ['runtime.workers=1', 'cache.enabled=false'] }, open: { fs } });
  assert.equal(r.input.sha256, createHash('sha256').update(readFileSync(csv)).digest('hex'));
  assert.equal(r.input.bytes, readFileSync(csv).length);
});

test('planRecord leaves the digest of a large input for later, and settleDigest gives the fingerprint a plan made at once has', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-defer-'));
  const samples = (80 * 2 ** 20) / 2; // above the size hashed while planning
  writeFileSync(join(dir, 'big.hea'), `big 1 250 ${samples}\nbig.dat 16 200 12 0 0 0 0 ECG\n`);
  writeFileSync(join(dir, 'big.dat'), '');
  truncateSync(join(dir, 'big.dat'), samples * 2);
  const cfg = { env: {}, set: ['cache.enabled=false'] };
  const later = await planRecord(join(dir, 'big.hea'), { config: cfg, deferInputHash: true });
  const now = await planRecord(join(dir, 'big.hea'), { config: cfg });
  assert.equal(later.input.sha256, '');
  assert.equal(later.fingerprint, '');
  assert.equal(later.resumeKey, now.resumeKey, 'checkpoints are keyed without the digest');
  await settleDigest(later, await hashFilesInThread(later.input.files));
  assert.equal(later.input.sha256, now.input.sha256);
  assert.equal(later.fingerprint, now.fingerprint);
  assert.match(now.fingerprint, /^[0-9a-f]{64}$/);
});
