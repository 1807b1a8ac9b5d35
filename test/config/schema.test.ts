import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { configSchema, type ConfigInput } from '../../src/config/schema.js';

// test/config/resolve.test.ts covers the tiers and the error messages built on this schema; these
// tests hold the schema itself: its documented defaults and what it accepts and rejects.

const rule = (bad: number, good: number) => ({ bad, good });
/** The defaults the schema documents, written out by hand: a changed default has to be changed here on purpose. */
const factoryDefaults = {
  io: { chunkSeconds: 'auto', maxChunkSeconds: 600 },
  runtime: { workers: 'auto', memoryStrategy: 'balanced', memoryBudgetMB: 'auto', precision: 'auto', precisionBound: 1e-6, taskTimeoutSeconds: 600 },
  pipeline: { blockSeconds: 'auto' },
  quality: {
    flatlineMax: 0.5, clippingMax: 0.1,
    ecg: { kurtosis: rule(2, 5), qrsPower: rule(0.3, 0.5), baseline: rule(0.8, 0.95), hfNoise: rule(0.3, 0.05) },
    ppg: { bandPower: rule(0.4, 0.8), skewness: rule(-0.5, 0.2) },
    eeg: { bandPower: rule(0.4, 0.85), kurtosis: rule(10, 4) },
    resp: { bandPower: rule(0.4, 0.8) },
    unknown: { bandPower: rule(0.3, 0.7) },
    windowSeconds: 10, skipBelow: 0.2, reducedBelow: 0.5,
  },
  segment: { hrvSeconds: 300, eegSeconds: 30, respSeconds: 60, overlap: 0 },
  ecg: { lowHz: 0.5, highHz: 40, order: 2, powerlineHz: 0, detector: 'default', fiducial: 'midpoint' },
  ppg: { lowHz: 0.5, highHz: 8, order: 2 },
  resp: { lowHz: 0.05, highHz: 1, order: 2 },
  eeg: { lowHz: 0.5, highHz: 45, order: 2 },
  hrv: { conventions: 'pyhrv' },
  report: { overviewPoints: 4000, traceSeconds: 300 },
  cache: { enabled: true, dir: '', maxMB: 2048, ttlHours: 168, level: 1, outputMaxMB: 32 },
  checkpoint: { enabled: true, intervalSeconds: 1, maxAgeHours: 168, maxTotalMB: 4096 },
  recovery: { maxRetries: 3, backoffMs: 100 },
};

test('configSchema turns an empty object into every section with its factory defaults, auto leaves still auto', () => {
  assert.deepEqual(configSchema.parse({}), factoryDefaults);
});

test('a section given in part keeps the defaults of its other settings and of the other sections', () => {
  const input: ConfigInput = { runtime: { workers: 4 }, quality: { ecg: { kurtosis: { good: 6 } } }, ppg: { highHz: 5 } };
  const out = configSchema.parse(input);
  assert.deepEqual(out.runtime, { ...factoryDefaults.runtime, workers: 4 });
  assert.deepEqual(out.quality.ecg, { ...factoryDefaults.quality.ecg, kurtosis: { bad: 2, good: 6 } });
  assert.deepEqual(out.ppg, { lowHz: 0.5, highHz: 5, order: 2 });
  assert.deepEqual(out.segment, factoryDefaults.segment);
});

// Where a description states a figure, the default must be that figure.
const documented: { path: string[]; says: RegExp; value: unknown }[] = [
  { path: ['segment', 'hrvSeconds'], says: /5 min/, value: 300 },
  { path: ['segment', 'eegSeconds'], says: /30 s/, value: 30 },
  { path: ['ecg', 'powerlineHz'], says: /0 disables/, value: 0 },
  { path: ['cache', 'dir'], says: /empty means/, value: '' },
  { path: ['checkpoint', 'intervalSeconds'], says: /0: each on its own/, value: 1 },
  { path: ['quality', 'ecg', 'kurtosis', 'good'], says: /clean ECG > 5/, value: 5 },
  { path: ['quality', 'ecg', 'baseline', 'good'], says: /> 0\.95 clean/, value: 0.95 },
];
const jsonSchema = z.toJSONSchema(configSchema, { io: 'input' }) as { properties: Record<string, unknown> };
for (const d of documented) {
  test(`the description of ${d.path.join('.')} matches its default ${JSON.stringify(d.value)}`, () => {
    let node = jsonSchema as { properties?: Record<string, unknown>; description?: string; default?: unknown };
    for (const p of d.path) node = node.properties![p] as typeof node;
    assert.match(node.description ?? '', d.says);
    assert.deepEqual(node.default, d.value);
    assert.deepEqual(d.path.reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], configSchema.parse({})), d.value);
  });
}

/** Sets one leaf in an otherwise empty input. */
function withLeaf(path: string[], value: unknown): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  let o = root;
  for (const p of path.slice(0, -1)) o = (o[p] = {}) as Record<string, unknown>;
  o[path[path.length - 1]!] = value;
  return root;
}

