/**
 * The full pipeline on long recordings, each run in a child process (`vitaldsp process`) so that its
 * peak RSS is its own:
 *  - Holter-24: 24 h, 2 channels, 360 Hz, WFDB 212, made by tiling MIT-BIH record 100 48 times (or a
 *    synthetic ECG when the shared data is absent): wall time and peak RSS for 1 and 2 workers and
 *    the speed-up, then first and second runs with the cache over three rounds (hit rate, speed-up
 *    of the second over the first); the CPU time by thread; and its first hours as shorter records,
 *    inline against two threads.
 *  - Big: a WFDB format-16 record over 10 GB (16 channels, copies of record 100), processed without
 *    the cache and checkpoints and with the default settings: wall time and peak RSS of each.
 *    Skipped with VITALDSP_BENCH_QUICK=1.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openRecording } from '../src/io/open.js';
import { syntheticEcg } from '../src/signals/synthetic-ecg.js';
import { MemoryRecording } from '../src/io/memory.js';
import { writeWfdb } from '../src/io/wfdb/writer.js';
import { median as medianOf } from '../src/dsp/stats.js';
import type { CpuSplit } from '../src/runtime/thread-cpu.js';
import type { ThreadTasks } from '../src/pipeline/run-blocks.js';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '..', 'src', 'cli', 'main.js');
const shared = [process.env.VITALDSP_SHARED, resolve(here, '..', '..', '..', 'shared')].find((d) => d && existsSync(join(d, 'data', 'wfdb', '100.dat')));

interface Run { wall: number; recordWall: number; rssMB: number; hitRate: number; beats: number; workers: number; cpu: CpuSplit | null; threads: ThreadTasks[] }

function run(input: string, out: string, set: string[]): Run {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [cli, 'process', input, '--out', out, '--quiet', ...set.flatMap((s) => ['--set', s])], { encoding: 'utf8' });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`process failed: ${r.stderr}`);
  const name = input.replace(/^.*\//, '').replace(/\.[^.]+$/, '');
  const m = JSON.parse(readFileSync(join(out, name, 'manifest.json'), 'utf8')) as {
    run: { wallSeconds: number; peakRssMB: number; workers: number; cache: { hitRate: number } | null; cpu: CpuSplit | null; blocks: { threads: ThreadTasks[] } };
    stages: { stage: string; seconds: number; counts: Record<string, number> }[];
  };
  return {
    // run.cpu covers the record up to its manifest: its wall time up to packaging, and packaging.
    wall, recordWall: m.run.wallSeconds + m.stages.find((s) => s.stage === 'package')!.seconds, rssMB: m.run.peakRssMB, hitRate: m.run.cache?.hitRate ?? 0, beats: m.stages.find((s) => s.stage === 'process')!.counts['beats']!, workers: m.run.workers,
    cpu: m.run.cpu, threads: m.run.blocks.threads,
  };
}

/** Two runs side by side in their own processes: the wall time of each. */
async function runPair(input: string, outs: [string, string], set: string[]): Promise<number[]> {
  return Promise.all(outs.map(async (out) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [cli, 'process', input, '--out', out, '--quiet', ...set.flatMap((s) => ['--set', s])], { stdio: 'ignore' });
    const [code] = (await once(child, 'exit')) as [number | null];
    if (code !== 0) throw new Error(`process failed with code ${code}`);
    return (performance.now() - t0) / 1000;
  }));
}

/** Rounds of 1- and 2-worker runs of Holter-24. */
const ROUNDS = 3;

/** The run of median wall time. */
function median(runs: Run[]): Run {
  return [...runs].sort((a, b) => a.wall - b.wall)[runs.length >> 1]!;
}

async function holter24(dir: string): Promise<string> {
  const hea = join(dir, 'holter24.hea');
  if (shared) {
    const dat = readFileSync(join(shared, 'data', 'wfdb', '100.dat'));
    const out = createWriteStream(join(dir, 'holter24.dat'));
    for (let i = 0; i < 48; i++) if (!out.write(dat)) await once(out, 'drain');
    out.end();
    await once(out, 'close');
    writeFileSync(hea, `holter24 2 360 ${650000 * 48}\nholter24.dat 212 200 11 1024 995 0 0 MLII\nholter24.dat 212 200 11 1024 1011 0 0 V5\n`);
  } else {
    console.log('  (shared data absent: Holter-24 is a synthetic ECG)');
    const e = syntheticEcg({ fs: 360, seconds: 86400, seed: 24 });
    await writeWfdb(new MemoryRecording({ data: [e.signal, e.signal], fs: 360, names: ['ECG', 'ECG2'], units: ['mV', 'mV'] }), hea, { format: '212' });
  }
  return hea;
}

