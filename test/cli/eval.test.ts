import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPath, needShared, shared } from '../helpers/shared.js';
import { readBeatList, readBeatText } from '../../src/cli/eval.js';
import { FormatError } from '../../src/io/errors.js';

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function withDir(fn: (dir: string) => Promise<void> | void): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-eval-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test('readBeatText reads plain index lists and beats CSVs, inferring fs from time_s', withDir(async (dir) => {
  writeFileSync(join(dir, 'a.txt'), '# comment\n10\n20\n\n30\n');
  assert.deepEqual(await readBeatText(join(dir, 'a.txt')), { samples: [10, 20, 30] });
  writeFileSync(join(dir, 'b.csv'), 'sample,time_s,rr_s\n360,1,\n720,2,1\n');
  assert.deepEqual(await readBeatText(join(dir, 'b.csv')), { samples: [360, 720], fs: 360 });
  writeFileSync(join(dir, 'c.txt'), '10\nabc\n');
  await assert.rejects(readBeatText(join(dir, 'c.txt')), (e: unknown) => e instanceof FormatError && e.where === 'line 2');
}));

test('readBeatList reads beat annotations of a WFDB record with its frame rate', { skip: needShared('data/wfdb/100s.atr') }, async () => {
  const r = await readBeatList(shared('data/wfdb/100s.atr'));
  assert.equal(r.samples.length, 74);
  assert.equal(r.fs, 360);
});

test('vitaldsp eval compares two index lists with --fs, --window and --start', withDir((dir) => {
  writeFileSync(join(dir, 'ref.txt'), '100\n200\n300\n400\n');
  writeFileSync(join(dir, 'test.txt'), '102\n210\n300\n900\n');
  const a = run(['eval', '--ref', join(dir, 'ref.txt'), '--test', join(dir, 'test.txt'), '--fs', '100', '--json']);
  assert.equal(a.status, 0, a.stderr);
  assert.deepEqual((({ tp, fn, fp }) => [tp, fn, fp])(JSON.parse(a.stdout) as { tp: number; fn: number; fp: number }), [3, 1, 1]);
  const b = run(['eval', '--ref', join(dir, 'ref.txt'), '--test', join(dir, 'test.txt'), '--fs', '100', '--window', '0.05', '--start', '1.5', '--json']);
  assert.deepEqual((({ tp, fn, fp }) => [tp, fn, fp])(JSON.parse(b.stdout) as { tp: number; fn: number; fp: number }), [1, 2, 2]);
  const c = run(['eval', '--ref', join(dir, 'ref.txt'), '--test', join(dir, 'test.txt'), '--fs', '100']);
  assert.match(c.stdout, /F1\s+75\.00 %/);
}));

test('vitaldsp eval needs a sampling rate when no file states one', withDir((dir) => {
  writeFileSync(join(dir, 'ref.txt'), '100\n');
  const r = run(['eval', '--ref', join(dir, 'ref.txt'), '--test', join(dir, 'ref.txt')]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--fs/);
}));

interface EvalJson { fs: number; reference: number; detections: number; tp: number; fn: number; fp: number; sensitivity: number; ppv: number; f1: number; meanAbsErrorMs: number; meanErrorMs: number; maxAbsErrorMs: number }

// Beat counts of data/README.md.
const RECORDS: [string, number, number][] = [['100s', 74, 360], ['100', 2273, 360], ['800', 1883, 128]];
for (const [rec, beats, fs] of RECORDS) {
  test(`vitaldsp eval of record ${rec}'s annotations against themselves counts its ${beats} beats, all matched`, { skip: needShared(`data/wfdb/${rec}.atr`) }, () => {
    const atr = shared(`data/wfdb/${rec}.atr`);
    const r = run(['eval', '--ref', atr, '--test', atr, '--json']);
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as EvalJson;
    assert.deepEqual([j.fs, j.reference, j.detections, j.tp, j.fn, j.fp, j.f1, j.maxAbsErrorMs], [fs, beats, beats, beats, 0, 0, 1, 0]);
  });
}