const accepted: [string, unknown][] = [
  ['runtime.workers', 1], ['runtime.workers', 256], ['runtime.workers', 'auto'],
  ['io.chunkSeconds', 1], ['io.chunkSeconds', 86_400], ['io.chunkSeconds', 'auto'],
  ['runtime.memoryBudgetMB', 32], ['runtime.memoryBudgetMB', 'auto'], ['runtime.precision', 'float32'],
  ['runtime.precisionBound', 1e-2], ['pipeline.blockSeconds', 10], ['pipeline.blockSeconds', 'auto'],
  ['segment.overlap', 0.9], ['quality.ecg.hfNoise.bad', -3], ['ecg.powerlineHz', 50], ['ecg.powerlineHz', 60],
  ['ecg.order', 10], ['ecg.fiducial', 'upstroke'], ['ecg.detector', 'pantompkins'], ['eeg.lowHz', 0],
  ['hrv.conventions', 'hrvanalysis'], ['report.overviewPoints', 100_000], ['cache.enabled', false],
  ['cache.dir', '/tmp/x'], ['checkpoint.intervalSeconds', 0], ['recovery.maxRetries', 0], ['recovery.backoffMs', 600_000],
];
for (const [key, value] of accepted) {
  test(`configSchema accepts ${key} = ${JSON.stringify(value)}`, () => {
    const r = configSchema.safeParse(withLeaf(key.split('.'), value));
    assert.ok(r.success, r.success ? '' : JSON.stringify(r.error.issues));
    assert.deepEqual(key.split('.').reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], r.data), value);
  });
}

// code: the issue zod reports, where the leaf is not a union (a union's issue is zod's choice).
const rejected: { key: string; value: unknown; why: string; code?: string }[] = [
  { key: 'runtime.workers', value: 0, why: 'below 1' },
  { key: 'runtime.workers', value: 257, why: 'above 256' },
  { key: 'runtime.workers', value: 2.5, why: 'not an integer' },
  { key: 'runtime.workers', value: '4', why: 'a string (the schema does not coerce; leaves.ts does)' },
  { key: 'io.chunkSeconds', value: 0.5, why: 'below 1 s' },
  { key: 'io.maxChunkSeconds', value: 'auto', why: 'auto where it is not offered', code: 'invalid_type' },
  { key: 'io.maxChunkSeconds', value: 86_401, why: 'above a day', code: 'too_big' },
  { key: 'runtime.memoryStrategy', value: 'fast', why: 'not one of the strategies', code: 'invalid_value' },
  { key: 'runtime.memoryBudgetMB', value: 16, why: 'below 32 MB' },
  { key: 'runtime.precision', value: 'float16', why: 'not a precision offered', code: 'invalid_value' },
  { key: 'runtime.precisionBound', value: 0, why: 'not positive', code: 'too_small' },
  { key: 'runtime.precisionBound', value: 0.02, why: 'above 1e-2', code: 'too_big' },
  { key: 'runtime.taskTimeoutSeconds', value: -1, why: 'negative', code: 'too_small' },
  { key: 'pipeline.blockSeconds', value: 5, why: 'below 10 s' },
  { key: 'quality.flatlineMax', value: 1.5, why: 'a share above 1', code: 'too_big' },
  { key: 'quality.ecg.kurtosis.bad', value: 'low', why: 'a string for a number', code: 'invalid_type' },
  { key: 'quality.windowSeconds', value: 0, why: 'below 1 s', code: 'too_small' },
  { key: 'segment.hrvSeconds', value: NaN, why: 'NaN', code: 'invalid_type' },
  { key: 'segment.hrvSeconds', value: 5, why: 'below 10 s', code: 'too_small' },
  { key: 'segment.overlap', value: 0.95, why: 'above 0.9', code: 'too_big' },
  { key: 'ecg.powerlineHz', value: 55, why: 'not 0, 50 or 60' },
  { key: 'ecg.powerlineHz', value: '50', why: 'a string' },
  { key: 'ecg.order', value: 0, why: 'below 1', code: 'too_small' },
  { key: 'ecg.order', value: 11, why: 'above 10', code: 'too_big' },
  { key: 'ecg.order', value: 2.5, why: 'not an integer', code: 'invalid_type' },
  { key: 'ecg.fiducial', value: 'onset', why: 'not a fiducial', code: 'invalid_value' },
  { key: 'ecg.detector', value: 'hamilton', why: 'not a detector', code: 'invalid_value' },
  { key: 'ppg.highHz', value: 0, why: 'not positive', code: 'too_small' },
  { key: 'resp.lowHz', value: -0.1, why: 'negative', code: 'too_small' },
  { key: 'hrv.conventions', value: 'kubios', why: 'not a convention offered', code: 'invalid_value' },
  { key: 'report.overviewPoints', value: 99, why: 'below 100', code: 'too_small' },
  { key: 'report.overviewPoints', value: 100.5, why: 'not an integer', code: 'invalid_type' },
  { key: 'cache.enabled', value: 'yes', why: 'a string for a boolean', code: 'invalid_type' },
  { key: 'cache.dir', value: 5, why: 'a number for a path', code: 'invalid_type' },
  { key: 'cache.maxMB', value: 0.5, why: 'below 1 MB', code: 'too_small' },
  { key: 'checkpoint.intervalSeconds', value: -1, why: 'negative', code: 'too_small' },
  { key: 'checkpoint.maxAgeHours', value: 0, why: 'not positive', code: 'too_small' },
  { key: 'recovery.maxRetries', value: 21, why: 'above 20', code: 'too_big' },
  { key: 'recovery.backoffMs', value: -5, why: 'negative', code: 'too_small' },
];
for (const c of rejected) {
  test(`configSchema rejects ${c.key} = ${JSON.stringify(c.value)} (${c.why}) with an issue at that path`, () => {
    const r = configSchema.safeParse(withLeaf(c.key.split('.'), c.value));
    assert.equal(r.success, false);
    const issues = r.error!.issues;
    assert.equal(issues.length, 1, JSON.stringify(issues));
    assert.deepEqual(issues[0]!.path, c.key.split('.'));
    if (c.code) assert.equal(issues[0]!.code, c.code);
  });
}

test('configSchema rejects a section that is not an object, at the section', () => {
  const r = configSchema.safeParse({ runtime: 5 });
  assert.equal(r.success, false);
  assert.deepEqual(r.error!.issues.map((i) => [i.path, i.code]), [[['runtime'], 'invalid_type']]);
});
