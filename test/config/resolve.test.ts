import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, explainConfig, resolveConfig } from '../../src/config/resolve.js';

const machine = { cores: 2, freeMemMB: 8000, totalMemMB: 16000 };
const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-config-'));
const yamlFile = join(dir, 'prefs.yaml');
writeFileSync(yamlFile, 'runtime:\n  workers: 2\necg:\n  powerlineHz: 60\n');
const jsonFile = join(dir, 'prefs.json');
writeFileSync(jsonFile, JSON.stringify({ quality: { windowSeconds: 5 } }));

test('resolveConfig gives typed factory defaults when nothing is set', () => {
  const { values, origins } = resolveConfig({ env: {}, machine });
  assert.equal(values.segment.hrvSeconds, 300);
  assert.equal(values.ecg.detector, 'default');
  assert.equal(origins['segment.hrvSeconds']!.tier, 'default');
});

test('resolveConfig fills auto settings from the machine and marks them adaptive', () => {
  const { values, origins } = resolveConfig({ env: {}, machine: { ...machine, cores: 8 }, set: ['runtime.memoryBudgetMB=4096'] });
  assert.equal(values.runtime.workers, 8);
  assert.equal(origins['runtime.workers']!.tier, 'adaptive');
  const small = resolveConfig({ env: {}, machine: { cores: 8, freeMemMB: 100, totalMemMB: 200 } });
  assert.ok(small.values.runtime.workers < 8, 'little free memory means fewer workers');
});

test('resolveConfig sizes chunks from the data rate and the memory strategy', () => {
  const data = { fs: 1000, channels: 64, samples: 1e9 };
  const cons = resolveConfig({ env: {}, machine, data, set: ['runtime.memoryStrategy=conservative'] }).values.io.chunkSeconds;
  const aggr = resolveConfig({ env: {}, machine, data, set: ['runtime.memoryStrategy=aggressive'] }).values.io.chunkSeconds;
  assert.ok(cons >= 10 && cons < aggr, `${cons} < ${aggr}`);
});

const layered: { name: string; opts: Parameters<typeof resolveConfig>[0]; key: 'workers' | 'powerlineHz'; want: number; source: string }[] = [
  { name: 'a YAML file', opts: { file: yamlFile, env: {} }, key: 'workers', want: 2, source: yamlFile },
  { name: 'the environment over the file', opts: { file: yamlFile, env: { VITALDSP_RUNTIME_WORKERS: '4' } }, key: 'workers', want: 4, source: 'VITALDSP_RUNTIME_WORKERS' },
  { name: '--set over the environment', opts: { file: yamlFile, env: { VITALDSP_RUNTIME_WORKERS: '4' }, set: ['runtime.workers=5'] }, key: 'workers', want: 5, source: '--set' },
  { name: 'a file for another section', opts: { file: yamlFile, env: {} }, key: 'powerlineHz', want: 60, source: yamlFile },
];
for (const c of layered) {
  test(`user preferences come from ${c.name}`, () => {
    const rc = resolveConfig({ ...c.opts, machine });
    const value = c.key === 'workers' ? rc.values.runtime.workers : rc.values.ecg.powerlineHz;
    const key = c.key === 'workers' ? 'runtime.workers' : 'ecg.powerlineHz';
    assert.equal(value, c.want);
    assert.deepEqual(rc.origins[key], { tier: 'user', source: c.source });
  });
}

test('resolveConfig reads JSON preference files', () => {
  assert.equal(resolveConfig({ file: jsonFile, env: {}, machine }).values.quality.windowSeconds, 5);
});

const invalid: { name: string; opts: Parameters<typeof resolveConfig>[0]; key: string; source: string; expected: RegExp }[] = [
  { name: 'a negative worker count', opts: { set: ['runtime.workers=-1'] }, key: 'runtime.workers', source: '--set', expected: /integer in \[1, 256\] or 'auto'/ },
  { name: 'an unknown enum value', opts: { env: { VITALDSP_RUNTIME_MEMORY_STRATEGY: 'fast' } }, key: 'runtime.memoryStrategy', source: 'VITALDSP_RUNTIME_MEMORY_STRATEGY', expected: /one of 'conservative', 'balanced', 'aggressive'/ },
  { name: 'a string for a number', opts: { set: ['quality.windowSeconds=ten'] }, key: 'quality.windowSeconds', source: '--set', expected: /number in \[1, 600\]/ },
  { name: 'an unknown key', opts: { set: ['workers=2'] }, key: 'workers', source: '--set', expected: /runtime\.workers/ },
  { name: 'an assignment without =', opts: { set: ['runtime.workers'] }, key: 'runtime.workers', source: '--set', expected: /key=value/ },
];
for (const c of invalid) {
  test(`resolveConfig rejects ${c.name} naming the key, the expected type and the source`, () => {
    assert.throws(() => resolveConfig({ env: {}, machine, ...c.opts }), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.equal(e.key, c.key);
      assert.equal(e.source, c.source);
      assert.match(e.message, c.expected);
      return true;
    });
  });
}

test('explainConfig lists every setting once with its tier', () => {
  const rows = explainConfig(resolveConfig({ env: {}, machine, set: ['ecg.powerlineHz=50'] }));
  assert.equal(new Set(rows.map((r) => r.key)).size, rows.length);
  assert.equal(rows.find((r) => r.key === 'ecg.powerlineHz')!.tier, 'user');
  assert.equal(rows.find((r) => r.key === 'runtime.workers')!.tier, 'adaptive');
  assert.ok(rows.every((r) => r.description.length > 0), 'every setting is documented');
});

test('resolveConfig refuses settings that are valid alone but out of order together, naming the one the user set', () => {
  const cases: { set: string[]; key: string; message: RegExp }[] = [
    { set: ['quality.skipBelow=0.6'], key: 'quality.skipBelow', message: /expected a value at most quality\.reducedBelow \(0\.5\), got 0\.6 \(from --set\)/ },
    { set: ['quality.reducedBelow=0.1'], key: 'quality.reducedBelow', message: /expected a value at least quality\.skipBelow \(0\.2\), got 0\.1/ },
    { set: ['ecg.highHz=0.3'], key: 'ecg.highHz', message: /expected a value above ecg\.lowHz \(0\.5\), got 0\.3/ },
    { set: ['eeg.lowHz=45'], key: 'eeg.lowHz', message: /expected a value below eeg\.highHz \(45\), got 45/ },
    { set: ['quality.ecg.kurtosis.good=2'], key: 'quality.ecg.kurtosis.good', message: /other than quality\.ecg\.kurtosis\.bad \(2\)/ },
  ];
  for (const c of cases) {
    assert.throws(() => resolveConfig({ env: {}, set: c.set }), (e: unknown) => e instanceof ConfigError && e.key === c.key && c.message.test(e.message), c.set.join(' '));
  }
  // Equal thresholds are allowed (no reduced band), and moving both together is fine.
  const ok = resolveConfig({ env: {}, set: ['quality.skipBelow=0.5', 'resp.lowHz=2', 'resp.highHz=3', 'quality.eeg.kurtosis.bad=3'] }).values;
  assert.deepEqual([ok.quality.skipBelow, ok.resp.lowHz, ok.resp.highHz, ok.quality.eeg.kurtosis.bad], [0.5, 2, 3, 3]);
});
