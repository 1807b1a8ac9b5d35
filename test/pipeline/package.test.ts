import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRecord, writeSignalTables, type PackageExtras } from '../../src/pipeline/package.js';
import { processRecording, type RecordResult } from '../../src/pipeline/process.js';
import { windowGrid } from '../../src/pipeline/windows.js';
import { beatColumns, type ChannelData } from '../../src/pipeline/merge.js';
import { emptyStats } from '../../src/runtime/cache.js';
import { syntheticEcg } from '../../src/signals/synthetic-ecg.js';
import type { ChannelPlan } from '../../src/pipeline/types.js';
import type { CpuSplit } from '../../src/runtime/thread-cpu.js';

const tempDir = (t: { after: (fn: () => void) => void }) => {
  const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-package-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

const plan = (name: string, type: ChannelPlan['type'], fs: number): ChannelPlan => ({ index: 0, name, fs, samples: 0, unit: '', type, typeFrom: 'given' });

/** Channel data as the merge leaves it, with the given windows of `win` samples over [0, samples). */
function channelData(p: ChannelPlan, samples: number, win: number): ChannelData {
  return { plan: p, windows: windowGrid(p.name, 0, samples, win, p.fs), beats: beatColumns(0), epochs: [], envelope: { min: [], max: [] }, trace: new Float64Array(0), traceStride: 1, timings: { screen: 0, process: 0, validate: 0 } };
}

const sqiColumns = 'flatline,clipping,amplitude,kurtosis,skewness,zero_crossing_rate,baseline,powerline,hf_noise,qrs_power,band_power,snr_db';

function ecgAndEeg(): ChannelData[] {
  // A name with a comma must be quoted in CSV.
  const ecg = channelData(plan('ECG, lead II', 'ecg', 250), 5000, 2500);
  ecg.beats = { sample: Float64Array.of(250, 500, 1250), amplitude: Float64Array.of(1.5, 0.123456789012, NaN), level: Uint8Array.of(0, 1, 4) };
  const w = ecg.windows;
  w.score.set([0.9, 0.1]); w.screenScore.set([0.95, 0.4]); w.level.set([0, 4]); w.mode.set([0, 2]);
  w.limitedBy[0] = 'kurtosis'; w.limitedBy[1] = 'flatline'; w.beats.set([12, 0]); w.templateCorr.set([0.98, NaN]); w.snrGainDb.set([3.25, NaN]);
  w.flatline.set([0.01, 0.75]); w.snrDb.set([12.5, -Infinity]);
  const eeg = channelData(plan('Fz', 'eeg', 100), 3000, 3000);
  eeg.windows.score[0] = 2 / 3; eeg.windows.level[0] = 3; eeg.windows.mode[0] = 1;
  return [ecg, eeg];
}

test('writeSignalTables writes one beats.csv row per beat of the beat channels, with time, quoted channel name and level', async (t) => {
  const dir = join(tempDir(t), 'rec');
  const files = await writeSignalTables(ecgAndEeg(), dir);
  assert.deepEqual(files, { quality: join(dir, 'quality.csv'), beats: join(dir, 'beats.csv') });
  assert.equal(readFileSync(files.beats!, 'utf8'), [
    'sample,time_s,channel,amplitude,level',
    '250,1,"ECG, lead II",1.5,excellent',
    '500,2,"ECG, lead II",0.123456789,good',
    // NaN is an empty cell.
    '1250,5,"ECG, lead II",,unusable',
    '',
  ].join('\n'));
});

test('writeSignalTables writes one quality.csv row per window of every channel, SQIs in snake case and non-finite values empty', async (t) => {
  const dir = tempDir(t);
  const files = await writeSignalTables(ecgAndEeg(), dir);
  const lines = readFileSync(files.quality, 'utf8').split('\n');
  assert.equal(lines[0], `start_s,end_s,channel,score,level,mode,${sqiColumns},screen_score,template_corr,snr_gain_db,beats,limited_by`);
  assert.deepEqual(lines.slice(1), [
    '0,10,"ECG, lead II",0.9,excellent,full,0.01,0,0,0,0,0,0,0,0,0,0,12.5,0.95,0.98,3.25,12,kurtosis',
    '10,20,"ECG, lead II",0.1,unusable,skip,0.75,0,0,0,0,0,0,0,0,0,0,,0.4,,,0,flatline',
    // EEG: no beats (-1), no template correlation or SNR gain (NaN), score at nine digits.
    '0,30,Fz,0.666666667,poor,reduced,0,0,0,0,0,0,0,0,0,0,0,0,0,,,-1,',
    '',
  ]);
});

test('writeSignalTables writes no beats.csv when no channel has beats', async (t) => {
  const dir = tempDir(t);
  const files = await writeSignalTables([ecgAndEeg()[1]!], dir);
  assert.equal(files.beats, undefined);
  assert.deepEqual(readdirSync(dir), ['quality.csv']);
});

const ecg = syntheticEcg({ fs: 250, seconds: 300, heartRate: 68, seed: 4 });
let base: Promise<RecordResult> | undefined;
/** One processed record for every packaging test; each gets its own copy of what packaging changes. */
async function record(): Promise<RecordResult> {
  base ??= processRecording({ data: ecg.signal, fs: 250, signalType: 'ecg', metadata: { name: 'synth' } }, { config: { env: {}, set: ['runtime.workers=1', 'pipeline.blockSeconds=60'] } });
  const r = await base;
  return { ...r, stages: r.stages.filter((s) => s.stage !== 'package'), run: { ...r.run }, summaries: r.summaries.map((s) => ({ ...s })) };
}

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
const version = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

test('packageRecord writes the seven files of a beat record and a manifest naming them relative to the folder', async (t) => {
  const dir = join(tempDir(t), 'synth');
  const r = await record();
  const extras: PackageExtras = { stageStart: performance.now(), cache: undefined };
  const files = await packageRecord(r, dir, extras);
  const names = { beats: 'beats.csv', quality: 'quality.csv', features: 'features.csv', featuresParquet: 'features.parquet', summary: 'summary.json', report: 'report.html', manifest: 'manifest.json' };
  assert.deepEqual(files, Object.fromEntries(Object.entries(names).map(([k, v]) => [k, join(dir, v)])));
  assert.deepEqual(readdirSync(dir).sort(), Object.values(names).sort());
  const pkg = r.stages.at(-1)!;
  assert.equal(pkg.stage, 'package');
  assert.deepEqual(pkg.counts, { files: 7 });

  const m = readJson(files.manifest) as { vitaldsp: string; outputs: unknown; input: { sha256: string; bytes: number }; plan: unknown; stages: { stage: string }[]; run: Record<string, unknown>; config: { key: string; value: unknown }[] };
  assert.equal(m.vitaldsp, version);
  assert.deepEqual(m.outputs, names);
  assert.equal(m.input.sha256, r.input.sha256);
  assert.equal(m.input.bytes, 300 * 250 * 8);
  assert.deepEqual(m.plan, { blockSeconds: 60, blocks: 5, complexity: 300 * 250 * 3 });
  assert.equal(m.stages.at(-1)!.stage, 'package');
  assert.equal(m.run['cache'], null, 'no cache, no cache figures');
  assert.equal(m.run['checkpoints'], null);
  assert.equal(m.config.find((c) => c.key === 'pipeline.blockSeconds')!.value, 60);
  assert.equal(readFileSync(files.featuresParquet).subarray(0, 4).toString(), 'PAR1');
  assert.match(readFileSync(files.report, 'utf8'), /<html/i);
});

test('packageRecord writes features.csv with its leading columns first and one row per feature row', async (t) => {
  const dir = tempDir(t);
  const r = await record();
  const files = await packageRecord(r, dir, { stageStart: performance.now(), cache: undefined });
  const lines = readFileSync(files.features, 'utf8').trim().split('\n');
  assert.ok(r.features.length > 0);
  assert.equal(lines.length, r.features.length + 1);
  const header = lines[0]!.split(',');
  assert.deepEqual(header.slice(0, 6), ['channel', 'start_s', 'end_s', 'quality', 'coverage', 'level']);
  assert.ok(header.includes('hr_mean'));
  assert.equal(lines[1]!.split(',')[0], r.features[0]!['channel']);
});

test('packageRecord writes summary.json with the record\'s metadata and non-finite numbers as null', async (t) => {
  const dir = tempDir(t);
  const r = await record();
  r.summaries[0]!.meanQuality = NaN;
  r.summaries[0]!.processedFraction = Infinity;
  r.stages[0] = { ...r.stages[0]!, warnings: ['first warning'] };
  const files = await packageRecord(r, dir, { stageStart: performance.now(), cache: undefined });
  const s = readJson(files.summary) as { record: string; format: string; durationSeconds: number; startTime: unknown; channels: Record<string, unknown>[]; warnings: string[] };
  assert.deepEqual([s.record, s.format, s.durationSeconds, s.startTime], ['synth', 'npy', 300, null]);
  assert.equal(s.channels.length, 1);
  assert.equal(s.channels[0]!['meanQuality'], null);
  assert.equal(s.channels[0]!['processedFraction'], null);
  assert.equal(s.channels[0]!['beats'], r.channels[0]!.beats.sample.length);
  assert.deepEqual(s.warnings, ['first warning']);
});

test('packageRecord puts the cache figures with their hit rate, the checkpoints, and the latest peak RSS and CPU split in the manifest', async (t) => {
  const dir = tempDir(t);
  const r = await record();
  const cpu: CpuSplit = { totalSeconds: 2, mainSeconds: 1.5, workerSeconds: 0, otherSeconds: 0.5 };
  const files = await packageRecord(r, dir, {
    stageStart: performance.now(),
    cache: { ...emptyStats(), hits: 3, misses: 1, writes: 1 },
    checkpoints: { saved: 4, loaded: 1, corrupt: 0, stale: 2 },
    peakRssMB: () => 321,
    cpu: () => cpu,
  });
  const run = (readJson(files.manifest) as { run: Record<string, unknown> }).run;
  assert.deepEqual(run['cache'], { ...emptyStats(), hits: 3, misses: 1, writes: 1, hitRate: 0.75 });
  assert.deepEqual(run['checkpoints'], { saved: 4, loaded: 1, corrupt: 0, stale: 2 });
  assert.equal(run['peakRssMB'], 321);
  assert.deepEqual(run['cpu'], cpu);
  assert.equal(r.run.peakRssMB, 321, 'the record result carries the same figure');
});

test('packageRecord uses signal tables written earlier instead of writing them again', async (t) => {
  const dir = tempDir(t);
  const r = await record();
  const elsewhere = join(dir, 'quality-early.csv');
  const files = await packageRecord(r, dir, { stageStart: performance.now(), cache: undefined, tables: Promise.resolve({ quality: elsewhere }) });
  assert.equal(files.quality, elsewhere);
  assert.equal(files.beats, undefined);
  assert.equal(existsSync(join(dir, 'quality.csv')), false);
  assert.equal(existsSync(join(dir, 'beats.csv')), false);
  assert.deepEqual(r.stages.at(-1)!.counts, { files: 6 });
  assert.equal((readJson(files.manifest) as { outputs: Record<string, string> }).outputs['quality'], 'quality-early.csv');
});
