import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPath, needShared, shared } from '../helpers/shared.js';
import { syntheticEcg } from '../../src/signals/synthetic-ecg.js';

const cli = (args: string[]) => spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8' });
const outputs = ['beats.csv', 'features.csv', 'features.parquet', 'manifest.json', 'quality.csv', 'report.html', 'summary.json'];

test('process writes every output for a generated CSV recording and eval scores its beats', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-cli-process-'));
  const ecg = syntheticEcg({ fs: 250, seconds: 120, heartRate: 75, seed: 5 });
  writeFileSync(join(dir, 'synth.csv'), 'ECG\n' + Array.from(ecg.signal, (v) => v.toFixed(5)).join('\n') + '\n');
  writeFileSync(join(dir, 'truth.txt'), Array.from(ecg.beats).join('\n') + '\n');
  const r = cli(['process', join(dir, 'synth.csv'), '--fs', '250', '--out', join(dir, 'out'), '--set', 'runtime.workers=1']);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(readdirSync(join(dir, 'out', 'synth')).sort(), outputs);
  const e = cli(['eval', '--ref', join(dir, 'truth.txt'), '--test', join(dir, 'out', 'synth', 'beats.csv'), '--fs', '250', '--json']);
  assert.equal(e.status, 0, e.stderr);
  assert.ok((JSON.parse(e.stdout) as { f1: number }).f1 > 0.99);
});

test('a batch goes on past a corrupt record, reports it, and writes complete outputs for the others', { skip: needShared('data/wfdb/100s.hea') || needShared('data/edf/test_generator_2.edf') }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-cli-batch-'));
  copyFileSync(shared('data/wfdb/100s.hea'), join(dir, 'bad.hea'));
  writeFileSync(join(dir, '100s.dat'), readFileSync(shared('data/wfdb/100s.dat')).subarray(0, 1000));
  const inputs = [shared('data/wfdb/100s.hea'), join(dir, 'bad.hea'), shared('data/edf/test_generator_2.edf'), shared('data/ppg/heartpy_ppg_100hz.csv')];
  const r = cli(['process', ...inputs, '--out', join(dir, 'out'), '--fs', '100', '--quiet']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /failed:\n\s+.*bad\.hea: .*100s\.dat.*expected .*bytes/);
  for (const name of ['100s', 'test_generator_2', 'heartpy_ppg_100hz']) {
    for (const f of outputs.filter((o) => o !== 'beats.csv' || name !== 'test_generator_2')) {
      assert.ok(existsSync(join(dir, 'out', name, f)), `${name}/${f}`);
    }
  }
  assert.ok(!existsSync(join(dir, 'out', 'bad', 'manifest.json')));
});

test('process given a folder runs every recording in it and below it, and refuses a folder without any', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-cli-folder-'));
  const data = join(dir, 'data');
  mkdirSync(join(data, 'night 2'), { recursive: true });
  for (const [file, seed] of [['one.csv', 1], [join('night 2', 'two.csv'), 2]] as const) {
    const ecg = syntheticEcg({ fs: 250, seconds: 60, heartRate: 70, seed });
    writeFileSync(join(data, file), 'time_s,ECG\n' + Array.from(ecg.signal, (v, i) => `${i / 250},${v.toFixed(5)}`).join('\n') + '\n');
  }
  // The output folder inside the input folder is not read back as input on a second run.
  const out = join(data, 'out');
  for (let run = 0; run < 2; run++) {
    const r = cli(['process', data, '--out', out, '--quiet', '--set', 'runtime.workers=1']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /2 done, 0 failed/);
    for (const name of ['one', 'two']) assert.ok(existsSync(join(out, name, 'summary.json')), name);
  }
  mkdirSync(join(dir, 'empty'));
  const e = cli(['process', join(dir, 'empty'), '--out', join(dir, 'o2')]);
  assert.notEqual(e.status, 0);
  assert.match(e.stderr, /empty: no recordings in this folder or below it/);
});