/** A format-16 record of 16 channels (each record 100 lead) tiled past `bytes`. */
async function bigRecord(dir: string, bytes: number): Promise<string> {
  const src = await openRecording(shared ? join(shared, 'data', 'wfdb', '100.hea') : await holter24(dir));
  const n = 650000;
  const [a, b] = (await src.read([0, 1], 0, n, { raw: true })) as Int32Array[];
  await src.close();
  const frame = new Int16Array(n * 16);
  for (let i = 0; i < n; i++) for (let c = 0; c < 16; c++) frame[i * 16 + c] = c % 2 ? b![i]! : a![i]!;
  const tile = Buffer.from(frame.buffer);
  const tiles = Math.ceil(bytes / tile.length);
  const out = createWriteStream(join(dir, 'big.dat'));
  for (let i = 0; i < tiles; i++) if (!out.write(tile)) await once(out, 'drain');
  out.end();
  await once(out, 'close');
  const lines = [`big 16 360 ${n * tiles}`];
  for (let c = 0; c < 16; c++) lines.push(`big.dat 16 200 11 1024 0 0 0 ${c === 0 ? 'MLII' : `lead${c}`}`);
  writeFileSync(join(dir, 'big.hea'), lines.join('\n') + '\n');
  return join(dir, 'big.hea');
}

/** Hours cut from Holter-24 to compare inline processing with two threads. */
const CUT_HOURS = [1, 2, 4, 8];

/**
 * Shorter records (the first hours of Holter-24, headers over the same signal file), inline against
 * two threads, and what the adaptive worker count chooses for each: each thread compiles the code
 * for itself, which a short record does not earn back.
 */
async function workersForLength(hea: string, dir: string): Promise<void> {
  const [first, ...signals] = readFileSync(hea, 'utf8').trim().split('\n');
  const fs = Number(first!.split(/\s+/)[2]);
  console.log('Records cut from Holter-24, one channel processed: inline (1 worker) against 2 threads, medians of 3 alternating rounds:');
  for (const h of CUT_HOURS) {
    const name = `cut${h}h`, cut = join(dir, `${name}.hea`);
    writeFileSync(cut, [`${name} ${first!.split(/\s+/)[1]} ${fs} ${Math.round(h * 3600 * fs)}`, ...signals].join('\n') + '\n');
    const walls: [number[], number[]] = [[], []];
    for (let i = 0; i < ROUNDS; i++) {
      for (const [k, w] of [[0, 1], [1, 2]] as const) walls[k].push(run(cut, join(dir, `cut-${w}`), [`runtime.workers=${w}`, 'cache.enabled=false']).wall);
    }
    const auto = run(cut, join(dir, 'cut-auto'), ['cache.enabled=false']).workers;
    console.log(`  ${String(h).padStart(2)} h: 1 worker ${medianOf(walls[0]).toFixed(2)} s, 2 workers ${medianOf(walls[1]).toFixed(2)} s; auto chooses ${auto}`);
  }
}

