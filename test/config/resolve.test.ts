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

const prefsFile = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

test('resolveConfig reports the origin of a value from every tier and source', () => {
  const file = prefsFile('tiers.yaml', 'runtime:\n  workers: 2\n  memoryBudgetMB: auto\necg:\n  powerlineHz: 50\n');
  const { origins } = resolveConfig({
    file, machine,
    env: { VITALDSP_ECG_POWERLINE_HZ: '60', VITALDSP_RUNTIME_PRECISION: 'auto', VITALDSP_CACHE_MAX_MB: '100' },
    set: ['cache.maxMB=200', 'pipeline.blockSeconds=auto'],
  });
  const want: Record<string, { tier: string; source: string }> = {
    'segment.hrvSeconds': { tier: 'default', source: 'factory' },
    'runtime.workers': { tier: 'user', source: file },
    'ecg.powerlineHz': { tier: 'user', source: 'VITALDSP_ECG_POWERLINE_HZ' },
    'cache.maxMB': { tier: 'user', source: '--set' },
    'io.chunkSeconds': { tier: 'adaptive', source: 'auto' },
    'runtime.memoryBudgetMB': { tier: 'adaptive', source: `auto (${file})` },
    'runtime.precision': { tier: 'adaptive', source: 'auto (VITALDSP_RUNTIME_PRECISION)' },
    'pipeline.blockSeconds': { tier: 'adaptive', source: 'auto (--set)' },
  };
  for (const [key, origin] of Object.entries(want)) assert.deepEqual(origins[key], origin, key);
});

test('resolveConfig marks every leaf that has no auto value as default or user, never adaptive', () => {
  const rc = resolveConfig({ env: {}, machine });
  const adaptive = Object.entries(rc.origins).filter(([, o]) => o.tier === 'adaptive').map(([k]) => k).sort();
  assert.deepEqual(adaptive, ['io.chunkSeconds', 'pipeline.blockSeconds', 'runtime.memoryBudgetMB', 'runtime.precision', 'runtime.workers']);
});

const envValues: { name: string; env: Record<string, string>; get: (v: ReturnType<typeof resolveConfig>['values']) => unknown; want: unknown }[] = [
  { name: "'true'", env: { VITALDSP_CACHE_ENABLED: 'true' }, get: (v) => v.cache.enabled, want: true },
  { name: "'false'", env: { VITALDSP_CACHE_ENABLED: 'false' }, get: (v) => v.cache.enabled, want: false },
  { name: "'1'", env: { VITALDSP_CHECKPOINT_ENABLED: '1' }, get: (v) => v.checkpoint.enabled, want: true },
  { name: "'0'", env: { VITALDSP_CHECKPOINT_ENABLED: '0' }, get: (v) => v.checkpoint.enabled, want: false },
  { name: "'1e3'", env: { VITALDSP_REPORT_OVERVIEW_POINTS: '1e3' }, get: (v) => v.report.overviewPoints, want: 1000 },
  { name: 'a number with spaces', env: { VITALDSP_RUNTIME_WORKERS: ' 3 ' }, get: (v) => v.runtime.workers, want: 3 },
  { name: 'an enum value with spaces', env: { VITALDSP_ECG_DETECTOR: ' pantompkins ' }, get: (v) => v.ecg.detector, want: 'pantompkins' },
  { name: 'an empty string', env: { VITALDSP_SEGMENT_HRV_SECONDS: '' }, get: (v) => v.segment.hrvSeconds, want: 300 },
  { name: 'an unknown VITALDSP_ variable', env: { VITALDSP_RUNTIME_WORKERZ: '3', VITALDSP_REDIS_URL: 'redis://x' }, get: (v) => v.runtime.workers, want: 2 },
];
for (const c of envValues) {
  test(`resolveConfig reads ${c.name} from the environment`, () => {
    assert.equal(c.get(resolveConfig({ env: c.env, machine }).values), c.want);
  });
}

test('resolveConfig keeps a file value when the environment variable for it is empty', () => {
  const rc = resolveConfig({ file: yamlFile, env: { VITALDSP_RUNTIME_WORKERS: '' }, machine });
  assert.equal(rc.values.runtime.workers, 2);
  assert.equal(rc.origins['runtime.workers']!.source, yamlFile);
});

