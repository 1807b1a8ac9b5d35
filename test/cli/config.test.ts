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

test('config prints in its table the keys, values and tiers --json gives', () => {
  const rows = JSON.parse(cli(['config', '--json', '--set', 'ecg.powerlineHz=60', '--fs', '360']).stdout) as { key: string; value: unknown; tier: string }[];
  const text = cli(['config', '--set', 'ecg.powerlineHz=60', '--fs', '360']);
  assert.equal(text.status, 0, text.stderr);
  const lines = text.stdout.trimEnd().split('\n');
  assert.equal(lines.length, rows.length);
  rows.forEach((r, i) => {
    const [key, value, tier] = lines[i]!.split(/ {2,}/);
    assert.deepEqual([key, value, tier?.replace(/:.*/, '')], [r.key, JSON.stringify(r.value), r.tier], lines[i]);
  });
});

const CONFIG_DATA: [string, string[]][] = [
  ['--fs that is not a number', ['--fs', 'abc']],
  ['a negative --fs', ['--fs', '-100']],
  ['--channels that is not a number', ['--fs', '100', '--channels', 'abc']],
  ['a --channels of 0', ['--fs', '100', '--channels', '0']],
];
for (const [what, args] of CONFIG_DATA) {
  test(`config refuses ${what} with exit code 2`, {}, () => {
    const r = cli(['config', '--json', ...args]);
    assert.equal(r.status, 2, r.stdout.slice(0, 200));
    assert.match(r.stderr, new RegExp(args[args.length - 2]!));
  });
}

test('config --fs with --channels feeds the adaptive tier without undefined values', () => {
  const rows = JSON.parse(cli(['config', '--json', '--fs', '250', '--channels', '4']).stdout) as { key: string; value: unknown; tier: string }[];
  const adaptive = rows.filter((r) => r.tier === 'adaptive');
  assert.ok(adaptive.length > 0);
  for (const r of adaptive) assert.ok(r.value !== null && r.value !== undefined, r.key);
});