export default async function (): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-bench-pipeline-'));
  try {
    const hea = await holter24(dir);
    // 1 and 2 workers alternate over a few rounds: the machine's speed drifts between runs, and
    // each round's ratio compares runs made next to each other.
    const ones: Run[] = [], twos: Run[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      ones.push(run(hea, join(dir, 'w1'), ['runtime.workers=1', 'cache.enabled=false']));
      twos.push(run(hea, join(dir, 'w2'), ['runtime.workers=2', 'cache.enabled=false']));
    }
    const one = median(ones), two = median(twos);
    const ratios = ones.map((o, i) => o.wall / twos[i]!.wall).sort((a, b) => a - b);
    // A first run with the cache (the default settings) into a fresh folder, then the same run again,
    // over the same rounds: each round's ratio compares runs made next to each other.
    const colds: Run[] = [], warms: Run[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      colds.push(run(hea, join(dir, `c${i}`), ['runtime.workers=2']));
      warms.push(run(hea, join(dir, `c${i}`), ['runtime.workers=2']));
    }
    const cold = median(colds), warm = median(warms);
    const cacheRatios = colds.map((c, i) => c.wall / warms[i]!.wall).sort((a, b) => a - b);
    console.log('Holter-24 (24 h, 2 x 360 Hz, 31.1 M samples per channel), full pipeline with all outputs:');
    console.log('  run                    wall s   peak RSS MB   beats    cache hit rate');
    const row = (name: string, r: Run) => console.log(`  ${name.padEnd(22)} ${r.wall.toFixed(2).padStart(6)}   ${r.rssMB.toFixed(0).padStart(11)}   ${String(r.beats).padStart(6)}   ${(r.hitRate * 100).toFixed(0).padStart(5)} %`);
    row('1 worker, no cache', one);
    row('2 workers, no cache', two);
    console.log(`  (medians of ${ROUNDS} alternating rounds: 1 worker ${ones.map((r) => r.wall.toFixed(2)).join(', ')} s; 2 workers ${twos.map((r) => r.wall.toFixed(2)).join(', ')} s)`);
    row('2 workers, cache cold', cold);
    row('2 workers, cache warm', warm);
    console.log(`  (cache: medians of ${ROUNDS} rounds, each a first run into a fresh folder and a second: cold ${colds.map((r) => r.wall.toFixed(2)).join(', ')} s; warm ${warms.map((r) => r.wall.toFixed(2)).join(', ')} s)`);
    console.log(`  speed-up 2 workers over 1: ${(one.wall / two.wall).toFixed(2)}x (rounds ${ratios.map((r) => r.toFixed(2)).join(', ')}); warm cache over cold: ${(cold.wall / warm.wall).toFixed(2)}x (rounds ${cacheRatios.map((r) => r.toFixed(2)).join(', ')})`);
    // Where the CPU time of the median runs went (manifest run.cpu, Linux only), and what each
    // thread's first block cost against its typical one (run.blocks.threads).
    for (const [name, r] of [['1 worker', one], ['2 workers', two]] as const) {
      const c = r.cpu;
      const split = c ? `CPU ${c.totalSeconds.toFixed(2)} s: main thread ${c.mainSeconds.toFixed(2)}, workers ${c.workerSeconds.toFixed(2)}, other threads (V8 compiler and collector, hashing) ${c.otherSeconds.toFixed(2)}` : 'CPU split unknown (no /proc)';
      const threads = r.threads.map((t) => `${t.tasks} blocks, first ${t.firstTaskMs.toFixed(0)} ms, median ${t.medianTaskMs.toFixed(1)} ms`).join('; ');
      console.log(`  ${name}: ${split}; block tasks per thread: ${threads}`);
    }
    // What two cores could give if a second thread cost nothing: the 1-worker run's CPU time while
    // its record runs (V8's compiler already uses the second core) spread over both, plus the
    // process's time outside it (start-up, writing the manifest), which runs in one thread.
    if (one.cpu) {
      const start = one.wall - one.recordWall, cpu = one.cpu.totalSeconds;
      console.log(`  the 1-worker run used ${(cpu / one.recordWall).toFixed(2)} cores while its record ran, and one for ${start.toFixed(2)} s before and after (start-up, the manifest): with a free second thread two cores give at most ${(one.wall / (start + cpu / 2)).toFixed(2)}x`);
    }
    // What two cores give at most: two independent 1-worker runs at once, each against one alone.
    // Where the cores share caches or memory bandwidth, each run of the pair is slower than alone,
    // and no division of one run's work between two threads can do better than the pair.
    // One run alone before the pair and one after, averaged: the machine's speed drifts.
    const solo = ['runtime.workers=1', 'cache.enabled=false'];
    const before = run(hea, join(dir, 'a0'), solo).wall;
    const pair = await runPair(hea, [join(dir, 'a1'), join(dir, 'a2')], solo);
    const after = run(hea, join(dir, 'a3'), solo).wall;
    const alone = (before + after) / 2, slowest = Math.max(...pair);
    console.log(`  two 1-worker runs at once: ${pair.map((w) => w.toFixed(2)).join(' s and ')} s, against ${before.toFixed(2)} and ${after.toFixed(2)} s alone: the two cores give at most ${((2 * alone) / slowest).toFixed(2)}x on this work`);
    await workersForLength(hea, dir);
    if (process.env.VITALDSP_BENCH_QUICK) {
      console.log('  (10 GB run skipped: VITALDSP_BENCH_QUICK is set)');
      return;
    }
    rmSync(join(dir, 'holter24.dat'), { force: true });
    const big = await bigRecord(dir, 10.2e9);
    console.log(`Big: ${(10.2).toFixed(1)} GB WFDB 16 (16 channels), first ECG channel through the pipeline:`);
    // Without the cache and checkpoints the run holds only what the pipeline needs; with them (the
    // defaults) it also writes both, as a user's first run of the record does.
    for (const [name, set] of [['no cache, no checkpoints', ['cache.enabled=false', 'checkpoint.enabled=false']], ['default settings', []]] as const) {
      const r = run(big, join(dir, `big-${set.length}`), [...set]);
      console.log(`  ${name.padEnd(25)} ${r.wall.toFixed(1)} s, peak RSS ${r.rssMB.toFixed(0)} MB, ${r.beats} beats`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
