import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPath } from '../helpers/shared.js';
import { recordOutputs } from '../helpers/outputs.js';
import { syntheticEcg } from '../../src/signals/synthetic-ecg.js';
import { seededRandom } from '../../src/signals/random.js';

const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-resume-'));
const input = join(dir, 'long.csv');
const ecg = syntheticEcg({ fs: 250, seconds: 30 * 60, heartRate: 70, seed: 9 });
writeFileSync(input, 'ECG\n' + Array.from(ecg.signal, (v) => v.toFixed(4)).join('\n') + '\n');
const args = (out: string) => ['process', input, '--fs', '250', '--out', out, '--quiet', '--set', 'runtime.workers=1', '--set', 'pipeline.blockSeconds=60'];

const outputs = (out: string) => recordOutputs(join(out, 'long'));

function runUntilKilled(out: string, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, ...args(out), '--resume'], { stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('exit', () => { clearTimeout(timer); resolve(); });
  });
}

test('a run killed with SIGKILL at random moments resumes to byte-identical outputs', { timeout: 240_000 }, async () => {
  const reference = join(dir, 'reference');
  const ref = spawnSync(process.execPath, [cliPath, ...args(reference)], { encoding: 'utf8' });
  assert.equal(ref.status, 0, ref.stderr);
  const want = outputs(reference);
  const rand = seededRandom(2026);
  for (let k = 0; k < 10; k++) {
    const out = join(dir, `killed-${k}`);
    // One or two kills at random moments, then a resume that runs to the end.
    await runUntilKilled(out, 200 + rand() * 2500);
    if (rand() < 0.5) await runUntilKilled(out, 200 + rand() * 2500);
    const r = spawnSync(process.execPath, [cliPath, ...args(out), '--resume'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(outputs(out), want, `resumed run ${k} differs`);
    const manifest = JSON.parse(readFileSync(join(out, 'long', 'manifest.json'), 'utf8')) as { run: { checkpoints: { corrupt: number } } };
    assert.equal(manifest.run.checkpoints.corrupt, 0, 'no checkpoint was read half-written');
  }
});
