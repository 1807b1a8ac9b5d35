import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { correctionLine, parseNnText } from '../../src/cli/hrv.js';
import { correctRR } from '../../src/signals/rr-correct.js';
import { hrv } from '../../src/features/hrv.js';
import { FormatError } from '../../src/io/errors.js';
import { cliPath, needShared, shared } from '../helpers/shared.js';
import { syntheticEcg } from '../../src/signals/synthetic-ecg.js';

const run = promisify(execFile);
const HRVA = 'data/hrv/hrvanalysis_test_nn_intervals.txt';
const LONG = 'data/hrv/pyhrv_SampleNNISeriesLong.npy';

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cliPath, ...args]);
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

test('vitaldsp hrv --json prints one object with the feature keys', { skip: needShared(HRVA) }, async () => {
  const { code, stdout } = await cli(['hrv', shared(HRVA), '--json', '--conventions', 'hrvanalysis']);
  assert.equal(code, 0);
  const r = JSON.parse(stdout) as Record<string, unknown>;
  assert.ok(Math.abs((r.sdnn as number) - 43.113074968427306) < 1e-9);
  assert.ok(Math.abs((r.sampen as number) - 1.2046675751816824) < 1e-9);
  assert.equal(r.nn50, 24);
  assert.equal(r.ulf_power, null, 'undefined values are null in JSON');
  assert.ok(Array.isArray(r.warnings));
  const pop = JSON.parse((await cli(['hrv', shared(HRVA), '--json', '--ddof', '0'])).stdout) as Record<string, number>;
  assert.ok(Math.abs(pop.sdnn! - 43.09151303911247) < 1e-9, 'ddof 0 SDNN');
});

test('vitaldsp hrv reads .npy and prints an aligned table', { skip: needShared(LONG) }, async () => {
  const { code, stdout } = await cli(['hrv', shared(LONG)]);
  assert.equal(code, 0);
  assert.match(stdout, /^Time domain$/m);
  assert.match(stdout, /^ {2}sdnn +85\.357/m);
  assert.match(stdout, /^ {2}lf_hf +1\.785/m);
  const rows = stdout.split('\n').filter((l) => l.startsWith('  '));
  assert.equal(new Set(rows.map((l) => l.length)).size, 1, 'every row has the same width');
});

