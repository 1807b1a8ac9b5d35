import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { Queue } from 'bullmq';
import { cliPath, needShared, shared } from '../helpers/shared.js';
import { recordOutputs } from '../helpers/outputs.js';
import { needRedis, spawnWorkers, startRedis, stopWorkers, type RedisHandle, type WorkerProcess } from '../helpers/redis.js';
import { syntheticEcg } from '../../src/signals/synthetic-ecg.js';

// Test-friendly lock settings: a killed worker's jobs are taken over within about 5 s.
const workerArgs = ['--lock-duration', '4000', '--stalled-interval', '1000', '--max-stalled', '3'];
const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-submit-'));

/** Generated ECG recordings of 5, 8 and 12 min at 250 Hz; the 8-min one has a burst of noise (skipped windows). */
const synthetic = [
  { name: 'synth5', minutes: 5, seed: 11, heartRate: 64 },
  { name: 'synth8', minutes: 8, seed: 12, heartRate: 78, noiseBursts: [{ start: 200, seconds: 40, std: 1.5 }] },
  { name: 'synth12', minutes: 12, seed: 13, heartRate: 71 },
].map(({ name, minutes, ...o }) => {
  const path = join(dir, `${name}.csv`);
  const ecg = syntheticEcg({ fs: 250, seconds: minutes * 60, ...o });
  writeFileSync(path, 'ECG\n' + Array.from(ecg.signal, (v) => v.toFixed(5)).join('\n') + '\n');
  return path;
});
const long = synthetic[2]!;
const batch = [...synthetic, ...(needShared('data/wfdb/100s.hea') ? [] : [shared('data/wfdb/100s.hea')])];

interface Run { status: number | null; stdout: string; stderr: string }

const cli = (args: string[]): Run => spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8' });