test('process reads a recording at an http URL as the same file on disk, and a second run comes from the cache', async () => {
  const { serveFolder } = await import('../helpers/http-server.js');
  const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-cli-url-'));
  const ecg = syntheticEcg({ fs: 250, seconds: 90, heartRate: 66, seed: 9 });
  writeFileSync(join(dir, 'remote.csv'), 'time_s,ECG\n' + Array.from(ecg.signal, (v, i) => `${i / 250},${v.toFixed(5)}`).join('\n') + '\n');
  const server = await serveFolder(dir);
  try {
    // Not spawnSync: the server answers from this process's event loop.
    const run = (input: string, out: string, ...extra: string[]) => new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [cliPath, 'process', input, '--out', out, '--quiet', '--set', 'runtime.workers=1', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '', stderr = '';
      child.stdout.on('data', (b: Buffer) => { stdout += b.toString(); });
      child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
      child.on('exit', (status) => resolve({ status, stdout, stderr }));
    });
    const local = await run(join(dir, 'remote.csv'), join(dir, 'local'));
    assert.equal(local.status, 0, local.stderr);
    for (let k = 0; k < 2; k++) {
      const r = await run(`${server.base}remote.csv`, join(dir, 'url'));
      assert.equal(r.status, 0, r.stderr);
      for (const f of ['beats.csv', 'quality.csv', 'features.csv', 'summary.json']) {
        assert.equal(readFileSync(join(dir, 'url', 'remote', f), 'utf8'), readFileSync(join(dir, 'local', 'remote', f), 'utf8'), `run ${k}: ${f}`);
      }
      const m = JSON.parse(readFileSync(join(dir, 'url', 'remote', 'manifest.json'), 'utf8')) as { run: { cache: { hitRate: number } | null } };
      if (k === 1) assert.equal(m.run.cache?.hitRate, 1);
    }
    // A session of a URL and a missing file, resumed: the URL is done already, listed once.
    const out = join(dir, 'resumed');
    const first = await run(`${server.base}remote.csv`, out, `${server.base}missing.csv`);
    assert.equal(first.status, 1);
    const again = await run(`${server.base}remote.csv`, out, `${server.base}missing.csv`, '--resume');
    assert.match(again.stdout, /remote\.csv: already done in session/);
    const sessions = join(out, '.vitaldsp', 'sessions');
    const [session] = readdirSync(sessions);
    const done = readFileSync(join(sessions, session!, 'done.log'), 'utf8').trim().split('\n').filter(Boolean);
    assert.deepEqual(done.map((l) => l.includes('remote.csv')), [true]);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('process on record 100 gives the detector\'s own beats: eval against 100.atr reaches F1 1', { skip: needShared('data/wfdb/100.hea') }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-cli-100-'));
  const r = cli(['process', shared('data/wfdb/100.hea'), '--out', dir]);
  assert.equal(r.status, 0, r.stderr);
  const viaProcess = cli(['eval', '--ref', shared('data/wfdb/100.atr'), '--test', join(dir, '100', 'beats.csv'), '--json']);
  const peaksFile = join(dir, 'peaks.csv');
  assert.equal(cli(['peaks', shared('data/wfdb/100.hea'), '--signal', 'ecg', '--out', peaksFile]).status, 0);
  const viaPeaks = cli(['eval', '--ref', shared('data/wfdb/100.atr'), '--test', peaksFile, '--json']);
  const f1 = (s: string) => (JSON.parse(s) as { f1: number }).f1;
  assert.equal(f1(viaProcess.stdout), f1(viaPeaks.stdout));
  assert.ok(f1(viaProcess.stdout) >= 0.9995);
});

/** Runs `fn` with a fresh folder (space and non-ASCII in its path), removed afterwards. */
function inDir(fn: (dir: string) => void): () => void {
  return () => {
    const dir = mkdtempSync(join(tmpdir(), 'vitaldsp process é ü-'));
    try {
      fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test('process reads inputs and writes outputs under paths with spaces and non-ASCII letters', { skip: needShared('data/wfdb/100s.hea') }, inDir((dir) => {
  mkdirSync(join(dir, 'données brutes'));
  for (const f of ['100s.hea', '100s.dat']) copyFileSync(shared(`data/wfdb/${f}`), join(dir, 'données brutes', f));
  const out = join(dir, 'résultats de nuit');
  const r = cli(['process', join(dir, 'données brutes', '100s.hea'), '--out', out, '--quiet']);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(readdirSync(join(out, '100s')).sort(), outputs);
  assert.equal(readFileSync(join(out, '100s', 'beats.csv'), 'utf8').trim().split('\n').length - 1, 74);
  assert.match(r.stdout, /: 1 done, 0 failed$/m);
}));

test('process keeps apart the outputs of two inputs with the same file stem', {
  skip: needShared('data/wfdb/100s.hea') || needShared('data/ppg/heartpy_ppg_100hz.csv'),
}, inDir((dir) => {
  mkdirSync(join(dir, 'b'));
  // A PPG saved under the name of the ECG record: a different recording with the same stem.
  copyFileSync(shared('data/ppg/heartpy_ppg_100hz.csv'), join(dir, 'b', '100s.csv'));
  const out = join(dir, 'out');
  const r = cli(['process', shared('data/wfdb/100s.hea'), join(dir, 'b', '100s.csv'), '--fs', '100', '--out', out, '--quiet']);
  assert.equal(r.status, 0, r.stderr);
  const dirs = [...r.stdout.matchAll(/-> (.*) \(/g)].map((m) => m[1]);
  assert.equal(dirs.length, 2);
  assert.notEqual(dirs[0], dirs[1], r.stdout);
  assert.equal(readdirSync(out).filter((d) => !d.startsWith('.')).length, 2);
}));

test('process with --out naming a file exits with a message naming it, not a stack trace', {
  skip: needShared('data/wfdb/100s.hea'),
}, inDir((dir) => {
  const out = join(dir, 'a file');
  writeFileSync(out, '');
  const r = cli(['process', shared('data/wfdb/100s.hea'), '--out', out, '--quiet']);
  assert.notEqual(r.status, 0);
  assert.doesNotMatch(r.stderr, /^\s+at /m);
  assert.ok(r.stderr.startsWith('vitaldsp: ') && r.stderr.includes(out), r.stderr);
}));

test('process refuses an unknown --format as a usage error before reading any input', {
  skip: needShared('data/wfdb/100s.hea'),
}, inDir((dir) => {
  const r = cli(['process', shared('data/wfdb/100s.hea'), '--format', 'xls', '--out', join(dir, 'out'), '--quiet']);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /--format|xls/);
  assert.ok(!existsSync(join(dir, 'out')));
}));