test('vitaldsp eval prints in its summary what --json gives', withDir((dir) => {
  // Every 10th reference beat dropped, one spurious detection and one shifted by 10 samples.
  const ref = join(dir, 'ref.txt');
  const test_ = join(dir, 'test beats.txt');
  const text = (n: number[]) => n.join('\n') + '\n';
  const refSamples = [...Array(74).keys()].map((i) => 200 + i * 290);
  const det = refSamples.filter((_, i) => i % 10 !== 0).map((s, i) => (i === 3 ? s + 10 : s));
  det.push(5);
  writeFileSync(ref, text(refSamples));
  writeFileSync(test_, text(det.sort((a, b) => a - b)));
  const j = JSON.parse(run(['eval', '--ref', ref, '--test', test_, '--fs', '360', '--json']).stdout) as EvalJson;
  // 8 of 74 dropped (i = 0, 10, ..., 70), 66 matched, 1 spurious.
  assert.deepEqual([j.reference, j.detections, j.tp, j.fn, j.fp], [74, 67, 66, 8, 1]);
  const t = run(['eval', '--ref', ref, '--test', test_, '--fs', '360']);
  assert.equal(t.status, 0, t.stderr);
  const pct = (v: number) => `${(100 * v).toFixed(2)} %`;
  assert.match(t.stdout, new RegExp(`^reference beats +${j.reference}$`, 'm'));
  assert.match(t.stdout, new RegExp(`^detections +${j.detections}$`, 'm'));
  assert.match(t.stdout, new RegExp(`^TP ${j.tp} +FN ${j.fn} +FP ${j.fp}$`, 'm'));
  assert.match(t.stdout, new RegExp(`^sensitivity +${pct(j.sensitivity)}$`, 'm'));
  assert.match(t.stdout, new RegExp(`^PPV +${pct(j.ppv)}$`, 'm'));
  assert.match(t.stdout, new RegExp(`^F1 +${pct(j.f1)}$`, 'm'));
  assert.match(t.stdout, new RegExp(`^mean \\|error\\| +${j.meanAbsErrorMs.toFixed(2)} ms \\(mean ${j.meanErrorMs.toFixed(2)} ms, max ${j.maxAbsErrorMs.toFixed(2)} ms\\)$`, 'm'));
  assert.equal(j.maxAbsErrorMs.toFixed(2), (10 / 0.36).toFixed(2));
}));

test('vitaldsp eval --start and --end keep the beats from start up to, not including, end', withDir((dir) => {
  writeFileSync(join(dir, 'ref.txt'), [100, 200, 300, 400, 500, 600, 700].join('\n') + '\n');
  const r = run(['eval', '--ref', join(dir, 'ref.txt'), '--test', join(dir, 'ref.txt'), '--fs', '100', '--start', '2', '--end', '5', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout) as EvalJson;
  assert.deepEqual([j.reference, j.detections, j.tp], [3, 3, 3]);
}));

const EVAL_USAGE: [string, string[], RegExp][] = [
  ['a sampling rate of 0', ['--fs', '0'], /fs/],
  ['a negative sampling rate', ['--fs', '-360'], /fs/],
  ['a window that is not a number', ['--fs', '360', '--window', 'wide'], /--window/],
  ['a negative window', ['--fs', '360', '--window', '-0.1'], /window/i],
  ['an end before the start', ['--fs', '360', '--start', '5', '--end', '1'], /end/i],
];
for (const [what, args, re] of EVAL_USAGE) {
  test(`vitaldsp eval refuses ${what} with exit code 2`, withDir((dir) => {
    writeFileSync(join(dir, 'b.txt'), '100\n200\n');
    const r = run(['eval', '--ref', join(dir, 'b.txt'), '--test', join(dir, 'b.txt'), ...args]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, re);
  }));
}

test('vitaldsp eval reads a WFDB annotation file with no header beside it when --fs is given', {
  skip: needShared('data/wfdb/100s.atr'),
}, withDir((dir) => {
  const atr = join(dir, '100s.atr');
  copyFileSync(shared('data/wfdb/100s.atr'), atr);
  const r = run(['eval', '--ref', atr, '--test', shared('data/wfdb/100s.atr'), '--fs', '360', '--json']);
  if (r.status === 0) {
    const j = JSON.parse(r.stdout) as EvalJson;
    assert.deepEqual([j.reference, j.tp], [74, 74]);
  } else {
    // Refusing it, naming the file, would do as well; a silent empty list does not.
    assert.equal(r.status, 2);
    assert.ok(r.stderr.includes(atr), r.stderr);
  }
}));

test('eval names its own options when their values cannot be used, with exit code 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-cli-eval-opts-'));
  try {
    const beats = join(dir, 'beats.txt');
    writeFileSync(beats, '100\n460\n820\n');
    const cases: [string[], RegExp][] = [
      [['--window', '-0.1'], /--window must be a number of seconds >= 0, got '-0.1'/],
      [['--start', '10', '--end', '5'], /--end must be after --start/],
      [['--fs', '0'], /--fs must be a positive number of Hz, got 0/],
    ];
    for (const [extra, message] of cases) {
      const r = run(['eval', '--ref', beats, '--test', beats, '--fs', '360', ...extra]);
      assert.equal(r.status, 2, extra.join(' '));
      assert.match(r.stderr, message);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
