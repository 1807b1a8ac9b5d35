import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, truncateSync, writeFileSync } from 'node:fs';
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
import { needShared, shared } from '../helpers/shared.js';

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

// The public API as a caller uses it: every Source form, its options, what it writes and what it returns.
const api = await import('../../src/index.js');
type InMemorySignal = import('../../src/index.js').InMemorySignal;
const { MemoryRecording, writeEdf } = await import('../../src/io/index.js');
const minute = syntheticEcg({ fs, seconds: 60, heartRate: 72, seed: 21 });
const quick = { env: {}, set: ['runtime.workers=1', 'pipeline.blockSeconds=60'] };
const beatsOf = (r: { channels: { beats: { sample: ArrayLike<number> } }[] }, k = 0) => Array.from(r.channels[k]!.beats.sample);
const listTree = (dir: string): string[] => readdirSync(dir, { recursive: true }).map(String).sort();

test('processRecording without out writes nothing in the working folder, the temporary folder or beside its input', async () => {
  const home = mkdtempSync(join(tmpdir(), 'vitaldsp-nowrite-'));
  const [cwd, tmp, inputs] = ['cwd', 'tmp', 'inputs'].map((d) => join(home, d));
  for (const d of [cwd, tmp, inputs]) mkdirSync(d);
  const edf = join(inputs, 'ecg.edf');
  await writeEdf(new MemoryRecording({ data: minute.signal, fs, names: ['ECG'], units: ['mV'] }), edf);
  const before = listTree(inputs);
  const saved = { cwd: process.cwd(), tmp: process.env['TMPDIR'] };
  process.chdir(cwd);
  process.env['TMPDIR'] = tmp;
  try {
    assert.equal(tmpdir(), tmp);
    await processRecording({ data: minute.signal, fs, signalType: 'ecg' }, { config: quick });
    await processRecording(edf, { config: quick });
    await processRecording(edf, { config: { set: ['runtime.workers=1'] } });
  } finally {
    process.chdir(saved.cwd);
    if (saved.tmp === undefined) delete process.env['TMPDIR']; else process.env['TMPDIR'] = saved.tmp;
  }
  assert.deepEqual(listTree(cwd), []);
  assert.deepEqual(listTree(tmp), []);
  assert.deepEqual(listTree(inputs), before);
});

test('the same ECG as an EDF path, as a Recording opened from it and as the samples read from it gives the same beats', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-forms-'));
  const edf = join(dir, 'ecg.edf');
  await writeEdf(new MemoryRecording({ data: minute.signal, fs, names: ['ECG'], units: ['mV'] }), edf);
  const rec = await api.openRecording(edf);
  try {
    const [samples] = (await rec.read(0, 0, rec.info.channels[0]!.samples)) as Float64Array[];
    const fromPath = beatsOf(await api.processRecording(edf, { config: quick }));
    const fromRecording = beatsOf(await api.processRecording(rec, { config: quick }));
    const fromMemory = beatsOf(await api.processRecording({ data: samples!, fs, signalType: 'ecg' }, { config: quick }));
    assert.ok(matchBeats(minute.beats, fromPath, fs).f1 > 0.99);
    assert.deepEqual(fromRecording, fromPath);
    assert.deepEqual(fromMemory, fromPath);
    // The caller's Recording is still open: processRecording closes only what it opened.
    assert.equal((await rec.read(0, 0, 10))[0]!.length, 10);
  } finally {
    await rec.close();
  }
});

test('a Recording opened with reader options (a text file\'s rate and columns) is processed as opened', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-textrec-'));
  const csv = join(dir, 'two.csv');
  writeFileSync(csv, 'resp,ECG\n' + Array.from(minute.signal, (v) => `0,${v.toFixed(6)}`).join('\n') + '\n');
  for (const open of [{ fs }, { fs, columns: ['ECG'] }]) {
    const fromPath = beatsOf(await api.processRecording(csv, { config: quick, open, channels: ['ECG'] }));
    const rec = await api.openRecording(csv, open);
    try {
      assert.deepEqual(beatsOf(await api.processRecording(rec, { config: quick, channels: ['ECG'] })), fromPath, JSON.stringify(open));
    } finally {
      await rec.close();
    }
  }
});

test('an in-memory signal given as number[], Float64Array or Float32Array of the same values gives the same beats', async () => {
  const f32 = Float32Array.from(minute.signal);
  const forms: [string, InMemorySignal['data']][] = [['Float64Array', Float64Array.from(f32)], ['number[]', Array.from(f32)], ['Float32Array', f32], ['[number[]] (one channel in a list)', [Array.from(f32)]]];
  const results: number[][] = [];
  for (const [, data] of forms) results.push(beatsOf(await api.processRecording({ data, fs, signalType: 'ecg' }, { config: quick })));
  assert.ok(matchBeats(minute.beats, results[0]!, fs).f1 > 0.99);
  forms.forEach(([name], i) => assert.deepEqual(results[i], results[0], name));
});

