import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
