import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cliPath } from '../helpers/shared.js';

function cli(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
}

test('config --explain prints every setting with the tier it came from', () => {
  const r = cli(['config', '--explain', '--set', 'ecg.powerlineHz=60'], { VITALDSP_RUNTIME_WORKERS: '2' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /ecg\.powerlineHz\s+60\s+user: --set/);
  assert.match(r.stdout, /runtime\.workers\s+2\s+user: VITALDSP_RUNTIME_WORKERS/);
  assert.match(r.stdout, /io\.chunkSeconds\s+\d+\s+adaptive/);
  assert.match(r.stdout, /segment\.hrvSeconds\s+300\s+default/);
});

test('config --json gives machine-readable rows', () => {
  const rows = JSON.parse(cli(['config', '--json']).stdout) as { key: string; tier: string }[];
  assert.ok(rows.some((r) => r.key === 'runtime.memoryStrategy' && r.tier === 'default'));
});

test('an invalid setting exits with status 2 and a message naming key, type and source', () => {
  const r = cli(['config', '--set', 'runtime.workers=0']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /runtime\.workers: expected integer in \[1, 256\] or 'auto', got 0 \(from --set\)/);
});