test('vitaldsp hrv reads text with comments and reports bad lines', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-hrv-'));
  try {
    const good = join(dir, 'nn.txt');
    writeFileSync(good, '# NN intervals (ms)\n800\n820 # a comment\n\n790\n810\n805\n');
    const r = await cli(['hrv', good, '--json']);
    assert.equal(r.code, 0);
    const o = JSON.parse(r.stdout) as Record<string, number>;
    assert.equal(o.n_nn, 5);
    assert.equal(o.mean_nn, 805);
    const bad = join(dir, 'bad.txt');
    writeFileSync(bad, '800\n8x0\n');
    const b = await cli(['hrv', bad]);
    assert.equal(b.code, 2);
    assert.match(b.stderr, /line 2/);
    const opt = await cli(['hrv', good, '--ddof', '2']);
    assert.notEqual(opt.code, 0);
    assert.match(opt.stderr, /ddof/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('parseNnText skips comments and blank lines and names the bad line', () => {
  assert.deepEqual([...parseNnText('# h\n 800 \r\n\n900#x\n', 'f.txt')], [800, 900]);
  assert.throws(() => parseNnText('800\n\nabc\n', 'f.txt'), (e: unknown) => e instanceof FormatError && e.where === 'line 3');
});

const PEAKS_CSV: [string, string, number[] | string][] = [
  ['its rr_s column in ms, the empty cells left out', 'sample,time_s,rr_s\n100,0.4,\n300,1.2,0.8\n520,2.08,0.88\n900,3.6,\n1100,4.4,0.8\n', [800, 880, 800]],
  ['the column wherever it stands, after comments', '# beats\nrr_s,sample\n,1\n0.5,2\n\n0.25,3\n', [500, 250]],
  ['a bad interval, named by line and column', 'sample,time_s,rr_s\n1,0.1,\n2,0.9,-0.8\n', 'line 3, column 3 (rr_s)'],
];
for (const [what, text, want] of PEAKS_CSV) {
  test(`parseNnText reads the beats CSV of vitaldsp peaks: ${what}`, () => {
    if (typeof want === 'string') assert.throws(() => parseNnText(text, 'b.csv'), (e: unknown) => e instanceof FormatError && e.where === want);
    else assert.deepEqual([...parseNnText(text, 'b.csv')].map((v) => Math.round(v * 1e9) / 1e9), want);
  });
}

test('vitaldsp peaks then vitaldsp hrv on its output gives the HRV of the intervals it wrote', inDir(async (dir) => {
  const s = syntheticEcg({ fs: 250, seconds: 180, seed: 5 });
  writeFileSync(join(dir, 'ecg.txt'), Array.from(s.signal, (v) => v.toFixed(5)).join('\n') + '\n');
  const beats = join(dir, 'beats.csv');
  assert.equal((await cli(['peaks', join(dir, 'ecg.txt'), '--fs', '250', '--out', beats])).code, 0);
  const r = await cli(['hrv', beats, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const rows = readFileSync(beats, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[2]!).filter((c) => c !== '');
  const o = JSON.parse(r.stdout) as Record<string, number>;
  assert.equal(o.n_nn, rows.length);
  assert.ok(Math.abs(o.mean_nn! - (rows.reduce((a, c) => a + Number(c), 0) * 1000) / rows.length) < 1e-6, `mean_nn ${o.mean_nn}`);
}));

/** Runs `fn` with a fresh folder (space and non-ASCII in its path), removed afterwards. */
function inDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vitaldsp hrv é-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

// pyHRV's own report on the long series (data/README.md), to its printed precision.
const PYHRV_REPORT: [string, number, number][] = [
  ['mean_nn', 768.438, 5e-4], ['sdnn', 85.357, 5e-4], ['sdnn_index', 82.555, 5e-4], ['sdann', 21.466, 5e-4],
  ['sdsd', 43.391, 5e-4], ['rmssd', 60.523, 5e-4], ['nn50', 1338, 0], ['pnn50', 28.571, 5e-4], ['nn20', 3008, 0],
  ['pnn20', 64.232, 5e-4], ['mean_hr', 78.990, 5e-4], ['hrv_triangular_index', 11.509, 5e-4],
  ['lf_hf', 1.785, 5e-4], ['total_power', 6641.378, 5e-4],
];

test('vitaldsp hrv --json on the pyHRV long series gives every value of pyHRV\'s report', { skip: needShared(LONG) }, async () => {
  const r = await cli(['hrv', shared(LONG), '--json']);
  assert.equal(r.code, 0, r.stderr);
  const o = JSON.parse(r.stdout) as Record<string, number>;
  assert.equal(o.n_nn, 4684);
  for (const [key, want, tol] of PYHRV_REPORT) assert.ok(Math.abs(o[key]! - want) <= tol, `${key}: ${o[key]} vs ${want}`);
});

test('vitaldsp hrv prints in its table the values --json gives, to 6 significant digits', { skip: needShared(HRVA) }, async () => {
  const [text, json] = await Promise.all([cli(['hrv', shared(HRVA)]), cli(['hrv', shared(HRVA), '--json'])]);
  assert.equal(text.code, 0, text.stderr);
  const o = JSON.parse(json.stdout) as Record<string, number | null>;
  const rows = new Map(text.stdout.split('\n').filter((l) => l.startsWith('  ')).map((l) => l.trim().split(/ +/) as [string, string]));
  const keys = Object.keys(o).filter((k) => k !== 'warnings');
  assert.deepEqual([...rows.keys()].sort(), keys.sort(), 'the same keys');
  for (const k of keys) {
    const v = o[k]!;
    assert.equal(rows.get(k), v === null ? 'n/a' : String(Number(v.toPrecision(6))), k);
  }
  // Warnings go to stderr with the table, into the JSON with --json.
  assert.deepEqual(text.stderr.trim().split('\n').map((l) => l.replace(/^vitaldsp: warning: /, '')), (o as unknown as { warnings: string[] }).warnings);
});

test('vitaldsp hrv computes the features of NN intervals with artefacts as given', inDir(async (dir) => {
  // A missed beat (1600), an ectopic pair (400, 1200) and ordinary beats.
  const nn = [800, 810, 1600, 790, 805, 400, 1200, 820, 815, 800];
  const file = join(dir, 'nn artefacts.txt');
  writeFileSync(file, nn.join('\n') + '\n');
  const r = await cli(['hrv', file, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const o = JSON.parse(r.stdout) as Record<string, number>;
  // Worked by hand: sum 8840, mean 884; squared deviations from 884 sum to 890,290 -> SDNN (n-1) = sqrt(890290/9).
  // Successive differences 10, 790, -810, 15, -405, 800, -380, -5, -15: squares sum to 2,229,200 -> RMSSD = sqrt(2229200/9).
  assert.equal(o.n_nn, 10);
  assert.equal(o.mean_nn, 884);
  assert.ok(Math.abs(o.sdnn! - Math.sqrt(890290 / 9)) < 1e-9, `sdnn ${o.sdnn}`);
  assert.ok(Math.abs(o.rmssd! - Math.sqrt(2229200 / 9)) < 1e-9, `rmssd ${o.rmssd}`);
  assert.equal(o.nn50, 5);
  assert.equal(o.range_nn, 1200);
  assert.equal(o.duration_s, 8.84);
}));

test('vitaldsp hrv --correct gives the HRV of the corrected series and says what it corrected', inDir(async (dir) => {
  // Ordinary beats around 800 ms with a missed beat (1600) and an ectopic pair (400, 1200).
  const nn = Array.from({ length: 120 }, (_, i) => 800 + 15 * Math.sin(i / 4));
  nn[40] = 1600; nn[80] = 400; nn[81] = 1200;
  const file = join(dir, 'nn.txt');
  writeFileSync(file, nn.join('\n') + '\n');
  const fixed = correctRR(Float64Array.from(nn));
  const j = await cli(['hrv', file, '--json', '--correct']);
  assert.equal(j.code, 0, j.stderr);
  const o = JSON.parse(j.stdout) as Record<string, unknown>;
  assert.deepEqual(o['corrected'], fixed.counts);
  assert.ok(fixed.counts.missed >= 1 && fixed.counts.ectopic >= 1, JSON.stringify(fixed.counts));
  const want = JSON.parse(JSON.stringify(hrv(fixed.nn))) as Record<string, unknown>;
  for (const k of ['n_nn', 'mean_nn', 'sdnn', 'rmssd', 'lf_power', 'sampen']) assert.deepEqual(o[k], want[k], k);
  const t = await cli(['hrv', file, '--correct']);
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stderr, new RegExp(`vitaldsp: ${120 - fixed.counts.normal} of 120 intervals corrected: ectopic \\d+, missed \\d+`));
}));

const LINES: [Record<string, number>, string][] = [
  [{ normal: 10, ectopic: 0, missed: 0, extra: 0, long: 0, short: 0 }, '0 of 10 intervals corrected'],
  [{ normal: 7, ectopic: 2, missed: 1, extra: 0, long: 0, short: 0 }, '3 of 10 intervals corrected: ectopic 2, missed 1'],
];
for (const [counts, want] of LINES) {
  test(`correctionLine reads '${want}'`, () => assert.equal(correctionLine(counts as never, 10), want));
}

test('vitaldsp hrv refuses a zero or negative interval naming the file and line', {}, inDir(async (dir) => {
  for (const [body, line] of [['800\n810\n0\n805\n', 3], ['# NN\n800\n\n-790\n820\n', 4]] as const) {
    const file = join(dir, 'nn.txt');
    writeFileSync(file, body);
    const r = await cli(['hrv', file]);
    assert.equal(r.code, 2);
    assert.ok(r.stderr.startsWith(`vitaldsp: ${file}: `), r.stderr);
    assert.match(r.stderr, new RegExp(`line ${line}\\b`));
  }
}));

test('vitaldsp hrv on a missing file or a folder exits 2 naming it, like the other commands', {}, inDir(async (dir) => {
  mkdirSync(join(dir, 'a folder'));
  for (const path of [join(dir, 'absent ü.txt'), join(dir, 'a folder'), join(dir, 'absent.npy')]) {
    const r = await cli(['hrv', path]);
    assert.equal(r.code, 2, `${path}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /^\s+at /m);
    assert.ok(r.stderr.startsWith(`vitaldsp: ${path}: `), r.stderr);
  }
}));