test('a multichannel in-memory signal carries its metadata names and units, and each channel gives the beats it gives alone', async () => {
  const inverted = Float64Array.from(minute.signal, (v) => -v);
  const src = { data: [minute.signal, inverted], fs, signalType: 'ecg' as const, metadata: { names: ['I', 'II'], units: ['mV', 'uV'], name: 'pair' } };
  const both = await api.processRecording(src, { config: quick, channels: 'all' });
  assert.equal(both.name, 'pair');
  assert.deepEqual(both.ingest.channels.map((c) => [c.name, c.unit, c.type]), [['I', 'mV', 'ecg'], ['II', 'uV', 'ecg']]);
  const second = await api.processRecording(src, { config: quick, channels: ['II'] });
  assert.deepEqual(second.ingest.channels.map((c) => c.index), [1]);
  assert.deepEqual(beatsOf(both, 1), beatsOf(second));
  assert.deepEqual(beatsOf(both, 0), beatsOf(await api.processRecording({ data: minute.signal, fs, signalType: 'ecg' }, { config: quick })));
});

// Blocks of 60 s with 10 s quality windows (the config's defaults for windows).
const lengths: [string, number, number][] = [
  ['of three seconds', 3 * fs, 1],
  ['one sample short of a block', 60 * fs - 1, 6],
  ['of exactly one block', 60 * fs, 6],
  ['one sample longer than a block', 60 * fs + 1, 7],
];
for (const [what, n, windows] of lengths) {
  test(`a record ${what} is processed whole: every true beat found, ${windows} quality window(s)`, async () => {
    const long = syntheticEcg({ fs, seconds: 62, heartRate: 72, seed: 21 });
    const r = await api.processRecording({ data: long.signal.subarray(0, n), fs, signalType: 'ecg' }, { config: quick });
    // A beat cut by the record's end may or may not be found: beats are matched within 150 ms.
    const found = r.channels[0]!.beats.sample;
    assert.deepEqual(matchBeats(long.beats, found, fs).extra, [], 'every beat found is a true beat');
    assert.deepEqual(matchBeats(Array.from(long.beats).filter((b) => b < n - 0.15 * fs), found, fs).missed, [], 'every true beat inside is found');
    assert.equal(r.channels[0]!.plan.samples, n);
    const w = windowRows(r.channels[0]!.windows);
    assert.equal(w.length, windows);
    assert.equal(w[w.length - 1]!.end, n / fs);
    if (n === 60 * fs + 1) assert.deepEqual([w[6]!.mode, w[6]!.limitedBy], ['skip', 'length'], 'a one-sample tail is too short to score');
  });
}

test('a NaN run in an in-memory signal leaves its windows unusable with no beats, and the run completes', async () => {
  const x = Float64Array.from(minute.signal);
  x.fill(NaN, 10 * fs, 20 * fs);
  const r = await api.processRecording({ data: x, fs, signalType: 'ecg' }, { config: quick });
  const w = windowRows(r.channels[0]!.windows);
  assert.equal(w[1]!.level, 'unusable');
  assert.ok(!beatsOf(r).some((s) => s >= 10 * fs && s < 20 * fs));
});

const gaps: [string, (x: Float64Array) => void][] = [
  ['a NaN run (a missing-value run as WFDB readers give it)', (x) => x.fill(NaN, 10 * fs, 20 * fs)],
  ['a single infinite sample', (x) => { x[15 * fs] = Infinity; }],
];
for (const [what, spoil] of gaps) {
  test(`${what} costs only its own quality window: the other windows of the block keep their beats`, async () => {
    const x = Float64Array.from(minute.signal);
    spoil(x);
    const r = await api.processRecording({ data: x, fs, signalType: 'ecg' }, { config: quick });
    const w = windowRows(r.channels[0]!.windows);
    assert.equal(w[1]!.level, 'unusable');
    assert.ok([0, 2, 3, 4, 5].every((k) => w[k]!.mode !== 'skip'), w.map((v) => v.limitedBy).join(','));
    const outside = Array.from(minute.beats).filter((b) => b < 9 * fs || b >= 21 * fs);
    assert.ok(matchBeats(outside, beatsOf(r).filter((b) => b < 9 * fs || b >= 21 * fs), fs).f1 > 0.99);
  });
}

