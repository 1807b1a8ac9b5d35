import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPath } from '../helpers/shared.js';

const cli = (args: string[]) => spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8' });
const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-synth-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
// A folder with a space and non-ASCII letters in its path.
const wdir = mkdtempSync(join(tmpdir(), 'vitaldsp synth é-'));
process.on('exit', () => rmSync(wdir, { recursive: true, force: true }));

const cases: [string, string, number][] = [['ecg', 'a.hea', 60], ['ppg', 'b.edf', 60], ['resp', 'c.csv', 120]];
for (const [signal, file, seconds] of cases) {
  test(`synth ${signal} writes ${file} that info reads back with the true beats beside it`, () => {
    const out = join(dir, file);
    const r = cli(['synth', signal, out, '--seconds', String(seconds), '--fs', '100']);
    assert.equal(r.status, 0, r.stderr);
    const beats = readFileSync(`${out}.beats.txt`, 'utf8').trim().split('\n').map(Number);
    assert.ok(beats.length > (signal === 'resp' ? 10 : 40) && beats.every((b, i) => i === 0 || b > beats[i - 1]!));
    const info = JSON.parse(cli(['info', out, '--json', '--fs', '100']).stdout) as { channels: { fs: number; samples: number }[] };
    assert.equal(info.channels[0]!.fs, 100);
    assert.ok(info.channels[0]!.samples >= seconds * 100);
  });
}

test('synth refuses an output type it cannot write', () => {
  const r = cli(['synth', 'ecg', join(dir, 'x.mat')]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /\.hea, \.edf or \.csv/);
});

for (const file of ['ecg.hea', 'ecg.edf', 'ecg.csv']) {
  test(`peaks finds the true beats of a synthetic ECG written as ${file}`, () => {
    const out = join(wdir, file);
    const r = cli(['synth', 'ecg', out, '--seconds', '60', '--fs', '250', '--seed', '3']);
    assert.equal(r.status, 0, r.stderr);
    const beats = join(wdir, `${file} peaks.csv`);
    const p = cli(['peaks', out, '--fs', '250', '--out', beats]);
    assert.equal(p.status, 0, p.stderr);
    const e = cli(['eval', '--ref', `${out}.beats.txt`, '--test', beats, '--fs', '250', '--json']);
    assert.equal(e.status, 0, e.stderr);
    const j = JSON.parse(e.stdout) as { reference: number; f1: number };
    assert.ok(j.reference > 50 && j.f1 >= 0.99, e.stdout);
  });
}

test('synth --rate sets the mean beat rate', () => {
  const out = join(dir, 'fast.csv');
  const r = cli(['synth', 'ecg', out, '--seconds', '60', '--fs', '200', '--rate', '120']);
  assert.equal(r.status, 0, r.stderr);
  const beats = readFileSync(`${out}.beats.txt`, 'utf8').trim().split('\n').map(Number);
  const meanRr = (beats[beats.length - 1]! - beats[0]!) / (beats.length - 1) / 200;
  assert.ok(Math.abs(meanRr - 0.5) <= 0.025, `mean RR ${meanRr} s`);
  assert.match(r.stdout, new RegExp(`${beats.length} beats`));
});

const SYNTH_BAD: [string, string[]][] = [
  ['--fs that is not a number', ['--fs', 'abc']],
  ['a negative --seconds', ['--seconds', '-5']],
  ['--noise that is not a number', ['--noise', 'abc']],
  ['--rate that is not a number', ['--rate', 'abc']],
  ['a --rate of 0', ['--rate', '0']],
  ['--seed that is not a number', ['--seed', 'abc']],
];
for (const [what, args] of SYNTH_BAD) {
  test(`synth refuses ${what} with exit code 2 and writes nothing`, () => {
    const out = join(dir, `bad ${args[0]!.slice(2)} ${args[1]}.csv`);
    const r = cli(['synth', 'ecg', out, '--seconds', '10', ...args]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, new RegExp(args[0]!.slice(2)));
    assert.ok(!existsSync(out));
  });
}

test('synth into a path below a file exits with a message naming it, not a stack trace', {}, () => {
  writeFileSync(join(dir, 'plain file'), '');
  const out = join(dir, 'plain file', 'x.csv');
  const r = cli(['synth', 'ecg', out, '--seconds', '10']);
  assert.notEqual(r.status, 0);
  assert.doesNotMatch(r.stderr, /^\s+at /m);
  assert.ok(r.stderr.startsWith('vitaldsp: ') && r.stderr.includes(join(dir, 'plain file')), r.stderr);
});