const badEnv: { name: string; env: Record<string, string>; key: string; expected: RegExp }[] = [
  { name: 'only spaces for a number', env: { VITALDSP_RUNTIME_WORKERS: '   ' }, key: 'runtime.workers', expected: /integer in \[1, 256\] or 'auto'/ },
  { name: "'on' for a boolean", env: { VITALDSP_CACHE_ENABLED: 'on' }, key: 'cache.enabled', expected: /expected boolean, got "on"/ },
  { name: 'a fraction for an integer', env: { VITALDSP_RUNTIME_WORKERS: '1.5' }, key: 'runtime.workers', expected: /got 1\.5/ },
  { name: "'AUTO' in capitals", env: { VITALDSP_RUNTIME_WORKERS: 'AUTO' }, key: 'runtime.workers', expected: /got "AUTO"/ },
  { name: 'a mains frequency that is not 0, 50 or 60', env: { VITALDSP_ECG_POWERLINE_HZ: '55' }, key: 'ecg.powerlineHz', expected: /0 or 50 or 60/ },
];
for (const c of badEnv) {
  test(`resolveConfig refuses ${c.name} from the environment naming the variable`, () => {
    assert.throws(() => resolveConfig({ env: c.env, machine }), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.equal(e.key, c.key);
      assert.equal(e.source, Object.keys(c.env)[0]);
      assert.match(e.message, c.expected);
      return true;
    });
  });
}

const emptyFiles: { name: string; file: string; text: string }[] = [
  { name: 'an empty YAML file', file: 'empty.yaml', text: '' },
  { name: 'a YAML file of comments', file: 'comments.yaml', text: '# nothing yet\n' },
  { name: 'a JSON null', file: 'null.json', text: 'null' },
  { name: 'an empty JSON object', file: 'empty.json', text: '{}' },
];
for (const c of emptyFiles) {
  test(`resolveConfig reads ${c.name} as no preferences`, () => {
    const rc = resolveConfig({ file: prefsFile(c.file, c.text), env: {}, machine });
    assert.ok(Object.values(rc.origins).every((o) => o.tier !== 'user'));
  });
}

const badFiles: { name: string; file: string; text: string; key: string; expected: RegExp }[] = [
  { name: 'a JSON list', file: 'list.json', text: '[1, 2]', key: '(root)', expected: /expected an object of settings, got \[1,2\]/ },
  { name: 'a JSON string', file: 'string.json', text: '"fast"', key: '(root)', expected: /an object of settings/ },
  { name: 'a JSON number', file: 'number.json', text: '5', key: '(root)', expected: /an object of settings/ },
  { name: 'a YAML list', file: 'list.yaml', text: '- 1\n- 2\n', key: '(root)', expected: /an object of settings/ },
  { name: 'a nested unknown key', file: 'nested.yaml', text: 'quality:\n  ecg:\n    kurtosis:\n      worst: 1\n', key: 'quality.ecg.kurtosis.worst', expected: /no such setting/ },
  { name: 'an unknown key under an unknown one', file: 'deep.yaml', text: 'runtime:\n  pool:\n    size: 2\n', key: 'runtime.pool', expected: /no such setting/ },
  { name: 'a key set to null', file: 'nullkey.yaml', text: 'runtime:\n  workers: null\n', key: 'runtime.workers', expected: /integer in \[1, 256\] or 'auto', got null/ },
  { name: 'a list where a number belongs', file: 'listnum.yaml', text: 'quality:\n  windowSeconds: [5, 10]\n', key: 'quality.windowSeconds', expected: /number in \[1, 600\], got \[5,10\]/ },
  { name: 'a quoted number', file: 'quoted.yaml', text: 'runtime:\n  workers: "4"\n', key: 'runtime.workers', expected: /got "4"/ },
  { name: 'an object where a number belongs', file: 'objnum.json', text: '{"runtime":{"workers":{"min":2}}}', key: 'runtime.workers', expected: /got \{"min":2\}/ },
  { name: 'broken JSON', file: 'broken.json', text: '{"runtime": ', key: '(file)', expected: /expected valid JSON/ },
  { name: 'broken YAML', file: 'broken.yaml', text: 'runtime:\n  workers: [2\n', key: '(file)', expected: /expected valid YAML/ },
];
for (const c of badFiles) {
  test(`resolveConfig refuses ${c.name} in a preferences file naming the key and the file`, () => {
    const file = prefsFile(c.file, c.text);
    assert.throws(() => resolveConfig({ file, env: {}, machine }), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.equal(e.key, c.key);
      assert.equal(e.source, file);
      assert.match(e.message, c.expected);
      return true;
    });
  });
}

