import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coerce, findLeaf, leaves } from '../../src/config/leaves.js';
import { configSchema } from '../../src/config/schema.js';

test('every leaf has a unique VITALDSP_ environment name', () => {
  assert.equal(new Set(leaves.map((l) => l.env)).size, leaves.length);
  assert.equal(findLeaf('runtime.memoryBudgetMB')!.env, 'VITALDSP_RUNTIME_MEMORY_BUDGET_MB');
});

const cases: [string, string, unknown][] = [
  ['runtime.workers', '4', 4],
  ['runtime.workers', 'auto', 'auto'],
  ['cache.enabled', 'false', false],
  ['cache.enabled', 'yes', true],
  ['ecg.powerlineHz', '60', 60],
  ['ecg.detector', 'pantompkins', 'pantompkins'],
  ['quality.windowSeconds', 'x', 'x'],
];
for (const [key, text, want] of cases) {
  test(`coerce turns '${text}' for ${key} into ${JSON.stringify(want)}`, () => {
    assert.equal(coerce(findLeaf(key)!, text), want);
  });
}

const moreCases: [string, string, unknown][] = [
  ['runtime.workers', ' 4 ', 4],
  ['runtime.workers', ' auto ', 'auto'],
  ['runtime.workers', '', ''],
  ['runtime.workers', '   ', ''],
  ['runtime.workers', 'Infinity', 'Infinity'],
  ['report.overviewPoints', '1e3', 1000],
  ['runtime.precisionBound', '1e-7', 1e-7],
  ['runtime.memoryBudgetMB', '-64', -64],
  ['cache.enabled', 'true', true],
  ['cache.enabled', 'false', false],
  ['cache.enabled', '1', true],
  ['cache.enabled', '0', false],
  ['cache.enabled', ' TRUE ', true],
  ['cache.enabled', 'No', false],
  ['cache.enabled', 'on', 'on'],
  ['checkpoint.enabled', '2', '2'],
  ['ecg.powerlineHz', '50.0', 50],
  ['ecg.powerlineHz', '0', 0],
  ['cache.dir', '123', '123'],
  ['cache.dir', 'true', 'true'],
  ['runtime.precision', 'auto', 'auto'],
];
for (const [key, text, want] of moreCases) {
  test(`coerce turns ${JSON.stringify(text)} for ${key} into ${JSON.stringify(want)}`, () => {
    assert.equal(coerce(findLeaf(key)!, text), want);
  });
}

const envNames: [string, string][] = [
  ['io.maxChunkSeconds', 'VITALDSP_IO_MAX_CHUNK_SECONDS'],
  ['runtime.workers', 'VITALDSP_RUNTIME_WORKERS'],
  ['quality.ecg.hfNoise.bad', 'VITALDSP_QUALITY_ECG_HF_NOISE_BAD'],
  ['ecg.powerlineHz', 'VITALDSP_ECG_POWERLINE_HZ'],
  ['cache.maxMB', 'VITALDSP_CACHE_MAX_MB'],
  ['recovery.backoffMs', 'VITALDSP_RECOVERY_BACKOFF_MS'],
];
for (const [key, env] of envNames) {
  test(`the environment variable of ${key} is ${env}`, () => {
    assert.equal(findLeaf(key)!.env, env);
  });
}

test('no setting reads a VITALDSP_ variable the engines, benches or tests use for something else', () => {
  const taken = ['VITALDSP_REDIS_URL', 'VITALDSP_SHARED', 'VITALDSP_BENCH_QUICK', 'VITALDSP_BENCH_BASELINE'];
  for (const l of leaves) assert.ok(!taken.includes(l.env), l.key);
  for (const l of leaves) assert.match(l.env, /^VITALDSP_[A-Z0-9]+(_[A-Z0-9]+)*$/, l.key);
});

const expectations: [string, string][] = [
  ['runtime.workers', "integer in [1, 256] or 'auto'"],
  ['runtime.memoryBudgetMB', "number in [32, 1048576] or 'auto'"],
  ['runtime.precisionBound', 'number in (0, 0.01]'],
  ['runtime.memoryStrategy', "one of 'conservative', 'balanced', 'aggressive'"],
  ['ecg.lowHz', 'number >= 0'],
  ['ecg.highHz', 'number > 0'],
  ['ecg.powerlineHz', '0 or 50 or 60'],
  ['cache.enabled', 'boolean'],
  ['cache.dir', 'string'],
  ['quality.ecg.kurtosis.bad', 'number'],
  ['recovery.maxRetries', 'integer in [0, 20]'],
];
for (const [key, expected] of expectations) {
  test(`the leaf ${key} says it expects ${expected}`, () => {
    assert.equal(findLeaf(key)!.expected, expected);
  });
}

test('every leaf has a dotted key matching its path, a description and a default', () => {
  for (const l of leaves) {
    assert.equal(l.key, l.path.join('.'));
    assert.ok(l.description.trim().length > 0, `${l.key} is described`);
    assert.notEqual(l.defaultValue, undefined, `${l.key} has a default`);
  }
  assert.equal(findLeaf('runtime'), undefined, 'sections are not leaves');
  assert.equal(findLeaf('runtime.workers.x'), undefined);
});

test('every leaf default is the value the schema gives when nothing is set', () => {
  const defaults = configSchema.parse({}) as unknown;
  for (const l of leaves) {
    let v = defaults;
    for (const p of l.path) v = (v as Record<string, unknown>)[p];
    assert.deepEqual(l.defaultValue, v, l.key);
  }
});
