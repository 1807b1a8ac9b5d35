import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPath } from '../helpers/shared.js';

const cli = (args: string[]) => spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8' });
const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-synth-'));

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