const wrong: [string, Parameters<typeof api.processRecording>[0], Parameters<typeof api.processRecording>[1], new (...a: never[]) => Error][] = [
  ['an unknown channel name', { data: minute.signal, fs, signalType: 'ecg' }, { channels: ['V5'] }, api.FormatError],
  ['a channel index out of range', { data: minute.signal, fs, signalType: 'ecg' }, { channels: [3] }, api.FormatError],
  ['a negative sampling rate', { data: minute.signal, fs: -250, signalType: 'ecg' }, {}, RangeError],
  ['a zero sampling rate', { data: minute.signal, fs: 0, signalType: 'ecg' }, {}, RangeError],
  ['a NaN sampling rate', { data: minute.signal, fs: NaN, signalType: 'ecg' }, {}, RangeError],
  ['no channel at all', { data: [], fs, signalType: 'ecg' }, {}, RangeError],
  ['more names than channels', { data: minute.signal, fs, metadata: { names: ['a', 'b'] } }, {}, RangeError],
  ['an unknown setting', { data: minute.signal, fs, signalType: 'ecg' }, { config: { env: {}, set: ['pipeline.blocks=3'] } }, api.ConfigError],
];
for (const [what, source, opts, type] of wrong) {
  test(`processRecording refuses ${what} with a ${type.name} and writes nothing`, async () => {
    const out = mkdtempSync(join(tmpdir(), 'vitaldsp-wrong-'));
    await assert.rejects(api.processRecording(source, { config: quick, ...opts, out }), type);
    assert.deepEqual(listTree(out), []);
  });
}


test('planning refuses a signal type that is not one of the known types (a caller in plain JavaScript)', async () => {
  const bad = { data: minute.signal, fs, signalType: 'ekg' } as unknown as Parameters<typeof planRecord>[0];
  await assert.rejects(planRecord(bad, { config: quick }), (e: unknown) => e instanceof api.FormatError || e instanceof RangeError);
  await assert.rejects(planRecord({ data: minute.signal, fs }, { config: quick, signal: 'ekg' as 'ecg' }), (e: unknown) => e instanceof api.FormatError || e instanceof RangeError);
});

test('a record result is plain data: structuredClone gives it back exactly, JSON keeps its stages and ingest plan exactly', async () => {
  const r = await api.processRecording({ data: minute.signal, fs, signalType: 'ecg' }, { config: quick });
  assert.deepStrictEqual(structuredClone(r), r);
  const json = JSON.parse(JSON.stringify(r)) as typeof r;
  assert.deepStrictEqual(json.stages, r.stages);
  assert.deepStrictEqual(json.ingest.channels, r.ingest.channels);
  assert.deepStrictEqual(json.config, r.config);
});

test('processRecording leaves the caller\'s arrays, metadata and options as they were', async () => {
  const a = Float64Array.from(minute.signal), b = Array.from(minute.signal, (v) => -v);
  a.fill(NaN, 100, 200);
  const data = [a, b];
  const metadata = { names: ['I', 'II'], units: ['mV', 'mV'] };
  const opts = { config: { env: {}, set: ['runtime.workers=1', 'pipeline.blockSeconds=60'] }, channels: ['II', 0] as (string | number)[] };
  const snapshot = structuredClone({ data, metadata, opts });
  await api.processRecording({ data, fs, signalType: 'ecg', metadata }, opts);
  assert.deepStrictEqual({ data, metadata, opts }, snapshot);
  assert.equal(data[0], a, 'the same arrays');
});

test('a run in which blocks fell back to the simpler detector leaves nothing in the cache that a later clean run would reuse', { skip: needShared('data/wfdb/800.hea') }, async () => {
  // On record 800 the fallback detector finds other beats than the default one.
  const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-fallback-'));
  const set = ['runtime.workers=1', 'pipeline.blockSeconds=300'];
  const input = shared('data/wfdb/800.hea');
  const faulty = await processRecording(input, { out: join(dir, 'cached'), config: { env: {}, set }, faults: Object.fromEntries(Array.from({ length: 12 }, (_, i) => [i, 'nan'])) });
  assert.ok(faulty.recovery.outcomes.fallback > 0);
  const clean = await processRecording(input, { out: join(dir, 'plain'), config: { env: {}, set: [...set, 'cache.enabled=false'] } });
  assert.notDeepEqual(beatsOf(faulty), beatsOf(clean), 'the fallback changes the beats');
  const again = await processRecording(input, { out: join(dir, 'cached'), config: { env: {}, set } });
  assert.deepEqual(beatsOf(again), beatsOf(clean));
  for (const f of readdirSync(join(dir, 'plain', '800')).filter((f) => f !== 'manifest.json')) {
    assert.ok(readFileSync(join(dir, 'cached', '800', f)).equals(readFileSync(join(dir, 'plain', '800', f))), f);
  }
});