test('resolveConfig refuses a missing preferences file naming it', () => {
  const file = join(dir, 'missing.yaml');
  assert.throws(() => resolveConfig({ file, env: {}, machine }), (e: unknown) => e instanceof ConfigError && e.key === '(file)' && e.source === file && /readable JSON or YAML/.test(e.message));
});

test('resolveConfig accepts a dotted key at the top of a preferences file', () => {
  const file = prefsFile('dotted.yaml', 'runtime.workers: 3\n');
  assert.deepEqual(resolveConfig({ file, env: {}, machine }).origins['runtime.workers'], { tier: 'user', source: file });
});

test('resolveConfig reads an empty section of a YAML file as no preferences', () => {
  const file = prefsFile('empty-section.yaml', 'runtime:\n  # workers: 2\necg:\n  powerlineHz: 50\n');
  assert.equal(resolveConfig({ file, env: {}, machine }).values.ecg.powerlineHz, 50);
});

test('resolveConfig refuses a value in place of a section as not an object, not as an unknown key', () => {
  const file = prefsFile('scalar-section.yaml', 'runtime: 4\n');
  assert.throws(() => resolveConfig({ file, env: {}, machine }), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.key, 'runtime');
    assert.match(e.message, /an object of settings/);
    assert.doesNotMatch(e.message, /no such setting/);
    return true;
  });
});

const sets: { name: string; set: string[]; get: (v: ReturnType<typeof resolveConfig>['values']) => unknown; want: unknown }[] = [
  { name: "an '=' in the value", set: ['cache.dir=/data/run=3/cache'], get: (v) => v.cache.dir, want: '/data/run=3/cache' },
  { name: 'spaces around the key and value', set: [' runtime.workers = 3 '], get: (v) => v.runtime.workers, want: 3 },
  { name: 'an empty value for a string', set: ['cache.dir=/x', 'cache.dir='], get: (v) => v.cache.dir, want: '' },
  { name: 'the later of two assignments', set: ['runtime.workers=3', 'runtime.workers=4'], get: (v) => v.runtime.workers, want: 4 },
  { name: 'a boolean as 0', set: ['checkpoint.enabled=0'], get: (v) => v.checkpoint.enabled, want: false },
];
for (const c of sets) {
  test(`resolveConfig takes --set with ${c.name}`, () => {
    assert.equal(c.get(resolveConfig({ env: {}, machine, set: c.set }).values), c.want);
  });
}

test('resolveConfig refuses --set with no key before the = sign for what it is', () => {
  assert.throws(() => resolveConfig({ env: {}, machine, set: ['=5'] }), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.source, '--set');
    assert.doesNotMatch(e.message, /no = sign/);
    return true;
  });
});

test('resolveConfig keeps adaptive values within their bounds on small and large machines', () => {
  for (const cores of [1, 2, 64]) {
    for (const freeMemMB of [256, 2 ** 20]) {
      for (const strategy of ['conservative', 'balanced', 'aggressive']) {
        for (const data of [undefined, { fs: 1, channels: 1, samples: 1 }, { fs: 100_000, channels: 4, samples: 3.6e8 }]) {
          const { values } = resolveConfig({ env: {}, machine: { cores, freeMemMB, totalMemMB: 2 * freeMemMB }, ...(data ? { data } : {}), set: [`runtime.memoryStrategy=${strategy}`, 'io.maxChunkSeconds=120'] });
          const at = JSON.stringify({ cores, freeMemMB, strategy, data });
          assert.ok(values.runtime.workers >= 1 && values.runtime.workers <= cores, at);
          assert.ok(values.io.chunkSeconds <= 120, at);
          assert.ok(values.runtime.memoryBudgetMB >= 32 && values.runtime.memoryBudgetMB <= 2048, at);
          assert.ok(values.pipeline.blockSeconds >= 10, at);
        }
      }
    }
  }
});

test('resolveConfig keeps a worker count the user gave, even above the cores', () => {
  const rc = resolveConfig({ env: { VITALDSP_RUNTIME_WORKERS: '8' }, machine: { cores: 1, freeMemMB: 256, totalMemMB: 512 } });
  assert.equal(rc.values.runtime.workers, 8);
  assert.equal(rc.origins['runtime.workers']!.tier, 'user');
});
