import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { configFromFlags, withConfigOptions, type ConfigFlags } from '../../src/cli/config-options.js';
import { ConfigError } from '../../src/config/resolve.js';
import { cliPath } from '../helpers/shared.js';

// configFromFlags reads VITALDSP_* from process.env, as the commands do: tests that set one restore it.

const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-config-options-'));
const prefs = join(dir, 'prefs.yaml');
writeFileSync(prefs, 'segment:\n  hrvSeconds: 120\necg:\n  powerlineHz: 50\n');

function parse(args: string[]): ConfigFlags {
  const cmd = withConfigOptions(new Command('x')).exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  cmd.parse(args, { from: 'user' });
  return cmd.opts<ConfigFlags>();
}

function withEnv<T>(vars: Record<string, string>, fn: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  }
}

test('withConfigOptions adds --config and a repeatable --set that keeps every assignment in order', () => {
  assert.deepEqual(parse([]), {});
  assert.deepEqual(parse(['--config', prefs, '--set', 'a=1', '--set', 'b=2', '--set', 'a=3']), { config: prefs, set: ['a=1', 'b=2', 'a=3'] });
});

test('configFromFlags without flags gives the factory defaults', () => {
  const rc = configFromFlags({});
  assert.equal(rc.values.segment.hrvSeconds, 300);
  assert.deepEqual(rc.origins['segment.hrvSeconds'], { tier: 'default', source: 'factory' });
});

test('configFromFlags reads the --config file and applies --set over it', () => {
  const rc = configFromFlags({ config: prefs, set: ['ecg.powerlineHz=60'] });
  assert.equal(rc.values.segment.hrvSeconds, 120);
  assert.deepEqual(rc.origins['segment.hrvSeconds'], { tier: 'user', source: prefs });
  assert.equal(rc.values.ecg.powerlineHz, 60);
  assert.deepEqual(rc.origins['ecg.powerlineHz'], { tier: 'user', source: '--set' });
});

test('configFromFlags layers --set over the environment and the environment over the file', () => {
  const rc = withEnv({ VITALDSP_SEGMENT_HRV_SECONDS: '240', VITALDSP_ECG_POWERLINE_HZ: '60' }, () => configFromFlags({ config: prefs, set: ['segment.hrvSeconds=180'] }));
  assert.equal(rc.values.segment.hrvSeconds, 180);
  assert.equal(rc.values.ecg.powerlineHz, 60);
  assert.equal(rc.origins['ecg.powerlineHz']!.source, 'VITALDSP_ECG_POWERLINE_HZ');
});

test('configFromFlags passes the data facts to the adaptive tier', () => {
  // Blocks hold 600 000 samples per channel in whole minutes, 60 to 300 s: 4 kHz gives 150 s, so 120 s.
  assert.equal(configFromFlags({}, { fs: 4000, channels: 1, samples: 4000 * 3600 }).values.pipeline.blockSeconds, 120);
  assert.equal(configFromFlags({}).values.pipeline.blockSeconds, 300);
});

test('configFromFlags throws a ConfigError naming the key and --set for an invalid value', () => {
  assert.throws(() => configFromFlags({ set: ['segment.overlap=0.95'] }), (e: unknown) => e instanceof ConfigError && e.key === 'segment.overlap' && e.source === '--set');
});

test('configFromFlags throws a ConfigError naming the file when it cannot be read', () => {
  const missing = join(dir, 'missing.yaml');
  assert.throws(() => configFromFlags({ config: missing }), (e: unknown) => e instanceof ConfigError && e.source === missing);
});

test('a command with the config options applies every --set and exits with status 2 on a missing --config file', () => {
  const ok = spawnSync(process.execPath, [cliPath, 'config', '--explain', '--config', prefs, '--set', 'segment.eegSeconds=20', '--set', 'ecg.order=4'], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /segment\.hrvSeconds\s+120\s+user: /);
  assert.match(ok.stdout, /segment\.eegSeconds\s+20\s+user: --set/);
  assert.match(ok.stdout, /ecg\.order\s+4\s+user: --set/);
  const bad = spawnSync(process.execPath, [cliPath, 'config', '--config', join(dir, 'missing.yaml')], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^vitaldsp: config \(file\): expected a readable JSON or YAML file/);
});
