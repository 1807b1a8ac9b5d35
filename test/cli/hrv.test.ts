import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseNnText } from '../../src/cli/hrv.js';
import { FormatError } from '../../src/io/errors.js';
import { cliPath, needShared, shared } from '../helpers/shared.js';

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
