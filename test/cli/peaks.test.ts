import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

/** Runs `fn` with a fresh folder whose path holds a space and non-ASCII letters, removed afterwards. */
function inDir(fn: (dir: string) => void): () => void {
  return () => {
    const dir = mkdtempSync(join(tmpdir(), 'vitaldsp peaks é-'));
    try {
      fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test('peaks finds beats on both sides of invalid WFDB samples, reports the gap and gives no interval across it', inDir((dir) => {
  const fs = 250;
  const s = syntheticEcg({ fs, seconds: 120, seed: 3 });
  // Format 16 with the invalid value -32768 for 4 s from 40 s, and for the last 2 s.
  const adc = Int16Array.from(s.signal, (v) => Math.round(v * 200));
  const [g0, g1] = [40 * fs, 44 * fs];
  adc.fill(-32768, g0, g1);
  adc.fill(-32768, 118 * fs);
  writeFileSync(join(dir, 'gap.dat'), new Uint8Array(adc.buffer));
  writeFileSync(join(dir, 'gap.hea'), `gap 1 ${fs} ${adc.length}\ngap.dat 16 200 16 0 0 0 0 ECG\n`);
  const r = run(['peaks', join(dir, 'gap.hea'), '--block', '30']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /gap\.hea: ECG: 1500 missing samples \(6 s\) in 2 stretches between 40 s and 120 s; no beat was sought there/);
  const rows = r.stdout.trim().split('\n').slice(1).map((l) => l.split(','));
  const samples = rows.map((c) => Number(c[0]));
  assert.ok(samples.every((v) => (v < g0 || v >= g1) && v < 118 * fs), 'a beat in a gap');
  // The generator's beats whose R peaks are 40 ms or more clear of the gaps are all found, and no others.
  const clear = s.beats.filter((b) => (b + 10 < g0 || b - 10 >= g1) && b + 10 < 118 * fs);
  assert.equal(samples.length, clear.length);
  // The interval column is empty for the first beat and the first after the gap only.
  const after = samples.findIndex((v) => v >= g1);
  rows.forEach((c, i) => assert.equal(c[2] === '', i === 0 || i === after, `row ${i}: '${c[2]}'`));
}));

test('peaks on record 800 (SVDB, 128 Hz, 30 min) finds its 1,883 reference beats', { skip: needShared('data/wfdb/800.atr') }, inDir((dir) => {
  const out = join(dir, 'beats 800.csv');
  const p = run(['peaks', shared('data/wfdb/800.hea'), '--out', out]);
  assert.equal(p.status, 0, p.stderr);
  const e = run(['eval', '--ref', shared('data/wfdb/800.atr'), '--test', out, '--json']);
  assert.equal(e.status, 0, e.stderr);
  const r = JSON.parse(e.stdout) as { fs: number; reference: number; sensitivity: number; ppv: number };
  assert.equal(r.fs, 128);
  assert.equal(r.reference, 1883);
  assert.ok(r.sensitivity >= 0.995 && r.ppv >= 0.995, JSON.stringify(r));
}));

test('peaks finds the same beats in a WFDB record and in its lossless EDF and CSV conversions', { skip: needShared('data/wfdb/100s.hea') }, inDir((dir) => {
  const want = run(['peaks', shared('data/wfdb/100s.hea')]);
  assert.equal(want.status, 0, want.stderr);
  assert.equal(want.stdout.trim().split('\n').length - 1, 74);
  for (const [file, extra] of [['100s ü.edf', []], ['100s ü.csv', ['--fs', '360']]] as const) {
    const conv = join(dir, file);
    assert.equal(run(['convert', shared('data/wfdb/100s.hea'), conv]).status, 0);
    const got = run(['peaks', conv, ...extra]);
    assert.equal(got.status, 0, got.stderr);
    assert.equal(got.stdout, want.stdout, file);
  }
}));

test('peaks finds the same beats in the WFDB and EDF copies of test_generator_2, one per second', { skip: needShared('data/wfdb/test_generator_2.hea') || needShared('data/edf/test_generator_2.edf') }, () => {
  const w = run(['peaks', shared('data/wfdb/test_generator_2.hea'), '--channel', 'ECG']);
  const e = run(['peaks', shared('data/edf/test_generator_2.edf'), '--channel', 'ECG']);
  assert.equal(w.status, 0, w.stderr);
  assert.equal(e.status, 0, e.stderr);
  assert.equal(w.stdout, e.stdout);
  const rr = w.stdout.trim().split('\n').slice(2).map((l) => Number(l.split(',')[2]));
  assert.equal(rr.length + 1, 600);
  assert.ok(rr.every((x) => Math.abs(x - 1) <= 0.01), 'a 60 bpm test signal');
});

test('peaks reads text with a stated rate, a timestamp column and NPY with --fs', { skip: needShared('data/ecg/biosppy_ecg.txt') || needShared('data/ppg/systole_ppg_75hz.npy') }, () => {
  const cases: [string, string[], number, number][] = [
    ['data/ecg/biosppy_ecg.txt', [], 1000, 15],
    ['data/ecg/vitaldsp_ECG_short.csv', [], 127, 75.37],
    ['data/ppg/systole_ppg_75hz.npy', ['--signal', 'ppg', '--fs', '75'], 75, 24847 / 75],
  ];
  for (const [rel, extra, fs, seconds] of cases) {
    const r = run(['peaks', shared(rel), ...extra]);
    assert.equal(r.status, 0, r.stderr);
    const rows = r.stdout.trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
    rows.forEach(([s, t]) => assert.ok(Math.abs(t! - s! / fs) < 1e-6, `${rel}: time_s = sample / ${fs}`));
    const bpm = (60 * rows.length) / seconds;
    assert.ok(bpm > 40 && bpm < 120, `${rel}: ${bpm} per min`);
  }
});

test('peaks gives the same beats whatever --block length', { skip: needShared('data/wfdb/100s.hea') }, () => {
  const outs = ['5', '60', '1000'].map((b) => run(['peaks', shared('data/wfdb/100s.hea'), '--block', b]));
  for (const o of outs) assert.equal(o.status, 0, o.stderr);
  assert.equal(outs[1]!.stdout, outs[0]!.stdout);
  assert.equal(outs[2]!.stdout, outs[0]!.stdout);
});

test('peaks --fiducial marks the upstroke before the midpoint before the R extremum of each beat', { skip: needShared('data/wfdb/100s.hea') }, () => {
  const cols = (f: string) => {
    const r = run(['peaks', shared('data/wfdb/100s.hea'), '--fiducial', f]);
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim().split('\n').slice(1).map((l) => Number(l.split(',')[0]));
  };
  const [up, mid, peak] = [cols('upstroke'), cols('midpoint'), cols('peak')];
  assert.equal(up.length, 74);
  assert.deepEqual([mid.length, peak.length], [74, 74]);
  up.forEach((u, i) => assert.ok(u <= mid[i]! && mid[i]! <= peak[i]! && peak[i]! - u <= 0.1 * 360, `beat ${i}: ${u} ${mid[i]} ${peak[i]}`));
});

test('peaks on NPY without --fs names the file and asks for --fs', {
  skip: needShared('data/ppg/systole_ppg_75hz.npy'),
}, () => {
  const r = run(['peaks', shared('data/ppg/systole_ppg_75hz.npy'), '--signal', 'ppg']);
  assert.equal(r.status, 2);
  assert.ok(r.stderr.includes(shared('data/ppg/systole_ppg_75hz.npy')), r.stderr);
  assert.match(r.stderr, /--fs/);
});

const FAILING: [string, string, string[]][] = [
  ['an out-of-range channel', 'data/wfdb/100s.hea', ['--channel', '5']],
  ['an annotation channel', 'data/edf/test_utf8.edf', ['--channel', 'EDF Annotations']],
  ['NPY at its default 1 Hz', 'data/ppg/systole_ppg_75hz.npy', ['--signal', 'ppg']],
];
for (const [what, rel, extra] of FAILING) {
  test(`peaks that fails on ${what} exits 2 and leaves no beats file behind`, {
    skip: needShared(rel),
  }, inDir((dir) => {
    const out = join(dir, 'beats.csv');
    const r = run(['peaks', shared(rel), ...extra, '--out', out]);
    assert.equal(r.status, 2, r.stderr);
    assert.ok(!existsSync(out), `${out} exists`);
  }));
}

const BAD_OUT: [string, (dir: string) => string][] = [
  ['in a missing folder', (dir) => join(dir, 'no such folder', 'beats.csv')],
  ['that is a folder', (dir) => { mkdirSync(join(dir, 'a folder')); return join(dir, 'a folder'); }],
];
for (const [what, make] of BAD_OUT) {
  test(`peaks --out ${what} exits with a message naming it, not a stack trace`, {
    skip: needShared('data/wfdb/100s.hea'),
  }, inDir((dir) => {
    const out = make(dir);
    const r = run(['peaks', shared('data/wfdb/100s.hea'), '--out', out]);
    assert.notEqual(r.status, 0);
    assert.doesNotMatch(r.stderr, /^\s+at /m);
    assert.ok(r.stderr.startsWith('vitaldsp: ') && r.stderr.includes(out), r.stderr);
  }));
}