function cliAsync(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (b: Buffer) => { stdout += b.toString(); });
    child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
    child.once('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

const recordName = (input: string) => basename(input, extname(input));

const outputs = (out: string, name: string) => recordOutputs(join(out, name));

function assertSameOutputs(got: string, want: string, inputs: string[]): void {
  for (const input of inputs) {
    const name = recordName(input);
    assert.ok(existsSync(join(got, name, 'manifest.json')), `${name}: no manifest in ${got}`);
    const a = outputs(got, name), b = outputs(want, name);
    assert.deepEqual(Object.keys(a), Object.keys(b), `${name}: files`);
    for (const f of Object.keys(b)) assert.ok(a[f] === b[f], `${name}/${f} differs from the local run`);
  }
}

/** Per-record lines with the output folder and the timing taken out. */
const recordLines = (stdout: string, out: string) => stdout.split('\n').filter((l) => l.includes(' -> ')).map((l) => l.replace(out, '<out>').replace(/\(\d+\.\d+ s\)$/, '(t)')).sort();

/** Local references, each computed once and shared by the tests that need it. */
const references = new Map<string, Promise<string>>();
function localRun(key: string, inputs: string[], extra: string[]): Promise<string> {
  let p = references.get(key);
  if (!p) {
    const out = join(dir, `local-${key}`);
    p = cliAsync(['process', ...inputs, '--fs', '250', '--out', out, '--quiet', ...extra]).then((r) => {
      assert.equal(r.status, 0, r.stderr);
      writeFileSync(join(out, 'stdout.txt'), r.stdout);
      return out;
    });
    references.set(key, p);
  }
  return p;
}

/** A private Redis and `n` worker processes for one test, always cleaned up. */
async function withCluster(n: number, fn: (redis: RedisHandle, queue: string, workers: WorkerProcess[]) => Promise<void>): Promise<void> {
  const redis = await startRedis();
  const queue = redis.queue();
  let workers: WorkerProcess[] = [];
  try {
    workers = await spawnWorkers(redis.url, queue, n, workerArgs);
    await fn(redis, queue, workers);
  } finally {
    await stopWorkers(workers);
    await redis.stop();
  }
}

test('a batch over two BullMQ workers writes the same files and prints the same lines as the local engine', { skip: needRedis, timeout: 60_000 }, async () => {
  await withCluster(2, async (redis, queue) => {
    const [want, r] = await Promise.all([
      localRun('default', batch, []),
      cliAsync(['submit', ...batch, '--fs', '250', '--out', join(dir, 'dist-1'), '--redis', redis.url, '--queue', queue, '--quiet']),
    ]);
    assert.equal(r.status, 0, r.stderr);
    assertSameOutputs(join(dir, 'dist-1'), want, batch);
    assert.deepEqual(recordLines(r.stdout, join(dir, 'dist-1')), recordLines(readFileSync(join(want, 'stdout.txt'), 'utf8'), want));
    assert.match(r.stdout, new RegExp(`: ${batch.length} done, 0 failed\\n$`));
  });
});

test('with one of two workers killed by SIGKILL mid-batch every record completes exactly once, with the local outputs', { skip: needRedis, timeout: 90_000 }, async () => {
  const set = ['--set', 'pipeline.blockSeconds=60'];
  await withCluster(2, async (redis, queue, workers) => {
    const out = join(dir, 'dist-killed');
    const want = localRun('block60', synthetic, set);
    const blocks = new Queue(`${queue}-block`, { connection: { url: redis.url } });
    const records = new Queue(`${queue}-record`, { connection: { url: redis.url } });
    try {
      const submitted = cliAsync(['submit', ...synthetic, '--fs', '250', '--out', out, '--redis', redis.url, '--queue', queue, '--quiet', ...set]);
      // Kill the first worker once some block jobs are done: it dies holding a job, whose lock then expires.
      const deadline = Date.now() + 30_000;
      while ((await blocks.getCompletedCount()) < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.ok(Date.now() < deadline, 'no block job completed');
      workers[0]!.child.kill('SIGKILL');
      const r = await submitted;
      assert.equal(r.status, 0, `${r.stderr}\nsurviving worker:\n${workers[1]!.log()}`);

      const completed = await records.getJobs(['completed']);
      const perInput = new Map<string, number>();
      for (const j of completed) perInput.set(j.data.input as string, (perInput.get(j.data.input as string) ?? 0) + 1);
      assert.deepEqual([...perInput.entries()].sort(), synthetic.map((s) => [s, 1]).sort());
      assert.equal(await records.getFailedCount(), 0);
      assert.equal(await blocks.getFailedCount(), 0);
      // The kill did cost a job its lock: it was taken over by the surviving worker.
      const taken = [...completed, ...(await blocks.getJobs(['completed']))].filter((j) => j.stalledCounter > 0);
      assert.ok(taken.length >= 1, 'no job was taken over from the killed worker');
      assertSameOutputs(out, await want, synthetic);
    } finally {
      await Promise.all([blocks.close(), records.close()]);
    }
  });
});

test('a 12-min record split into 60-s block jobs over two workers gives the beats and features of the local run', { skip: needRedis, timeout: 60_000 }, async () => {
  await withCluster(2, async (redis, queue) => {
    const out = join(dir, 'dist-split');
    const [want60, wantDefault, r] = await Promise.all([
      localRun('block60', synthetic, ['--set', 'pipeline.blockSeconds=60']),
      localRun('default', batch, []),
      cliAsync(['submit', long, '--fs', '250', '--out', out, '--redis', redis.url, '--queue', queue, '--quiet', '--set', 'pipeline.blockSeconds=60']),
    ]);
    assert.equal(r.status, 0, r.stderr);
    const manifest = JSON.parse(readFileSync(join(out, 'synth12', 'manifest.json'), 'utf8')) as { stages: { stage: string; counts: { blocks?: number } }[]; run: { workers: number } };
    assert.equal(manifest.stages.find((s) => s.stage === 'process')!.counts.blocks, 12);
    assertSameOutputs(out, want60, [long]);
    // The block grid is part of the config; on this clean synthetic record it moves no beat. Amplitudes
    // are read from the cleaned signal, whose filter context differs at block edges (last digits only).
    const beats = (d: string) => readFileSync(join(d, 'synth12', 'beats.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const split = beats(out), whole = beats(wantDefault);
    assert.ok(split.length > 700, `${split.length} beats`);
    assert.deepEqual(split.map(([sample, time, channel, , level]) => [sample, time, channel, level]), whole.map(([sample, time, channel, , level]) => [sample, time, channel, level]));
    for (let i = 0; i < split.length; i++) assert.ok(Math.abs(Number(split[i]![3]) - Number(whole[i]![3])) < 1e-6, `beat ${i} amplitude`);
  });
});

test('a corrupt input is reported as failed with its reason and the other records complete', { skip: needRedis, timeout: 60_000 }, async () => {
  const lines = readFileSync(synthetic[0]!, 'utf8').split('\n');
  lines[30_000] = 'not-a-number';
  const bad = join(dir, 'corrupt.csv');
  writeFileSync(bad, lines.join('\n'));
  await withCluster(1, async (redis, queue) => {
    const out = join(dir, 'dist-corrupt');
    const r = await cliAsync(['submit', synthetic[0]!, bad, synthetic[1]!, '--fs', '250', '--out', out, '--redis', redis.url, '--queue', queue, '--quiet']);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /failed:\n\s+.*corrupt\.csv: .*expected a number at line 30001/);
    assert.match(r.stdout, /: 2 done, 1 failed\n$/);
    for (const input of [synthetic[0]!, synthetic[1]!]) assert.ok(existsSync(join(out, recordName(input), 'manifest.json')), input);
    assert.ok(!existsSync(join(out, 'corrupt')));
    // Planning failed, so nothing was enqueued for it.
    const records = new Queue(`${queue}-record`, { connection: { url: redis.url } });
    try {
      assert.equal((await records.getJobs(['completed', 'failed', 'waiting', 'waiting-children'])).length, 2);
    } finally {
      await records.close();
    }
  });
});

test('process --engine bullmq behaves like submit', { skip: needRedis, timeout: 60_000 }, async () => {
  await withCluster(1, async (redis, queue) => {
    const out = join(dir, 'dist-process');
    const r = await cliAsync(['process', synthetic[0]!, '--engine', 'bullmq', '--fs', '250', '--out', out, '--redis', redis.url, '--queue', queue, '--quiet']);
    assert.equal(r.status, 0, r.stderr);
    assertSameOutputs(out, await localRun('default', batch, []), [synthetic[0]!]);
  });
});

test('submit exits with code 2 and a message when Redis cannot be reached', () => {
  const r = cli(['submit', synthetic[0]!, '--fs', '250', '--out', join(dir, 'unreachable'), '--redis', 'redis://127.0.0.1:1', '--quiet']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /cannot reach Redis at redis:\/\/127\.0\.0\.1:1/);
});

test('submit refuses a retention option that could remove a finished record before it is read, with exit code 2, naming it', () => {
  for (const [flag, value] of [['--keep-hours', '-1'], ['--keep-hours', '0'], ['--keep-completed', 'many'], ['--keep-completed', '0'], ['--keep-failed', '-5'], ['--keep-failed', '0']] as const) {
    const r = cli(['submit', synthetic[0]!, '--fs', '250', '--out', join(dir, 'bad-retention'), '--redis', 'redis://127.0.0.1:1', flag, value]);
    assert.equal(r.status, 2, `${flag} ${value}: ${r.stderr}`);
    assert.ok(r.stderr.includes(`${flag} must be`) && r.stderr.includes(`got '${value}'`), r.stderr);
  }
});

test('submit --detach enqueues, prints the record job and the session, and leaves the jobs for the workers', { skip: needRedis, timeout: 60_000 }, async (t) => {
  const redis = await startRedis();
  const queue = redis.queue();
  const records = new Queue(`${queue}-record`, { connection: { url: redis.url } });
  t.after(async () => { await records.close(); await redis.stop(); });
  const out = join(dir, 'detached');
  const r = await cliAsync(['submit', synthetic[0]!, '--fs', '250', '--out', out, '--redis', redis.url, '--queue', queue, '--detach', '--keep-completed', '3', '--set', 'pipeline.blockSeconds=60']);
  assert.equal(r.status, 0, r.stderr);
  const id = new RegExp(`^${synthetic[0]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: queued as record job (\\S+)$`, 'm').exec(r.stdout)?.[1];
  assert.ok(id, r.stdout);
  assert.match(r.stdout, new RegExp(`session \\S+ \\(.*\\): 1 queued on '${queue}', 0 failed; follow with \`vitaldsp status --queue ${queue}\`\\n$`));
  const job = await records.getJob(id);
  assert.equal(await job?.getState(), 'waiting-children');
  assert.equal((job?.opts.removeOnComplete as { count: number }).count, 3);
  assert.equal(existsSync(join(out, recordName(synthetic[0]!))), false, 'nothing is written before a worker runs');
});
