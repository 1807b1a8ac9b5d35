import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPath, needShared, shared } from '../helpers/shared.js';
import { syntheticEcg } from '../../src/signals/synthetic-ecg.js';

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('vitaldsp peaks then eval scores 100% on record 100s', { skip: needShared('data/wfdb/100s.atr') }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-peaks-'));
  try {
    const out = join(dir, 'beats.csv');
    const p = run(['peaks', shared('data/wfdb/100s.hea'), '--signal', 'ecg', '--out', out]);
    assert.equal(p.status, 0, p.stderr);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    assert.equal(lines[0], 'sample,time_s,rr_s');
    assert.equal(lines.length - 1, 74);
    const [s, t] = lines[1]!.split(',');
    assert.ok(Math.abs(Number(t) - Number(s) / 360) < 1e-6);
    const e = run(['eval', '--ref', shared('data/wfdb/100s.atr'), '--test', out, '--json']);
    assert.equal(e.status, 0, e.stderr);
    const r = JSON.parse(e.stdout) as { tp: number; fn: number; fp: number; f1: number; fs: number; meanAbsErrorMs: number };
    assert.equal(r.fs, 360);
    assert.deepEqual([r.tp, r.fn, r.fp, r.f1], [74, 0, 0, 1]);
    assert.ok(r.meanAbsErrorMs <= 10);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('vitaldsp peaks writes to stdout, picks a channel by name and runs Pan-Tompkins', { skip: needShared('data/wfdb/100s.hea') }, () => {
  const a = run(['peaks', shared('data/wfdb/100s.hea'), '--channel', 'MLII', '--detector', 'pantompkins']);
  assert.equal(a.status, 0, a.stderr);
  const rows = a.stdout.trim().split('\n');
  assert.equal(rows[0], 'sample,time_s,rr_s');
  assert.ok(Math.abs(rows.length - 1 - 74) <= 1);
});

test('vitaldsp peaks reads a text file with --fs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-peaks-'));
  try {
    const s = syntheticEcg({ fs: 250, seconds: 30 });
    const file = join(dir, 'ecg.txt');
    writeFileSync(file, Array.from(s.signal, (v) => v.toFixed(5)).join('\n') + '\n');
    const r = run(['peaks', file, '--fs', '250']);
    assert.equal(r.status, 0, r.stderr);
    const samples = r.stdout.trim().split('\n').slice(1).map((l) => Number(l.split(',')[0]));
    assert.equal(samples.length, s.beats.length);
    samples.forEach((v, i) => assert.ok(Math.abs(v - s.beats[i]!) <= 2, `beat ${i}: ${v} vs ${s.beats[i]}`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('vitaldsp peaks names a bad detector or signal type', { skip: needShared('data/wfdb/100s.hea') }, () => {
  const a = run(['peaks', shared('data/wfdb/100s.hea'), '--detector', 'magic']);
  assert.equal(a.status, 2);
  assert.match(a.stderr, /--detector/);
  const b = run(['peaks', shared('data/wfdb/100s.hea'), '--signal', 'eeg']);
  assert.equal(b.status, 2);
  assert.match(b.stderr, /--signal/);
});

test('peaks --signal ppg and --signal resp write pulses and breaths at plausible rates', { skip: needShared('data/ppg/heartpy_ppg_100hz.csv') || needShared('data/resp/biosppy_resp.txt') }, () => {
  const cases: [string, string[], number, number][] = [
    ['ppg', [shared('data/ppg/heartpy_ppg_100hz.csv'), '--fs', '100'], 40, 120],
    ['resp', [shared('data/resp/biosppy_resp.txt')], 6, 30],
  ];
  for (const [signal, args, lo, hi] of cases) {
    const r = spawnSync(process.execPath, [cliPath, 'peaks', ...args, '--signal', signal], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const t = r.stdout.trim().split('\n').slice(1).map((l) => Number(l.split(',')[1]));
    const rate = 60 / ((t[t.length - 1]! - t[0]!) / (t.length - 1));
    assert.ok(rate > lo && rate < hi, `${signal} rate ${rate}`);
  }
});
